#include "pending_index.hpp"

namespace weft::detail::doc {

void PendingIndex::add(TxRecord record, Bytes bytes, Dot need) {
  const PendingKey k{record.replica, record.first};
  ops_ += record.ops.size();
  bytes_ += bytes.size();
  needs_.emplace(need, k);
  records_.emplace(k, Waiting{std::move(record), std::move(bytes), need});
}

void PendingIndex::wait_for(const PendingKey& k, Dot need) {
  Waiting& w = records_.at(k);
  needs_.erase({w.need, k});
  w.need = need;
  needs_.emplace(need, k);
}

void PendingIndex::erase(const PendingKey& k) {
  auto it = records_.find(k);
  if (it == records_.end()) return;
  ops_ -= it->second.record.ops.size();
  bytes_ -= it->second.bytes.size();
  needs_.erase({it->second.need, k});
  records_.erase(it);
}

}  // namespace weft::detail::doc

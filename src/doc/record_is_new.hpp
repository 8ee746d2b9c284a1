#pragma once
// Whether a received record is new to a replica (internal): one rule for
// apply_update and merge_updates.
#include <map>

#include "record.hpp"

namespace weft::detail::doc {

using PendingKey = std::pair<ReplicaId, std::uint64_t>;

// Checks `rec` against the ops of its replica already known (integrated up to
// `have`, or in `known`): covered records are dropped, overlapping ones are a
// causality violation (a replica id reused). True when `rec` is new.
inline result<bool> is_new(const TxRecord& rec, std::uint64_t have,
                           const std::map<PendingKey, const TxRecord*>& known) {
  auto violation = [] {
    return result<bool>(boost::system::in_place_error, errc::causality_violation);
  };
  if (have >= rec.last()) return false;
  if (have >= rec.first) return violation();
  auto it = known.lower_bound({rec.replica, rec.first});
  if (it != known.end() && it->first.first == rec.replica) {
    const TxRecord& next = *it->second;
    if (next.first == rec.first && next.last() == rec.last()) return false;  // duplicate
    if (next.first <= rec.last()) return violation();
  }
  if (it != known.begin()) {
    const auto& prev = *std::prev(it);
    if (prev.first.first == rec.replica && prev.second->last() >= rec.first) return violation();
  }
  return true;
}

}  // namespace weft::detail::doc

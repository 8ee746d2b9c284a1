// The open transaction's record: local ops join it as they are made, and
// commit encodes it once.
#include <algorithm>
#include <stdexcept>

#include "doc_impl.hpp"
#include "weft/encoding/frame.hpp"

namespace weft::detail::doc {

void DocImpl::begin_tx() {
  if (in_tx_) throw std::logic_error("weft::Doc::transact: a transaction is already open");
  in_tx_ = true;
  open_.replica = replica_;
  open_.first = sv_.get(replica_) + 1;
  open_.lamport = std::min(max_lamport_ + 1, kMaxClock);  // saturates: see kMaxClock
  begin_batch();
}

void DocImpl::apply_local(Op&& op) {
  apply_op(op, next_dot(), next_lamport());
  record_local(std::move(op));
}

void DocImpl::record_local(Op&& op) {
  open_.width += op.width();
  open_.ops.push_back(std::move(op));
}

Bytes DocImpl::commit_tx(const std::string& origin) {
  in_tx_ = false;
  Bytes out;
  if (!open_.ops.empty()) {
    TxRecord& rec = open_;
    // Deps: what changed since this replica's previous record (which carries
    // the rest of its past), and every replica whose dots the ops name.
    advanced_.drain([&](ReplicaId r) { rec.deps.advance(r, sv_.get(r)); });
    auto named = [&](const Dot& d) {
      if (!d.is_nil() && d.replica != replica_) rec.deps.advance(d.replica, sv_.get(d.replica));
    };
    for (const Op& op : rec.ops) {
      if (!op.target.is_root()) named(op.target.dot);
      for_each_named_dot(op.body, named);
    }
    // The record is encoded once, straight into its update's frame, and the
    // history keeps the same bytes.
    Writer w = begin_frame(TypeTag::doc_update, 64);
    w.varint(1);
    const std::size_t at = w.size();
    encode_record(w, rec);
    const std::span<const std::uint8_t> bytes = w.view().subspan(at);
    log_.append(rec, bytes);
    sv_.advance(replica_, rec.last());
    max_lamport_ = std::max(max_lamport_, rec.lamport_of(rec.last()));
    out = deflates(w.size() - at + 1) ? frame_update(std::span(&bytes, 1))
                                      : finish_frame(std::move(w));
    // The ops' storage stays for the next transaction.
    rec.ops.clear();
    rec.deps = VersionVector{};
    rec.width = 0;
    if (commit_hook_) {
      try {
        commit_hook_(out);
      } catch (...) {
        ++observer_errors_;  // the commit stands; the hook owner reports its own failure
      }
    }
  }
  end_batch(origin, true);
  return out;
}

void DocImpl::take_settings_from(DocImpl& other) {
  observers_ = other.observers_;
  observer_errors_ = other.observer_errors_;
  commit_hook_ = std::move(other.commit_hook_);
  pending_limits_ = other.pending_limits_;
}

}  // namespace weft::detail::doc

#pragma once
// Applying an encoded update, with the fast path for a replica that has seen
// nothing (decoding a document, a first sync). Included by engine.hpp only.
//
// The general path decodes every op, then validates and orders them all before
// integrating any, so a refused update changes nothing. A replica that has
// seen nothing can be restored by rebuilding it, so the fast path integrates
// ops as the reader yields them, in the order given, and finds bad origins
// while integrating. Anything it does not take to the end (malformed bytes, an
// op that must wait for another, an origin that is no element) rebuilds the
// replica and goes the general way, which gives the verdict: the same state or
// error as if the fast path did not exist.
#include "weft/types/sequence/detail/engine.hpp"

namespace weft::detail::seq {

template <class Store>
result<ApplyResult> Engine<Store>::apply_encoded(std::span<const std::uint8_t> update) {
  if (vv_.empty() && pending_.empty()) {
    auto reader = UpdateReader<Store>::open(update);
    if (!reader) return reader.error();
    ApplyResult res;
    if (apply_fresh(*reader, res)) return res;
    *this = Engine(reps_[0].id);
  }
  auto decoded = decode_ops(update);
  if (!decoded) return decoded.error();
  return apply(std::move(decoded->first), std::move(decoded->second));
}

template <class Store>
bool Engine<Store>::apply_fresh(UpdateReader<Store>& reader, ApplyResult& res) {
  // Bounds the general path checks before integrating: leave those cases to it.
  if (3 * reader.total_ops() >= (std::uint64_t{1} << 30)) return false;
  // A lone replica's history is all this replica will hold: size its logs and
  // arena exactly (growing them op by op copies each several times).
  if (const auto one = reader.single_block(); one) {
    ReplicaLog& rep = reps_[intern(one->replica)];
    rep.runs.reserve(one->inserts);
    rep.dels.reserve(one->deletes);
    rep.arena.reserve(reader.content().size());
  }
  cursor_leaf_ = kNone;
  typing_ = false;
  const auto seen = [&](const Dot& d) { return d.counter <= vv_.get(d.replica); };
  std::uint64_t units = 0;
  WireOp op;
  while (true) {
    auto next = reader.next(op);
    if (!next) return false;
    if (*next == Next::end) break;
    // Ready: the op continues its replica's ops and what it names is integrated.
    if (op.counter != vv_.get(op.replica) + 1) return false;
    if (op.kind == kDelete) {
      const std::uint64_t top = op.dir == 1 ? op.target.counter + (op.len - 1) : op.target.counter;
      if (!seen(Dot{op.target.replica, top})) return false;
    } else if (!seen(op.left) || !seen(op.right)) {
      return false;
    }
    if (op.kind == kInsert && (units += op.units) > 0xFFFFFFF0u) return false;
    // Integration finds every origin and target; one that is no element fails it.
    if (!integrate_op(op, 0, reader.content())) return false;
    res.applied += op.len;
  }
  next_ = vv_.get(reps_[0].id) + 1;
  return true;
}

}  // namespace weft::detail::seq

#pragma once
// Applying an encoded update, with the fast path for one replica's ops applied
// to a replica that has seen nothing (decoding a single author's document, a
// first sync from it). Included by engine.hpp only.
//
// The general path decodes every op, then validates and orders them all before
// integrating any, so a refused update changes nothing. A replica that has
// seen nothing can be restored by rebuilding it, so the fast path integrates
// ops as the reader yields them, in the order given, and finds bad origins
// while integrating. Anything it does not take to the end (malformed bytes, an
// op that names an element not yet seen, an origin that is no element)
// rebuilds the replica and goes the general way, which gives the verdict: the
// same state or error as if the fast path did not exist.
//
// Only for one replica's ops: those are in causal order as written, so a
// well-formed update never falls back. Several replicas' ops are written
// replica by replica, not in causal order; they would mostly fall back part
// way and be integrated twice, so they go the general way from the start.
#include "weft/types/sequence/detail/engine.hpp"

namespace weft::detail::seq {

template <class Store>
result<ApplyResult> Engine<Store>::apply_encoded(std::span<const std::uint8_t> update) {
  auto reader = UpdateReader<Store>::open(update);
  if (!reader) return reader.error();
  if (vv_.empty() && pending_.empty()) {
    if (const auto shape = reader->single_block(); shape) {
      ApplyResult res;
      if (apply_fresh(*reader, *shape, res)) return res;
      *this = Engine(reps_[0].id);
      reader = UpdateReader<Store>::open(update);  // from the start (it opened before)
    }
  }
  auto decoded = read_all(*reader);
  if (!decoded) return decoded.error();
  return apply(std::move(decoded->first), std::move(decoded->second));
}

template <class Store>
bool Engine<Store>::apply_fresh(UpdateReader<Store>& reader,
                                const typename UpdateReader<Store>::BlockShape& shape,
                                ApplyResult& res) {
  // Bounds the general path checks before integrating: leave those cases to it.
  if (3 * reader.total_ops() >= (std::uint64_t{1} << 30)) return false;
  // This history is all the replica will hold: size its logs and arena once
  // (growing them op by op copies each several times).
  ReplicaLog& rep = reps_[intern(shape.replica)];
  // Lookups far from a run's head split it in the log (locate_dot_indexed):
  // leave room for a few, or the last of them copies the whole log.
  rep.runs.reserve(shape.inserts + shape.inserts / 32 + 8);
  rep.dels.reserve(shape.deletes);
  rep.arena.reserve(reader.content().size());
  cursor_leaf_ = kNone;
  typing_ = false;
  // What is integrated: the author's ops up to `have`, nothing else (so no
  // version vector lookups).
  std::uint64_t have = 0;
  const auto seen = [&](const Dot& d) {
    return d.counter == 0 || (d.replica == shape.replica && d.counter <= have);
  };
  std::uint64_t units = 0;
  WireOp op;
  while (true) {
    auto next = reader.next(op);
    if (!next) return false;
    if (*next == Next::end) break;
    // Ready: the op continues its replica's ops and what it names is integrated.
    if (op.counter != have + 1) return false;
    if (op.kind == kDelete) {
      const std::uint64_t top = op.dir == 1 ? op.target.counter + (op.len - 1) : op.target.counter;
      if (!seen(Dot{op.target.replica, top})) return false;
    } else if (!seen(op.left) || !seen(op.right)) {
      return false;
    }
    if (op.kind == kInsert && (units += op.units) > kMaxArena) return false;
    // Integration finds every origin and target; one that is no element fails it.
    if (!integrate_op(op, 0, reader.content())) return false;
    res.applied += op.len;
    have += op.len;
  }
  next_ = vv_.get(reps_[0].id) + 1;
  return true;
}

}  // namespace weft::detail::seq

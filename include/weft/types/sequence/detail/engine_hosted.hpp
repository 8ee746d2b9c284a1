#pragma once
// The sequence engine hosted by a weft::Doc: validation, integration and op
// extraction without the engine's own version checks. Included by engine.hpp only.
#include "weft/types/sequence/detail/engine.hpp"

namespace weft::detail::seq {

template <class Store>
std::uint64_t Engine<Store>::first_missing(ReplicaId id, std::uint64_t lo, std::uint64_t hi) const {
  const std::uint32_t r = find_replica(id);
  if (r == kNone) return lo;
  for (std::uint64_t c = lo; c <= hi;) {
    const Run* run = find_run(r, c);
    if (run == nullptr) return c;
    c = run->counter + run->len;
  }
  return hi + 1;
}

template <class Store>
bool Engine<Store>::room_for(ReplicaId id, std::uint64_t units) const noexcept {
  const std::uint32_t r = find_replica(id);
  const std::uint64_t have = r == kNone ? 0 : reps_[r].arena.size();
  // Replica indexes must fit DelRun's 31 bits (30 kept, as apply() does).
  return units <= kMaxArena - have && reps_.size() < (std::size_t{1} << 30);
}

template <class Store>
template <class Content>
void Engine<Store>::integrate_hosted(const WireOp& op, const Content& content) {
  // Remote ops change widths anywhere: the local cursors go stale.
  cursor_leaf_ = kNone;
  typing_ = false;
  [[maybe_unused]] const bool ok = integrate_op(op, 0, content);
}

}  // namespace weft::detail::seq

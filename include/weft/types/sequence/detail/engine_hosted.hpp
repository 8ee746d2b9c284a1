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

template <class Store>
std::vector<WireOp> Engine<Store>::ops_between(ReplicaId id, std::uint64_t lo,
                                               std::uint64_t hi) const {
  std::vector<WireOp> out;
  const std::uint32_t r = find_replica(id);
  if (r == kNone || hi < lo) return out;
  const ReplicaLog& rep = reps_[r];
  auto dot = [&](const Origin& o) {
    return o.counter == 0 ? Dot{} : Dot{reps_[o.replica].id, o.counter};
  };
  auto first_ending_at_or_after = [&](const auto& v) {
    return std::partition_point(v.begin(), v.end(),
                                [&](const auto& x) { return x.counter + x.len - 1 < lo; });
  };
  for (auto it = first_ending_at_or_after(rep.runs); it != rep.runs.end() && it->counter <= hi;
       ++it) {
    const std::uint64_t start = std::max(lo, it->counter);
    const std::uint64_t end = std::min(hi, it->counter + it->len - 1);
    const auto skip = static_cast<std::uint32_t>(start - it->counter);
    const auto n = static_cast<std::uint32_t>(end - start + 1);
    WireOp op;
    op.replica = id;
    op.counter = start;
    op.len = n;
    op.left = skip == 0 ? dot(it->left()) : Dot{id, start - 1};
    op.right = dot(it->right());
    if (it->offset == kNoOffset) {
      op.kind = kInsertGc;
    } else {
      op.kind = kInsert;
      std::uint32_t units = 0;
      std::uint32_t u16 = 0;
      Store::measure(rep.arena, it->offset, skip, units, u16);
      op.content_off = it->offset + units;
      Store::measure(rep.arena, it->offset + units, n, units, u16);
      op.units = units;
    }
    out.push_back(op);
  }
  for (auto it = first_ending_at_or_after(rep.dels); it != rep.dels.end() && it->counter <= hi;
       ++it) {
    const std::uint64_t start = std::max(lo, it->counter);
    const std::uint64_t end = std::min(hi, it->counter + it->len - 1);
    const std::uint64_t skip = start - it->counter;
    WireOp op;
    op.replica = id;
    op.counter = start;
    op.len = end - start + 1;
    op.kind = kDelete;
    op.dir = op.len == 1 ? 1 : it->dir();
    const std::uint64_t t = it->dir() == 1 ? it->target + skip : it->target - skip;
    op.target = Dot{reps_[it->target_replica()].id, t};
    out.push_back(op);
  }
  std::sort(out.begin(), out.end(),
            [](const WireOp& a, const WireOp& b) { return a.counter < b.counter; });
  return out;
}

}  // namespace weft::detail::seq

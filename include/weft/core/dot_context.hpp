#pragma once
// DotContext: the causal context of a replica, "which events have I seen".
//
// A version vector covers each replica's contiguous prefix of events; dots
// seen out of order wait in a DotSet cloud until the gap before them fills,
// at which point compact() folds them into the vector. The representation is
// canonical after every mutation (always compacted), so == is structural.
#include <cstdint>

#include "weft/core/dot_set.hpp"
#include "weft/core/version_vector.hpp"

namespace weft {

class DotContext {
 public:
  DotContext() = default;

  [[nodiscard]] bool contains(const Dot& dot) const noexcept {
    return vv_.contains(dot) || cloud_.contains(dot);
  }

  // Records `dot` as seen.
  void insert(const Dot& dot) {
    if (dot.is_nil() || vv_.contains(dot)) return;
    if (dot.counter == vv_.get(dot.replica) + 1) {
      vv_.advance(dot);
      absorb(dot.replica);
    } else {
      cloud_.insert(dot);
    }
  }

  // Mints the next dot of `replica` (one past everything seen from it) and records it.
  [[nodiscard]] Dot next_dot(ReplicaId replica) {
    Dot dot{replica, max_counter(replica) + 1};
    insert(dot);
    return dot;
  }

  // The highest counter of `replica` seen anywhere in the context.
  [[nodiscard]] std::uint64_t max_counter(ReplicaId replica) const noexcept {
    auto ranges = cloud_.ranges(replica);
    return ranges.empty() ? vv_.get(replica) : ranges.back().last;
  }

  void join(const DotContext& other) {
    vv_.join(other.vv_);
    for (const auto& rr : other.cloud_.replicas()) {
      for (const auto& r : rr.ranges) cloud_.insert(rr.replica, r.first, r.last);
    }
    compact();
  }

  [[nodiscard]] const VersionVector& version() const noexcept { return vv_; }
  [[nodiscard]] const DotSet& cloud() const noexcept { return cloud_; }

  // Builds a context from parts (used by decoders); the result is compacted.
  [[nodiscard]] static DotContext from_parts(VersionVector vv, DotSet cloud) {
    DotContext ctx;
    ctx.vv_ = std::move(vv);
    ctx.cloud_ = std::move(cloud);
    ctx.compact();
    return ctx;
  }

  friend bool operator==(const DotContext&, const DotContext&) = default;

 private:
  void compact() {
    // Collect replicas first: absorb() may erase cloud entries while we iterate.
    std::vector<ReplicaId> replicas;
    for (const auto& rr : cloud_.replicas()) replicas.push_back(rr.replica);
    for (ReplicaId r : replicas) absorb(r);
  }
  // Moves dots of `replica` that are covered by, or contiguous with, the vector into it.
  void absorb(ReplicaId replica) {
    auto ranges = cloud_.ranges(replica);
    std::uint64_t top = vv_.get(replica);
    for (const auto& r : ranges) {
      if (r.first > top + 1) break;
      top = std::max(top, r.last);
    }
    vv_.advance(replica, top);
    cloud_.erase_through(replica, top);
  }

  VersionVector vv_;
  DotSet cloud_;  // dots not covered by vv_, none contiguous with it
};

}  // namespace weft

#pragma once
// Causal<S>: the dot kernel. A dot store S together with the causal context
// that says which events the store has seen, with the one join rule every
// causal type of the catalogue shares (AwSet, RwSet, MvRegister, EwFlag,
// DwFlag, OrMap, and any nesting of them).
//
// Invariant: every dot in `store` is covered by `ctx`, and no dot appears
// twice in `store`. Removing something never leaves a tombstone: the removed
// dots stay only in `ctx`, which compacts to a version vector.
#include <algorithm>
#include <type_traits>
#include <utility>
#include <vector>

#include "weft/core/dot_context.hpp"
#include "weft/encoding/codec.hpp"
#include "weft/types/detail/replica_table.hpp"

namespace weft::detail {

// The ranges of `replica`'s dots in `ctx`, in order: [1, vv] then the cloud.
inline void context_ranges(const DotContext& ctx, ReplicaId replica,
                           std::vector<DotSet::Range>& out) {
  out.clear();
  if (const auto v = ctx.version().get(replica); v > 0) out.push_back({1, v});
  for (const auto& r : ctx.cloud().ranges(replica)) out.push_back(r);
}

// Number of dots in both contexts, computed on ranges (never per dot).
inline std::uint64_t common_dots(const DotContext& a, const DotContext& b) {
  std::uint64_t n = 0;
  // Reused across calls: joins of small deltas are hot and must not allocate here.
  static thread_local std::vector<DotSet::Range> ra;
  static thread_local std::vector<DotSet::Range> rb;
  auto count_replica = [&](ReplicaId replica) {
    context_ranges(a, replica, ra);
    context_ranges(b, replica, rb);
    auto i = ra.begin();
    auto j = rb.begin();
    while (i != ra.end() && j != rb.end()) {
      const auto lo = std::max(i->first, j->first);
      const auto hi = std::min(i->last, j->last);
      if (lo <= hi) n += hi - lo + 1;
      (i->last < j->last) ? ++i : ++j;
    }
  };
  for (const auto& e : b.version().entries()) count_replica(e.replica);
  for (const auto& rr : b.cloud().replicas()) {
    if (b.version().get(rr.replica) == 0) count_replica(rr.replica);
  }
  return n;
}

template <class S>
struct Causal {
  S store;
  DotContext ctx;

  void join(const Causal& other) {
    if constexpr (requires { store.join(ctx, other.store, other.ctx, true); }) {
      store.join(ctx, other.store, other.ctx, must_scan(other));
    } else {
      store.join(ctx, other.store, other.ctx);
    }
    ctx.join(other.ctx);
  }

  // True unless every dot `other` has seen and we hold is still held by
  // `other`: only then can our keys that `other` lacks have lost dots. A
  // delta that adds touches nothing else; one that removes forces the scan.
  [[nodiscard]] bool must_scan(const Causal& other) const {
    std::uint64_t held_and_seen = 0;
    other.store.for_each_dot([&](const Dot& d) { held_and_seen += ctx.contains(d) ? 1 : 0; });
    return common_dots(ctx, other.ctx) != held_and_seen;
  }

  void encode(Writer& w) const {
    encode_value(w, ctx);
    store.encode(w, ReplicaTable(ctx));
  }
  [[nodiscard]] static result<Causal> decode(Reader& r) {
    auto ctx = decode_value<DotContext>(r);
    if (!ctx) return ctx.error();
    const ReplicaTable table(*ctx);
    auto store = S::decode(r, table, *ctx, true);
    if (!store) return store.error();
    // A dot names one event: the same dot in two places is a forgery.
    std::vector<Dot> dots;
    store->for_each_dot([&](const Dot& d) { dots.push_back(d); });
    std::sort(dots.begin(), dots.end());
    if (std::adjacent_find(dots.begin(), dots.end()) != dots.end()) {
      return errc::causality_violation;
    }
    return Causal{std::move(*store), std::move(*ctx)};
  }

  friend bool operator==(const Causal&, const Causal&) = default;
};

// Grants the catalogue's own templates (OrMap, Delta) access to the kernel
// inside a public type without making it part of the public API.
struct CausalAccess {
  template <class T>
  [[nodiscard]] static auto& state(T& value) noexcept {
    return value.state_;
  }
  template <class T>
  [[nodiscard]] static const auto& state(const T& value) noexcept {
    return value.state_;
  }
  template <class T, class State>
  [[nodiscard]] static T make(State state) {
    T value;
    value.state_ = std::move(state);
    return value;
  }
};

}  // namespace weft::detail

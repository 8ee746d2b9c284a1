#pragma once
// The two mutations every causal type is made of, written once:
// "replace what I observed with one fresh event" and "remove what I observed".
#include <utility>

#include "weft/core/dot_context.hpp"
#include "weft/types/detail/causal.hpp"
#include "weft/types/detail/dot_fun.hpp"
#include "weft/types/detail/require.hpp"

namespace weft::detail {

// Replaces the dots of `slot` with one fresh dot of `replica` carrying
// `value`. Returns the delta: the new slot, and a context of the old dots plus
// the new one (so receivers drop exactly what this replica had observed).
template <class V>
[[nodiscard]] std::pair<DotFun<V>, DotContext> replace_slot(DotFun<V>& slot, DotContext& ctx,
                                                            ReplicaId replica, V value) {
  require_replica(replica);
  DotContext delta_ctx;
  slot.cover(delta_ctx);
  const Dot dot = ctx.next_dot(replica);
  delta_ctx.insert(dot);
  slot = DotFun<V>::single(dot, std::move(value));
  return {slot, std::move(delta_ctx)};
}

// Empties `slot`; returns the delta context (its observed dots).
template <class S>
[[nodiscard]] DotContext clear_slot(S& slot) {
  DotContext delta_ctx;
  slot.cover(delta_ctx);
  slot = S{};
  return delta_ctx;
}

// Whether X is built on the dot kernel (and so nests in OrMap sharing its context).
template <class X>
concept CausalType = requires {
  typename X::Store;
}
&&X::is_causal;

}  // namespace weft::detail

namespace weft {

// The unframed codec of every causal type: its context, then its store.
template <class X>
struct Codec<X, std::enable_if_t<detail::CausalType<X>>> {
  static void encode(Writer& w, const X& value) { detail::CausalAccess::state(value).encode(w); }
  static result<X> decode(Reader& r) {
    using State = std::remove_cvref_t<decltype(detail::CausalAccess::state(std::declval<X&>()))>;
    auto state = State::decode(r);
    if (!state) return state.error();
    return detail::CausalAccess::make<X>(std::move(*state));
  }
};

}  // namespace weft

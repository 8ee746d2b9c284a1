#pragma once
// EwFlag: enable-wins flag (the delta-CRDT paper's EWFlag). Starts disabled.
//
// Conflict rule: enable replaces the events it observed with one new event;
// disable removes the events it observed. The flag is on while some enable
// has not been observed by a disable, so an enable concurrent with a disable
// wins.
// State: the live enable dots (at most one per replica that enabled
// concurrently) plus the context. All operations O(live dots).
// Errors: a nil replica throws std::invalid_argument.
// Thread safety: a value type; concurrent const use is safe.
// Encoding and decode() errors: see weft/types/crdts.hpp.
#include <span>

#include "weft/types/delta.hpp"
#include "weft/types/detail/framing.hpp"
#include "weft/types/detail/slot_ops.hpp"

namespace weft {

class EwFlag {
 public:
  using Store = detail::DotList;
  static constexpr bool is_causal = true;
  static constexpr TypeTag type_tag = TypeTag::ew_flag;

  EwFlag() = default;

  Delta<EwFlag> enable(ReplicaId replica) {
    detail::require_replica(replica);
    auto [fresh, ctx] = detail::replace_slot(state_.store, state_.ctx, replica, detail::Unit{});
    return make_delta(std::move(fresh), std::move(ctx));
  }
  Delta<EwFlag> disable(ReplicaId replica) {
    detail::require_replica(replica);
    return make_delta(Store{}, detail::clear_slot(state_.store));
  }

  [[nodiscard]] bool value() const noexcept { return !state_.store.empty(); }

  void join(const EwFlag& other) { state_.join(other.state_); }
  void join(const Delta<EwFlag>& delta) { join(delta.state()); }

  [[nodiscard]] Bytes encode() const { return detail::encode_framed(type_tag, *this); }
  [[nodiscard]] static result<EwFlag> decode(std::span<const std::uint8_t> bytes) {
    return detail::decode_framed<EwFlag>(type_tag, bytes);
  }

  friend bool operator==(const EwFlag&, const EwFlag&) = default;

 private:
  friend struct detail::CausalAccess;
  static Delta<EwFlag> make_delta(Store store, DotContext ctx) {
    return Delta<EwFlag>(detail::CausalAccess::make<EwFlag>(
        detail::Causal<Store>{std::move(store), std::move(ctx)}));
  }
  detail::Causal<Store> state_;
};

}  // namespace weft

#pragma once
// DwFlag: disable-wins flag. Starts disabled.
//
// Conflict rule: enable and disable each replace the events their replica
// observed with one new event tagged on/off; the flag is on when it has live
// events and all of them are enables. So a disable concurrent with an enable
// wins, and an enable that saw the disable turns the flag back on.
// (The paper's DWFlag starts enabled; tagging events lets ours start off like
// EwFlag, at the cost of keeping one "off" event after a disable.)
// State: live events, at most one per replica that wrote concurrently, plus
// the context. All operations O(live events).
// Errors: a nil replica throws std::invalid_argument.
// Thread safety: a value type; concurrent const use is safe.
// Encoding and decode() errors: see weft/types/crdts.hpp.
#include <span>

#include "weft/types/delta.hpp"
#include "weft/types/detail/framing.hpp"
#include "weft/types/detail/slot_ops.hpp"

namespace weft {

class DwFlag {
 public:
  using Store = detail::DotFun<bool>;  // true = enable, false = disable
  static constexpr bool is_causal = true;
  static constexpr TypeTag type_tag = TypeTag::dw_flag;

  DwFlag() = default;

  Delta<DwFlag> enable(ReplicaId replica) { return write(replica, true); }
  Delta<DwFlag> disable(ReplicaId replica) { return write(replica, false); }

  [[nodiscard]] bool value() const noexcept {
    if (state_.store.empty()) return false;
    for (const auto& e : state_.store) {
      if (!e.value) return false;
    }
    return true;
  }

  void join(const DwFlag& other) { state_.join(other.state_); }
  void join(const Delta<DwFlag>& delta) { join(delta.state()); }

  [[nodiscard]] Bytes encode() const { return detail::encode_framed(type_tag, *this); }
  [[nodiscard]] static result<DwFlag> decode(std::span<const std::uint8_t> bytes) {
    return detail::decode_framed<DwFlag>(type_tag, bytes);
  }

  friend bool operator==(const DwFlag&, const DwFlag&) = default;

 private:
  friend struct detail::CausalAccess;
  Delta<DwFlag> write(ReplicaId replica, bool on) {
    detail::require_replica(replica);
    auto [fresh, ctx] = detail::replace_slot(state_.store, state_.ctx, replica, on);
    return Delta<DwFlag>(detail::CausalAccess::make<DwFlag>(
        detail::Causal<Store>{std::move(fresh), std::move(ctx)}));
  }
  detail::Causal<Store> state_;
};

}  // namespace weft

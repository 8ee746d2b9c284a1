#pragma once
// MvRegister<T>: multi-value register (the delta-CRDT paper's MVRegister).
//
// Conflict rule: a write replaces every value its replica observed; writes
// that did not see each other are all kept, and the application (or the next
// write) resolves them. values() returns the concurrent maximal writes.
// State: one (dot, value) per live concurrent write plus the context.
// Complexity: assign O(live values); values() O(k log k) for k live values.
// Errors: a nil replica throws std::invalid_argument.
// Thread safety: a value type; concurrent const use is safe.
// Encoding and decode() errors: see weft/types/crdts.hpp.
#include <algorithm>
#include <span>
#include <vector>

#include "weft/types/delta.hpp"
#include "weft/types/detail/framing.hpp"
#include "weft/types/detail/hash.hpp"
#include "weft/types/detail/slot_ops.hpp"

namespace weft {

template <Element T>
class MvRegister {
 public:
  using Store = detail::DotFun<T>;
  static constexpr bool is_causal = true;
  static constexpr TypeTag type_tag = TypeTag::mv_register;

  MvRegister() = default;

  Delta<MvRegister> assign(ReplicaId replica, T value) {
    detail::require_replica(replica);
    auto [fresh, ctx] = detail::replace_slot(state_.store, state_.ctx, replica, std::move(value));
    return make_delta(std::move(fresh), std::move(ctx));
  }
  // Removes every observed value (the register reads as empty until written).
  Delta<MvRegister> clear(ReplicaId replica) {
    detail::require_replica(replica);
    return make_delta(Store{}, detail::clear_slot(state_.store));
  }

  // The concurrent values, ascending and without duplicates; empty if never written.
  [[nodiscard]] std::vector<T> values() const {
    std::vector<T> out;
    for (const auto& e : state_.store) out.push_back(e.value);
    std::sort(out.begin(), out.end(), detail::Less<T>{});
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }
  [[nodiscard]] bool empty() const noexcept { return state_.store.empty(); }

  void join(const MvRegister& other) { state_.join(other.state_); }
  void join(const Delta<MvRegister>& delta) { join(delta.state()); }

  [[nodiscard]] Bytes encode() const { return detail::encode_framed(type_tag, *this); }
  [[nodiscard]] static result<MvRegister> decode(std::span<const std::uint8_t> bytes) {
    return detail::decode_framed<MvRegister>(type_tag, bytes);
  }

  friend bool operator==(const MvRegister&, const MvRegister&) = default;

 private:
  friend struct detail::CausalAccess;
  static Delta<MvRegister> make_delta(Store store, DotContext ctx) {
    return Delta<MvRegister>(detail::CausalAccess::make<MvRegister>(
        detail::Causal<Store>{std::move(store), std::move(ctx)}));
  }
  detail::Causal<Store> state_;
};

}  // namespace weft

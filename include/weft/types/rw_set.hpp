#pragma once
// RwSet<T>: remove-wins set (the delta-CRDT paper's RWORSet).
//
// Conflict rule: add and remove both replace what their replica observed of
// the element with one new event (tagged add or remove); the element is
// present when it has live events and all of them are adds. So a remove
// concurrent with an add wins, and a later add (one that saw the remove)
// brings the element back.
// State: per element the dots of its live events (normally one) plus the
// context. Unlike AwSet, a removed element keeps one "removed" event until it
// is added again: that event is what lets the remove win over adds it never saw.
// Complexity: add/remove/contains O(1) expected; join and encode as AwSet;
// size() is O(n). Errors: a nil replica throws std::invalid_argument.
// Thread safety: a value type; concurrent const use is safe.
// Encoding and decode() errors: see weft/types/crdts.hpp.
#include <span>
#include <vector>

#include "weft/types/delta.hpp"
#include "weft/types/detail/dot_map.hpp"
#include "weft/types/detail/framing.hpp"
#include "weft/types/detail/slot_ops.hpp"

namespace weft {

template <Element T>
class RwSet {
 public:
  using Slot = detail::DotFun<bool>;  // true = add, false = remove
  using Store = detail::DotMap<T, Slot>;
  static constexpr bool is_causal = true;
  static constexpr TypeTag type_tag = TypeTag::rw_set;

  RwSet() = default;

  Delta<RwSet> add(ReplicaId replica, const T& element) { return write(replica, element, true); }
  Delta<RwSet> remove(ReplicaId replica, const T& element) {
    return write(replica, element, false);
  }

  [[nodiscard]] bool contains(const T& element) const {
    const Slot* slot = state_.store.find(element);
    return slot != nullptr && present(*slot);
  }
  [[nodiscard]] std::size_t size() const {
    std::size_t n = 0;
    for (const auto& kv : state_.store.table()) n += present(kv.second) ? 1 : 0;
    return n;
  }
  [[nodiscard]] bool empty() const { return size() == 0; }
  [[nodiscard]] std::vector<T> elements() const {
    std::vector<T> out;
    for (const auto* kv : state_.store.sorted()) {
      if (present(kv->second)) out.push_back(kv->first);
    }
    return out;
  }

  void join(const RwSet& other) { state_.join(other.state_); }
  void join(const Delta<RwSet>& delta) { join(delta.state()); }

  [[nodiscard]] Bytes encode() const { return detail::encode_framed(type_tag, *this); }
  [[nodiscard]] static result<RwSet> decode(std::span<const std::uint8_t> bytes) {
    return detail::decode_framed<RwSet>(type_tag, bytes);
  }

  friend bool operator==(const RwSet&, const RwSet&) = default;

 private:
  friend struct detail::CausalAccess;
  [[nodiscard]] static bool present(const Slot& slot) {
    if (slot.empty()) return false;
    for (const auto& e : slot) {
      if (!e.value) return false;
    }
    return true;
  }
  Delta<RwSet> write(ReplicaId replica, const T& element, bool add) {
    detail::require_replica(replica);  // before touching the state: throwing leaves it intact
    auto [fresh, delta_ctx] =
        detail::replace_slot(state_.store.slot(element), state_.ctx, replica, add);
    Store delta;
    delta.put(element, std::move(fresh));
    return Delta<RwSet>(detail::CausalAccess::make<RwSet>(
        detail::Causal<Store>{std::move(delta), std::move(delta_ctx)}));
  }
  detail::Causal<Store> state_;
};

}  // namespace weft

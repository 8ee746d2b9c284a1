#pragma once
// LwwRegister<T>: last-writer-wins register, on the dot kernel.
//
// Conflict rule: a write supersedes every write its replica had observed;
// writes that did not see each other stay live together, and value() shows
// the one with the greatest (Lamport time, dot). The rule is
// detail/last_writer.hpp, the same code that decides a weft::Doc lww_register
// and a Doc map key; why Lamport and not wall-clock time: docs/decisions.md 22.
// Timestamps come from a LamportClock: assign() first lets the clock observe
// the register's live writes, so a write is also later than all it supersedes.
// State: the live concurrent writes (normally one) plus the causal context.
// Complexity: assign, value O(live writes), which is bounded by the number of
// replicas that wrote concurrently.
// Errors: a nil replica throws std::invalid_argument and changes nothing.
// Thread safety: a value type; concurrent const use is safe.
// Encoding and decode() errors: see weft/types/crdts.hpp.
#include <optional>
#include <span>

#include "weft/core/lamport_clock.hpp"
#include "weft/types/delta.hpp"
#include "weft/types/detail/framing.hpp"
#include "weft/types/detail/hash.hpp"
#include "weft/types/detail/last_writer.hpp"
#include "weft/types/detail/slot_ops.hpp"

namespace weft {

template <Element T>
class LwwRegister {
 public:
  using Store = detail::Writes<T>;
  static constexpr bool is_causal = true;
  static constexpr TypeTag type_tag = TypeTag::lww_register;

  // The winning write: its Lamport time, its dot and its value.
  struct Write {
    std::uint64_t lamport = 0;
    Dot dot;
    T value;
    friend bool operator==(const Write&, const Write&) = default;
  };

  LwwRegister() = default;

  // Writes `value` at a fresh time of `clock` (which observes ours first).
  Delta<LwwRegister> assign(ReplicaId replica, LamportClock& clock, T value) {
    detail::require_replica(replica);
    clock.observe(detail::latest_time(state_.store));
    auto [fresh, ctx] = detail::replace_slot(state_.store, state_.ctx, replica,
                                             detail::Stamped<T>{clock.tick(), std::move(value)});
    return make_delta(std::move(fresh), std::move(ctx));
  }
  // Removes every observed write (the register reads as empty until written).
  Delta<LwwRegister> clear(ReplicaId replica) {
    detail::require_replica(replica);
    return make_delta(Store{}, detail::clear_slot(state_.store));
  }

  [[nodiscard]] bool has_value() const noexcept { return !state_.store.empty(); }
  // The winning value, or nullopt if never written (or cleared).
  [[nodiscard]] std::optional<T> value() const {
    const auto* w = detail::last_writer(state_.store);
    return w == nullptr ? std::nullopt : std::optional<T>(w->value.value);
  }
  // The winning write, if any.
  [[nodiscard]] std::optional<Write> write() const {
    const auto* w = detail::last_writer(state_.store);
    if (w == nullptr) return std::nullopt;
    return Write{w->value.lamport, w->dot, w->value.value};
  }
  // Number of live concurrent writes (0 when empty; > 1 only while writes conflict).
  [[nodiscard]] std::size_t concurrent_writes() const noexcept { return state_.store.size(); }

  void join(const LwwRegister& other) { state_.join(other.state_); }
  void join(const Delta<LwwRegister>& delta) { join(delta.state()); }

  [[nodiscard]] Bytes encode() const { return detail::encode_framed(type_tag, *this); }
  [[nodiscard]] static result<LwwRegister> decode(std::span<const std::uint8_t> bytes) {
    return detail::decode_framed<LwwRegister>(type_tag, bytes);
  }

  friend bool operator==(const LwwRegister&, const LwwRegister&) = default;

 private:
  friend struct detail::CausalAccess;
  static Delta<LwwRegister> make_delta(Store store, DotContext ctx) {
    return Delta<LwwRegister>(detail::CausalAccess::make<LwwRegister>(
        detail::Causal<Store>{std::move(store), std::move(ctx)}));
  }
  detail::Causal<Store> state_;
};

}  // namespace weft

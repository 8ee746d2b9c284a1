#pragma once
// LwwRegister<T>: last-writer-wins register.
//
// Conflict rule: the write with the greatest (HLC timestamp, replica id)
// wins; ties on both (possible only if a replica id is reused) fall back to
// the greater value so that join stays commutative.
// Timestamps come from a HybridLogicalClock: assign() first lets the clock
// observe the register's current timestamp, so a write always beats every
// write this replica has seen, even when physical clocks disagree.
// State: at most one (timestamp, replica, value); O(1) per operation.
// Errors: a nil replica throws std::invalid_argument.
// Thread safety: a value type; concurrent const use is safe.
// Encoding and decode() errors: see weft/types/crdts.hpp.
#include <optional>
#include <span>

#include "weft/core/hybrid_logical_clock.hpp"
#include "weft/types/delta.hpp"
#include "weft/types/detail/framing.hpp"
#include "weft/types/detail/hash.hpp"
#include "weft/types/detail/require.hpp"

namespace weft {

template <Element T>
class LwwRegister {
 public:
  static constexpr TypeTag type_tag = TypeTag::lww_register;

  struct Write {
    HlcTimestamp timestamp;
    ReplicaId replica;
    T value;
    friend bool operator==(const Write&, const Write&) = default;
  };

  LwwRegister() = default;

  // Writes `value` at a fresh timestamp of `clock` (which observes ours first).
  Delta<LwwRegister> assign(ReplicaId replica, HybridLogicalClock& clock, T value) {
    detail::require_replica(replica);
    if (write_) clock.observe(write_->timestamp);
    return assign_at(replica, clock.tick(), std::move(value));
  }
  // Writes `value` at an explicit timestamp; it only takes effect if it wins.
  Delta<LwwRegister> assign_at(ReplicaId replica, HlcTimestamp timestamp, T value) {
    detail::require_replica(replica);
    LwwRegister delta;
    delta.write_ = Write{timestamp, replica, std::move(value)};
    join(delta);
    return Delta<LwwRegister>(std::move(delta));
  }

  [[nodiscard]] bool has_value() const noexcept { return write_.has_value(); }
  // The winning value, or nullopt if never written.
  [[nodiscard]] std::optional<T> value() const {
    return write_ ? std::optional<T>(write_->value) : std::nullopt;
  }
  // The winning write (timestamp, replica, value), if any.
  [[nodiscard]] const std::optional<Write>& write() const noexcept { return write_; }

  void join(const LwwRegister& other) {
    if (other.write_ && (!write_ || beats(*other.write_, *write_))) write_ = other.write_;
  }
  void join(const Delta<LwwRegister>& delta) { join(delta.state()); }

  [[nodiscard]] Bytes encode() const { return detail::encode_framed(type_tag, *this); }
  [[nodiscard]] static result<LwwRegister> decode(std::span<const std::uint8_t> bytes) {
    return detail::decode_framed<LwwRegister>(type_tag, bytes);
  }

  friend bool operator==(const LwwRegister&, const LwwRegister&) = default;

 private:
  friend struct Codec<LwwRegister>;
  [[nodiscard]] static bool beats(const Write& a, const Write& b) {
    if (a.timestamp != b.timestamp) return a.timestamp > b.timestamp;
    if (a.replica != b.replica) return a.replica > b.replica;
    return detail::Less<T>{}(b.value, a.value);
  }
  std::optional<Write> write_;
};

// 0 for an empty register, or 1 then timestamp, replica, value.
template <class T>
struct Codec<LwwRegister<T>> {
  static void encode(Writer& w, const LwwRegister<T>& reg) {
    w.u8(reg.write_ ? 1 : 0);
    if (!reg.write_) return;
    encode_value(w, reg.write_->timestamp);
    encode_value(w, reg.write_->replica);
    encode_value(w, reg.write_->value);
  }
  static result<LwwRegister<T>> decode(Reader& r) {
    auto present = decode_value<bool>(r);
    if (!present) return present.error();
    LwwRegister<T> reg;
    if (!*present) return reg;
    auto ts = decode_value<HlcTimestamp>(r);
    if (!ts) return ts.error();
    auto replica = decode_value<ReplicaId>(r);
    if (!replica) return replica.error();
    auto value = decode_value<T>(r);
    if (!value) return value.error();
    reg.write_ = typename LwwRegister<T>::Write{*ts, *replica, std::move(*value)};
    return reg;
  }
};

}  // namespace weft

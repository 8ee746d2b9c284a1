#pragma once
// PNCounter: counter with increments and decrements.
//
// Conflict rule: two GCounters, one of increments (P) and one of decrements
// (N); value = P - N. Nothing conflicts.
// State: up to two entries per replica. Complexity as GCounter.
// Errors: a nil replica throws std::invalid_argument; one replica's total of
// increments (or of decrements) passing 2^64 - 1 throws std::overflow_error.
// value() is P - N in two's complement (exact while |value| < 2^63).
// Thread safety: a value type; concurrent const use is safe.
// Encoding and decode() errors: see weft/types/crdts.hpp.
#include <cstdint>
#include <span>

#include "weft/types/gcounter.hpp"

namespace weft {

class PNCounter {
 public:
  static constexpr TypeTag type_tag = TypeTag::pncounter;

  PNCounter() = default;

  Delta<PNCounter> increment(ReplicaId replica, std::uint64_t by = 1) {
    PNCounter delta;
    delta.p_.join(p_.increment(replica, by));
    return Delta<PNCounter>(std::move(delta));
  }
  Delta<PNCounter> decrement(ReplicaId replica, std::uint64_t by = 1) {
    PNCounter delta;
    delta.n_.join(n_.increment(replica, by));
    return Delta<PNCounter>(std::move(delta));
  }

  [[nodiscard]] std::int64_t value() const noexcept {
    return static_cast<std::int64_t>(p_.value() - n_.value());
  }
  [[nodiscard]] const GCounter& increments() const noexcept { return p_; }
  [[nodiscard]] const GCounter& decrements() const noexcept { return n_; }

  void join(const PNCounter& other) {
    p_.join(other.p_);
    n_.join(other.n_);
  }
  void join(const Delta<PNCounter>& delta) { join(delta.state()); }

  [[nodiscard]] Bytes encode() const { return detail::encode_framed(type_tag, *this); }
  [[nodiscard]] static result<PNCounter> decode(std::span<const std::uint8_t> bytes) {
    return detail::decode_framed<PNCounter>(type_tag, bytes);
  }

  friend bool operator==(const PNCounter&, const PNCounter&) = default;

 private:
  friend struct Codec<PNCounter>;
  GCounter p_;
  GCounter n_;
};

template <>
struct Codec<PNCounter> {
  static void encode(Writer& w, const PNCounter& c) {
    encode_value(w, c.p_);
    encode_value(w, c.n_);
  }
  static result<PNCounter> decode(Reader& r) {
    auto p = decode_value<GCounter>(r);
    if (!p) return p.error();
    auto n = decode_value<GCounter>(r);
    if (!n) return n.error();
    PNCounter c;
    c.p_ = std::move(*p);
    c.n_ = std::move(*n);
    return c;
  }
};

}  // namespace weft

#pragma once
// GCounter: grow-only counter.
//
// Conflict rule: each replica counts its own increments; join keeps, per
// replica, the larger count; the value is the sum. Increments never conflict.
// State: one (replica, count) entry per replica that ever incremented: the
// same shape and join (pointwise max) as a VersionVector, which it reuses.
// Complexity: increment O(r), value O(r), join O(r + s) for r, s replicas.
// Errors: a nil replica throws std::invalid_argument; a replica's own count
// passing 2^64 - 1 throws std::overflow_error (state unchanged). value() sums
// modulo 2^64.
// Thread safety: a value type; concurrent const use is safe.
// Encoding and decode() errors: see weft/types/crdts.hpp.
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>

#include "weft/core/version_vector.hpp"
#include "weft/types/delta.hpp"
#include "weft/types/detail/framing.hpp"
#include "weft/types/detail/require.hpp"

namespace weft {

class GCounter {
 public:
  static constexpr TypeTag type_tag = TypeTag::gcounter;

  GCounter() = default;

  Delta<GCounter> increment(ReplicaId replica, std::uint64_t by = 1) {
    detail::require_replica(replica);
    const std::uint64_t mine = counts_.get(replica);
    if (by > std::numeric_limits<std::uint64_t>::max() - mine) {
      throw std::overflow_error("weft::GCounter: count of one replica overflows 64 bits");
    }
    counts_.advance(replica, mine + by);
    GCounter delta;
    delta.counts_.advance(replica, mine + by);
    return Delta<GCounter>(std::move(delta));
  }

  [[nodiscard]] std::uint64_t value() const noexcept { return counts_.total(); }
  // The increments of one replica.
  [[nodiscard]] std::uint64_t count(ReplicaId replica) const noexcept {
    return counts_.get(replica);
  }
  [[nodiscard]] const VersionVector& counts() const noexcept { return counts_; }

  void join(const GCounter& other) { counts_.join(other.counts_); }
  void join(const Delta<GCounter>& delta) { join(delta.state()); }

  [[nodiscard]] Bytes encode() const { return detail::encode_framed(type_tag, *this); }
  [[nodiscard]] static result<GCounter> decode(std::span<const std::uint8_t> bytes) {
    return detail::decode_framed<GCounter>(type_tag, bytes);
  }

  friend bool operator==(const GCounter&, const GCounter&) = default;

 private:
  friend struct Codec<GCounter>;
  VersionVector counts_;
};

template <>
struct Codec<GCounter> {
  static void encode(Writer& w, const GCounter& c) { encode_value(w, c.counts_); }
  static result<GCounter> decode(Reader& r) {
    auto counts = decode_value<VersionVector>(r);
    if (!counts) return counts.error();
    GCounter c;
    c.counts_ = std::move(*counts);
    return c;
  }
};

}  // namespace weft

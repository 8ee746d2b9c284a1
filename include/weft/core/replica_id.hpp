#pragma once
// ReplicaId: the identity of one replica, a random 64-bit number.
//
// Ids are drawn at random so that no coordination is needed; two replicas
// colliding has probability ~2^-64 per pair. A replica id must never be reused
// by a different replica state (persist it with the state). The value 0 is
// reserved as "no replica" and is rejected by mutators.
#include <compare>
#include <cstdint>
#include <functional>

namespace weft {

class ReplicaId {
 public:
  constexpr ReplicaId() noexcept = default;
  constexpr explicit ReplicaId(std::uint64_t value) noexcept : value_(value) {}

  // A fresh id from the operating system's entropy source; never 0.
  [[nodiscard]] static ReplicaId random();

  [[nodiscard]] constexpr std::uint64_t value() const noexcept { return value_; }
  [[nodiscard]] constexpr bool is_nil() const noexcept { return value_ == 0; }

  friend constexpr auto operator<=>(ReplicaId, ReplicaId) noexcept = default;

 private:
  std::uint64_t value_ = 0;
};

}  // namespace weft

template <>
struct std::hash<weft::ReplicaId> {
  std::size_t operator()(weft::ReplicaId id) const noexcept {
    // Ids are random already; a multiplicative mix keeps user-chosen small ids spread.
    return static_cast<std::size_t>(id.value() * 0x9E3779B97F4A7C15ull);
  }
};

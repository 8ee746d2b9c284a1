#pragma once
// Dot: the unique name of one event, (replica, counter).
//
// Each replica numbers its events 1, 2, 3, ... so a dot is never reused as long
// as the replica id is not. Counter 0 means "no event" and never names one.
#include <compare>
#include <cstdint>
#include <functional>

#include "weft/core/replica_id.hpp"

namespace weft {

struct Dot {
  ReplicaId replica;
  std::uint64_t counter = 0;

  [[nodiscard]] constexpr bool is_nil() const noexcept { return counter == 0; }
  // The next event of the same replica.
  [[nodiscard]] constexpr Dot next() const noexcept { return {replica, counter + 1}; }

  friend constexpr auto operator<=>(const Dot&, const Dot&) noexcept = default;
};

}  // namespace weft

template <>
struct std::hash<weft::Dot> {
  std::size_t operator()(const weft::Dot& d) const noexcept {
    return std::hash<weft::ReplicaId>{}(d.replica) ^ (d.counter * 0xC2B2AE3D27D4EB4Full);
  }
};

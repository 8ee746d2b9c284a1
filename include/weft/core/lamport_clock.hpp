#pragma once
// LamportClock: a scalar logical clock. tick() for a local event, observe()
// when a remote timestamp is seen; after observe(t), every later tick() > t.
#include <algorithm>
#include <cstdint>

namespace weft {

class LamportClock {
 public:
  constexpr LamportClock() noexcept = default;
  constexpr explicit LamportClock(std::uint64_t time) noexcept : time_(time) {}

  // Advances the clock for a local event and returns the event's timestamp.
  constexpr std::uint64_t tick() noexcept { return ++time_; }
  // Folds in a timestamp received from elsewhere.
  constexpr void observe(std::uint64_t remote) noexcept { time_ = std::max(time_, remote); }
  [[nodiscard]] constexpr std::uint64_t now() const noexcept { return time_; }

  friend constexpr bool operator==(LamportClock, LamportClock) noexcept = default;

 private:
  std::uint64_t time_ = 0;
};

}  // namespace weft

#pragma once
// HybridLogicalClock (Kulkarni et al., 2014): timestamps that follow physical
// time when clocks agree, yet never go backwards and always exceed every
// timestamp observed, even when the physical clock stalls or jumps back.
//
// The physical clock is injectable (milliseconds since an epoch of the
// caller's choice) so tests control time. Timestamps order by (physical,
// logical); ties between replicas are broken by the caller (for example by
// ReplicaId in LwwRegister).
#include <chrono>
#include <compare>
#include <cstdint>
#include <functional>
#include <utility>

namespace weft {

struct HlcTimestamp {
  std::uint64_t physical = 0;  // milliseconds
  std::uint32_t logical = 0;   // events within the same millisecond
  friend constexpr auto operator<=>(const HlcTimestamp&, const HlcTimestamp&) noexcept = default;
};

class HybridLogicalClock {
 public:
  using PhysicalClock = std::function<std::uint64_t()>;

  // Uses the system clock (milliseconds since the Unix epoch).
  HybridLogicalClock() : physical_(system_millis) {}
  explicit HybridLogicalClock(PhysicalClock physical) : physical_(std::move(physical)) {}

  // Timestamp for a local event; strictly greater than every earlier result.
  HlcTimestamp tick() {
    const std::uint64_t wall = physical_();
    if (wall > last_.physical) {
      last_ = {wall, 0};
    } else {
      bump_logical();
    }
    return last_;
  }

  // Folds in a remote timestamp; the next tick() exceeds it.
  void observe(const HlcTimestamp& remote) {
    if (remote > last_) last_ = remote;
  }

  [[nodiscard]] HlcTimestamp last() const noexcept { return last_; }

  static std::uint64_t system_millis() {
    using namespace std::chrono;
    return static_cast<std::uint64_t>(
        duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
  }

 private:
  void bump_logical() {
    if (last_.logical == UINT32_MAX) {
      last_ = {last_.physical + 1, 0};  // borrow from the future rather than wrap
    } else {
      ++last_.logical;
    }
  }

  PhysicalClock physical_;
  HlcTimestamp last_{};
};

}  // namespace weft

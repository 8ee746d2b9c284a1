#pragma once
// TokenBucket: a budget that refills at a steady rate up to a capacity.
//
// Time is whatever the caller says (milliseconds, any origin, never going back),
// so tests drive it with a counter and no sleeps. A charge may take the level below
// zero: one large item is let through whole, and the debt is repaid by refilling
// before anything else is let through. Not thread-safe.
#include <algorithm>
#include <cstdint>

namespace weft {

class TokenBucket {
 public:
  // Starts full. A rate or capacity of 0 gives a bucket that never has tokens.
  TokenBucket(double per_second, double capacity) noexcept
      : per_ms_(per_second / 1000.0), capacity_(capacity), level_(capacity) {}

  // Adds what has accrued since the last refill (times before it are ignored).
  void refill(std::uint64_t now_ms) noexcept {
    if (now_ms <= last_ms_) return;
    level_ = std::min(capacity_, level_ + static_cast<double>(now_ms - last_ms_) * per_ms_);
    last_ms_ = now_ms;
  }
  // True while the level is above zero: the next item may go through.
  [[nodiscard]] bool has_tokens() const noexcept { return level_ > 0; }
  // Takes `cost` tokens, into debt if need be.
  void charge(double cost) noexcept { level_ -= cost; }
  [[nodiscard]] double level() const noexcept { return level_; }

 private:
  double per_ms_;
  double capacity_;
  double level_;
  std::uint64_t last_ms_ = 0;
};

}  // namespace weft

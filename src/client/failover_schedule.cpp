#include "client/failover_schedule.hpp"

#include <algorithm>
#include <stdexcept>

namespace weft::net::client {

FailoverSchedule::FailoverSchedule(std::size_t url_count, FailoverPolicy policy, std::uint64_t seed)
    : count_(url_count), policy_(policy), random_(seed != 0 ? seed : std::random_device{}()) {
  if (count_ == 0) throw std::invalid_argument("FailoverSchedule: no URLs");
}

std::uint32_t FailoverSchedule::failed() {
  current_ = (current_ + 1) % count_;
  if (++failures_in_row_ % count_ != 0) return 0;
  ++rounds_;
  return backoff();
}

std::uint32_t FailoverSchedule::disconnected(std::uint64_t lasted_ms) {
  if (lasted_ms < policy_.stable_after_ms) return failed();
  current_ = (current_ + 1) % count_;
  failures_in_row_ = 0;
  rounds_ = 0;
  return 0;
}

std::uint32_t FailoverSchedule::backoff() {
  // Doubling in double avoids overflowing the shift after many rounds.
  double delay = policy_.initial_delay_ms;
  for (std::uint32_t i = 1; i < rounds_ && delay < policy_.max_delay_ms; ++i) delay *= 2;
  delay = std::min(delay, static_cast<double>(policy_.max_delay_ms));
  const double jitter = std::clamp(policy_.jitter, 0.0, 1.0);
  std::uniform_real_distribution<double> factor(1.0 - jitter, 1.0 + jitter);
  return static_cast<std::uint32_t>(delay * factor(random_));
}

}  // namespace weft::net::client

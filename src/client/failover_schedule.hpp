#pragma once
// FailoverSchedule: which URL a SyncClient dials next, and how long it waits first.
// Pure (no I/O, no clock), so the policy is tested on its own.
//
// A failed attempt moves to the next URL at once; when every URL of a round has
// failed in a row, the next dial waits initial_delay_ms * 2^(rounds - 1), capped at
// max_delay_ms, scaled by a uniform factor in [1 - jitter, 1 + jitter]. A stable
// connection (one that lasted FailoverPolicy::stable_after_ms) that ends starts a
// fresh round at the next URL with no delay and resets the backoff; a short one
// counts as a failed attempt.
#include <cstddef>
#include <cstdint>
#include <random>

#include "weft/net/sync_client.hpp"

namespace weft::net::client {

class FailoverSchedule {
 public:
  // Throws std::invalid_argument when url_count is 0.
  FailoverSchedule(std::size_t url_count, FailoverPolicy policy, std::uint64_t seed);

  // The index of the URL to dial now.
  [[nodiscard]] std::size_t current() const noexcept { return current_; }
  // The attempt at current() failed: moves on; returns the delay before the next dial.
  std::uint32_t failed();
  // The connection to current() ended after `lasted_ms`: moves on; returns the delay.
  std::uint32_t disconnected(std::uint64_t lasted_ms);
  // Full rounds failed in a row so far.
  [[nodiscard]] std::uint32_t rounds() const noexcept { return rounds_; }

 private:
  [[nodiscard]] std::uint32_t backoff();

  std::size_t count_;
  FailoverPolicy policy_;
  std::mt19937_64 random_;
  std::size_t current_ = 0;
  std::size_t failures_in_row_ = 0;
  std::uint32_t rounds_ = 0;
};

}  // namespace weft::net::client

#include "weft/sync/peer_budget.hpp"

#include <algorithm>

namespace weft {

PeerBudget::PeerBudget(const PeerLimits& limits) noexcept
    : limits_(limits),
      messages_(limits.messages_per_second, limits.messages_per_second * limits.burst_seconds),
      bytes_(limits.bytes_per_second, limits.bytes_per_second * limits.burst_seconds),
      snapshots_(
          1000.0 / static_cast<double>(std::max<std::uint64_t>(limits.snapshot_interval_ms, 1)),
          limits.snapshot_burst) {}

PeerBudget::Verdict PeerBudget::on_message(std::size_t size, std::uint64_t now_ms) noexcept {
  messages_.refill(now_ms);
  bytes_.refill(now_ms);
  if (messages_.has_tokens() && bytes_.has_tokens()) {
    messages_.charge(1);
    bytes_.charge(static_cast<double>(size));
    return Verdict::admit;
  }
  // Drops are counted per window of one burst: a peer that keeps sending through a whole
  // window after being told is not slowing down.
  Verdict verdict = Verdict::drop;
  const auto window_ms = static_cast<std::uint64_t>(limits_.burst_seconds * 1000);
  if (dropped_messages_ == 0 || now_ms >= drop_window_start_ms_ + window_ms) {
    drop_window_start_ms_ = now_ms;
    dropped_messages_ = 0;
    dropped_bytes_ = 0;
    verdict = Verdict::drop_and_tell;
  }
  ++dropped_messages_;
  dropped_bytes_ += size;
  const double byte_capacity = limits_.bytes_per_second * limits_.burst_seconds;
  if (dropped_messages_ > limits_.max_dropped_messages ||
      static_cast<double>(dropped_bytes_) > byte_capacity) {
    return Verdict::close;
  }
  return verdict;
}

void PeerBudget::charge_answer(std::size_t size) noexcept {
  bytes_.charge(static_cast<double>(size));
}

bool PeerBudget::take_snapshot(std::uint64_t now_ms) noexcept {
  snapshots_.refill(now_ms);
  if (!snapshots_.has_tokens()) return false;
  snapshots_.charge(1);
  return true;
}

}  // namespace weft

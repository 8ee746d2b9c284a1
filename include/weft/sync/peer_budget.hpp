#pragma once
// PeerBudget: what one peer may make a sync session do, and what happens past it.
//
// Two token buckets meter what the peer sends (messages and bytes per second, each
// holding burst_seconds of its rate); the bytes of our answers to the peer are charged
// to the same byte bucket, so a small request for a large answer spends its asker's
// budget. A message that arrives while either bucket is empty is dropped unread (the
// first drop of a burst window says "tell the peer"), and a peer that keeps sending
// through a window (more than max_dropped_messages messages, or a byte bucket's capacity,
// dropped within burst_seconds) is to be closed. Dropping rather than delaying is
// deliberate: a session is a pure state machine, and messages held back would be memory
// the peer controls; anti-entropy repairs whatever was dropped. Full snapshots sent to
// the peer have a third budget: snapshot_burst at once, then one per snapshot_interval_ms.
// Time is whatever the caller says (ms, never going back), so tests need no sleeps.
#include <cstddef>
#include <cstdint>

#include "weft/sync/token_bucket.hpp"

namespace weft {

// The defaults are far above what an editing peer sends (tens of updates a second) and
// let a peer bring thousands of differing documents up to date at once (about three
// messages each: state, update, ack; greetings go 512 to a message), yet bound a flood
// to 16 MiB of answers a second.
struct PeerLimits {
  double messages_per_second = 20'000;
  double bytes_per_second = 16.0 * 1024 * 1024;
  double burst_seconds = 2;  // each bucket holds this many seconds of its rate
  std::uint64_t max_dropped_messages = 20'000;
  std::uint64_t snapshot_interval_ms = 10'000;
  double snapshot_burst = 3;
};

class PeerBudget {
 public:
  enum class Verdict {
    admit,          // process the message
    drop_and_tell,  // drop it unread; the first drop of a window: tell the peer
    drop,           // drop it unread
    close,          // the peer keeps sending through a window of drops: close
  };

  explicit PeerBudget(const PeerLimits& limits) noexcept;

  // A message of `size` bytes arrives at `now_ms`.
  [[nodiscard]] Verdict on_message(std::size_t size, std::uint64_t now_ms) noexcept;
  // We answer the peer with `size` bytes.
  void charge_answer(std::size_t size) noexcept;
  // Takes one snapshot from the snapshot budget; false when it is spent.
  [[nodiscard]] bool take_snapshot(std::uint64_t now_ms) noexcept;

 private:
  PeerLimits limits_;
  TokenBucket messages_;
  TokenBucket bytes_;
  TokenBucket snapshots_;
  std::uint64_t drop_window_start_ms_ = 0;
  std::uint64_t dropped_messages_ = 0;
  std::uint64_t dropped_bytes_ = 0;
};

}  // namespace weft

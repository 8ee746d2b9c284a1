#pragma once
// A legitimate peer syncing with a host through in-process SyncSessions (no sockets):
// the yardstick every attack is measured against. One round = the peer types one
// character, commits and broadcasts; the host applies and acks; both compare digests.
// Its latency is the wall time from the commit to both sessions being quiet, so it
// counts both sides' work (they share this thread), as a user of two replicas sees it.
#include <cstdint>
#include <functional>

#include "common/measure.hpp"
#include "weft/doc/doc.hpp"
#include "weft/sync/sync_session.hpp"

namespace weft::bench::attacks {

class LegitPeer {
 public:
  // Connects a fresh replica to `host` (which must outlive this) and syncs it up.
  explicit LegitPeer(Doc& host, SyncOptions options = {});

  // Lets one anti-entropy interval pass (1 s of the sessions' clock), so that what the
  // host took in from elsewhere reaches this peer before rounds are measured.
  void settle();
  // `n` rounds; `between(i)` runs before round i (an attack going on meanwhile).
  Latencies rounds(int n, const std::function<void(int)>& between = {});

  // Sessions closed by either side so far (an honest peer's should stay 0).
  [[nodiscard]] bool closed() const { return host_side_.is_closed() || peer_side_.is_closed(); }
  // Same state vector and digest on both replicas.
  [[nodiscard]] bool converged() const;
  // Messages of this peer the host dropped over its rate limits (refused events).
  [[nodiscard]] std::size_t refused() const { return refused_; }
  [[nodiscard]] std::size_t last_update_bytes() const { return last_update_bytes_; }
  [[nodiscard]] std::size_t last_round_bytes() const { return last_round_bytes_; }
  [[nodiscard]] Doc& doc() { return peer_; }

 private:
  double round();

  Doc& host_;
  Doc peer_;
  SyncSession host_side_;
  SyncSession peer_side_;
  std::uint64_t now_ms_ = 0;
  std::size_t last_update_bytes_ = 0;
  std::size_t last_round_bytes_ = 0;
  std::size_t refused_ = 0;
};

}  // namespace weft::bench::attacks

#include "legit_peer.hpp"

#include <chrono>

#include "common/sync_pump.hpp"

namespace weft::bench::attacks {

LegitPeer::LegitPeer(Doc& host, SyncOptions options)
    : host_(host), peer_(ReplicaId::random()), host_side_(options), peer_side_(options) {
  host_side_.add_document("doc", host_);
  peer_side_.add_document("doc", peer_);
  host_side_.start(0);
  peer_side_.start(0);
  (void)pump(host_side_, peer_side_);
}

double LegitPeer::round() {
  // 10 simulated ms a round: anti-entropy (every 1000 ms) runs now and then, as live.
  now_ms_ += 10;
  host_side_.tick(now_ms_);
  peer_side_.tick(now_ms_);
  (void)pump(host_side_, peer_side_);
  const auto start = std::chrono::steady_clock::now();
  Bytes update;
  {
    auto tx = peer_.transact();
    auto text = tx.text("legit");
    text.insert(text.size() / 2, "k");
    update = tx.commit();
  }
  last_update_bytes_ = update.size();
  peer_side_.broadcast("doc", update);
  last_round_bytes_ = pump(host_side_, peer_side_).bytes;
  const double ms = ms_between(start, std::chrono::steady_clock::now());
  for (const SyncEvent& e : host_side_.take_events()) {
    refused_ += e.kind == SyncEvent::Kind::refused ? 1 : 0;
  }
  return ms;
}

void LegitPeer::settle() {
  now_ms_ += 1000;
  host_side_.tick(now_ms_);
  peer_side_.tick(now_ms_);
  (void)pump(host_side_, peer_side_);
}

Latencies LegitPeer::rounds(int n, const std::function<void(int)>& between) {
  Latencies out;
  for (int i = 0; i < n; ++i) {
    if (between) between(i);
    out.add(round());
  }
  return out;
}

bool LegitPeer::converged() const {
  return host_.state_vector() == peer_.state_vector() && host_.digest() == peer_.digest();
}

}  // namespace weft::bench::attacks

// Item 4: after one update naming a million replicas, every local edit took 0.73 s
// and was a 3.3 MB update (each carried one entry per replica ever seen). Decision 19:
// a record carries only what changed since its author's previous record. Re-run:
// local edits of a fresh doc and of one that applied an update naming N replicas
// (100,000; 1,000,000 with --full), in the same run: the first edit after the flood,
// then the steady state; and a legitimate peer's sync rounds with each as the host.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <limits>

#include "attacks.hpp"
#include "crafted.hpp"
#include "legit_peer.hpp"
#include "report.hpp"

namespace weft::bench::attacks {

namespace {

constexpr int kEdits = 200;
constexpr int kRounds = 200;

struct Edit {
  double ms = 0;
  std::size_t bytes = 0;
};

Edit edit(Doc& doc) {
  const auto start = std::chrono::steady_clock::now();
  Bytes update;
  {
    auto tx = doc.transact();
    tx.text("t").insert(0, "x");
    update = tx.commit();
  }
  return {ms_between(start, std::chrono::steady_clock::now()), update.size()};
}

void report(const char* which, Doc& doc) {
  const Edit first = edit(doc);
  const Edit second = edit(doc);
  Latencies steady;
  std::size_t bytes = 0;
  for (int i = 0; i < kEdits; ++i) {
    const Edit e = edit(doc);
    steady.add(e.ms);
    bytes = e.bytes;
  }
  std::printf("| %s | %.3f / %zu | %.3f / %zu | %s | %zu |\n", which, first.ms, first.bytes,
              second.ms, second.bytes, latency_cells(steady).c_str(), bytes);
}

// Rounds every 10 ms of the sessions' clock (100 updates/s), with the default per-peer
// limits or none: acks and digests carry whole state vectors, so with the limits on,
// the host's answers spend the peer's byte budget.
void legit_rounds(const char* which, Doc& host, bool limits) {
  SyncOptions options;
  if (!limits) {
    options.limits.messages_per_second = std::numeric_limits<double>::infinity();
    options.limits.bytes_per_second = std::numeric_limits<double>::infinity();
  }
  LegitPeer legit(host, options);
  const UsageMeter meter;
  const Latencies l = legit.rounds(kRounds);
  std::printf("| %s | %s | %s | %zu | %zu | %zu | %s | %s |\n", which, limits ? "default" : "off",
              latency_cells(l).c_str(), legit.last_update_bytes(), legit.last_round_bytes(),
              legit.refused(), usage_cells(meter.stop()).c_str(), legit.converged() ? "yes" : "NO");
}

}  // namespace

void replica_flood(const Scale& scale) {
  const std::uint64_t replicas = scale.full ? 1'000'000 : 100'000;
  std::printf("\n## Item 4: an update naming %llu replicas\n",
              static_cast<unsigned long long>(replicas));
  Doc fresh(ReplicaId{1});
  Doc flooded(ReplicaId{1});
  const Bytes flood = replica_flood_update(1000, replicas);
  const UsageMeter meter;
  const auto start = std::chrono::steady_clock::now();
  const bool ok = flooded.apply_update(flood).has_value();
  const double apply_ms = ms_between(start, std::chrono::steady_clock::now());
  std::printf(
      "\nflood update: %zu bytes, %s in %.0f ms; replicas in the state vector: %zu; "
      "host after it: %s (CPU ms | RSS | peak)\n",
      flood.size(), ok ? "accepted" : "REFUSED", apply_ms, flooded.state_vector().size(),
      usage_cells(meter.stop()).c_str());

  std::printf(
      "\n| local edit (1 char) | first: ms / bytes | second: ms / bytes | next %d: p50 ms "
      "| p99 ms | their bytes |\n|---|--:|--:|--:|--:|--:|\n",
      kEdits);
  report("fresh doc", fresh);
  report("after the flood", flooded);

  std::printf(
      "\n| legitimate peer, host = (%d rounds) | limits | p50 ms | p99 ms | update bytes | "
      "last round's bytes (update, ack, digests) | rate_limited refusals (events) | %s | "
      "converged |\n|---|---|--:|--:|--:|--:|--:|%s|---|\n",
      kRounds, kUsageHeader, kUsageAlign);
  for (const bool limits : {true, false}) {
    legit_rounds("fresh doc", fresh, limits);
    legit_rounds("the flooded doc", flooded, limits);
  }
}

}  // namespace weft::bench::attacks

// Item 1: a record whose Lamport time (or counter) leaves no room for the next edit.
// The update carried 2^64-1 and every replica's next edit wrapped to 0. The
// format now states Lamport times as first + zigzag offset, so the attacker tries the
// largest values it can still write, the 2^64-1 wrap, and the bound itself (2^62,
// accepted: replicas saturate there, decision 18). Measured: each refusal's time
// (apply_update, and through a session), a legitimate peer's sync rounds before,
// during a stream of refused attacks (a fresh attacker session every round, like the
// issue's reconnect loop), and after the accepted record at the bound.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <vector>

#include "attacker.hpp"
#include "attacks.hpp"
#include "crafted.hpp"
#include "legit_peer.hpp"
#include "report.hpp"

namespace weft::bench::attacks {

namespace {

constexpr std::uint64_t kBound = std::uint64_t{1} << 62;  // decision 18
constexpr int kRounds = 500;

struct Variant {
  const char* what;
  Bytes update;
};

std::vector<Variant> refused_variants() {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  return {
      {"Lamport 2^63 (first 1 + INT64_MAX: the largest the format states)",
       map_set_update(9, 1, kMax)},
      {"Lamport 2^64-1 by wrapping (first 2, offset -3)", map_set_update(9, 2, -3)},
      {"Lamport 2^62 + 1 (one past the bound)", map_set_update(9, 1, std::int64_t{1} << 62)},
      {"counter 2^64-1", map_set_update(9, std::numeric_limits<std::uint64_t>::max(), 0)},
  };
}

}  // namespace

void lamport_overflow(const Scale&) {
  std::printf("\n## Item 1: Lamport time and counters at their maximum\n");
  Doc host(ReplicaId{1});
  LegitPeer legit(host);
  const auto variants = refused_variants();

  std::printf(
      "\n| attack update | bytes | host's answer | apply_update: refused in (median of 1000, "
      "us) | through a session: p50 / max us |\n|---|--:|---|--:|--:|\n");
  for (const Variant& v : variants) {
    Latencies direct;
    std::string error = "accepted";
    for (int i = 0; i < 1000; ++i) {
      const auto start = std::chrono::steady_clock::now();
      auto r = host.apply_update(v.update);
      direct.add(ms_between(start, std::chrono::steady_clock::now()) * 1e3);
      if (!r) error = r.error().message();
    }
    Latencies session;
    for (int i = 0; i < 100; ++i) session.add(send_as_peer(host, v.update).host_ms * 1e3);
    std::printf("| %s | %zu | %s | %.2f | %.1f / %.1f |\n", v.what, v.update.size(), error.c_str(),
                direct.p50(), session.p50(), session.at(1.0));
  }

  std::printf(
      "\n| legitimate peer (%d rounds each) | p50 ms | p99 ms | %s | legit session "
      "closed | converged |\n|---|--:|--:|%s|---|---|\n",
      kRounds, kUsageHeader, kUsageAlign);
  auto row = [&](const char* phase, const Latencies& l, const HostUsage& u) {
    std::printf("| %s | %s | %s | %s | %s |\n", phase, latency_cells(l).c_str(),
                usage_cells(u).c_str(), legit.closed() ? "yes" : "no",
                legit.converged() ? "yes" : "NO");
  };
  {
    const UsageMeter meter;
    const Latencies base = legit.rounds(kRounds);
    row("baseline", base, meter.stop());
  }
  {
    int refused = 0;
    const UsageMeter meter;
    const Latencies during = legit.rounds(kRounds, [&](int i) {
      refused += send_as_peer(host, variants[i % variants.size()].update).refused ? 1 : 0;
    });
    row("during: one refused attack a round, fresh attacker session each", during, meter.stop());
    std::printf("(attacks refused: %d of %d)\n", refused, kRounds);
  }
  {
    const Delivery at_bound = send_as_peer(host, map_set_update(9, 1, kBound - 1));
    legit.settle();  // the legitimate peer integrates it too: its next edits saturate
    const UsageMeter meter;
    const Latencies after = legit.rounds(kRounds);
    row("after a record at Lamport 2^62 was accepted", after, meter.stop());
    // Every replica must still open what it holds: the store no longer did.
    const bool host_reloads = Doc::load(host.encode_snapshot(), ReplicaId{1}).has_value();
    const bool legit_reloads =
        Doc::load(legit.doc().encode_snapshot(), legit.doc().replica()).has_value();
    std::printf("(record at 2^62: %s; host reloads: %s; legit peer reloads: %s)\n",
                at_bound.refused ? ("refused: " + at_bound.error).c_str() : "accepted",
                host_reloads ? "yes" : "NO", legit_reloads ? "yes" : "NO");
  }
  {
    // The rows above run one after the other on a growing document: a control host
    // with the same history and no attack says what the growth alone costs.
    Doc control(ReplicaId{2});
    LegitPeer peer(control);
    (void)peer.rounds(2 * kRounds);
    const UsageMeter meter;
    const Latencies same_age = peer.rounds(kRounds);
    std::printf("| control: another host, rounds %d-%d, no attack | %s | %s | %s | %s |\n",
                2 * kRounds + 1, 3 * kRounds, latency_cells(same_age).c_str(),
                usage_cells(meter.stop()).c_str(), peer.closed() ? "yes" : "no",
                peer.converged() ? "yes" : "NO");
  }
}

}  // namespace weft::bench::attacks

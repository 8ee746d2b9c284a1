// Replicas hosting documents through SyncHost over the faulty SimulatedNetwork:
// loss up to 30%, duplication, reordering, partitions, crashes and restarts from
// the last snapshot. After healing, every replica must converge within three
// anti-entropy rounds, with nothing pending.
#include <memory>

#include <fmt/format.h>

#include "support/catch.hpp"
#include "support/seeds.hpp"
#include "sync/op_set_document.hpp"
#include "weft/sync/sync_host.hpp"
#include "weft/transport/simulated_network.hpp"

using weft::ReplicaId;
using weft::SimulatedNetwork;
using weft::SyncHost;
using weft::test::OpSetDocument;

namespace {

constexpr std::uint64_t kRoundMs = 1000;

struct Replica {
  std::unique_ptr<OpSetDocument> doc;
  std::unique_ptr<SyncHost> host;
  weft::Bytes snapshot;  // what survives a crash

  void attach(weft::Transport& transport) {
    host = std::make_unique<SyncHost>(transport,
                                      weft::SyncOptions{.anti_entropy_interval_ms = kRoundMs});
    host->add_document("shared", *doc);
  }
};

void run_simulation(std::uint64_t seed, std::size_t n, int operations) {
  std::mt19937_64 rng(seed);
  SimulatedNetwork net(seed);
  std::vector<Replica> replicas(n);
  for (std::size_t i = 0; i < n; ++i) {
    net.add_node();
    replicas[i].doc = std::make_unique<OpSetDocument>(ReplicaId{100 + i});
    replicas[i].snapshot = replicas[i].doc->encode_snapshot();
    replicas[i].attach(net.transport(i));
  }
  net.set_default_faults({0.3, 0.1, 0.2, 1, 40, 200});
  net.connect_all();

  std::size_t total_adds = 0;
  for (int op = 0; op < operations; ++op) {
    const std::size_t who = rng() % n;
    if (net.is_up(who)) {
      auto& r = replicas[who];
      r.host->publish("shared", r.doc->add(fmt::format("v{}", op)));
      ++total_adds;
      // Durable mode: a local edit is on disk before it is sent, so a crash loses only
      // what arrived from peers since, which sync fetches again.
      r.snapshot = r.doc->encode_snapshot();
    }
    switch (rng() % 100) {
      case 0: {
        std::vector<SimulatedNetwork::NodeId> group;
        for (std::size_t i = 0; i < n; ++i) {
          if (rng() % 2) group.push_back(i);
        }
        net.partition({group});
        break;
      }
      case 1:
        net.heal();
        break;
      case 2: {  // crash: the replica restarts from its last snapshot
        const std::size_t victim = rng() % n;
        if (!net.is_up(victim)) break;
        net.crash(victim);
        auto& r = replicas[victim];
        r.host.reset();
        r.doc = std::make_unique<OpSetDocument>(ReplicaId{100 + victim});
        REQUIRE(r.doc->apply_update(r.snapshot));
        r.attach(net.transport(victim));
        break;
      }
      case 3:
        for (std::size_t i = 0; i < n; ++i) {
          if (!net.is_up(i)) net.restart(i);
        }
        break;
      default:
        break;
    }
    net.advance(rng() % 50);
    for (auto& r : replicas) r.host->tick(net.now());
  }

  // Heal: partitions end, crashed replicas return and links stop losing messages
  // (with loss left on, no protocol could promise a bounded number of rounds).
  net.heal();
  for (std::size_t i = 0; i < n; ++i) net.restart(i);
  net.set_default_faults({0.0, 0.1, 0.2, 1, 40, 200});
  int rounds = 0;
  auto converged = [&] {
    for (const auto& r : replicas) {
      if (r.doc->ops() != replicas[0].doc->ops() || r.doc->pending_count() != 0) return false;
    }
    return true;
  };
  for (; rounds < 3 && !converged(); ++rounds) {
    net.advance(kRoundMs);
    for (auto& r : replicas) r.host->tick(net.now());
    net.advance(kRoundMs);  // lets every answer arrive (delays are under 300 ms)
  }
  INFO("seed " << seed << ", " << n << " replicas, rounds " << rounds);
  REQUIRE(converged());
  CHECK(replicas[0].doc->ops().size() == total_adds);  // no edit lost
}

}  // namespace

TEST_CASE("replicas converge over a faulty network within three anti-entropy rounds",
          "[sync][simulation]") {
  for (auto seed : weft::test::seeds(30)) {
    for (std::size_t n : {3, 5, 8}) run_simulation(seed, n, 300);
  }
}

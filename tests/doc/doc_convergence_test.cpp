// Replicas hosting a Doc through SyncHost over the faulty SimulatedNetwork:
// random transactions over every object kind (nested), loss up to 30%,
// duplication, reordering, partitions, crashes and restarts from durable
// storage. After healing every replica must converge within three
// anti-entropy rounds, and then agree byte for byte.
//
// Default: 4 seeds x {3, 5, 8} replicas x 1,000 operations. ctest also runs
// doc_convergence_200_seeds (WEFT_TEST_SCALE=50) in optimised builds.
#include <algorithm>
#include <memory>

#include "doc/doc_random.hpp"
#include "support/catch.hpp"
#include "support/seeds.hpp"
#include "weft/sync/sync_host.hpp"
#include "weft/transport/simulated_network.hpp"

using namespace weft;
using weft::test::random_transaction;

namespace {

constexpr std::uint64_t kRoundMs = 1000;

struct Replica {
  ReplicaId id;
  std::unique_ptr<Doc> doc;
  std::unique_ptr<SyncHost> host;
  // Durable storage: a snapshot plus every update integrated since (what a
  // storage backend's log holds), so a restart never forgets its own ops.
  Bytes snapshot;
  std::vector<Bytes> log;

  void attach(Transport& transport) {
    host = std::make_unique<SyncHost>(transport, SyncOptions{.anti_entropy_interval_ms = kRoundMs});
    host->add_document("doc", *doc);
    host->on_event = [this](PeerId, const SyncEvent& e) {
      // Pending ones too: they may be integrated later, and own edits build on them.
      if (e.kind == SyncEvent::Kind::update_applied) log.push_back(e.update);
    };
  }
  void compact() {
    snapshot = doc->encode_snapshot();
    log.clear();
    if (Bytes waiting = doc->encode_pending(); !waiting.empty()) log.push_back(std::move(waiting));
  }
  void restart(Transport& transport) {
    host.reset();
    const std::uint64_t own = doc->state_vector().get(id);
    doc = std::make_unique<Doc>(Doc::load(snapshot, id).value());
    for (const Bytes& u : log) REQUIRE(doc->apply_update(u));
    REQUIRE(doc->state_vector().get(id) == own);  // never reuse a counter
    attach(transport);
  }
};

void run(std::uint64_t seed, std::size_t n, int operations) {
  INFO("seed " << seed << ", " << n << " replicas");
  std::mt19937_64 rng(seed);
  SimulatedNetwork net(seed);
  std::vector<Replica> replicas(n);
  for (std::size_t i = 0; i < n; ++i) {
    net.add_node();
    replicas[i].id = ReplicaId{(rng() >> 1) | 1};  // random ids: tie-breaks vary by seed
    replicas[i].doc = std::make_unique<Doc>(replicas[i].id);
    replicas[i].compact();
    replicas[i].attach(net.transport(i));
  }
  const double loss = static_cast<double>(rng() % 31) / 100;  // up to 30%
  net.set_default_faults({loss, 0.1, 0.2, 1, 40, 200});
  net.connect_all();

  std::vector<Bytes> published;
  for (int op = 0; op < operations; ++op) {
    const std::size_t who = rng() % n;
    if (net.is_up(who)) {
      auto& r = replicas[who];
      Bytes u = random_transaction(*r.doc, rng);
      if (!u.empty()) {
        r.log.push_back(u);  // durable before it is sent
        r.host->publish("doc", u);
        published.push_back(std::move(u));
      }
      if (rng() % 64 == 0) r.compact();
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
      case 2: {
        const std::size_t victim = rng() % n;
        if (!net.is_up(victim)) break;
        net.crash(victim);
        replicas[victim].restart(net.transport(victim));
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

  net.heal();
  for (std::size_t i = 0; i < n; ++i) net.restart(i);
  net.set_default_faults({0.0, 0.1, 0.2, 1, 40, 200});
  auto converged = [&] {
    const Bytes first = replicas[0].doc->encode_snapshot();
    return std::all_of(replicas.begin(), replicas.end(), [&](const Replica& r) {
      return r.doc->pending_count() == 0 && r.doc->encode_snapshot() == first;
    });
  };
  int rounds = 0;
  for (; rounds < 3 && !converged(); ++rounds) {
    net.advance(kRoundMs);
    for (auto& r : replicas) r.host->tick(net.now());
    net.advance(kRoundMs);
  }
  INFO("rounds " << rounds << ", loss " << loss << ", updates " << published.size());
  REQUIRE(converged());

  const Doc& ref = *replicas[0].doc;
  const Bytes snap = ref.encode_snapshot();
  for (const auto& r : replicas) {
    CHECK(r.doc->state_vector() == ref.state_vector());
    CHECK(r.doc->digest() == ref.digest());
  }
  // No published edit was lost (crashes included).
  for (const Bytes& u : published) {
    CHECK(update_state_vector(u).value().dominated_by(ref.state_vector()));
  }
  // A fresh replica fed every update in a random order equals the others.
  std::shuffle(published.begin(), published.end(), rng);
  Doc fresh(ReplicaId{0xFEED});
  for (const Bytes& u : published) REQUIRE(fresh.apply_update(u));
  CHECK(fresh.pending_count() == 0);
  CHECK(fresh.encode_snapshot() == snap);
  // Re-applying any update changes nothing.
  for (std::size_t i = 0; i < published.size(); i += 1 + published.size() / 50) {
    auto st = fresh.apply_update(published[i]);
    REQUIRE(st);
    CHECK(st->applied == 0);
  }
  CHECK(fresh.encode_snapshot() == snap);
  // snapshot -> load -> snapshot is the identity.
  CHECK(Doc::load(snap, ReplicaId{0xBEEF}).value().encode_snapshot() == snap);
  // Every text and list equals the reference model fed the same ops.
  for (const auto& [id, expected] : weft::test::reference_sequences(snap)) {
    INFO("object " << id.root << " " << id.dot.counter);
    CHECK(weft::test::rendered(ref, id) == expected);
  }
}

}  // namespace

TEST_CASE("Doc replicas converge over a faulty network within three anti-entropy rounds",
          "[doc][convergence]") {
  for (auto seed : weft::test::seeds(4)) {
    for (std::size_t n : {3, 5, 8}) run(seed, n, 1000);
  }
}

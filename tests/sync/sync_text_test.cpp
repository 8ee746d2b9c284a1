// A bare Text and a bare List hosted by SyncHost: the sequence types speak the
// SyncDocument vocabulary (state_vector, encode_update_since, apply_update,
// digest) like Doc, so two hosts editing them concurrently over a lossy,
// duplicating, reordering network converge.
#include <cstdint>
#include <memory>
#include <random>
#include <string>

#include <fmt/format.h>

#include "support/catch.hpp"
#include "support/seeds.hpp"
#include "weft/sync/sync_host.hpp"
#include "weft/transport/simulated_network.hpp"
#include "weft/types/list.hpp"
#include "weft/types/text.hpp"

using namespace weft;

namespace {

constexpr std::uint64_t kRoundMs = 500;

struct Node {
  Node(Transport& t, ReplicaId id) : text(id), list(id) {
    host = std::make_unique<SyncHost>(t, SyncOptions{.anti_entropy_interval_ms = kRoundMs});
    host->add_document("body", text);
    host->add_document("items", list);
  }
  // A local edit produces no bytes: publish what it added since `before`.
  void type(std::size_t pos, const std::string& s) {
    const VersionVector before = text.state_vector();
    text.insert(std::min(pos, text.size()), s);
    host->publish("body", text.encode_update_since(before));
  }
  void erase_one(std::size_t pos) {
    if (text.empty()) return;
    const VersionVector before = text.state_vector();
    text.erase(pos % text.size(), 1);
    host->publish("body", text.encode_update_since(before));
  }
  void push(std::int64_t v) {
    const VersionVector before = list.state_vector();
    list.insert(list.size(), v);
    host->publish("items", list.encode_update_since(before));
  }
  Text text;
  List<std::int64_t> list;
  std::unique_ptr<SyncHost> host;
};

}  // namespace

TEST_CASE("two SyncHosts hosting a bare Text and List converge after concurrent edits",
          "[sync][sequence]") {
  for (auto seed : weft::test::seeds(10)) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    SimulatedNetwork net(seed);
    net.add_node();
    net.add_node();
    Node a(net.transport(0), ReplicaId{1});
    Node b(net.transport(1), ReplicaId{2});
    auto run = [&](std::uint64_t ms) {
      for (std::uint64_t end = net.now() + ms; net.now() < end;) {
        net.advance(10 + rng() % 30);
        a.host->tick(net.now());
        b.host->tick(net.now());
      }
    };
    // Edits before the hosts meet travel in the greeting.
    a.type(0, "alpha ");
    b.type(0, "beta ");
    net.set_default_faults({0.2, 0.2, 0.3, 1, 30, 120});  // loss, duplication, reordering
    net.connect(0, 1);
    std::int64_t pushed = 0;
    for (int step = 0; step < 60; ++step) {
      Node& n = rng() % 2 ? a : b;
      switch (rng() % 4) {
        case 0:
          n.erase_one(rng());
          break;
        case 1:
          n.push(++pushed);
          break;
        default:
          n.type(rng() % (n.text.size() + 1), fmt::format("<{}>", step));
      }
      run(rng() % 60);
    }
    // Heal the faults; anti-entropy repairs whatever was lost.
    net.set_default_faults({});
    run(6 * kRoundMs);
    CHECK(a.text.to_string() == b.text.to_string());
    CHECK(a.text.state_vector() == b.text.state_vector());
    CHECK(a.text.digest() == b.text.digest());
    CHECK(a.text.pending_count() == 0);
    CHECK(b.text.pending_count() == 0);
    CHECK(a.list.values() == b.list.values());
    CHECK(a.list.digest() == b.list.digest());
    CHECK(a.list.size() == static_cast<std::size_t>(pushed));
    // Each side holds the other's edits (not two empty or one-sided replicas).
    CHECK(a.text.state_vector().get(ReplicaId{2}) > 0);
    CHECK(b.text.state_vector().get(ReplicaId{1}) > 0);
    CHECK(b.list.state_vector() == a.list.state_vector());
  }
}

TEST_CASE("Text and List digests follow the visible content", "[sync][sequence]") {
  Text a(ReplicaId{1});
  Text b(ReplicaId{2});
  CHECK(a.digest() == b.digest());
  a.insert(0, "same");
  CHECK(a.digest() != b.digest());
  b.insert(0, "sxame");
  b.erase(1, 1);  // different history, same text
  CHECK(a.digest() == b.digest());
  List<std::int64_t> l(ReplicaId{1});
  List<std::int64_t> m(ReplicaId{2});
  l.insert(0, 1);
  m.insert(0, 2);
  CHECK(l.digest() != m.digest());
  REQUIRE(m.apply_update(l.encode_update_since(m.state_vector())));
  REQUIRE(l.apply_update(m.encode_update_since(l.state_vector())));
  CHECK(l.values() == m.values());
  CHECK(l.digest() == m.digest());
  // Through the interface, as a host sees them.
  const SyncDocument& doc = l;
  CHECK(doc.state_vector() == l.version());
  CHECK(doc.encode_snapshot() == l.encode());
}

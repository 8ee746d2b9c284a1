// An end-to-end check that the simulated network is a usable substrate: replicas
// of a grow-only set gossip their whole state periodically (anti-entropy) over
// lossy, duplicating, reordering, partitioned links with crashes, and must all
// end with the union of every element added.
#include <algorithm>
#include <set>

#include "support/catch.hpp"
#include "support/seeds.hpp"
#include "weft/encoding/codec.hpp"
#include "weft/transport/simulated_network.hpp"

namespace {

struct GossipReplica : weft::TransportHandler {
  weft::Transport* transport = nullptr;
  std::set<std::uint32_t> elements;

  void on_connected(weft::PeerId peer) override { push(peer); }
  void on_message(weft::PeerId, std::span<const std::uint8_t> m) override {
    weft::Reader r(m);
    auto n = r.count(1);
    REQUIRE(n);
    for (std::size_t i = 0; i < *n; ++i) {
      auto v = weft::decode_value<std::uint32_t>(r);
      REQUIRE(v);
      elements.insert(*v);
    }
  }
  void on_disconnected(weft::PeerId, boost::system::error_code) override {}
  void push(weft::PeerId peer) {
    weft::Writer w;
    w.varint(elements.size());
    for (auto e : elements) weft::encode_value(w, e);
    (void)transport->send(peer, w.view());
  }
  void gossip() {
    for (auto peer : transport->peers()) push(peer);
  }
};

}  // namespace

TEST_CASE("anti-entropy over a faulty simulated network converges", "[sync][network]") {
  for (auto seed : weft::test::seeds(40)) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    const std::size_t n = 3 + seed % 4;
    weft::SimulatedNetwork net(seed);
    std::vector<GossipReplica> replicas(n);
    for (std::size_t i = 0; i < n; ++i) {
      net.add_node();
      replicas[i].transport = &net.transport(i);
      net.transport(i).set_handler(&replicas[i]);
    }
    net.set_default_faults({0.3, 0.1, 0.2, 1, 20, 50});
    net.connect_all();
    std::set<std::uint32_t> all;
    for (std::uint32_t op = 0; op < 200; ++op) {
      const std::size_t who = rng() % n;
      if (net.is_up(who)) {
        replicas[who].elements.insert(op);
        all.insert(op);
      }
      switch (rng() % 40) {
        case 0:
          net.partition({{0}});
          break;
        case 1:
          net.heal();
          break;
        case 2:
          net.crash(rng() % n);
          break;  // state survives, as if restored from a snapshot
        case 3:
          for (std::size_t i = 0; i < n; ++i) net.restart(i);
          break;
        default:
          break;
      }
      if (op % 10 == 0) {
        for (auto& r : replicas) r.gossip();
      }
      net.advance(5);
    }
    net.heal();
    for (std::size_t i = 0; i < n; ++i) net.restart(i);
    // Links stay lossy: repeated anti-entropy rounds, not one lucky exchange, must repair.
    auto converged = [&] {
      return std::all_of(replicas.begin(), replicas.end(),
                         [&](const GossipReplica& r) { return r.elements == all; });
    };
    int rounds = 0;
    for (net.run_until_idle(); !converged() && rounds < 30; ++rounds) {
      for (auto& r : replicas) r.gossip();
      net.run_until_idle();
    }
    REQUIRE(converged());
  }
}

#include <algorithm>
#include <set>

#include "support/catch.hpp"
#include "transport/recorder.hpp"
#include "weft/transport/simulated_network.hpp"

using weft::LinkFaults;
using weft::PeerId;
using weft::SimulatedNetwork;
using weft::transport_errc;
using weft::test::bytes_of;
using weft::test::number_of;
using weft::test::Recorder;

namespace {
struct Pair {
  SimulatedNetwork net;
  Recorder a, b;
  explicit Pair(std::uint64_t seed) : net(seed) {
    net.add_node();
    net.add_node();
    net.transport(0).set_handler(&a);
    net.transport(1).set_handler(&b);
    net.connect(0, 1);
    net.run_until_idle();
  }
  PeerId a_to_b() const { return a.connected_peers.at(0); }
};
}  // namespace

TEST_CASE("messages arrive whole, once, in order on a perfect link", "[sync][network]") {
  Pair p(1);
  REQUIRE(p.a.connected_peers.size() == 1);
  REQUIRE(p.b.connected_peers.size() == 1);
  for (std::uint32_t i = 0; i < 100; ++i) REQUIRE(p.net.transport(0).send(p.a_to_b(), bytes_of(i)));
  p.net.run_until_idle();
  auto got = p.b.messages();
  REQUIRE(got.size() == 100);
  for (std::uint32_t i = 0; i < 100; ++i) CHECK(number_of(got[i]) == i);
  CHECK(p.net.stats().delivered == 100);
  CHECK(p.b.log[1].peer == p.b.connected_peers[0]);  // sender named by the receiver's PeerId
}

TEST_CASE("the same seed replays the same deliveries", "[sync][network]") {
  auto run = [](std::uint64_t seed) {
    Pair p(seed);
    p.net.set_default_faults({0.2, 0.2, 0.3, 1, 20, 40});
    for (std::uint32_t i = 0; i < 300; ++i) {
      (void)p.net.transport(0).send(p.a_to_b(), bytes_of(i));
      (void)p.net.transport(1).send(p.b.connected_peers[0], bytes_of(1000 + i));
      p.net.advance(1);
    }
    p.net.run_until_idle();
    return std::pair(p.a.log, p.b.log);
  };
  CHECK(run(7) == run(7));
  CHECK_FALSE(run(7) == run(8));
}

TEST_CASE("loss, duplication and reordering happen at their configured rates", "[sync][network]") {
  Pair p(3);
  p.net.set_default_faults({0.3, 0.1, 0.0, 1, 30, 0});
  const std::uint32_t n = 10000;
  for (std::uint32_t i = 0; i < n; ++i) (void)p.net.transport(0).send(p.a_to_b(), bytes_of(i));
  p.net.run_until_idle();
  const auto got = p.b.messages();
  std::set<std::uint32_t> distinct;
  bool out_of_order = false;
  for (std::size_t i = 0; i < got.size(); ++i) {
    distinct.insert(number_of(got[i]));
    if (i > 0 && number_of(got[i]) < number_of(got[i - 1])) out_of_order = true;
  }
  const double delivered_fraction = static_cast<double>(distinct.size()) / n;
  CHECK(delivered_fraction > 0.65);
  CHECK(delivered_fraction < 0.75);
  CHECK(got.size() > distinct.size());  // some duplicates
  CHECK(out_of_order);
  CHECK(p.net.stats().dropped + distinct.size() == n);
}

TEST_CASE("a partition drops messages between groups until healed", "[sync][network]") {
  SimulatedNetwork net(5);
  Recorder r[3];
  for (int i = 0; i < 3; ++i) {
    net.add_node();
    net.transport(i).set_handler(&r[i]);
  }
  net.connect_all();
  net.run_until_idle();
  net.partition({{0}, {1, 2}});
  auto peer_of = [&](int from, int nth) { return net.transport(from).peers().at(nth); };
  for (int from = 0; from < 3; ++from) {
    for (int k = 0; k < 2; ++k) (void)net.transport(from).send(peer_of(from, k), bytes_of(from));
  }
  net.run_until_idle();
  CHECK(r[0].messages().empty());
  CHECK(r[1].messages().size() == 1);  // only from 2
  CHECK(r[2].messages().size() == 1);  // only from 1
  net.heal();
  (void)net.transport(0).send(peer_of(0, 0), bytes_of(9));
  net.run_until_idle();
  CHECK(r[1].messages().size() + r[2].messages().size() == 3);
}

TEST_CASE("a crash drops in-flight messages and restart reconnects with new peers",
          "[sync][network]") {
  Pair p(11);
  p.net.set_default_faults({0, 0, 0, 10, 10, 0});
  const PeerId old_peer = p.a_to_b();
  REQUIRE(p.net.transport(0).send(old_peer, bytes_of(1)));
  p.net.crash(1);
  CHECK_FALSE(p.net.is_up(1));
  p.net.run_until_idle();
  CHECK(p.b.messages().empty());
  CHECK(p.a.log.back().kind == Recorder::Entry::disconnected);
  CHECK(p.b.log.back().kind == Recorder::Entry::connected);  // the dead hear nothing
  CHECK(p.net.transport(0).send(old_peer, bytes_of(2)).error() == transport_errc::not_connected);

  p.net.restart(1);
  p.net.run_until_idle();
  REQUIRE(p.a.connected_peers.size() == 1);
  CHECK(p.a.connected_peers[0] != old_peer);  // PeerIds are never reused
  REQUIRE(p.net.transport(0).send(p.a_to_b(), bytes_of(3)));
  p.net.run_until_idle();
  REQUIRE(p.b.messages().size() == 1);
  CHECK(number_of(p.b.messages()[0]) == 3);
}

TEST_CASE("caller mistakes are reported, not ignored", "[sync][network]") {
  SimulatedNetwork net(1, 16);
  net.add_node();
  net.add_node();
  CHECK_THROWS_AS(net.connect(0, 0), std::invalid_argument);
  CHECK_THROWS_AS(net.connect(0, 5), std::out_of_range);
  CHECK_THROWS_AS(net.transport(9), std::out_of_range);
  CHECK(net.transport(0).send(PeerId{42}, bytes_of(1)).error() == transport_errc::not_connected);
  Recorder r;
  net.transport(0).set_handler(&r);
  net.connect(0, 1);
  net.run_until_idle();
  std::vector<std::uint8_t> big(17, 0);
  CHECK(net.transport(0).send(r.connected_peers.at(0), big).error() ==
        transport_errc::message_too_large);
}

// Presence (awareness): newest clock wins whatever the delivery order, entries
// expire after silence and are refreshed while their owner lives, clears are
// tombstones, sizes are bounded, and hosts relay entries along chains while
// honouring per-document access.
#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "support/catch.hpp"
#include "support/seeds.hpp"
#include "sync/op_set_document.hpp"
#include "weft/sync/sync_host.hpp"
#include "weft/transport/simulated_network.hpp"

using namespace weft;

namespace {

Bytes state_of(const std::string& s) {
  return Bytes(s.begin(), s.end());
}

PresenceUpdate entry(std::uint64_t replica, std::uint64_t clock, std::optional<std::string> s,
                     std::uint64_t age = 0) {
  PresenceUpdate u{ReplicaId{replica}, clock, age, std::nullopt};
  if (s) u.state = state_of(*s);
  return u;
}

// Records on_change calls as (replica, state or "<gone>").
struct ChangeLog {
  explicit ChangeLog(Presence& p) {
    p.on_change = [this](ReplicaId r, const PresenceEntry* e) {
      changes.emplace_back(r.value(), e ? std::string(e->state.begin(), e->state.end()) : "<gone>");
    };
  }
  std::vector<std::pair<std::uint64_t, std::string>> changes;
};

}  // namespace

TEST_CASE("the newest clock wins under reordering and duplication", "[sync][presence]") {
  for (auto seed : weft::test::seeds(20)) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    // Three replicas each publish a history; some entries are clears.
    std::vector<PresenceUpdate> sent;
    std::map<std::uint64_t, PresenceUpdate> newest;
    for (std::uint64_t replica = 2; replica <= 4; ++replica) {
      const std::uint64_t n = 1 + rng() % 12;
      for (std::uint64_t clock = 1; clock <= n; ++clock) {
        auto u = entry(replica, clock,
                       rng() % 4 == 0 ? std::nullopt
                                      : std::optional(fmt::format("{}", replica * 100 + clock)));
        sent.push_back(u);
        newest[replica] = u;
      }
    }
    std::vector<PresenceUpdate> delivered = sent;
    for (std::size_t i = 0, n = sent.size(); i < n; ++i) {
      if (rng() % 3 == 0) delivered.push_back(sent[rng() % n]);  // duplicates
    }
    std::shuffle(delivered.begin(), delivered.end(), rng);
    Presence p(ReplicaId{1});
    ChangeLog log(p);
    std::map<std::uint64_t, std::uint64_t> best;  // highest clock delivered so far
    for (const auto& u : delivered) {
      auto news = p.apply(u);
      REQUIRE(news);
      const bool newer = u.clock > best[u.replica.value()];
      CHECK(*news == newer);  // news exactly when newer: what the host relays
      if (newer) best[u.replica.value()] = u.clock;
    }
    for (const auto& [replica, u] : newest) {
      auto it = p.remote_states().find(ReplicaId{replica});
      if (u.state) {
        REQUIRE(it != p.remote_states().end());
        CHECK(it->second.state == *u.state);
        CHECK(it->second.clock == u.clock);
      } else {
        CHECK(it == p.remote_states().end());
      }
      // The last change reported for each replica is its final entry.
      auto last = std::find_if(log.changes.rbegin(), log.changes.rend(),
                               [&](const auto& c) { return c.first == replica; });
      if (last != log.changes.rend()) {
        CHECK(last->second == (u.state ? std::string(u.state->begin(), u.state->end()) : "<gone>"));
      }
    }
  }
}

TEST_CASE("remote entries expire after silence; our own is refreshed", "[sync][presence]") {
  Presence p(ReplicaId{1}, {.timeout_ms = 300, .refresh_ms = 100});
  ChangeLog log(p);
  REQUIRE(p.apply(entry(2, 1, "two")));
  p.tick(250);
  REQUIRE(p.apply(entry(3, 1, "three")));  // seen at 250
  p.tick(299);
  CHECK(p.remote_states().size() == 2);
  p.tick(300);  // 2 was last heard at 0
  CHECK(p.remote_states().count(ReplicaId{2}) == 0);
  CHECK(p.remote_states().count(ReplicaId{3}) == 1);
  REQUIRE_FALSE(log.changes.empty());
  CHECK(log.changes.back() == std::pair<std::uint64_t, std::string>{2, "<gone>"});
  // A refresh (a higher clock) keeps an entry alive.
  REQUIRE(*p.apply(entry(3, 2, "three")));
  p.tick(549);
  CHECK(p.remote_states().count(ReplicaId{3}) == 1);
  p.tick(600);
  CHECK(p.remote_states().empty());
  // An entry that arrives already as old as the timeout is not revived.
  CHECK_FALSE(*p.apply(entry(2, 5, "stale", 300)));
  CHECK(p.remote_states().empty());
  // An entry that arrives partly aged expires that much sooner.
  REQUIRE(*p.apply(entry(2, 6, "aged", 200)));
  p.tick(699);
  CHECK(p.remote_states().count(ReplicaId{2}) == 1);
  p.tick(700);
  CHECK(p.remote_states().empty());

  // Our own state: published on set, refreshed every refresh_ms with a new clock.
  REQUIRE(p.set_local_state(state_of("me")));
  auto out = p.take_outgoing();
  REQUIRE(out.size() == 1);
  CHECK(out[0].replica == ReplicaId{1});
  CHECK(out[0].state == state_of("me"));
  p.tick(799);
  CHECK(p.take_outgoing().empty());
  p.tick(800);
  auto refresh = p.take_outgoing();
  REQUIRE(refresh.size() == 1);
  CHECK(refresh[0].clock == out[0].clock + 1);
  CHECK(refresh[0].state == state_of("me"));
}

TEST_CASE("a clear is a tombstone that outlives delayed older states", "[sync][presence]") {
  Presence p(ReplicaId{1}, {.timeout_ms = 300, .refresh_ms = 100});
  ChangeLog log(p);
  REQUIRE(*p.apply(entry(2, 3, "here")));
  REQUIRE(*p.apply(entry(2, 4, std::nullopt)));
  CHECK(p.remote_states().empty());
  CHECK(log.changes.back() == std::pair<std::uint64_t, std::string>{2, "<gone>"});
  CHECK_FALSE(*p.apply(entry(2, 3, "here")));  // a delayed duplicate of the old state
  CHECK(p.remote_states().empty());
  // The tombstone travels on to peers that connect later.
  auto known = p.known_states();
  REQUIRE(known.size() == 1);
  CHECK(known[0] == entry(2, 4, std::nullopt));
  // Once forgotten, the replica may come back (e.g. restarted from clock 1).
  p.tick(300);
  CHECK(p.known_states().empty());
  CHECK(*p.apply(entry(2, 1, "back")));
  CHECK(p.remote_states().count(ReplicaId{2}) == 1);

  // Our own clear: published as a tombstone; nothing to clear twice.
  REQUIRE(p.set_local_state(state_of("me")));
  p.clear_local_state();
  auto out = p.take_outgoing();
  REQUIRE(out.size() == 2);
  CHECK_FALSE(out[1].state.has_value());
  CHECK(out[1].clock == out[0].clock + 1);
  CHECK(p.local_state() == nullptr);
  p.clear_local_state();
  CHECK(p.take_outgoing().empty());
}

TEST_CASE("oversized presence states are refused", "[sync][presence]") {
  Presence p(ReplicaId{1}, {.max_state_size = 8});
  CHECK(p.set_local_state(Bytes(9, 'x')).error() == sync_errc::presence_too_large);
  CHECK(p.local_state() == nullptr);
  CHECK(p.take_outgoing().empty());
  REQUIRE(p.set_local_state(Bytes(8, 'x')));
  CHECK(p.apply(entry(2, 1, std::string(9, 'y'))).error() == sync_errc::presence_too_large);
  CHECK(p.remote_states().empty());
  // The number of replicas tracked is bounded too; known ones still update.
  Presence few(ReplicaId{1}, {.max_entries = 2});
  REQUIRE(few.apply(entry(2, 1, "a")));
  REQUIRE(few.apply(entry(3, 1, std::nullopt)));
  CHECK(few.apply(entry(4, 1, "b")).error() == sync_errc::presence_too_large);
  CHECK(*few.apply(entry(2, 2, "c")));
  CHECK(few.remote_states().size() == 1);
  CHECK(few.apply(entry(2, UINT64_MAX, "d")).error() == errc::invalid_value);
  CHECK_THROWS_AS(Presence(ReplicaId{}), std::invalid_argument);
  CHECK_THROWS_AS(Presence(ReplicaId{1}, {.timeout_ms = 10, .refresh_ms = 10}),
                  std::invalid_argument);

  // Over the wire: refused with a reject, never applied, and the session stays open.
  Presence host_side(ReplicaId{1}, {.max_state_size = 8});
  SyncSession s;
  s.add_presence("doc", host_side);
  s.start();
  (void)s.take_outgoing();
  SyncMessage m;
  m.kind = SyncMessageKind::presence;
  m.doc = "doc";
  m.replica = ReplicaId{2};
  m.clock = 1;
  m.payload = Bytes(9, 'y');
  REQUIRE(s.receive(encode_sync_message(m)));
  auto out = s.take_outgoing();
  REQUIRE(out.size() == 1);
  auto reject = decode_sync_message(out[0]);
  REQUIRE(reject);
  CHECK(reject->kind == SyncMessageKind::reject);
  CHECK(reject->error_code == static_cast<std::uint32_t>(sync_errc::presence_too_large));
  auto events = s.take_events();
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == SyncEvent::Kind::refused);
  CHECK(host_side.remote_states().empty());
  CHECK_FALSE(s.is_closed());
}

TEST_CASE("a restarted replica moves past its own older entry", "[sync][presence]") {
  Presence p(ReplicaId{1});
  REQUIRE(p.set_local_state(state_of("new")));
  (void)p.take_outgoing();
  // A peer still shows our entry from before the restart, with a higher clock.
  CHECK_FALSE(*p.apply(entry(1, 40, "old")));
  auto out = p.take_outgoing();
  REQUIRE(out.size() == 1);
  CHECK(out[0].clock == 41);
  CHECK(out[0].state == state_of("new"));
  // A faithful echo of our present entry changes nothing (no loop in a cycle).
  CHECK_FALSE(*p.apply(out[0]));
  CHECK(p.take_outgoing().empty());
}

namespace {

constexpr std::uint64_t kTimeout = 3000;
constexpr std::uint64_t kRefresh = 1000;

struct PresenceNode {
  PresenceNode(Transport& t, ReplicaId id)
      : doc(id), presence(id, {.timeout_ms = kTimeout, .refresh_ms = kRefresh}), log(presence) {
    host = std::make_unique<SyncHost>(t, SyncOptions{.anti_entropy_interval_ms = 500});
    host->add_document("doc", doc);
    host->add_presence("doc", presence);
  }
  [[nodiscard]] std::optional<std::string> seen(std::uint64_t replica) const {
    auto it = presence.remote_states().find(ReplicaId{replica});
    if (it == presence.remote_states().end()) return std::nullopt;
    return std::string(it->second.state.begin(), it->second.state.end());
  }
  weft::test::OpSetDocument doc;
  Presence presence;
  ChangeLog log;
  std::unique_ptr<SyncHost> host;
};

}  // namespace

TEST_CASE("presence travels along a chain of three hosts, and expires", "[sync][presence]") {
  for (auto seed : weft::test::seeds(5)) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    SimulatedNetwork net(seed);
    std::vector<std::unique_ptr<PresenceNode>> nodes;
    for (std::uint64_t i = 0; i < 3; ++i) {
      net.add_node();
      nodes.push_back(std::make_unique<PresenceNode>(net.transport(i), ReplicaId{i + 1}));
    }
    net.set_default_faults({0.0, 0.3, 0.3, 1, 40, 200});  // duplication and reordering
    net.connect(0, 1);
    net.connect(1, 2);  // no link between 0 and 2: everything goes through 1
    auto run = [&](std::uint64_t ms) {
      for (std::uint64_t end = net.now() + ms; net.now() < end;) {
        net.advance(10 + rng() % 40);
        for (auto& n : nodes) n->host->tick(net.now());
      }
    };
    auto& a = *nodes[0];
    auto& c = *nodes[2];
    // Several changes in a row, reordered on the way: the last one wins.
    for (int i = 0; i < 5; ++i)
      REQUIRE(a.presence.set_local_state(state_of(fmt::format("a{}", i))));
    run(500);
    CHECK(c.seen(1) == "a4");
    CHECK(nodes[1]->seen(1) == "a4");
    REQUIRE(c.presence.set_local_state(state_of("c")));
    run(500);
    CHECK(a.seen(3) == "c");
    // Alive peers never expire, however long: refreshes travel the chain too.
    for (int i = 0; i < 10; ++i) {
      run(kRefresh);
      CHECK(c.seen(1) == "a4");
      CHECK(a.seen(3) == "c");
    }
    // Clear: everyone is told.
    a.presence.clear_local_state();
    run(500);
    CHECK_FALSE(c.seen(1).has_value());
    CHECK(c.log.changes.back() == std::pair<std::uint64_t, std::string>{1, "<gone>"});
    REQUIRE(a.presence.set_local_state(state_of("again")));
    run(500);
    CHECK(c.seen(1) == "again");
    // Silence: node 0 crashes; after the timeout the others drop its entry.
    net.crash(0);
    run(kTimeout / 2);
    CHECK(c.seen(1) == "again");
    run(kTimeout);
    CHECK_FALSE(c.seen(1).has_value());
    CHECK_FALSE(nodes[1]->seen(1).has_value());
    CHECK(c.log.changes.back() == std::pair<std::uint64_t, std::string>{1, "<gone>"});
    CHECK(c.seen(2).has_value() == false);  // node 1 never set a state
    CHECK_FALSE(a.seen(3).has_value());     // the isolated node, hearing nothing, drops theirs
  }
}

TEST_CASE("presence honours access: none sees and publishes nothing, read does both",
          "[sync][presence][access]") {
  SimulatedNetwork net(7);
  std::vector<std::unique_ptr<PresenceNode>> nodes;
  for (std::uint64_t i = 0; i < 3; ++i) {
    net.add_node();
    nodes.push_back(std::make_unique<PresenceNode>(net.transport(i), ReplicaId{i + 1}));
  }
  // Node 0 decides: node 1 (connected first) reads, node 2 has no access.
  std::map<PeerId, Access> policy;
  std::vector<Access> order = {Access::read, Access::none};
  nodes[0]->host->access = [&](PeerId peer, std::string_view) {
    if (!policy.count(peer)) {
      policy[peer] = order.front();
      order.erase(order.begin());
    }
    return policy[peer];
  };
  for (std::uint64_t i = 0; i < 3; ++i) {
    REQUIRE(nodes[i]->presence.set_local_state(state_of(fmt::format("n{}", i))));
  }
  net.connect(0, 1);
  net.advance(0);
  net.connect(0, 2);
  for (int i = 0; i < 20; ++i) {
    net.advance(100);
    for (auto& n : nodes) n->host->tick(net.now());
  }
  CHECK(nodes[0]->seen(2) == "n1");  // a reader's cursor is shown
  CHECK(nodes[1]->seen(1) == "n0");
  CHECK_FALSE(nodes[0]->seen(3).has_value());  // none: neither way
  CHECK(nodes[2]->presence.remote_states().empty());
  CHECK_FALSE(nodes[1]->seen(3).has_value());  // nor relayed through node 0
}

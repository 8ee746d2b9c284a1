// Per-document access control: a read-only peer can read but never write, a peer
// without access learns nothing of the document, and divergence repair cannot be
// used to smuggle a read-only peer's state in. Real weft::Doc replicas over the
// SimulatedNetwork (duplication, reordering, loss healed before the final rounds).
#include <algorithm>
#include <memory>

#include "support/catch.hpp"
#include "support/seeds.hpp"
#include "sync/sync_spy.hpp"
#include "weft/transport/simulated_network.hpp"

using namespace weft;
using weft::test::body;
using weft::test::SpyHandler;

namespace {

constexpr std::uint64_t kRoundMs = 1000;

enum class Role { writer, reader, third, outsider };

struct Node {
  Node(Transport& transport, ReplicaId id) : doc(std::make_unique<Doc>(id)) {
    host = std::make_unique<SyncHost>(transport, SyncOptions{.anti_entropy_interval_ms = kRoundMs});
    spy = std::make_unique<SpyHandler>(transport, *host);
    host->on_event = [this](PeerId peer, const SyncEvent& e) { events.emplace_back(peer, e); };
  }
  [[nodiscard]] std::string text() const { return doc->text(body()).to_string(); }
  [[nodiscard]] std::size_t count(SyncEvent::Kind kind) const {
    return static_cast<std::size_t>(std::count_if(
        events.begin(), events.end(), [&](const auto& pe) { return pe.second.kind == kind; }));
  }

  std::unique_ptr<Doc> doc;
  std::unique_ptr<SyncHost> host;
  std::unique_ptr<SpyHandler> spy;
  std::vector<std::pair<PeerId, SyncEvent>> events;
};

// A star around node 0 (the writer): the only path between the others runs through
// it, so anything one of them gets from another was relayed by the writer.
struct Star {
  explicit Star(std::uint64_t seed) : net(seed) {}

  Node& add(Role role, ReplicaId id) {
    const auto index = net.add_node();
    nodes.push_back(std::make_unique<Node>(net.transport(index), id));
    roles.push_back(role);
    if (index == 0) {
      nodes[0]->spy->on_connect = [this](PeerId peer) { role_of[peer] = connecting; };
    } else {
      connecting = role;
      net.connect(0, index);
      net.advance(0);  // delivers on_connected, so the writer knows who this PeerId is
    }
    return *nodes.back();
  }
  // Runs `rounds` anti-entropy rounds and lets every answer arrive.
  void settle(int rounds) {
    for (int i = 0; i < rounds; ++i) {
      net.advance(kRoundMs);
      for (auto& n : nodes) n->host->tick(net.now());
      net.advance(kRoundMs);
    }
  }
  void step(std::mt19937_64& rng) {
    net.advance(rng() % 50);
    for (auto& n : nodes) n->host->tick(net.now());
  }

  SimulatedNetwork net;
  std::vector<std::unique_ptr<Node>> nodes;
  std::vector<Role> roles;
  std::map<PeerId, Role> role_of;  // as the writer names its peers
  Role connecting = Role::writer;
};

std::string without(std::string text, char c) {
  text.erase(std::remove(text.begin(), text.end(), c), text.end());
  return text;
}

bool names_doc(const Bytes& bytes, std::string_view doc) {
  return std::search(bytes.begin(), bytes.end(), doc.begin(), doc.end()) != bytes.end();
}

}  // namespace

TEST_CASE("a read-only peer reads everything and writes nothing, even through relays",
          "[sync][access]") {
  for (auto seed : weft::test::seeds(4)) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    Star star(seed);
    Node& writer = star.add(Role::writer, ReplicaId{1});
    writer.host->add_document("doc", *writer.doc);
    writer.host->access = [&](PeerId peer, std::string_view) {
      return star.role_of.at(peer) == Role::reader ? Access::read : Access::read_write;
    };
    Node& reader = star.add(Role::reader, ReplicaId{2});
    reader.host->add_document("doc", *reader.doc);
    Node& third = star.add(Role::third, ReplicaId{3});
    third.host->add_document("doc", *third.doc);
    star.net.set_default_faults({0.1, 0.1, 0.2, 1, 40, 200});

    // The reader edits only with 'R', the others only with lowercase letters, so any
    // 'R' outside the reader's replica is a leak.
    reader.host->publish("doc", weft::test::insert_somewhere(*reader.doc, "R", rng));
    for (int op = 0; op < 150; ++op) {
      Node& who = *star.nodes[rng() % 3];
      Bytes update;
      if (&who == &reader) {
        update = weft::test::insert_somewhere(*who.doc, "R", rng);
      } else if (rng() % 4 == 0) {
        update = weft::test::erase_somewhere(*who.doc, rng);
      } else {
        update = weft::test::insert_somewhere(
            *who.doc, std::string(1, static_cast<char>('a' + rng() % 26)), rng);
      }
      if (!update.empty()) who.host->publish("doc", update);
      star.step(rng);
    }
    star.net.set_default_faults({0.0, 0.1, 0.2, 1, 40, 200});
    star.settle(3);

    CHECK(writer.text().find('R') == std::string::npos);
    CHECK(third.text().find('R') == std::string::npos);
    CHECK(writer.doc->state_vector().get(ReplicaId{2}) == 0);
    CHECK(third.doc->state_vector().get(ReplicaId{2}) == 0);
    CHECK(third.text() == writer.text());
    // The reader converges to the writer's content: all of it, plus its own refused edits.
    CHECK(writer.doc->state_vector().dominated_by(reader.doc->state_vector()));
    CHECK(without(reader.text(), 'R') == writer.text());
    CHECK(reader.text().find('R') != std::string::npos);
    CHECK(reader.doc->pending_count() == 0);
    // It was told why, and nothing closed.
    std::size_t rejects = 0;
    for (const auto& [peer, e] : reader.events) {
      if (e.kind != SyncEvent::Kind::rejected) continue;
      ++rejects;
      CHECK(e.doc == "doc");
      CHECK(e.error == sync_errc::read_only);
      CHECK_FALSE(e.reason.empty());
    }
    CHECK(rejects >= 1);
    CHECK(writer.count(SyncEvent::Kind::refused) >= 1);
    for (const auto& n : star.nodes) CHECK(n->count(SyncEvent::Kind::closed) == 0);
    CHECK(writer.host->session_count() == 2);
    for (const auto& [peer, e] : writer.events) {
      if (star.role_of.at(peer) == Role::reader) {
        CHECK(e.kind != SyncEvent::Kind::update_applied);
        CHECK(e.kind != SyncEvent::Kind::repaired);
      }
    }
  }
}

TEST_CASE("a peer without access receives no byte of the document", "[sync][access]") {
  const bool outsider_hosts_secret = GENERATE(false, true);
  for (auto seed : weft::test::seeds(3)) {
    INFO("seed " << seed << ", outsider hosts the secret document: " << outsider_hosts_secret);
    std::mt19937_64 rng(seed);
    // Declared before the hosts that refer to them, so they outlive those hosts.
    Doc writer_secret(ReplicaId{1});
    Presence writer_presence(ReplicaId{1});
    Doc outsider_secret(ReplicaId{4});
    Presence outsider_presence(ReplicaId{4});
    Doc third_secret(ReplicaId{3});
    Presence third_presence(ReplicaId{3});
    Star star(seed);
    Node& writer = star.add(Role::writer, ReplicaId{1});
    writer.host->add_document("public", *writer.doc);
    writer.host->add_document("secret", writer_secret);
    writer.host->add_presence("secret", writer_presence);
    REQUIRE(writer_presence.set_local_state(Bytes{'h', 'i'}));
    writer.host->access = [&](PeerId peer, std::string_view doc) {
      return doc == "secret" && star.role_of.at(peer) == Role::outsider ? Access::none
                                                                        : Access::read_write;
    };
    Node& outsider = star.add(Role::outsider, ReplicaId{4});
    outsider.host->add_document("public", *outsider.doc);
    if (outsider_hosts_secret) {
      outsider.host->add_document("secret", outsider_secret);
      outsider.host->add_presence("secret", outsider_presence);
      REQUIRE(outsider_presence.set_local_state(Bytes{'y', 'o'}));
    }
    Node& third = star.add(Role::third, ReplicaId{3});
    third.host->add_document("public", *third.doc);
    third.host->add_document("secret", third_secret);
    third.host->add_presence("secret", third_presence);
    star.net.set_default_faults({0.1, 0.1, 0.2, 1, 40, 200});

    for (int op = 0; op < 60; ++op) {
      const auto who = rng() % 3;
      Node& n = *star.nodes[who];
      n.host->publish("public", weft::test::insert_somewhere(*n.doc, "p", rng));
      Doc& secret = who == 0 ? writer_secret : who == 1 ? outsider_secret : third_secret;
      if (who != 1 || outsider_hosts_secret) {
        n.host->publish("secret", weft::test::insert_somewhere(secret, "classified", rng));
      }
      star.step(rng);
    }
    star.net.set_default_faults({0.0, 0.1, 0.2, 1, 40, 200});
    star.settle(3);

    // The public document is shared by all; the secret one by the writer and the third.
    CHECK(outsider.text() == writer.text());
    CHECK(third.text() == writer.text());
    CHECK(third_secret.text(body()).to_string() == writer_secret.text(body()).to_string());
    CHECK(third_presence.remote_states().count(ReplicaId{1}) == 1);
    // Nothing crossed between the writer and the outsider about the secret document.
    CHECK(outsider_secret.state_vector().get(ReplicaId{1}) == 0);
    CHECK(outsider_secret.state_vector().get(ReplicaId{3}) == 0);
    CHECK(writer_secret.state_vector().get(ReplicaId{4}) == 0);
    CHECK(third_secret.state_vector().get(ReplicaId{4}) == 0);
    CHECK(outsider_presence.remote_states().empty());
    CHECK(writer_presence.remote_states().count(ReplicaId{4}) == 0);
    CHECK(third_presence.remote_states().count(ReplicaId{4}) == 0);

    // Every byte the outsider received, inspected.
    std::size_t rejects = 0;
    for (const auto& [peer, bytes] : outsider.spy->received) {
      CHECK_FALSE(names_doc(bytes, "classified"));
      auto m = decode_sync_message(bytes);
      REQUIRE(m);
      if (m->doc != "secret" && !names_doc(bytes, "secret")) continue;
      // Only a reject may name it: the answer to the outsider's own messages about it.
      CHECK(m->kind == SyncMessageKind::reject);
      CHECK(m->error_code == static_cast<std::uint32_t>(sync_errc::access_denied));
      ++rejects;
    }
    std::size_t asked = 0;
    for (const auto& [peer, bytes] : writer.spy->received) {
      auto m = decode_sync_message(bytes);
      REQUIRE(m);
      if (star.role_of.at(peer) != Role::outsider) continue;
      asked += m->doc == "secret";
      for (const auto& greeting : m->greetings) asked += greeting.doc == "secret";
    }
    CHECK(rejects <= asked);
    if (outsider_hosts_secret) {
      CHECK(rejects >= 1);  // it was told, once it asked
      CHECK(outsider.count(SyncEvent::Kind::rejected) >= 1);
    } else {
      CHECK(rejects == 0);
      CHECK(asked == 0);
    }
    // The check above can fail: the third peer did receive the secret, in plain sight.
    bool third_saw_secret = false;
    for (const auto& [peer, bytes] : third.spy->received) {
      third_saw_secret |= names_doc(bytes, "classified");
    }
    CHECK(third_saw_secret);
    for (const auto& n : star.nodes) CHECK(n->count(SyncEvent::Kind::closed) == 0);
  }
}

TEST_CASE("divergence repair cannot make the writer adopt a read-only peer's state",
          "[sync][access]") {
  // The reader forges history under the writer's replica id: equal state vectors,
  // different content. Normal repair keeps the larger digest; here the writer's
  // content must survive whichever digest is larger, and reach everyone.
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"genuine", "forged!"}, {"alpha", "omega"}, {"12345", "54321"},
      {"truth", "lies!"},     {"north", "south"}, {"apple", "lemon"}};
  std::size_t forged_digest_larger = 0;
  for (auto seed : weft::test::seeds(2)) {
    for (const auto& [genuine, forged] : pairs) {
      INFO("seed " << seed << ", genuine '" << genuine << "', forged '" << forged << "'");
      std::mt19937_64 rng(seed);
      Star star(seed);
      Node& writer = star.add(Role::writer, ReplicaId{5});
      writer.host->add_document("doc", *writer.doc);
      writer.host->access = [&](PeerId peer, std::string_view) {
        return star.role_of.at(peer) == Role::reader ? Access::read : Access::read_write;
      };
      {
        auto tx = writer.doc->transact();
        tx.text("body").insert(0, genuine);
      }
      Node& third = star.add(Role::third, ReplicaId{6});
      third.host->add_document("doc", *third.doc);
      star.settle(1);
      REQUIRE(third.text() == genuine);
      // The forger joins late, with the same vector and other content.
      Node& reader = star.add(Role::reader, ReplicaId{5});
      {
        auto tx = reader.doc->transact();
        tx.text("body").insert(0, forged);
      }
      REQUIRE(reader.doc->state_vector() == writer.doc->state_vector());
      REQUIRE(reader.doc->digest() != writer.doc->digest());
      forged_digest_larger += reader.doc->digest() > writer.doc->digest();
      reader.host->add_document("doc", *reader.doc);
      star.net.set_default_faults({0.0, 0.1, 0.3, 1, 40, 200});
      star.settle(4);

      CHECK(writer.text() == genuine);
      CHECK(third.text() == genuine);
      CHECK(reader.text() == genuine);  // the forger adopted the writer's snapshot
      CHECK(writer.count(SyncEvent::Kind::refused) >= 1);
      CHECK(writer.count(SyncEvent::Kind::repaired) == 0);
      CHECK(reader.count(SyncEvent::Kind::repaired) >= 1);
      for (const auto& n : star.nodes) CHECK(n->count(SyncEvent::Kind::closed) == 0);
    }
  }
  CHECK(forged_digest_larger >= 1);  // the case where plain repair would have yielded
}

// The same guarantees at the level of the pure state machine, message by message.
TEST_CASE("SyncSession enforces access message by message", "[sync][access]") {
  Doc ours(ReplicaId{1});
  Doc theirs(ReplicaId{2});
  {
    auto tx = ours.transact();
    tx.text("body").insert(0, "ours");
  }
  Bytes their_update;
  {
    auto tx = theirs.transact();
    tx.text("body").insert(0, "theirs");
    their_update = tx.commit();
  }
  const std::uint64_t digest_before = ours.digest();
  auto decode_all = [](SyncSession& s) {
    std::vector<SyncMessage> out;
    for (auto& b : s.take_outgoing()) out.push_back(decode_sync_message(b).value());
    return out;
  };
  SyncMessage update;
  update.kind = SyncMessageKind::update;
  update.doc = "doc";
  update.sequence = 1;
  update.payload = their_update;
  SyncMessage repair;
  repair.kind = SyncMessageKind::repair;
  repair.doc = "doc";
  repair.state_vector = ours.state_vector();  // equal vectors: a divergence repair
  repair.digest = ~std::uint64_t{0};          // "mine is larger: adopt it"
  repair.payload = theirs.encode_snapshot();

  SECTION("read: updates and repairs are refused, the peer still gets ours") {
    SyncSession s;
    s.add_document("doc", ours, Access::read);
    s.start();
    auto hello = decode_all(s);
    REQUIRE(hello.size() == 1);
    CHECK(hello[0].kind == SyncMessageKind::hello);
    for (const SyncMessage* m : {&update, &repair}) {
      REQUIRE(s.receive(encode_sync_message(*m)));
      auto out = decode_all(s);
      REQUIRE_FALSE(out.empty());
      CHECK(out[0].kind == SyncMessageKind::reject);
      CHECK(out[0].error_code == static_cast<std::uint32_t>(sync_errc::read_only));
      for (const auto& o : out) CHECK(o.kind != SyncMessageKind::ack);
      if (m == &repair) {
        REQUIRE(out.size() == 2);  // and our snapshot, which the peer must adopt
        CHECK(out[1].kind == SyncMessageKind::repair);
        CHECK(out[1].payload == ours.encode_snapshot());
      }
      auto events = s.take_events();
      REQUIRE(events.size() == 1);
      CHECK(events[0].kind == SyncEvent::Kind::refused);
    }
    CHECK(ours.digest() == digest_before);
    CHECK(ours.state_vector().get(ReplicaId{2}) == 0);
    CHECK_FALSE(s.is_closed());
    s.broadcast("doc", Bytes{1, 2, 3});
    auto out = decode_all(s);
    REQUIRE(out.size() == 1);
    CHECK(out[0].kind == SyncMessageKind::update);
  }
  SECTION("none: nothing is sent, everything is refused") {
    SyncSession s;
    s.add_document("doc", ours, Access::none);
    s.start();
    CHECK(s.take_outgoing().empty());
    s.broadcast("doc", Bytes{1, 2, 3});
    s.tick(10'000);
    // Anti-entropy's summary goes, and counts no document.
    auto summary = decode_all(s);
    REQUIRE(summary.size() == 1);
    CHECK(summary[0].kind == SyncMessageKind::summary);
    CHECK(summary[0].buckets == weft::SyncSummary::Buckets{});
    SyncMessage hello;
    hello.kind = SyncMessageKind::hello;
    hello.greetings = {{"doc", 0}};
    for (const SyncMessage* m : {&hello, &update, &repair}) {
      REQUIRE(s.receive(encode_sync_message(*m)));
      auto out = decode_all(s);
      REQUIRE(out.size() == 1);
      CHECK(out[0].kind == SyncMessageKind::reject);
      CHECK(out[0].error_code == static_cast<std::uint32_t>(sync_errc::access_denied));
    }
    CHECK(ours.digest() == digest_before);
    CHECK(s.access("doc") == Access::none);
    CHECK_FALSE(s.is_closed());
  }
  SECTION("a reject received: reported, never answered, and our writes stop") {
    SyncSession s;
    s.add_document("doc", ours);
    s.start();
    (void)s.take_outgoing();
    SyncMessage reject;
    reject.kind = SyncMessageKind::reject;
    reject.doc = "doc";
    reject.error_code = static_cast<std::uint32_t>(sync_errc::read_only);
    reject.reason = "viewers cannot edit";
    REQUIRE(s.receive(encode_sync_message(reject)));
    CHECK(s.take_outgoing().empty());
    auto events = s.take_events();
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == SyncEvent::Kind::rejected);
    CHECK(events[0].error == sync_errc::read_only);
    CHECK(events[0].reason == "viewers cannot edit");
    CHECK(s.peer_refuses_writes("doc"));
    s.broadcast("doc", Bytes{1, 2, 3});
    CHECK(s.take_outgoing().empty());
    s.tick(10'000);  // hellos still go: we keep reading
    auto out = decode_all(s);
    REQUIRE(out.size() == 2);
    CHECK(out[0].kind == SyncMessageKind::summary);
    CHECK(out[1].kind == SyncMessageKind::hello);  // the peer has not greeted it yet
    CHECK_FALSE(s.is_closed());
  }
}

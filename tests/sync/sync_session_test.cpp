#include <functional>

#include <fmt/format.h>

#include "support/catch.hpp"
#include "sync/op_set_document.hpp"
#include "weft/sync/sync_session.hpp"

using weft::Bytes;
using weft::ReplicaId;
using weft::SyncEvent;
using weft::SyncSession;
using weft::test::OpSetDocument;

namespace {

// Carries messages between two sessions until both are quiet. `keep` may drop
// messages (it sees the sender index, 0 or 1, and the message number).
struct Wire {
  Wire(SyncSession* a, SyncSession* b) : side{a, b} {}
  SyncSession* side[2];
  std::function<bool(int, std::size_t)> keep = [](int, std::size_t) { return true; };
  std::size_t carried = 0;
  std::vector<weft::result<void>> results[2];

  void pump() {
    for (bool moved = true; moved;) {
      moved = false;
      for (int from = 0; from < 2; ++from) {
        for (auto& message : side[from]->take_outgoing()) {
          moved = true;
          if (!keep(from, carried++)) continue;
          results[1 - from].push_back(side[1 - from]->receive(message));
        }
      }
    }
  }
};

std::vector<SyncEvent::Kind> kinds(SyncSession& s) {
  std::vector<SyncEvent::Kind> out;
  for (const auto& e : s.take_events()) out.push_back(e.kind);
  return out;
}

bool has(const std::vector<SyncEvent::Kind>& v, SyncEvent::Kind k) {
  return std::find(v.begin(), v.end(), k) != v.end();
}

}  // namespace

TEST_CASE("the handshake brings both sides up to date in three one-way trips", "[sync][session]") {
  OpSetDocument a(ReplicaId{1});
  OpSetDocument b(ReplicaId{2});
  for (int i = 0; i < 5; ++i) (void)a.add(fmt::format("a{}", i));
  for (int i = 0; i < 3; ++i) (void)b.add(fmt::format("b{}", i));
  SyncSession sa;
  SyncSession sb;
  sa.add_document("doc", a);
  sb.add_document("doc", b);
  sa.start();
  sb.start();
  // One: the two hellos (hashes) cross. Two: the hashes differ, so the whole vectors
  // cross. Three: each answers with what the other lacks.
  auto hello_a = sa.take_outgoing();
  auto hello_b = sb.take_outgoing();
  REQUIRE(hello_a.size() == 1);
  REQUIRE(sb.receive(hello_a[0]));
  REQUIRE(sa.receive(hello_b[0]));
  for (int trip = 0; trip < 2; ++trip) {
    auto from_a = sa.take_outgoing();
    auto from_b = sb.take_outgoing();
    for (auto& m : from_a) REQUIRE(sb.receive(m));
    for (auto& m : from_b) REQUIRE(sa.receive(m));
  }
  CHECK(a.ops() == b.ops());
  CHECK(a.ops().size() == 8);
  // The acks and digests that follow confirm equality on both sides.
  Wire wire(&sa, &sb);
  wire.pump();
  CHECK(has(kinds(sa), SyncEvent::Kind::synced));
  CHECK(has(kinds(sb), SyncEvent::Kind::synced));
  CHECK(*sa.peer_state_vector("doc") == b.state_vector());
}

TEST_CASE("live updates are applied, acknowledged and relayable", "[sync][session]") {
  OpSetDocument a(ReplicaId{1});
  OpSetDocument b(ReplicaId{2});
  SyncSession sa;
  SyncSession sb;
  sa.add_document("doc", a);
  sb.add_document("doc", b);
  Wire wire(&sa, &sb);
  sa.start();
  sb.start();
  wire.pump();
  (void)kinds(sb);
  const Bytes update = a.add("x");
  sa.broadcast("doc", update);
  wire.pump();
  CHECK(b.ops() == a.ops());
  auto events = sb.take_events();
  REQUIRE_FALSE(events.empty());
  CHECK(events[0].kind == SyncEvent::Kind::update_applied);
  CHECK(events[0].update == update);
  CHECK(events[0].status.applied == 1);
  CHECK(sa.peer_state_vector("doc")->get(ReplicaId{1}) == 1);  // learnt from the ack
}

TEST_CASE("anti-entropy repairs lost messages without reconnecting", "[sync][session]") {
  OpSetDocument a(ReplicaId{1});
  OpSetDocument b(ReplicaId{2});
  SyncSession sa({.anti_entropy_interval_ms = 100});
  SyncSession sb({.anti_entropy_interval_ms = 100});
  sa.add_document("doc", a);
  sb.add_document("doc", b);
  Wire wire(&sa, &sb);
  sa.start();
  sb.start();
  wire.pump();
  wire.keep = [](int, std::size_t) { return false; };  // the link goes dark
  for (int i = 0; i < 10; ++i) {
    sa.broadcast("doc", a.add(fmt::format("a{}", i)));
    sb.broadcast("doc", b.add(fmt::format("b{}", i)));
  }
  wire.pump();
  CHECK(a.ops().size() == 10);
  CHECK(b.ops().size() == 10);
  wire.keep = [](int, std::size_t) { return true; };
  sa.tick(50);  // not due yet
  sb.tick(50);
  CHECK(sa.take_outgoing().empty());
  sa.tick(100);
  sb.tick(100);
  wire.pump();
  CHECK(a.ops() == b.ops());
  CHECK(a.ops().size() == 20);
}

TEST_CASE("several documents share one session independently", "[sync][session]") {
  OpSetDocument a1(ReplicaId{1}), a2(ReplicaId{1});
  OpSetDocument b1(ReplicaId{2}), b2(ReplicaId{2});
  (void)a1.add("one");
  (void)b2.add("two");
  SyncSession sa;
  SyncSession sb;
  sa.add_document("first", a1);
  sa.add_document("second", a2);
  sb.add_document("first", b1);
  sb.add_document("second", b2);
  sb.add_document("only-b", b1);  // a document the peer does not host is ignored there
  Wire wire(&sa, &sb);
  sa.start();
  sb.start();
  wire.pump();
  CHECK(a1.ops() == b1.ops());
  CHECK(a2.ops() == b2.ops());
  CHECK(a1.ops().size() == 1);
  CHECK(a2.ops().begin()->second == "two");
}

TEST_CASE("a malformed message closes the session with a typed error", "[sync][session]") {
  OpSetDocument a(ReplicaId{1});
  OpSetDocument b(ReplicaId{2});
  (void)b.add("kept");
  const auto before = b.ops();
  SyncSession sa;
  SyncSession sb;
  sa.add_document("doc", a);
  sb.add_document("doc", b);
  sb.start();
  (void)sb.take_outgoing();

  SECTION("garbage bytes") {
    const Bytes garbage = {'W', 'S', 1, 2, 3, 'd', 'o', 'c', 5};
    auto r = sb.receive(garbage);
    REQUIRE_FALSE(r);
  }
  SECTION("an update whose payload is not an update") {
    weft::SyncMessage m;
    m.kind = weft::SyncMessageKind::update;
    m.doc = "doc";
    m.payload = {0xFF, 0xFF};
    auto r = sb.receive(weft::encode_sync_message(m));
    REQUIRE_FALSE(r);
  }
  CHECK(sb.is_closed());
  CHECK(b.ops() == before);  // the document is untouched
  auto out = sb.take_outgoing();
  REQUIRE(out.size() == 1);
  auto told = weft::decode_sync_message(out[0]);
  REQUIRE(told);
  CHECK(told->kind == weft::SyncMessageKind::error);
  CHECK(has(kinds(sb), SyncEvent::Kind::closed));
  CHECK(sb.receive(out[0]).error() == weft::sync_errc::session_closed);
  // The peer that receives the error closes too, and says why.
  REQUIRE(sa.receive(out[0]));
  CHECK(sa.is_closed());
  auto events = sa.take_events();
  REQUIRE(events.size() == 1);
  CHECK(events[0].error == weft::sync_errc::peer_error);
}

TEST_CASE("size and pending bounds stop a hostile peer", "[sync][session]") {
  OpSetDocument a(ReplicaId{1});
  OpSetDocument b(ReplicaId{2});
  SECTION("oversized messages are refused") {
    SyncSession sb({.max_message_size = 64});
    sb.add_document("doc", b);
    sb.start();
    Bytes big(65, 0);
    CHECK(sb.receive(big).error() == weft::sync_errc::message_too_large);
  }
  SECTION("an oversized local update is not sent, and says so") {
    SyncSession sa({.max_message_size = 64});
    sa.add_document("doc", a);
    sa.start();
    (void)sa.take_outgoing();
    sa.broadcast("doc", a.add(std::string(100, 'x')));
    CHECK(sa.take_outgoing().empty());
    CHECK(has(kinds(sa), SyncEvent::Kind::update_not_sent));
  }
  SECTION("too many operations left pending") {
    OpSetDocument c(ReplicaId{3});
    std::vector<Bytes> updates;
    for (int i = 0; i < 10; ++i) updates.push_back(c.add(std::to_string(i)));
    SyncSession sb({.max_pending = 3});
    sb.add_document("doc", b);
    sb.start();
    weft::result<void> r;
    for (int i = 9; i >= 1 && r; --i) {  // newest first: every one waits for #1
      weft::SyncMessage m;
      m.kind = weft::SyncMessageKind::update;
      m.doc = "doc";
      m.payload = updates[i];
      r = sb.receive(weft::encode_sync_message(m));
    }
    CHECK(r.error() == weft::sync_errc::too_many_pending);
    CHECK(sb.is_closed());
  }
}

TEST_CASE("equal vectors with different content are detected and repaired", "[sync][session]") {
  // Two replicas wrongly share one replica id: each names a different edit (id 7, 1).
  OpSetDocument a(ReplicaId{7});
  OpSetDocument b(ReplicaId{7});
  (void)a.add("from a");
  (void)b.add("from b");
  REQUIRE(a.state_vector() == b.state_vector());
  SyncSession sa;
  SyncSession sb;
  sa.add_document("doc", a);
  sb.add_document("doc", b);
  Wire wire(&sa, &sb);
  sa.start();
  sb.start();
  wire.pump();
  auto ka = kinds(sa);
  auto kb = kinds(sb);
  CHECK((has(ka, SyncEvent::Kind::divergence_detected) ||
         has(kb, SyncEvent::Kind::divergence_detected)));
  CHECK((has(ka, SyncEvent::Kind::repaired) || has(kb, SyncEvent::Kind::repaired)));
  CHECK(a.digest() == b.digest());
  CHECK(a.ops() == b.ops());
}

TEST_CASE("lost greetings are repeated until answered, then anti-entropy is one summary",
          "[sync][session]") {
  for (const bool both_lost : {true, false}) {
    INFO("both greetings lost: " << both_lost);
    OpSetDocument a(ReplicaId{1});
    OpSetDocument b(ReplicaId{2});
    (void)a.add("a");
    (void)b.add("b");
    SyncSession sa;
    SyncSession sb;
    sa.add_document("doc", a);
    sb.add_document("doc", b);
    sa.start(0);
    sb.start(0);
    (void)sa.take_outgoing();  // A's greeting is lost
    if (both_lost) (void)sb.take_outgoing();
    Wire wire(&sa, &sb);
    wire.pump();  // one lost: B's greeting reaches A, which greets back and both sync
    if (both_lost) {
      CHECK(a.ops().size() == 1);
      sa.tick(1000);  // both greet again, with the summary
      sb.tick(1000);
      wire.pump();
    }
    CHECK(a.ops() == b.ops());
    CHECK(a.ops().size() == 2);
    const std::size_t before = wire.carried;
    sa.tick(2000);
    sb.tick(2000);
    wire.pump();
    CHECK(wire.carried - before == 2);  // the two summaries, nothing else
  }
}

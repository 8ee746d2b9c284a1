// Updates: since-vector exactness, idempotence, any order, pending, merging,
// snapshots.
#include <algorithm>
#include <random>

#include "doc/doc_test_util.hpp"
#include "support/catch.hpp"
#include "support/seeds.hpp"

using namespace weft;
using weft::test::root_list;
using weft::test::root_map;
using weft::test::root_text;

namespace {

const char* const kKeys[] = {"k0", "k1", "k2", "k3"};

// Three replicas edit in rounds and pass only some updates around, so that
// histories are concurrent; returns every update made, in order.
std::vector<Bytes> scenario(std::vector<Doc>& docs, std::mt19937_64& rng, int steps) {
  std::vector<Bytes> all;
  for (int i = 0; i < steps; ++i) {
    Doc& d = docs[rng() % docs.size()];
    auto tx = d.transact();
    switch (rng() % 5) {
      case 0:
        tx.map("m").set(kKeys[rng() % 4], static_cast<std::int64_t>(i));
        break;
      case 1:
        tx.map("m").remove(kKeys[rng() % 4]);
        break;
      case 2: {
        auto t = tx.text("t");
        const char letter[2] = {static_cast<char>('a' + rng() % 26), 0};
        t.insert(rng() % (t.size() + 1), letter);
        break;
      }
      case 3: {
        auto t = tx.text("t");
        if (t.size() > 0) t.erase(rng() % t.size(), 1);
        break;
      }
      default:
        tx.counter("c").add(1);
        break;
    }
    Bytes u = tx.commit();
    if (!u.empty()) all.push_back(u);
    // Sometimes a replica catches up on another.
    if (rng() % 3 == 0) {
      Doc& from = docs[rng() % docs.size()];
      REQUIRE(d.apply_update(from.encode_update_since(d.state_vector())));
    }
  }
  return all;
}

}  // namespace

TEST_CASE("encode_update_since holds exactly what the other lacks", "[doc]") {
  for (auto seed : weft::test::seeds(10)) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    std::vector<Doc> docs;
    for (std::uint64_t i = 1; i <= 3; ++i) docs.emplace_back(ReplicaId{i});
    (void)scenario(docs, rng, 60);
    for (auto& a : docs) {
      for (auto& b : docs) {
        const Bytes u = a.encode_update_since(b.state_vector());
        const VersionVector brought = update_state_vector(u).value();
        // Nothing b has already (each record of a replica above b's entry).
        for (const auto& e : brought.entries()) CHECK(e.counter > b.state_vector().get(e.replica));
        Doc c = Doc::load(b.encode_snapshot(), ReplicaId{99}).value();
        auto st = c.apply_update(u);
        REQUIRE(st);
        CHECK(st->pending == 0);
        VersionVector joined = a.state_vector();
        joined.join(b.state_vector());
        CHECK(c.state_vector() == joined);  // everything a has
        CHECK(st->applied == joined.total() - b.state_vector().total());
      }
    }
  }
}

TEST_CASE("updates apply in any order, any number of times, with pending in between", "[doc]") {
  for (auto seed : weft::test::seeds(10)) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    std::vector<Doc> docs;
    for (std::uint64_t i = 1; i <= 3; ++i) docs.emplace_back(ReplicaId{i});
    auto updates = scenario(docs, rng, 80);
    for (auto& d : docs) {
      for (const Bytes& u : updates) REQUIRE(d.apply_update(u));
    }
    const Bytes expected = docs[0].encode_snapshot();
    CHECK(docs[1].encode_snapshot() == expected);
    CHECK(docs[2].encode_snapshot() == expected);

    std::shuffle(updates.begin(), updates.end(), rng);
    Doc fresh(ReplicaId{50});
    bool saw_pending = false;
    for (const Bytes& u : updates) {
      auto st = fresh.apply_update(u);
      REQUIRE(st);
      saw_pending |= st->pending > 0;
      CHECK(st->pending == fresh.pending_count());
    }
    CHECK(fresh.pending_count() == 0);
    CHECK(fresh.encode_snapshot() == expected);
    CHECK(fresh.digest() == docs[0].digest());
    CHECK(fresh.text(root_text()).to_string() == docs[0].text(root_text()).to_string());
    if (updates.size() > 10) CHECK(saw_pending);  // a shuffle of 10+ causal updates
    // Re-applying anything changes nothing.
    for (const Bytes& u : updates) {
      auto st = fresh.apply_update(u);
      REQUIRE(st);
      CHECK(st->applied == 0);
    }
    CHECK(fresh.encode_snapshot() == expected);
  }
}

TEST_CASE("a missing dependency keeps later records pending until it arrives", "[doc]") {
  Doc a(ReplicaId{1});
  Doc b(ReplicaId{2});
  Bytes u1;
  Bytes u2;
  {
    auto tx = a.transact();
    tx.text("t").insert(0, "ab");
    u1 = tx.commit();
  }
  {
    auto tx = a.transact();
    tx.text("t").erase(0, 1);
    tx.map("m").set("x", 1);
    u2 = tx.commit();
  }
  auto st = b.apply_update(u2);
  REQUIRE(st);
  CHECK(st->applied == 0);
  CHECK(st->pending == 2);
  CHECK(b.text(root_text()).to_string().empty());
  CHECK_FALSE(b.map(root_map()).get("x"));
  CHECK(b.state_vector().empty());
  CHECK(b.encode_snapshot() == Doc(ReplicaId{3}).encode_snapshot());  // pending is no state
  st = b.apply_update(u1);
  REQUIRE(st);
  CHECK(st->applied == 3);
  CHECK(st->pending == 0);
  CHECK(b.text(root_text()).to_string() == "b");
  CHECK(b.map(root_map()).get("x") == Value(1));

  // A dependency on another replica (deps, not only the predecessor).
  Doc c(ReplicaId{3});
  Bytes uc;
  {
    REQUIRE(c.apply_update(u1));
    auto tx = c.transact();
    tx.text("t").insert(2, "c");
    uc = tx.commit();
  }
  Doc d(ReplicaId{4});
  st = d.apply_update(uc);
  REQUIRE(st);
  CHECK(st->pending == 1);
  REQUIRE(d.apply_update(u1));
  CHECK(d.text(root_text()).to_string() == "abc");
  CHECK(d.pending_count() == 0);
}

TEST_CASE("merge_updates and update_state_vector work without a doc", "[doc]") {
  std::mt19937_64 rng(7);
  std::vector<Doc> docs;
  for (std::uint64_t i = 1; i <= 3; ++i) docs.emplace_back(ReplicaId{i});
  auto updates = scenario(docs, rng, 50);
  for (auto& d : docs) {
    for (const Bytes& u : updates) REQUIRE(d.apply_update(u));
  }
  auto merged = merge_updates(updates);
  REQUIRE(merged);
  CHECK(*merged == docs[0].encode_snapshot());  // canonical: the same bytes
  CHECK(update_state_vector(*merged).value() == docs[0].state_vector());
  // Merging is idempotent and order-free.
  std::vector<Bytes> twice = updates;
  twice.insert(twice.end(), updates.begin(), updates.end());
  std::shuffle(twice.begin(), twice.end(), rng);
  CHECK(merge_updates(twice).value() == *merged);
  // A partial set: the vector covers only contiguous prefixes.
  std::vector<Bytes> some(updates.begin() + 1, updates.end());
  const auto vv = update_state_vector(merge_updates(some).value()).value();
  CHECK(vv.dominated_by(docs[0].state_vector()));
  CHECK(vv != docs[0].state_vector());
  CHECK_FALSE(merge_updates(std::vector<Bytes>{Bytes{1, 2, 3}}));
  CHECK(merge_updates(std::vector<Bytes>{}).value() == Doc(ReplicaId{1}).encode_snapshot());
}

TEST_CASE("snapshots: canonical, load round trip, adoption", "[doc]") {
  std::mt19937_64 rng(11);
  std::vector<Doc> docs;
  for (std::uint64_t i = 1; i <= 3; ++i) docs.emplace_back(ReplicaId{i});
  auto updates = scenario(docs, rng, 50);
  for (auto& d : docs) {
    for (const Bytes& u : updates) REQUIRE(d.apply_update(u));
  }
  const Bytes snap = docs[1].encode_snapshot();
  auto loaded = Doc::load(snap, ReplicaId{2});
  REQUIRE(loaded);
  CHECK(loaded->encode_snapshot() == snap);
  CHECK(loaded->state_vector() == docs[1].state_vector());
  CHECK(loaded->digest() == docs[1].digest());
  // The loaded replica continues its own counters.
  {
    auto tx = loaded->transact();
    tx.list("l").insert(0, "after load");
  }
  CHECK(loaded->state_vector().get(ReplicaId{2}) == docs[1].state_vector().get(ReplicaId{2}) + 1);
  CHECK(docs[0].apply_update(loaded->encode_update_since(docs[0].state_vector())));
  CHECK(docs[0].list(root_list()).values() == std::vector<Value>{"after load"});
  CHECK_FALSE(Doc::load(snap, ReplicaId{}));

  // adopt_snapshot refuses a state missing this replica's own ops.
  Doc lone(ReplicaId{1});
  CHECK_FALSE(docs[0].adopt_snapshot(lone.encode_snapshot()));
  CHECK(lone.adopt_snapshot(docs[0].encode_snapshot()));
  CHECK(lone.encode_snapshot() == docs[0].encode_snapshot());
}

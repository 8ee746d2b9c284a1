// PersistentDoc: a Doc bound to a Storage survives reopen with its content,
// its pending updates and its replica id; never reuses a Dot; and after a
// storage failure lets nothing that is not durable leave the replica.
#include <random>

#include "storage/backends.hpp"
#include "storage/sim_fs.hpp"
#include "storage/temp_dir.hpp"
#include "support/catch.hpp"
#include "support/seeds.hpp"
#include "weft/storage/persistent_doc.hpp"

using namespace weft;
using namespace weft::storage;

namespace {

const ObjectId kText = ObjectId::named("t", ObjectKind::text);

std::string text_of(const Doc& doc) {
  return doc.text(kText).to_string();
}

// One random local edit, committed through `pdoc`.
result<Bytes> edit(PersistentDoc& pdoc, std::mt19937_64& rng) {
  auto tx = pdoc.transact("test");
  const std::size_t size = pdoc.doc().text(kText).size();
  if (size > 0 && rng() % 3 == 0) {
    const std::size_t at = rng() % size;
    tx.text("t").erase(at, 1 + rng() % std::min<std::size_t>(size - at, 3));
  } else {
    tx.text("t").insert(size == 0 ? 0 : rng() % (size + 1),
                        std::string(1 + rng() % 3, static_cast<char>('a' + rng() % 26)));
  }
  return pdoc.commit(tx);
}

StorageOptions options(Durability mode, std::uint64_t compact_threshold = 0) {
  StorageOptions o;
  o.durability = mode;
  o.relaxed_window = std::chrono::hours(1);
  o.relaxed_max_pending = 1'000'000;
  if (compact_threshold != 0) {
    o.compactor = PersistentDoc::compactor();
    o.compact_threshold_bytes = compact_threshold;
  }
  return o;
}

}  // namespace

TEST_CASE("a persisted doc reopens with its content, pending updates and replica id",
          "[storage][doc]") {
  for (const auto& backend : test::backends()) {
    for (const std::uint64_t threshold : {std::uint64_t{0}, std::uint64_t{600}}) {
      INFO(backend.name << " compaction threshold " << threshold);
      test::TempDir dir;
      const auto at = backend.location(dir.path());
      std::mt19937_64 rng(threshold + 7);

      // A remote replica whose second update depends on its first.
      Doc remote(ReplicaId(900));
      auto t1 = remote.transact();
      t1.text("r").insert(0, "remote ");
      const Bytes first = t1.commit();
      auto t2 = remote.transact();
      t2.text("r").insert(7, "tail");
      const Bytes second = t2.commit();

      ReplicaId id;
      std::string expected;
      {
        auto store = backend.open(at, options(Durability::durable, threshold));
        REQUIRE(store);
        auto pdoc = PersistentDoc::open(**store, "notes");
        REQUIRE(pdoc);
        CHECK((*pdoc)->open_report().created);
        id = (*pdoc)->doc().replica();
        for (int i = 0; i < 200; ++i) REQUIRE(edit(**pdoc, rng));
        auto applied = (*pdoc)->apply_update(second);  // waits for `first`
        REQUIRE(applied);
        CHECK(applied->pending > 0);
        expected = text_of((*pdoc)->doc());
      }
      {
        auto store = backend.open(at, options(Durability::durable, threshold));
        REQUIRE(store);
        auto pdoc = PersistentDoc::open(**store, "notes");
        REQUIRE(pdoc);
        const auto& report = (*pdoc)->open_report();
        CHECK_FALSE(report.created);
        CHECK_FALSE(report.replica_rotated);
        CHECK((*pdoc)->doc().replica() == id);
        CHECK(text_of((*pdoc)->doc()) == expected);
        CHECK((*pdoc)->pending_count() > 0);
        REQUIRE((*pdoc)->apply_update(first));
        CHECK((*pdoc)->pending_count() == 0);
        CHECK((*pdoc)->doc().text(ObjectId::named("r", ObjectKind::text)).to_string() ==
              "remote tail");
        if (threshold != 0) {
          auto data = (*store)->load("notes");
          REQUIRE(data);
          CHECK(data->snapshot.has_value());  // compaction ran
        }
        // Counters continue after the stored ones: the next op's dot is new.
        const std::uint64_t before = (*pdoc)->state_vector().get(id);
        REQUIRE(edit(**pdoc, rng));
        CHECK((*pdoc)->state_vector().get(id) > before);
      }
    }
  }
}

TEST_CASE("duplicate remote updates are not stored twice", "[storage][doc]") {
  test::TempDir dir;
  auto store = open_file_log_storage(dir.path() + "/s", options(Durability::durable));
  REQUIRE(store);
  auto pdoc = PersistentDoc::open(**store, "d");
  REQUIRE(pdoc);
  Doc remote(ReplicaId(5));
  auto tx = remote.transact();
  tx.text("t").insert(0, "x");
  const Bytes update = tx.commit();
  REQUIRE((*pdoc)->apply_update(update));
  REQUIRE((*pdoc)->apply_update(update));
  auto data = (*store)->load("d");
  REQUIRE(data);
  CHECK(data->updates.size() == 1);
}

TEST_CASE("power loss in relaxed mode never lets a Dot be reused", "[storage][doc]") {
  for (auto seed : test::seeds(30)) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    auto fs = std::make_shared<test::SimFs>();
    std::vector<Bytes> sent;  // what peers may have received
    ReplicaId first_id;
    {
      auto store = open_file_log_storage("/s", options(Durability::relaxed), fs);
      REQUIRE(store);
      auto pdoc = PersistentDoc::open(**store, "d", {.replica = ReplicaId(77), .counter_lease = 8});
      REQUIRE(pdoc);
      first_id = (*pdoc)->doc().replica();
      const int edits = 5 + static_cast<int>(rng() % 40);
      for (int i = 0; i < edits; ++i) {
        auto u = edit(**pdoc, rng);
        REQUIRE(u);
        sent.push_back(*u);
      }
      // The machine dies here: the PersistentDoc never closes cleanly.
      fs->power_off_after(fs->ops() + 1);
    }
    auto after = fs->crash(seed, /*lose_all=*/seed % 2 == 0);
    auto store = open_file_log_storage("/s", options(Durability::relaxed), after);
    REQUIRE(store);
    auto pdoc = PersistentDoc::open(**store, "d");
    REQUIRE(pdoc);
    CHECK((*pdoc)->open_report().replica_rotated);
    CHECK((*pdoc)->doc().replica() != first_id);
    // New edits, then every update the peers saw: they must all fit together
    // (a reused Dot would be a causality violation or silently different content).
    for (int i = 0; i < 10; ++i) REQUIRE(edit(**pdoc, rng));
    Doc peer(ReplicaId(1234));
    for (const Bytes& u : sent) REQUIRE(peer.apply_update(u));
    REQUIRE(peer.apply_update((*pdoc)->encode_update_since(peer.state_vector())));
    for (const Bytes& u : sent) REQUIRE((*pdoc)->apply_update(u));
    CHECK(peer.pending_count() == 0);
    CHECK((*pdoc)->pending_count() == 0);
    CHECK(peer.digest() == (*pdoc)->digest());
    CHECK(text_of(peer) == text_of((*pdoc)->doc()));
  }
}

TEST_CASE("a clean relaxed close keeps the replica id", "[storage][doc]") {
  test::TempDir dir;
  std::mt19937_64 rng(3);
  ReplicaId id;
  std::uint64_t counter = 0;
  {
    auto store = open_file_log_storage(dir.path() + "/s", options(Durability::relaxed));
    REQUIRE(store);
    auto pdoc = PersistentDoc::open(**store, "d", {.replica = {}, .counter_lease = 4});
    REQUIRE(pdoc);
    id = (*pdoc)->doc().replica();
    for (int i = 0; i < 25; ++i) REQUIRE(edit(**pdoc, rng));
    counter = (*pdoc)->state_vector().get(id);  // an edit takes a dot per character
  }
  auto store = open_file_log_storage(dir.path() + "/s", options(Durability::relaxed));
  REQUIRE(store);
  auto pdoc = PersistentDoc::open(**store, "d");
  REQUIRE(pdoc);
  CHECK_FALSE((*pdoc)->open_report().replica_rotated);
  CHECK((*pdoc)->doc().replica() == id);
  CHECK((*pdoc)->state_vector().get(id) == counter);
}

TEST_CASE("after a storage failure nothing that is not durable leaves the replica",
          "[storage][doc]") {
  for (const auto kind : {test::OpKind::write, test::OpKind::sync}) {
    for (std::uint64_t k = 1; k <= 12; ++k) {
      INFO("kind " << static_cast<int>(kind) << " k " << k);
      auto fs = std::make_shared<test::SimFs>();
      auto store = open_file_log_storage("/s", options(Durability::durable), fs);
      REQUIRE(store);
      auto pdoc = PersistentDoc::open(**store, "d", {.replica = ReplicaId(8)});
      REQUIRE(pdoc);
      fs->fail_nth(kind, k + fs->count(kind));
      std::mt19937_64 rng(k);
      std::uint64_t acked = 0;  // the own counter after the last acknowledged edit
      std::vector<Bytes> acked_updates;
      for (int i = 0; i < 20; ++i) {
        auto u = edit(**pdoc, rng);
        if (!u) {
          CHECK((u.error() == storage_errc::io_error ||
                 u.error() == storage_errc::closed_after_failure));
          break;
        }
        acked = (*pdoc)->state_vector().get(ReplicaId(8));
        acked_updates.push_back(*u);
      }
      REQUIRE((*pdoc)->failed());
      const std::uint64_t attempted = (*pdoc)->state_vector().get(ReplicaId(8));
      // Nothing is served, nothing is accepted.
      Doc fresh(ReplicaId(9));
      REQUIRE(fresh.apply_update((*pdoc)->encode_update_since({})));
      CHECK(fresh.state_vector().get(ReplicaId(8)) == 0);
      Doc other(ReplicaId(10));
      auto tx = other.transact();
      tx.text("t").insert(0, "z");
      CHECK_FALSE((*pdoc)->apply_update(tx.commit()));
      pdoc->reset();
      store->reset();

      // Reopened: exactly the acknowledged edits (an unacknowledged one may
      // have reached the disk too: it was never sent, and comes back as ours).
      fs->fail_nth(kind, 0);
      auto again = open_file_log_storage("/s", options(Durability::durable), fs);
      REQUIRE(again);
      auto reopened = PersistentDoc::open(**again, "d");
      REQUIRE(reopened);
      const std::uint64_t have = (*reopened)->state_vector().get(ReplicaId(8));
      CHECK((have == acked || have == attempted));
      Doc expected(ReplicaId(11));
      for (const Bytes& u : acked_updates) REQUIRE(expected.apply_update(u));
      if (have == acked) CHECK(text_of(expected) == text_of((*reopened)->doc()));
    }
  }
}

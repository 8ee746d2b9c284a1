// Hardening: a store that opens older than it acknowledged says so.
//
// SQLite replays a damaged write-ahead log only up to its first bad frame and
// opens without error: of 250 damaged copies of a store, 23 used to open as an
// older state with nothing reported. A PersistentDoc continuing from there
// under its replica id would reuse Dots it had given out (decision 11). Each
// document's acknowledgement mark, kept outside the data, makes such a load
// report recovery.rolled_back, and PersistentDoc then takes a fresh id.
#include <cstdio>
#include <random>

#include "storage/backends.hpp"
#include "storage/file_image.hpp"
#include "storage/id_set.hpp"
#include "storage/temp_dir.hpp"
#include "support/catch.hpp"
#include "weft/storage/persistent_doc.hpp"

using namespace weft;
using namespace weft::storage;

namespace {

StorageOptions durable() {
  StorageOptions o;
  o.durability = Durability::durable;
  return o;
}

result<std::unique_ptr<SqliteStorage>> open_sqlite(const std::string& dir) {
  return open_sqlite_storage(dir + "/store.db", durable());
}

// The files of an open SQLite store: its WAL holds every acknowledged update
// (SQLite checkpoints them into the database only after 1000 pages).
test::Files live_image(const std::string& dir) {
  auto files = test::read_files(dir);
  REQUIRE(files.contains("store.db-wal"));
  REQUIRE(files.at("store.db-wal").size() > 100'000);
  return files;
}

// Damages the WAL of `files` so that SQLite drops frames: a zeroed 4 KiB block
// in the middle of it breaks the checksum chain there.
void break_wal_midway(test::Files& files) {
  Bytes& wal = files.at("store.db-wal");
  const std::size_t at = wal.size() / 2 / 4096 * 4096;
  std::fill(wal.begin() + static_cast<std::ptrdiff_t>(at),
            wal.begin() + static_cast<std::ptrdiff_t>(at + 4096), 0);
}

const ObjectId kText = ObjectId::named("t", ObjectKind::text);

}  // namespace

TEST_CASE("hardening: 250 damaged WAL copies never open older without a report",
          "[hardening][storage]") {
  test::TempDir live, copy;
  DocumentData original;
  auto store = open_sqlite(live.path());
  REQUIRE(store);
  REQUIRE((*store)->put_meta("doc", DocMeta{ReplicaId(7), 100}));
  for (std::uint64_t i = 0; i < 60; ++i) REQUIRE((*store)->append("doc", test::make_update(i)));
  auto loaded = (*store)->load("doc");
  REQUIRE(loaded);
  original = *loaded;
  const test::Files pristine = live_image(live.path());

  std::size_t refused = 0, intact = 0, older_reported = 0, older_silent = 0;
  for (std::uint64_t seed = 1; seed <= 250; ++seed) {
    std::mt19937_64 rng(seed);
    test::Files files = pristine;
    const std::string what = test::damage_bytes(files.at("store.db-wal"), rng);
    INFO("seed " << seed << ": " << what);
    test::write_files(copy.path(), files);
    auto damaged = open_sqlite(copy.path());
    auto data = damaged ? (*damaged)->load("doc") : result<DocumentData>(damaged.error());
    if (!data) {
      CHECK(data.error() == storage_errc::corrupted);
      ++refused;
      continue;
    }
    // Whatever opens is a prefix of what was stored, never altered bytes.
    REQUIRE(data->updates.size() <= original.updates.size());
    CHECK(std::equal(data->updates.begin(), data->updates.end(), original.updates.begin()));
    const bool older =
        data->updates.size() < original.updates.size() || data->meta != original.meta;
    if (!older) {
      CHECK_FALSE(data->recovery.rolled_back);
      ++intact;
    } else {
      ++(data->recovery.rolled_back ? older_reported : older_silent);
    }
  }
  std::printf(
      "250 damaged WAL copies: %zu refused, %zu intact, %zu older and reported, "
      "%zu older without a report\n",
      refused, intact, older_reported, older_silent);
  CHECK(older_silent == 0);
  CHECK(older_reported > 0);  // the damage did roll the store back
}

TEST_CASE("hardening: an older copy of the data put back is reported until put_meta",
          "[hardening][storage]") {
  for (const auto& backend : test::backends()) {
    INFO(backend.name);
    test::TempDir dir;
    const auto at = backend.location(dir.path());
    const std::string data_dir = backend.name == "sqlite" ? dir.path() : at;
    test::Files old_data;
    for (std::uint64_t i = 0; i < 20; ++i) {
      auto store = backend.open(at, durable());
      REQUIRE(store);
      REQUIRE((*store)->append("doc", test::make_update(i)));
      if (i == 9) old_data = test::read_files(data_dir);  // a backup, taken while open
    }
    // Put back the data as it was after 10 updates, marks as they are now.
    test::Files files = test::read_files(data_dir);
    for (auto it = files.begin(); it != files.end();) {
      it = it->first.find(".mark") == std::string::npos ? files.erase(it) : std::next(it);
    }
    for (const auto& [name, bytes] : old_data) {
      if (name.find(".mark") == std::string::npos) files[name] = bytes;
    }
    test::write_files(data_dir, files);

    auto store = backend.open(at, durable());
    REQUIRE(store);
    auto data = (*store)->load("doc");
    REQUIRE(data);
    CHECK(data->next_seq() == 10);
    CHECK(data->recovery.rolled_back);
    // Appending does not clear it; recording the metadata does.
    REQUIRE((*store)->append("doc", test::make_update(10)));
    CHECK((*store)->load("doc")->recovery.rolled_back);
    REQUIRE((*store)->put_meta("doc", DocMeta{ReplicaId(3), 1}));
    CHECK_FALSE((*store)->load("doc")->recovery.rolled_back);
    store->reset();
    auto reopened = backend.open(at, durable());
    REQUIRE(reopened);
    CHECK_FALSE((*reopened)->load("doc")->recovery.rolled_back);
  }
}

TEST_CASE("hardening: a PersistentDoc rolled back by a damaged WAL takes a fresh id",
          "[hardening][storage][doc]") {
  test::TempDir live, copy;
  Doc peer(ReplicaId(500));  // holds every update the replica acknowledged
  ReplicaId original_id;
  test::Files image;
  {
    auto store = open_sqlite(live.path());
    REQUIRE(store);
    auto pdoc = PersistentDoc::open(**store, "notes");
    REQUIRE(pdoc);
    original_id = (*pdoc)->doc().replica();
    for (int i = 0; i < 150; ++i) {
      auto tx = (*pdoc)->transact();
      tx.text("t").insert(0, std::string(30, static_cast<char>('a' + i % 26)));
      auto update = (*pdoc)->commit(tx);
      REQUIRE(update);
      REQUIRE(peer.apply_update(*update));
    }
    image = live_image(live.path());
  }
  break_wal_midway(image);
  test::write_files(copy.path(), image);

  ReplicaId fresh_id;
  {
    auto store = open_sqlite(copy.path());
    REQUIRE(store);
    auto pdoc = PersistentDoc::open(**store, "notes");
    REQUIRE(pdoc);
    const auto& report = (*pdoc)->open_report();
    // Acknowledged edits are missing: reported, and the id changes.
    REQUIRE(peer.text(kText).to_string().size() > (*pdoc)->doc().text(kText).to_string().size());
    CHECK(report.recovery.rolled_back);
    CHECK(report.replica_rotated);
    fresh_id = (*pdoc)->doc().replica();
    CHECK(fresh_id != original_id);
    // No Dot reused: the replica's new edit and the peer's history merge.
    auto tx = (*pdoc)->transact();
    tx.text("t").insert(0, "after ");
    auto update = (*pdoc)->commit(tx);
    REQUIRE(update);
    REQUIRE(peer.apply_update(*update));
    REQUIRE((*pdoc)->apply_update(peer.encode_update_since((*pdoc)->state_vector())));
    CHECK((*pdoc)->doc().text(kText).to_string() == peer.text(kText).to_string());
    CHECK((*pdoc)->digest() == peer.digest());
  }
  // A healthy reopen keeps the fresh id and reports nothing.
  auto store = open_sqlite(copy.path());
  REQUIRE(store);
  auto pdoc = PersistentDoc::open(**store, "notes");
  REQUIRE(pdoc);
  CHECK_FALSE((*pdoc)->open_report().recovery.rolled_back);
  CHECK_FALSE((*pdoc)->open_report().replica_rotated);
  CHECK((*pdoc)->doc().replica() == fresh_id);
  CHECK((*pdoc)->doc().text(kText).to_string() == peer.text(kText).to_string());
}

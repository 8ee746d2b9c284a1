// Damaged files: random bit flips, truncations and zeroed blocks in logs,
// snapshots and database files. Opening and loading must report a typed
// corruption error, or recover a valid prefix and say so: never crash, never
// skip a record in the middle silently, never return altered bytes.
#include <random>

#include "storage/backends.hpp"
#include "storage/file_image.hpp"
#include "storage/id_set.hpp"
#include "storage/temp_dir.hpp"
#include "support/catch.hpp"
#include "support/seeds.hpp"

using namespace weft;
using namespace weft::storage;

namespace {

StorageOptions options(bool repair) {
  StorageOptions o;
  o.compactor = test::id_set_compactor();
  o.compact_threshold_bytes = 0;  // compacted once, explicitly
  o.repair_torn_tail = repair;
  return o;
}

// Damages one data file of `files` and names what was done.
std::string damage(test::Files& files, std::mt19937_64& rng) {
  std::vector<std::string> names;
  for (const auto& [name, bytes] : files) {
    if (!bytes.empty()) names.push_back(name);
  }
  const auto& name = names[rng() % names.size()];
  return test::damage_bytes(files[name], rng) + " in " + name;
}

bool acceptable_error(const boost::system::error_code& e) {
  return e == storage_errc::corrupted || e == storage_errc::unsupported_version;
}

}  // namespace

TEST_CASE("damaged stores report corruption or a recovered prefix, never wrong data",
          "[storage][corruption]") {
  for (const auto& backend : test::backends()) {
    test::TempDir dir;
    const auto at = backend.location(dir.path());
    DocumentData original;
    {
      auto store = backend.open(at, options(true));
      REQUIRE(store);
      for (std::uint64_t i = 0; i < 80; ++i) {
        REQUIRE((*store)->append("doc", test::make_update(i)));
        if (i == 50) REQUIRE((*store)->compact("doc"));
        if (i % 20 == 0) REQUIRE((*store)->put_meta("doc", DocMeta{ReplicaId(11), i + 20}));
      }
      auto loaded = (*store)->load("doc");
      REQUIRE(loaded);
      REQUIRE(loaded->snapshot);
      REQUIRE(loaded->updates.size() > 5);
      original = *loaded;
    }
    const std::string data_dir = backend.name == "sqlite" ? dir.path() : at;
    const test::Files pristine = test::read_files(data_dir);
    std::size_t recovered = 0, refused = 0, intact = 0;
    for (const auto seed : test::seeds(150)) {
      for (const bool repair : {false, true}) {
        std::mt19937_64 rng(seed);
        test::Files files = pristine;
        const std::string what = damage(files, rng);
        INFO(backend.name << " seed " << seed << " repair " << repair << ": " << what);
        test::write_files(data_dir, files);
        auto store = backend.open(at, options(repair));
        if (!store) {
          CHECK(acceptable_error(store.error()));
          ++refused;
          continue;
        }
        auto loaded = (*store)->load("doc");
        if (!loaded) {
          CHECK(acceptable_error(loaded.error()));
          ++refused;
          continue;
        }
        CHECK(loaded->snapshot == original.snapshot);
        CHECK(loaded->snapshot_seq == original.snapshot_seq);
        const auto& got = loaded->updates;
        REQUIRE(got.size() <= original.updates.size());
        CHECK(std::equal(got.begin(), got.end(), original.updates.begin()));
        if (got.size() < original.updates.size()) {
          // Lost records must be reported, and only when repair was allowed;
          // they were acknowledged, so the store is behind its mark too.
          CHECK(loaded->recovery.truncated());
          CHECK(repair);
          CHECK(loaded->recovery.rolled_back);
          ++recovered;
        } else {
          CHECK(loaded->meta == original.meta);
          // Only a damaged mark itself may raise a (false) alarm.
          if (what.find(".mark") == std::string::npos) CHECK_FALSE(loaded->recovery.rolled_back);
          ++intact;
        }
        if (backend.name == "sqlite") {
          auto* sqlite = dynamic_cast<SqliteStorage*>(store->get());
          REQUIRE(sqlite != nullptr);
          auto check = sqlite->integrity_check();
          if (!check) CHECK(acceptable_error(check.error()));
        }
      }
    }
    // The damage must actually have exercised both outcomes.
    CHECK(refused > 0);
    CHECK(intact + recovered > 0);
    if (backend.name == "file_log") CHECK(recovered > 0);
  }
}

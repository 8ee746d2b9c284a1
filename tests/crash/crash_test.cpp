// Real process crashes: a child appends and acknowledges updates over a pipe
// while this process kills it with SIGKILL at random moments, then reopens
// the store and checks that every acknowledged update is there, the content
// is a gap-free prefix, the counter lease covers every stored update and (for
// SQLite) PRAGMA integrity_check says ok.
//
// 200 kills per backend by default (WEFT_TEST_SCALE multiplies), the same
// under ASan: the child is small and the kill delays are short, so the
// sanitized run stays within its budget. Modes alternate durable/relaxed per
// kill: a process crash must not lose an acknowledged append in either mode.

#include <chrono>
#include <random>

#include "crash/child_process.hpp"
#include "storage/backends.hpp"
#include "storage/id_set.hpp"
#include "storage/temp_dir.hpp"
#include "support/catch.hpp"
#include "support/seeds.hpp"

using namespace weft;
using namespace weft::storage;

TEST_CASE("SIGKILL at random moments never loses an acknowledged update", "[crash]") {
  for (const auto& backend : test::backends()) {
    test::TempDir dir;
    const auto at = backend.location(dir.path());
    const std::uint64_t kills = 200 * test::env_u64("WEFT_TEST_SCALE", 1);
    std::mt19937_64 rng(test::env_u64("WEFT_TEST_SEED", 1));
    std::uint64_t acked = 0;  // ids [0, acked) have been acknowledged
    std::uint64_t lock_checks = 0;
    for (std::uint64_t kill = 0; kill < kills; ++kill) {
      INFO(backend.name << " kill " << kill
                        << " (WEFT_TEST_SEED=" << test::env_u64("WEFT_TEST_SEED", 1) << ")");
      const char* mode = kill % 2 == 0 ? "durable" : "relaxed";
      test::Child child = test::spawn(WEFT_CRASH_CHILD, {backend.name, at, mode});
      acked = test::kill_at_random_moment(child, acked, kill, rng, std::chrono::microseconds(30000),
                                          [&](std::uint64_t now, std::uint64_t before) {
                                            if (kill % 10 == 0 && now > before) {
                                              // The child holds the store: a second opener gets a
                                              // typed error.
                                              auto second = backend.open(at, {});
                                              REQUIRE_FALSE(second);
                                              CHECK(second.error() == storage_errc::locked);
                                              ++lock_checks;
                                            }
                                          });

      auto store = backend.open(at, {});
      REQUIRE(store);
      auto data = (*store)->load("doc");
      REQUIRE(data);
      auto doc = test::decode_doc(*data);
      REQUIRE(doc);
      CHECK(test::is_prefix_set(doc->ids));  // no gap, nothing foreign
      CHECK(doc->ids.size() >= acked);       // every acknowledged update is there
      CHECK(doc->ids.size() <= acked + 1);   // at most the one in flight beyond
      CHECK(data->next_seq() == doc->ids.size());
      if (!doc->ids.empty()) {
        REQUIRE(data->meta);
        // Update i used counter i + 1: the stored lease covers every stored update.
        CHECK(data->meta->counter_high_water >= doc->ids.size());
      }
      if (backend.name == "sqlite") {
        auto* sqlite = dynamic_cast<SqliteStorage*>(store->get());
        REQUIRE(sqlite != nullptr);
        CHECK(sqlite->integrity_check());
      }
      acked = std::max<std::uint64_t>(acked, doc->ids.size());
    }
    CHECK(acked > kills);  // the children made real progress between kills
    CHECK(lock_checks > 0);
  }
}

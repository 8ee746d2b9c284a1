// Real process crashes of a persisted weft::Doc: a child commits edits
// through storage::PersistentDoc and acknowledges each over a pipe while this
// process kills it with SIGKILL at random moments. After every kill the store
// reopens (as the next child will) and must hold every acknowledged edit, at
// most one more, and exactly the document of a replica that applied that
// prefix of edits; SQLite's integrity_check must pass.
//
// 200 kills per backend (WEFT_TEST_SCALE multiplies); modes alternate
// durable/relaxed per kill.

#include <random>

#include "crash/child_process.hpp"
#include "crash/doc_workload.hpp"
#include "storage/backends.hpp"
#include "storage/temp_dir.hpp"
#include "support/catch.hpp"
#include "support/seeds.hpp"
#include "weft/storage/persistent_doc.hpp"

using namespace weft;
using namespace weft::storage;

TEST_CASE("SIGKILL never loses an acknowledged edit of a persisted Doc", "[crash][doc]") {
  for (const auto& backend : test::backends()) {
    test::TempDir dir;
    const auto at = backend.location(dir.path());
    const std::uint64_t kills = 200 * test::env_u64("WEFT_TEST_SCALE", 1);
    std::mt19937_64 rng(test::env_u64("WEFT_TEST_SEED", 1));
    Doc reference(ReplicaId(7));  // edits [0, edits_in(reference)) applied
    std::uint64_t acked = 0;
    std::uint64_t rotations = 0;
    for (std::uint64_t kill = 0; kill < kills; ++kill) {
      INFO(backend.name << " kill " << kill
                        << " (WEFT_TEST_SEED=" << test::env_u64("WEFT_TEST_SEED", 1) << ")");
      const bool relaxed = kill % 2 == 1;
      test::Child child =
          test::spawn(WEFT_CRASH_CHILD, {backend.name, at, relaxed ? "relaxed" : "durable"});
      acked =
          test::kill_at_random_moment(child, acked, kill, rng, std::chrono::microseconds(20000));

      auto store = backend.open(at, {});
      REQUIRE(store);
      std::uint64_t have = 0;
      {
        auto pdoc = PersistentDoc::open(**store, "doc");
        REQUIRE(pdoc);
        const Doc& doc = (*pdoc)->doc();
        have = test::edits_in(doc);
        CHECK(have >= acked);
        CHECK(have <= acked + 1);
        CHECK(doc.pending_count() == 0);
        // The reference replays the same edits up to `have`.
        for (std::uint64_t i = test::edits_in(reference); i < have; ++i) {
          auto tx = reference.transact();
          test::crash_edit(tx, reference, i);
        }
        REQUIRE(reference.text(test::kCrashText).to_string() ==
                doc.text(test::kCrashText).to_string());
        if ((*pdoc)->open_report().replica_rotated) ++rotations;
      }
      if (backend.name == "sqlite") {
        auto* sqlite = dynamic_cast<SqliteStorage*>(store->get());
        REQUIRE(sqlite != nullptr);
        CHECK(sqlite->integrity_check());
      }
      acked = std::max(acked, have);
    }
    CHECK(acked > kills);  // the children made real progress between kills
    INFO("rotations " << rotations);
    CHECK(rotations > 0);  // unclean relaxed sessions took fresh replica ids
  }
}

// The history (op_log.hpp) past its first chunks: long histories are sealed and
// compressed chunk by chunk, records may arrive out of canonical order, and
// encode_update_since must still hold exactly what a replica lacks.
#include <random>

#include "doc/doc_test_util.hpp"
#include "support/catch.hpp"
#include "support/seeds.hpp"

using namespace weft;

namespace {

// One keystroke (or backspace) into root text "t"; returns its update.
Bytes keystroke(Doc& d, std::mt19937_64& rng) {
  auto tx = d.transact();
  auto t = tx.text("t");
  if (t.size() > 0 && rng() % 4 == 0) {
    t.erase(rng() % t.size(), 1);
  } else {
    const char letter[2] = {static_cast<char>('a' + rng() % 26), 0};
    t.insert(rng() % (t.size() + 1), letter);
  }
  return tx.commit();
}

void check_long_history(std::uint64_t seed) {
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  Doc a(ReplicaId{11});
  Doc b(ReplicaId{22});
  // Snapshots of a replica at moments along the way, to catch up later.
  std::vector<Bytes> past;
  // 12,000 keystrokes (hundreds of KB of records: many sealed chunks), typed
  // concurrently on two replicas that exchange now and then, so that each
  // receives records out of canonical order.
  for (int i = 0; i < 12000; ++i) {
    Doc& d = rng() % 3 == 0 ? b : a;
    (void)keystroke(d, rng);
    if (rng() % 500 == 0) {
      REQUIRE(a.apply_update(b.encode_update_since(a.state_vector())));
      REQUIRE(b.apply_update(a.encode_update_since(b.state_vector())));
    }
    if (i % 2000 == 1999) past.push_back(a.encode_snapshot());
  }
  REQUIRE(a.apply_update(b.encode_update_since(a.state_vector())));
  REQUIRE(b.apply_update(a.encode_update_since(b.state_vector())));
  REQUIRE(a.state_vector() == b.state_vector());
  REQUIRE(a.digest() == b.digest());
  // Equal states, different arrival orders: byte-identical snapshots.
  REQUIRE(a.encode_snapshot() == b.encode_snapshot());

  for (const Bytes& snapshot : past) {
    auto old = Doc::load(snapshot, ReplicaId{33});
    REQUIRE(old);
    const VersionVector had = old->state_vector();
    const Bytes missing = a.encode_update_since(had);
    auto status = old->apply_update(missing);
    REQUIRE(status);
    CHECK(status->pending == 0);
    // Exactly the missing operations: every one applies, none was already there.
    CHECK(status->applied == a.state_vector().total() - had.total());
    CHECK(old->digest() == a.digest());
    // Nothing more to send once caught up.
    auto again = old->apply_update(a.encode_update_since(old->state_vector()));
    REQUIRE(again);
    CHECK(again->applied == 0);
  }
}

}  // namespace

TEST_CASE("a long concurrent history encodes exactly what each past version lacks", "[doc]") {
  for (auto seed : weft::test::seeds(2)) check_long_history(seed);
}

// apply() takes a whole update into a replica that has seen nothing without
// its validation pass (the fresh path). These tests hold that path to the
// general one, apply_scheduled(): the same state or the same error, and a
// refused update leaves the replica as it was, with nothing seen.
#include <random>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/seeds.hpp"
#include "weft/encoding/crc32c.hpp"
#include "weft/types/text.hpp"

using weft::Bytes;
using weft::ReplicaId;
using weft::Text;
using Engine = weft::detail::seq::Engine<weft::detail::seq::TextStore>;
using weft::detail::seq::WireOp;

namespace {

std::string text_of(const Engine& e) {
  std::string s;
  e.for_each_visible([&](const auto& arena, std::uint32_t offset, std::uint32_t units) {
    s.append(arena.data() + offset, units);
  });
  return s;
}

struct Outcome {
  bool ok = false;
  std::error_code error;
  std::string text;
  weft::VersionVector version;
  std::uint64_t pending = 0;
  friend bool operator==(const Outcome&, const Outcome&) = default;
};

// Applies `bytes` to a new replica through the fresh path or the general one.
Outcome apply_new(std::span<const std::uint8_t> bytes, bool fresh) {
  Engine e(ReplicaId{999});
  auto ops = Engine::decode_ops(bytes);
  if (!ops) return {false, ops.error(), {}, {}, 0};
  auto r = fresh ? e.apply(std::move(ops->first), std::move(ops->second))
                 : e.apply_scheduled(std::move(ops->first), std::move(ops->second));
  e.check_invariants();
  if (!r) {
    // Refused: nothing seen, nothing held, and the replica still works.
    CHECK(e.version().empty());
    CHECK(e.pending_dots() == 0);
    CHECK(text_of(e).empty());
    CHECK(e.size(0) == 0);
    return {false, r.error(), {}, {}, 0};
  }
  CHECK(r->pending == e.pending_dots());
  return {true, {}, text_of(e), e.version(), r->pending};
}

const char* const kPieces[] = {"a", "xyz", "\xC3\xA9", "\xF0\x9F\x98\x80", "hello "};

// Three replicas editing concurrently; ids chosen so that lower ids often
// build on higher ones (a whole-history update then lists ops out of causal order).
std::vector<Text> random_history(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Text> reps;
  for (std::uint64_t id : {30u, 20u, 10u}) reps.emplace_back(ReplicaId{id});
  for (int step = 0; step < 80; ++step) {
    Text& t = reps[rng() % reps.size()];
    const auto action = rng() % 6;
    const std::size_t n = t.size();
    if (action < 3) {
      t.insert(n == 0 ? 0 : rng() % (n + 1), kPieces[rng() % std::size(kPieces)]);
    } else if (action < 4 && n > 0) {
      const std::size_t pos = rng() % n;
      t.erase(pos, 1 + rng() % std::min<std::size_t>(n - pos, 3));
    } else {
      REQUIRE(t.apply(reps[rng() % reps.size()].encode()));
    }
  }
  return reps;
}

void recrc(Bytes& bytes) {
  const std::uint32_t crc = weft::crc32c({bytes.data(), bytes.size() - 4});
  for (int i = 0; i < 4; ++i) {
    bytes[bytes.size() - 4 + i] = static_cast<std::uint8_t>(crc >> (8 * i));
  }
}

}  // namespace

TEST_CASE("fresh apply: whole histories and partial updates match the general path") {
  for (const auto seed : weft::test::seeds(60)) {
    INFO("seed " << seed);
    auto reps = random_history(seed);
    for (Text& t : reps) {
      // The whole history, and a delta whose first ops' dependencies are
      // missing (it must wait, in both paths).
      const weft::VersionVector half = [&] {
        weft::VersionVector v;
        for (const auto& e : t.version().entries()) {
          if (e.counter / 2 > 0) v.advance(e.replica, e.counter / 2);
        }
        return v;
      }();
      for (const Bytes& u : {t.encode(), t.encode_since(half)}) {
        const Outcome fresh = apply_new(u, true);
        const Outcome general = apply_new(u, false);
        REQUIRE(fresh.ok);
        CHECK(fresh == general);
      }
      const Outcome whole = apply_new(t.encode(), true);
      CHECK(whole.text == t.to_string());
      CHECK(whole.pending == 0);
    }
  }
}

TEST_CASE("fresh apply: mutated updates get the general path's verdict") {
  for (const auto seed : weft::test::seeds(20)) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    auto reps = random_history(seed);
    // A small update stays uncompressed, so mutations reach the op columns.
    Text tiny(ReplicaId{5});
    tiny.insert(0, "ab\xC3\xA9");
    tiny.erase(1, 1);
    tiny.insert(1, "z");
    for (const Bytes& base : {reps[0].encode(), tiny.encode()}) {
      for (int m = 0; m < 80; ++m) {
        Bytes bytes = base;
        for (int e = 0, edits = 1 + static_cast<int>(rng() % 2); e < edits; ++e) {
          bytes[6 + rng() % (bytes.size() - 10)] = static_cast<std::uint8_t>(rng());
        }
        recrc(bytes);
        CHECK(apply_new(bytes, true) == apply_new(bytes, false));
      }
    }
  }
}

TEST_CASE("fresh apply: an origin naming a delete is refused and nothing is kept") {
  // Replica 7: inserts "a" (1), deletes it (2), then claims an insert (3)
  // whose left origin is dot 2, which is a delete, not an element.
  const ReplicaId r{7};
  std::vector<WireOp> ops(3);
  ops[0] = WireOp{r, 1, 1, weft::detail::seq::kInsert, {}, {}, {}, 1, 0, 1};
  ops[1] = WireOp{r, 2, 1, weft::detail::seq::kDelete, {}, {}, weft::Dot{r, 1}, 1, 0, 0};
  ops[2] = WireOp{r, 3, 1, weft::detail::seq::kInsert, weft::Dot{r, 2}, {}, {}, 1, 1, 1};
  for (bool fresh : {true, false}) {
    INFO("fresh path " << fresh);
    Engine e(ReplicaId{1});
    auto copy = ops;
    auto res = fresh ? e.apply(std::move(copy), "ab") : e.apply_scheduled(std::move(copy), "ab");
    REQUIRE_FALSE(res);
    CHECK(res.error() == weft::errc::causality_violation);
    CHECK(e.version().empty());
    CHECK(text_of(e).empty());
    e.check_invariants();
    // The first two ops alone are fine afterwards.
    std::vector<WireOp> good(ops.begin(), ops.begin() + 2);
    REQUIRE(e.apply(std::move(good), "a"));
    CHECK(e.version().get(r) == 2);
  }
}

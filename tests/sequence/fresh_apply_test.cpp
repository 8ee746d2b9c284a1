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
#include "weft/encoding/frame.hpp"
#include "weft/types/text.hpp"

using weft::Bytes;
using weft::ReplicaId;
using weft::Text;
using Engine = weft::detail::seq::Engine<weft::detail::seq::TextStore>;

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
  boost::system::error_code error;
  std::string text;
  weft::VersionVector version;
  std::uint64_t pending = 0;
  friend bool operator==(const Outcome&, const Outcome&) = default;
};

// Applies `bytes` to a new replica through the fast path (apply_encoded) or
// the general one (decode_ops, then apply).
Outcome apply_new(std::span<const std::uint8_t> bytes, bool fresh) {
  Engine e(ReplicaId{999});
  weft::result<weft::ApplyResult> r = weft::errc::invalid_value;
  if (fresh) {
    r = e.apply_encoded(bytes);
  } else if (auto ops = Engine::decode_ops(bytes); ops) {
    r = e.apply(std::move(ops->first), std::move(ops->second));
  } else {
    r = ops.error();
  }
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

// Three replicas editing. With `merge`, concurrently: ids chosen so that lower
// ids often build on higher ones (a whole-history update then lists ops out of
// causal order, and takes the general path). Without, each alone: its history
// is one replica's ops, which the fast path takes.
std::vector<Text> random_history(std::uint64_t seed, bool merge) {
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
    } else if (merge) {
      REQUIRE(t.apply_update(reps[rng() % reps.size()].encode()));
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
    for (const bool merge : {false, true}) {
      INFO("seed " << seed << (merge ? ", replicas merging" : ", single authors"));
      auto reps = random_history(seed, merge);
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
        for (const Bytes& u : {t.encode(), t.encode_update_since(half)}) {
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
}

TEST_CASE("fresh apply: mutated updates get the general path's verdict") {
  for (const auto seed : weft::test::seeds(20)) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    auto merged = random_history(seed, true);
    auto alone = random_history(seed, false);
    // A small update stays uncompressed, so mutations reach the op columns.
    Text tiny(ReplicaId{5});
    tiny.insert(0, "ab\xC3\xA9");
    tiny.erase(1, 1);
    tiny.insert(1, "z");
    for (const Bytes& base : {merged[0].encode(), alone[0].encode(), tiny.encode()}) {
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

// Replica 7: inserts "a" (1), deletes it (2), then inserts "b" (3) after
// dot `left`, as an uncompressed update written by hand.
Bytes hand_made(std::uint64_t left) {
  weft::Writer head, reps, ctrs;
  head.varint(1 << 2 | 0);  // insert "a": no origins
  reps.varint(0);
  reps.varint(0);
  head.varint(1 << 2 | 2);  // delete dot 1, named as own counter 2 - 1
  reps.varint(1);
  ctrs.varint(1);
  head.varint(1 << 2 | 0);  // insert "b" after own dot `left`, no right origin
  reps.varint(1);
  ctrs.varint(3 - left);
  reps.varint(0);
  const std::string content = "ab";
  auto w = weft::begin_frame(weft::TypeTag::sequence_update);
  w.u8(0);      // text
  w.varint(0);  // uncompressed
  w.varint(1);
  weft::encode_value(w, ReplicaId{7});
  w.varint(1);  // one block: replica 0, counters 1..3
  w.varint(0);
  w.varint(1);
  w.varint(3);
  w.bytes(head.view());
  w.bytes(reps.view());
  w.bytes(ctrs.view());
  w.bytes({reinterpret_cast<const std::uint8_t*>(content.data()), content.size()});
  return weft::finish_frame(std::move(w));
}

TEST_CASE("fresh apply: an origin naming a delete is refused and nothing is kept") {
  // Dot 2 is the delete, not an element.
  const Bytes bad = hand_made(2);
  const Outcome fresh = apply_new(bad, true);
  CHECK_FALSE(fresh.ok);
  CHECK(fresh.error == weft::errc::causality_violation);
  CHECK(fresh == apply_new(bad, false));
  // After the deleted "a" (a tombstone is a fine origin), it applies.
  const Outcome good = apply_new(hand_made(1), true);
  REQUIRE(good.ok);
  CHECK(good.text == "b");
  CHECK(good == apply_new(hand_made(1), false));
  // Text refuses it the same way and stays usable.
  Text t(ReplicaId{8});
  CHECK(t.apply_update(bad).error() == weft::errc::causality_violation);
  CHECK(t.version().empty());
  REQUIRE(t.apply_update(hand_made(1)));
  CHECK(t.to_string() == "b");
}

// Randomized convergence among replicas with arbitrary delivery orders and
// duplicates, and the FugueMax non-interleaving property.
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/seeds.hpp"
#include "weft/types/text.hpp"

using weft::Bytes;
using weft::PositionUnit;
using weft::ReplicaId;
using weft::Text;

namespace {

const char* const kPieces[] = {
    "a", "b", "xyz", "\xC3\xA9", "\xF0\x9F\x98\x80", "hello ", "\xE2\x82\xAC!"};

void random_edit(Text& t, std::mt19937_64& rng) {
  const std::size_t n = t.size();
  if (n > 0 && rng() % 3 == 0) {
    const std::size_t pos = rng() % n;
    const std::size_t len = 1 + rng() % std::min<std::size_t>(n - pos, 4);
    t.erase(pos, len);
  } else {
    t.insert(n == 0 ? 0 : rng() % (n + 1), kPieces[rng() % std::size(kPieces)]);
  }
}

}  // namespace

TEST_CASE("sequence: random causal delivery with duplicates converges") {
  for (const auto seed : weft::test::seeds(30)) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    const std::size_t k = 3 + seed % 3;
    std::vector<Text> reps;
    for (std::size_t i = 0; i < k; ++i) reps.emplace_back(ReplicaId{100 + i * 7});
    std::vector<weft::VersionVector> sent(k);  // what each replica last shipped from
    std::vector<Bytes> pool;                   // every update ever sent
    for (int step = 0; step < 120; ++step) {
      const std::size_t i = rng() % k;
      const auto action = rng() % 10;
      if (action < 5) {
        random_edit(reps[i], rng);
      } else if (action < 7) {
        // Ship a delta since an earlier version (sometimes the full history).
        pool.push_back(rng() % 4 == 0 ? reps[i].encode() : reps[i].encode_update_since(sent[i]));
        sent[i] = reps[i].version();
      } else if (!pool.empty()) {
        // Deliver any update, in any order, possibly again.
        const auto r = reps[i].apply_update(pool[rng() % pool.size()]);
        REQUIRE(r);
      }
      reps[i].check_invariants();
      if (step % 17 == 0) reps[rng() % k].gc();
    }
    // Final full exchange.
    for (auto& from : reps) {
      const auto all = from.encode();
      for (auto& to : reps) REQUIRE(to.apply_update(all));
    }
    for (auto& r : reps) {
      r.check_invariants();
      CHECK(r.pending_count() == 0);
      CHECK(r.to_string() == reps[0].to_string());
      CHECK(r.version() == reps[0].version());
      CHECK(r.size(PositionUnit::utf16) == reps[0].size(PositionUnit::utf16));
    }
  }
}

namespace {

// Each writer types `word` concurrently at the same spot (forward: appending at
// its own cursor; backward: always inserting at the start of its run).
std::string type_concurrently(const std::vector<std::string>& words, bool backward,
                              std::uint64_t seed, std::vector<std::string>& typed) {
  std::mt19937_64 rng(seed);
  Text base(ReplicaId{1});
  base.insert(0, "[]");
  const auto start = base.encode();
  std::vector<Text> reps;
  for (std::size_t i = 0; i < words.size(); ++i) {
    reps.emplace_back(ReplicaId{1000 + (rng() % 1000) * 16 + i});
    REQUIRE(reps.back().apply_update(start));
  }
  // Interleave keystrokes of the writers randomly; each keystroke ships alone.
  std::vector<std::size_t> done(words.size(), 0);
  std::vector<Bytes> updates;
  for (bool more = true; more;) {
    more = false;
    for (std::size_t i = 0; i < words.size(); ++i) {
      if (done[i] == words[i].size() || rng() % 2 == 0) {
        more |= done[i] < words[i].size();
        continue;
      }
      const auto vv = reps[i].version();
      const std::string ch(1, words[i][backward ? words[i].size() - 1 - done[i] : done[i]]);
      reps[i].insert(backward ? 1 : 1 + done[i], ch);
      updates.push_back(reps[i].encode_update_since(vv));
      ++done[i];
      more = true;
    }
  }
  std::shuffle(updates.begin(), updates.end(), rng);
  Text merged(ReplicaId{2});
  REQUIRE(merged.apply_update(start));
  for (const auto& u : updates) REQUIRE(merged.apply_update(u));
  merged.check_invariants();
  typed.clear();
  for (auto& r : reps) typed.push_back(r.to_string());
  return merged.to_string();
}

}  // namespace

TEST_CASE("sequence: concurrent typing at one spot never interleaves") {
  const std::vector<std::string> pool = {"alpha", "BRAVO", "1234567", "xy", "QQQQ"};
  for (const auto seed : weft::test::seeds(40)) {
    INFO("seed " << seed);
    const std::size_t writers = 2 + seed % 3;
    std::vector<std::string> words(pool.begin(), pool.begin() + static_cast<long>(writers));
    for (const bool backward : {false, true}) {
      INFO("backward " << backward);
      std::vector<std::string> typed;
      const std::string out = type_concurrently(words, backward, seed, typed);
      REQUIRE(out.size() == 2 + [&] {
        std::size_t s = 0;
        for (const auto& w : words) s += w.size();
        return s;
      }());
      CHECK(out.front() == '[');
      CHECK(out.back() == ']');
      // Each writer's word appears as one contiguous block.
      for (const auto& w : words) CHECK(out.find(w) != std::string::npos);
    }
  }
}

TEST_CASE("sequence: remote edits deep inside a long run spread over many leaves") {
  Text a(ReplicaId{1});
  a.insert(0, std::string(3000, 'x'));
  Text b(ReplicaId{2});
  REQUIRE(b.apply_update(a.encode()));
  std::mt19937_64 rng(7);
  for (int i = 0; i < 400; ++i) {
    const std::size_t n = b.size();
    if (i % 3 == 0) {
      b.erase(rng() % n, 1);
    } else {
      b.insert(rng() % (n + 1), "y");
    }
  }
  // The receiver meets every op in counter order, each referring to pieces of
  // one run that are far from its head.
  Text c(ReplicaId{3});
  REQUIRE(c.apply_update(a.encode()));
  const auto vv = c.version();
  REQUIRE(c.apply_update(b.encode_update_since(vv)));
  c.check_invariants();
  CHECK(c.to_string() == b.to_string());
  // And again after that receiver re-encodes its (split) log.
  auto d = Text::decode(c.encode(), ReplicaId{4});
  REQUIRE(d);
  d->check_invariants();
  CHECK(d->to_string() == b.to_string());
}

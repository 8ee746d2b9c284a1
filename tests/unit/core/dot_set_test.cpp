#include "support/catch.hpp"

#include <random>
#include <set>

#include "weft/core/dot_set.hpp"

using weft::Dot;
using weft::DotSet;
using weft::ReplicaId;

TEST_CASE("DotSet merges adjacent and overlapping ranges", "[core][dot_set]") {
  DotSet s;
  const ReplicaId r{7};
  s.insert(r, 5, 6);
  s.insert(r, 1, 2);
  s.insert(Dot{r, 4});
  CHECK(s.ranges(r).size() == 2);  // [1,2] [4,6]
  s.insert(Dot{r, 3});
  REQUIRE(s.ranges(r).size() == 1);
  CHECK(s.ranges(r)[0] == DotSet::Range{1, 6});
  CHECK(s.size() == 6);
  CHECK(s.contains(Dot{r, 6}));
  CHECK_FALSE(s.contains(Dot{r, 7}));
  CHECK_FALSE(s.contains(Dot{r, 0}));
  s.erase_through(r, 3);
  CHECK(s.ranges(r)[0] == DotSet::Range{4, 6});
  s.erase_through(r, 10);
  CHECK(s.empty());
}

TEST_CASE("DotSet agrees with std::set on random inserts", "[core][dot_set]") {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 50; ++round) {
    DotSet s;
    std::set<std::pair<std::uint64_t, std::uint64_t>> model;
    for (int i = 0; i < 200; ++i) {
      const std::uint64_t replica = 1 + rng() % 3;
      const std::uint64_t first = 1 + rng() % 100;
      const std::uint64_t last = first + rng() % 5;
      s.insert(ReplicaId{replica}, first, last);
      for (auto c = first; c <= last; ++c) model.insert({replica, c});
    }
    CHECK(s.size() == model.size());
    for (std::uint64_t r = 1; r <= 3; ++r) {
      for (std::uint64_t c = 0; c <= 110; ++c) {
        REQUIRE(s.contains(Dot{ReplicaId{r}, c}) == model.contains({r, c}));
      }
      // Canonical: ranges are separated by at least one missing counter.
      auto ranges = s.ranges(ReplicaId{r});
      for (std::size_t i = 1; i < ranges.size(); ++i) {
        REQUIRE(ranges[i].first > ranges[i - 1].last + 1);
      }
    }
  }
}

TEST_CASE("DotSet join equals inserting both", "[core][dot_set]") {
  DotSet a;
  DotSet b;
  a.insert(ReplicaId{1}, 1, 3);
  b.insert(ReplicaId{1}, 4, 4);
  b.insert(ReplicaId{2}, 9, 9);
  auto ab = a;
  ab.join(b);
  auto ba = b;
  ba.join(a);
  CHECK(ab == ba);
  CHECK(ab.size() == 5);
  CHECK(ab.ranges(ReplicaId{1}).size() == 1);
}

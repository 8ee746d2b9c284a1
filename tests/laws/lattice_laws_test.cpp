// The lattice laws every catalogue type must satisfy, checked once,
// generically, on random states sharing part of their history.
#include <cstdint>
#include <vector>

#include "laws/random_states.hpp"
#include "support/catch.hpp"
#include "support/seeds.hpp"

namespace {

using weft::join;
using weft::leq;
using weft::test::pick;
using weft::test::Rng;
using weft::test::World;

#define WEFT_CATALOGUE_TYPES                                                                 \
  weft::GCounter, weft::PNCounter, weft::LwwRegister<std::string>, weft::MvRegister<int>,    \
      weft::GSet<int>, weft::TwoPSet<int>, weft::AwSet<int>, weft::AwSet<weft::test::Point>, \
      weft::RwSet<int>, weft::EwFlag, weft::DwFlag, (weft::OrMap<int, weft::AwSet<int>>),    \
      (weft::OrMap<int, weft::GCounter>),                                                    \
      (weft::OrMap<int, weft::OrMap<std::string, weft::MvRegister<int>>>),                   \
      (weft::OrMap<std::string, weft::LwwRegister<std::string>>)

constexpr int kSeeds = 60;

}  // namespace

TEMPLATE_TEST_CASE("join is idempotent, commutative and associative", "[laws]",
                   WEFT_CATALOGUE_TYPES) {
  for (std::uint64_t seed : weft::test::seeds(kSeeds)) {
    INFO("seed " << seed);
    Rng rng(seed);
    World<TestType> world(rng, 3);
    world.run(10 + pick(rng, 60), 50);
    const auto& a = world.state(0);
    const auto& b = world.state(1);
    const auto& c = world.state(2);
    CHECK(join(a, a) == a);
    CHECK(join(a, b) == join(b, a));
    CHECK(join(join(a, b), c) == join(a, join(b, c)));
    CHECK(join(TestType{}, a) == a);  // the default state is the bottom
  }
}

TEMPLATE_TEST_CASE("leq is a partial order and join is its least upper bound", "[laws]",
                   WEFT_CATALOGUE_TYPES) {
  for (std::uint64_t seed : weft::test::seeds(kSeeds)) {
    INFO("seed " << seed);
    Rng rng(seed);
    World<TestType> world(rng, 3);
    world.run(10 + pick(rng, 60), 50);
    const auto& a = world.state(0);
    const auto& b = world.state(1);
    const auto ab = join(a, b);
    CHECK(leq(a, a));
    CHECK(leq(a, ab));  // inflation
    CHECK(leq(b, ab));
    CHECK(leq(TestType{}, a));
    if (leq(a, b) && leq(b, a)) CHECK(a == b);  // antisymmetry
    // Any upper bound of a and b is above their join.
    const auto upper = join(ab, world.state(2));
    CHECK(leq(ab, upper));
    // Diverged replicas are not ordered both ways unless equal.
    if (!(a == b)) CHECK_FALSE((leq(a, b) && leq(b, a)));
  }
}

TEMPLATE_TEST_CASE("a mutator's delta joined into the old state gives the new state", "[laws]",
                   WEFT_CATALOGUE_TYPES) {
  for (std::uint64_t seed : weft::test::seeds(kSeeds)) {
    INFO("seed " << seed);
    Rng rng(seed);
    World<TestType> world(rng, 3);
    world.run(10 + pick(rng, 40), 50);
    for (int step = 0; step < 10; ++step) {
      const TestType before = world.state(0);
      const auto delta = world.act(0);
      const TestType& after = world.state(0);
      CHECK(join(before, delta.state()) == after);
      CHECK(leq(delta.state(), after));  // a delta is never more than the new state
      CHECK(leq(before, after));         // mutators only inflate
      // Re-applying the delta is harmless.
      TestType again = after;
      again.join(delta);
      CHECK(again == after);
    }
  }
}

TEMPLATE_TEST_CASE("successive deltas compose into one", "[laws]", WEFT_CATALOGUE_TYPES) {
  for (std::uint64_t seed : weft::test::seeds(kSeeds)) {
    INFO("seed " << seed);
    Rng rng(seed);
    World<TestType> world(rng, 3);
    world.run(10 + pick(rng, 40), 50);
    const TestType start = world.state(0);
    const TestType other = world.state(1);
    std::vector<weft::Delta<TestType>> deltas;
    for (int n = 1 + pick(rng, 8); n > 0; --n) deltas.push_back(world.act(0));
    weft::Delta<TestType> combined;
    for (const auto& d : deltas) combined = join(combined, d);
    // Applying the composed delta at once == applying them one by one.
    CHECK(join(start, combined.state()) == world.state(0));
    TestType one_by_one = other;
    for (const auto& d : deltas) one_by_one.join(d);
    TestType at_once = other;
    at_once.join(combined);
    CHECK(one_by_one == at_once);
    // And in reverse order too: deltas commute like any states.
    TestType reversed = other;
    for (auto it = deltas.rbegin(); it != deltas.rend(); ++it) reversed.join(*it);
    CHECK(reversed == at_once);
  }
}

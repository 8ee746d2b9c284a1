#include "support/catch.hpp"

#include "weft/core/hybrid_logical_clock.hpp"
#include "weft/core/lamport_clock.hpp"

using weft::HlcTimestamp;
using weft::HybridLogicalClock;
using weft::LamportClock;

TEST_CASE("LamportClock ticks past observed times", "[core][clock]") {
  LamportClock c;
  CHECK(c.tick() == 1);
  c.observe(10);
  CHECK(c.tick() == 11);
  c.observe(3);
  CHECK(c.tick() == 12);
}

TEST_CASE("HybridLogicalClock follows physical time and never goes back", "[core][clock]") {
  std::uint64_t wall = 1000;
  HybridLogicalClock clock([&] { return wall; });
  const auto t1 = clock.tick();
  CHECK(t1 == HlcTimestamp{1000, 0});
  const auto t2 = clock.tick();  // same millisecond
  CHECK(t2 == HlcTimestamp{1000, 1});
  wall = 900;  // physical clock jumps back
  const auto t3 = clock.tick();
  CHECK(t3 > t2);
  clock.observe(HlcTimestamp{5000, 7});  // a peer far ahead
  const auto t4 = clock.tick();
  CHECK(t4 > HlcTimestamp{5000, 7});
  wall = 6000;
  CHECK(clock.tick() == HlcTimestamp{6000, 0});
}

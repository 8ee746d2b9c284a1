// last_starting_at_or_before, the engine's run lookup: its gallop back from the
// end must find what a plain binary search over the whole array does.
#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "support/catch.hpp"
#include "weft/types/sequence/detail/engine.hpp"

using weft::detail::seq::last_starting_at_or_before;

namespace {

// The reference: the last i with starts[i] <= v, or n.
std::size_t expected(const std::vector<std::uint64_t>& starts, std::uint64_t v) {
  const auto it = std::upper_bound(starts.begin(), starts.end(), v);
  return it == starts.begin() ? starts.size() : static_cast<std::size_t>(it - starts.begin()) - 1;
}

}  // namespace

TEST_CASE("gallop lookup agrees with binary search", "[sequence][gallop]") {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 2000; ++round) {
    const std::size_t n = rng() % 70;
    std::vector<std::uint64_t> starts;
    std::uint64_t at = 1 + rng() % 5;
    for (std::size_t i = 0; i < n; ++i) {
      starts.push_back(at);
      at += 1 + rng() % 9;  // strictly ascending, like run counters
    }
    const auto start = [&](std::size_t i) { return starts.at(i); };  // .at: no probe out of range
    for (std::uint64_t v = 0; v <= at + 2; ++v) {
      INFO("n " << n << " v " << v);
      REQUIRE(last_starting_at_or_before(n, v, start) == expected(starts, v));
    }
  }
}

#pragma once
// Shared helpers of the weft::Doc benchmarks.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "weft/doc/doc.hpp"

namespace weft::bench::doc {

inline constexpr std::uint64_t kSeed = 0x5EED'0003;

// Random lowercase string of exactly `len` characters.
inline std::string random_string(std::mt19937_64& rng, std::size_t len) {
  std::string s(len, 'a');
  for (auto& c : s) c = static_cast<char>('a' + rng() % 26);
  return s;
}
// A word of 2-10 characters.
inline std::string random_word(std::mt19937_64& rng) {
  return random_string(rng, 2 + rng() % 9);
}

inline double elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since)
      .count();
}

// Median of five Doc::load of `snapshot`, in milliseconds; negative if it fails.
inline double load_ms(const Bytes& snapshot) {
  std::vector<double> times;
  for (int i = 0; i < 5; ++i) {
    const auto start = std::chrono::steady_clock::now();
    auto loaded = Doc::load(snapshot, ReplicaId{0xFFFF'FFFF});
    times.push_back(elapsed_ms(start));
    // DoNotOptimize only on a scalar: libbenchmark 1.7's "+r,m" constraint
    // corrupts non-trivial objects under g++.
    const bool ok = loaded.has_value();
    benchmark::DoNotOptimize(ok);
    if (!ok) return -1.0;
  }
  std::sort(times.begin(), times.end());
  return times[2];
}

}  // namespace weft::bench::doc

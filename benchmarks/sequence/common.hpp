#pragma once
// Shared helpers of the crdt-benchmarks scenarios (B1-B4) for Text and List<T>.
// Every scenario reports, besides Google Benchmark's time per iteration:
//   update_bytes (total of all updates sent), update_avg (per update),
//   doc_bytes (the full encoding), parse_ms (decoding it into a fresh replica,
//   median of 5), memory_bytes (memory_bytes() of the editing replica).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "weft/core/replica_id.hpp"
#include "weft/encoding/writer.hpp"

namespace weft::bench {

inline constexpr std::size_t kN = 6000;
inline constexpr std::uint64_t kSeed = 0x5EED'0001;

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

// One step of B1.7 / B2.4: with probability 1/2 insert a word at a random
// position, otherwise delete 1-9 characters at a random position. The draws are
// separate statements so every compiler consumes the seed in the same order.
template <class TextLike>
void random_edit(TextLike& t, std::mt19937_64& rng) {
  const std::size_t size = t.size();
  if (size == 0 || rng() % 2 == 0) {
    const std::size_t at = rng() % (size + 1);
    const std::string word = random_word(rng);
    static_cast<void>(t.insert(at, word));
  } else {
    const std::size_t pos = rng() % size;
    static_cast<void>(t.erase(pos, std::min<std::size_t>(1 + rng() % 9, size - pos)));
  }
}

struct UpdateStats {
  std::size_t total = 0;
  std::size_t count = 0;
  void add(std::size_t bytes) {
    total += bytes;
    ++count;
  }
};

// Median of five decodes of `encoded`, in milliseconds. `Doc` has a static decode().
template <class Doc>
double parse_ms(const Bytes& encoded) {
  std::vector<double> times;
  for (int i = 0; i < 5; ++i) {
    const auto start = std::chrono::steady_clock::now();
    auto doc = Doc::decode(encoded, ReplicaId{999});
    times.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
    // DoNotOptimize only on a scalar: libbenchmark 1.7's "+r,m" constraint
    // corrupts non-trivial objects under g++.
    const bool ok = doc.has_value();
    benchmark::DoNotOptimize(ok);
    if (!ok) return -1.0;  // shows as a negative parse time
  }
  std::sort(times.begin(), times.end());
  return times[2];
}

template <class Doc>
void report(benchmark::State& state, const UpdateStats& updates, const Doc& doc) {
  const Bytes encoded = doc.encode();
  state.counters["update_bytes"] = static_cast<double>(updates.total);
  state.counters["update_avg"] =
      updates.count == 0 ? 0.0
                         : static_cast<double>(updates.total) / static_cast<double>(updates.count);
  state.counters["doc_bytes"] = static_cast<double>(encoded.size());
  state.counters["parse_ms"] = parse_ms<Doc>(encoded);
  state.counters["memory_bytes"] = static_cast<double>(doc.memory_bytes());
}

}  // namespace weft::bench

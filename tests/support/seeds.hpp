#pragma once
// Seed and iteration control for randomized tests.
//
// CI runs the fixed default counts. Set WEFT_TEST_SCALE=<k> to multiply every
// iteration count by k (more seeds on demand), and WEFT_TEST_SEED=<s> to run a
// single seed reported by a failure.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace weft::test {

inline std::uint64_t env_u64(const char* name, std::uint64_t fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  return std::strtoull(text, nullptr, 10);
}

// The seeds a randomized test should run: either the one seed asked for, or
// `count * WEFT_TEST_SCALE` consecutive seeds starting at `first`.
inline std::vector<std::uint64_t> seeds(std::uint64_t count, std::uint64_t first = 1) {
  if (const char* one = std::getenv("WEFT_TEST_SEED"); one != nullptr && *one != '\0') {
    return {std::strtoull(one, nullptr, 10)};
  }
  const std::uint64_t total = count * env_u64("WEFT_TEST_SCALE", 1);
  std::vector<std::uint64_t> out;
  out.reserve(total);
  for (std::uint64_t i = 0; i < total; ++i) out.push_back(first + i);
  return out;
}

}  // namespace weft::test

// Stand-in for libFuzzer's main where libFuzzer is unavailable (g++ builds).
// Feeds LLVMFuzzerTestOneInput a seeded stream of inputs: uniform random bytes,
// and bytes biased toward small values so that length and count fields often
// fit the input and decoders get past their first checks.
// Usage: fuzz_<name> [runs] [seed]
//        fuzz_<name> <file>...   runs each file once, as libFuzzer does
//                                (tests/regressions replays use this).
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

int replay(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "cannot read %s\n", argv[i]);
      return 2;
    }
    const std::vector<std::uint8_t> input{std::istreambuf_iterator<char>(in), {}};
    LLVMFuzzerTestOneInput(input.data(), input.size());
    std::printf("ran %s (%zu bytes)\n", argv[i], input.size());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && !std::isdigit(static_cast<unsigned char>(argv[1][0]))) return replay(argc, argv);
  const std::uint64_t runs = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10000;
  const std::uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1;
  std::mt19937_64 rng(seed);
  std::vector<std::uint8_t> input;
  for (std::uint64_t run = 0; run < runs; ++run) {
    input.resize(rng() % 512);
    const bool small_values = run % 2 == 1;
    for (auto& b : input) {
      b = static_cast<std::uint8_t>(small_values && rng() % 8 != 0 ? rng() % 8 : rng());
    }
    LLVMFuzzerTestOneInput(input.data(), input.size());
  }
  std::printf("ran %llu inputs (seed %llu)\n", static_cast<unsigned long long>(runs),
              static_cast<unsigned long long>(seed));
  return 0;
}

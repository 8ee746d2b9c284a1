// zstd and deflate helpers: exact round trips, and every way a stated size or
// a stream can lie is refused with the documented error.
#include <random>

#include "support/catch.hpp"
#include "weft/encoding/compress.hpp"

using weft::Bytes;
using weft::errc;

namespace {

Bytes sample(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Bytes b(n);
  // Compressible but not trivial: words from a small alphabet.
  for (auto& c : b) c = static_cast<std::uint8_t>('a' + rng() % 6);
  return b;
}

struct Codec {
  const char* name;
  Bytes (*compress)(std::span<const std::uint8_t>, int);
  weft::result<Bytes> (*decompress)(std::span<const std::uint8_t>, std::uint64_t);
  int level;
};

const Codec kCodecs[] = {
    {"zstd", weft::zstd_compress, weft::zstd_decompress, weft::kZstdText},
    {"deflate", weft::deflate_compress, weft::deflate_decompress, 6},
};

}  // namespace

TEST_CASE("compress: round trips at every size class", "[encoding][compress]") {
  for (const Codec& c : kCodecs) {
    for (std::size_t n : {0u, 1u, 100u, 65536u, 65537u, 1u << 20}) {
      INFO(c.name << " size " << n);
      const Bytes raw = sample(n, n + 1);
      const Bytes packed = c.compress(raw, c.level);
      if (n >= 65536) CHECK(packed.size() < raw.size() / 2);
      auto back = c.decompress(packed, raw.size());
      REQUIRE(back);
      CHECK(*back == raw);
    }
  }
}

TEST_CASE("compress: a wrong stated size is refused", "[encoding][compress]") {
  for (const Codec& c : kCodecs) {
    INFO(c.name);
    const Bytes raw = sample(5000, 7);
    const Bytes packed = c.compress(raw, c.level);
    CHECK(c.decompress(packed, raw.size() - 1).error() == errc::invalid_value);
    CHECK(c.decompress(packed, raw.size() + 1).error() == errc::invalid_value);
    CHECK(c.decompress(packed, 0).error() == errc::invalid_value);
    // Beyond kDecompressLimits' ratio.
    CHECK(c.decompress(packed, std::uint64_t{1} << 29).error() == errc::length_too_large);
  }
}

TEST_CASE("compress: truncated, extended and corrupted streams are refused",
          "[encoding][compress]") {
  for (const Codec& c : kCodecs) {
    INFO(c.name);
    const Bytes raw = sample(3000, 9);
    const Bytes packed = c.compress(raw, c.level);
    for (std::size_t n = 0; n < packed.size(); ++n) {
      INFO("prefix " << n);
      CHECK_FALSE(c.decompress({packed.data(), n}, raw.size()));
    }
    Bytes longer = packed;
    longer.push_back(0);
    CHECK(c.decompress(longer, raw.size()).error() == errc::invalid_value);
    std::mt19937_64 rng(3);
    for (int m = 0; m < 200; ++m) {
      Bytes bad = packed;
      bad[rng() % bad.size()] ^= static_cast<std::uint8_t>(1 + rng() % 255);
      auto r = c.decompress(bad, raw.size());
      // Corruption the checksum misses may still decode; it never overruns.
      if (r) CHECK(r->size() == raw.size());
    }
  }
}

TEST_CASE("compress: output beyond the stated size is refused", "[encoding][compress]") {
  // 64 MiB of zeros packs into a few KiB (a bomb): stating less than that
  // must fail once the output passes the stated size; stating all of it is
  // beyond the ratio and refused before inflating.
  const Bytes zeros(std::size_t{64} << 20, 0);
  const Bytes packed = weft::zstd_compress(zeros, weft::kZstdFast);
  CHECK(packed.size() < 64 * 1024);
  CHECK(weft::zstd_decompress(packed, std::size_t{1} << 20).error() == errc::invalid_value);
  CHECK(weft::zstd_decompress(packed, zeros.size()).error() == errc::length_too_large);
}

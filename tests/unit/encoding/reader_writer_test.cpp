#include "support/catch.hpp"

#include <limits>
#include <random>

#include "weft/encoding/reader.hpp"
#include "weft/encoding/writer.hpp"

using weft::Bytes;
using weft::errc;
using weft::Reader;
using weft::Writer;

TEST_CASE("varints round-trip at every bit width", "[encoding]") {
  Writer w;
  std::vector<std::uint64_t> values;
  for (int bits = 0; bits < 64; ++bits) {
    values.push_back(1ull << bits);
    values.push_back((1ull << bits) - 1);
  }
  values.push_back(std::numeric_limits<std::uint64_t>::max());
  for (auto v : values) w.varint(v);
  Reader r(w.view());
  for (auto v : values) {
    auto got = r.varint();
    REQUIRE(got);
    REQUIRE(*got == v);
  }
  CHECK(r.empty());
  CHECK(weft::varint_size(0) == 1);
  CHECK(weft::varint_size(127) == 1);
  CHECK(weft::varint_size(128) == 2);
  CHECK(weft::varint_size(std::numeric_limits<std::uint64_t>::max()) == 10);
}

TEST_CASE("zigzag keeps small magnitudes short", "[encoding]") {
  for (std::int64_t v : std::initializer_list<std::int64_t>{
           0, -1, 1, -64, 63, std::numeric_limits<std::int64_t>::min(),
           std::numeric_limits<std::int64_t>::max()}) {
    Writer w;
    w.zigzag(v);
    Reader r(w.view());
    CHECK(*r.zigzag() == v);
  }
  Writer w;
  w.zigzag(-64);
  CHECK(w.size() == 1);
}

TEST_CASE("malformed varints are rejected with typed errors", "[encoding]") {
  const Bytes overlong = {0x80, 0x00};  // 0 written in two bytes
  CHECK(Reader(overlong).varint().error() == errc::non_canonical);
  const Bytes truncated = {0x80};
  CHECK(Reader(truncated).varint().error() == errc::truncated);
  Bytes too_big(10, 0xFF);
  too_big.push_back(0x01);
  CHECK(Reader(too_big).varint().error() == errc::varint_overflow);
  Bytes tenth_too_large(9, 0xFF);
  tenth_too_large.push_back(0x02);
  CHECK(Reader(tenth_too_large).varint().error() == errc::varint_overflow);
}

TEST_CASE("strings, bytes and doubles round-trip; lengths are checked", "[encoding]") {
  Writer w;
  w.string("héllo");
  w.bytes(Bytes{1, 2, 3});
  w.f64(-2.5);
  w.u32_le(0xDEADBEEF);
  Reader r(w.view());
  CHECK(*r.string() == "héllo");
  auto b = r.bytes();
  REQUIRE(b);
  CHECK(Bytes(b->begin(), b->end()) == Bytes{1, 2, 3});
  CHECK(*r.f64() == -2.5);
  CHECK(*r.u32_le() == 0xDEADBEEF);
  CHECK(r.expect_end());

  Writer huge;
  huge.varint(1ull << 40);  // declares a 1 TiB string
  Reader hr(huge.view());
  CHECK(hr.string().error() == errc::length_too_large);

  Writer count;
  count.varint(1000);
  count.u8(0);
  Reader cr(count.view());
  CHECK(cr.count(1).error() == errc::length_too_large);
}

TEST_CASE("random bytes never crash the reader", "[encoding]") {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    Bytes input(rng() % 16);
    for (auto& b : input) b = static_cast<std::uint8_t>(rng());
    Reader r(input);
    while (!r.empty()) {
      bool ok = false;
      switch (rng() % 4) {
        case 0:
          ok = static_cast<bool>(r.varint());
          break;
        case 1:
          ok = static_cast<bool>(r.string());
          break;
        case 2:
          ok = static_cast<bool>(r.f64());
          break;
        default:
          ok = static_cast<bool>(r.bytes());
          break;
      }
      if (!ok) break;
    }
  }
  SUCCEED("no crash or sanitizer report on 2000 random inputs");
}

#include <vector>

#include "support/catch.hpp"

#include "weft/encoding/frame.hpp"

using weft::Bytes;
using weft::errc;
using weft::TypeTag;

namespace {
Bytes sample() {
  auto w = weft::begin_frame(TypeTag::aw_set);
  w.string("payload");
  return weft::finish_frame(std::move(w));
}
}  // namespace

TEST_CASE("crc32c matches the standard check value", "[encoding][frame]") {
  const std::string check = "123456789";
  const auto* p = reinterpret_cast<const std::uint8_t*>(check.data());
  CHECK(weft::crc32c({p, check.size()}) == 0xE3069283u);
  // Incremental use gives the same answer.
  CHECK(weft::crc32c({p + 4, 5}, weft::crc32c({p, 4})) == 0xE3069283u);
}

TEST_CASE("crc32c agrees with a bitwise reference at every length and split", "[encoding][frame]") {
  // The obvious one-bit-at-a-time definition of CRC-32C.
  auto reference = [](const std::vector<std::uint8_t>& b) {
    std::uint32_t c = 0xFFFFFFFFu;
    for (std::uint8_t x : b) {
      c ^= x;
      for (int k = 0; k < 8; ++k) c = (c & 1) != 0 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    }
    return ~c;
  };
  std::vector<std::uint8_t> data;
  for (std::size_t n = 0; n < 300; ++n) {
    INFO("length " << n);
    const std::uint32_t want = reference(data);
    CHECK(weft::crc32c(data) == want);
    const std::size_t cut = n / 3;
    CHECK(weft::crc32c({data.data() + cut, n - cut}, weft::crc32c({data.data(), cut})) == want);
    data.push_back(static_cast<std::uint8_t>(n * 131 + 7));
  }
}

TEST_CASE("frames verify magic, version, type and checksum", "[encoding][frame]") {
  const Bytes good = sample();
  auto r = weft::open_frame(good, TypeTag::aw_set);
  REQUIRE(r);
  CHECK(*r->string() == "payload");
  CHECK(r->empty());

  CHECK(weft::open_frame(good, TypeTag::gset).error() == errc::wrong_type);

  Bytes magic = good;
  magic[0] = 'X';
  CHECK(weft::open_frame(magic, TypeTag::aw_set).error() == errc::bad_magic);

  Bytes version = good;
  version[2] = 99;
  CHECK(weft::open_frame(version, TypeTag::aw_set).error() == errc::unsupported_version);

  for (std::size_t i = 3; i < good.size(); ++i) {
    Bytes flipped = good;
    flipped[i] ^= 0x10;
    INFO("flipped byte " << i);
    CHECK_FALSE(weft::open_frame(flipped, TypeTag::aw_set));
  }
  for (std::size_t n = 0; n < good.size(); ++n) {
    INFO("prefix " << n);
    CHECK_FALSE(weft::open_frame(std::span(good).first(n), TypeTag::aw_set));
  }
}

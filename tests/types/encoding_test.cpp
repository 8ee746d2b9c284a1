// Encoding of every catalogue type: round trips, truncation, corruption (with
// and without a recomputed checksum, so the payload decoders themselves are
// attacked) and random payloads. A decode either fails with a weft error or
// yields a valid state whose canonical encoding is exactly the input.
#include <cstdint>
#include <vector>

#include "laws/random_states.hpp"
#include "support/catch.hpp"
#include "support/seeds.hpp"
#include "weft/encoding/crc32c.hpp"

namespace {

using weft::Bytes;
using weft::test::pick;
using weft::test::Rng;
using weft::test::World;

#define WEFT_ENCODED_TYPES                                                                   \
  weft::GCounter, weft::PNCounter, weft::LwwRegister<std::string>, weft::MvRegister<int>,    \
      weft::GSet<int>, weft::TwoPSet<int>, weft::AwSet<int>, weft::AwSet<weft::test::Point>, \
      weft::RwSet<int>, weft::EwFlag, weft::DwFlag, (weft::OrMap<int, weft::AwSet<int>>),    \
      (weft::OrMap<int, weft::GCounter>),                                                    \
      (weft::OrMap<int, weft::OrMap<std::string, weft::MvRegister<int>>>),                   \
      (weft::OrMap<std::string, weft::LwwRegister<std::string>>)

// Rewrites the trailing CRC-32C so the frame check passes again.
void refresh_checksum(Bytes& bytes) {
  const auto body = std::span<const std::uint8_t>(bytes).first(bytes.size() - 4);
  const std::uint32_t crc = weft::crc32c(body);
  for (int i = 0; i < 4; ++i) {
    bytes[bytes.size() - 4 + static_cast<std::size_t>(i)] =
        static_cast<std::uint8_t>(crc >> (8 * i));
  }
}

// Whatever decodes must be a proper state: canonical and usable.
template <class X>
void check_decoded(const Bytes& input, const weft::result<X>& decoded) {
  if (!decoded) {
    CHECK(decoded.error().category() == weft::error_category());
    return;
  }
  CHECK(decoded->encode() == input);
  CHECK(weft::join(*decoded, *decoded) == *decoded);
}

template <class X>
std::vector<X> sample_states(Rng& rng) {
  World<X> world(rng, 3);
  world.run(5 + pick(rng, 40), 40);
  std::vector<X> out = world.states();
  out.push_back(X{});
  return out;
}

}  // namespace

TEMPLATE_TEST_CASE("states and deltas round-trip through their encoding", "[unit][encoding]",
                   WEFT_ENCODED_TYPES) {
  for (std::uint64_t seed : weft::test::seeds(30)) {
    INFO("seed " << seed);
    Rng rng(seed);
    World<TestType> world(rng, 3);
    world.run(5 + pick(rng, 60), 40);
    for (const auto& state : world.states()) {
      const Bytes bytes = state.encode();
      auto back = TestType::decode(bytes);
      REQUIRE(back);
      CHECK(*back == state);
      CHECK(back->encode() == bytes);
    }
    const auto delta = world.act(0);
    auto back = weft::Delta<TestType>::decode(delta.encode());
    REQUIRE(back);
    CHECK(*back == delta);
  }
}

TEMPLATE_TEST_CASE("every strict prefix of an encoding is rejected", "[unit][encoding]",
                   WEFT_ENCODED_TYPES) {
  for (std::uint64_t seed : weft::test::seeds(10)) {
    INFO("seed " << seed);
    Rng rng(seed);
    for (const auto& state : sample_states<TestType>(rng)) {
      const Bytes bytes = state.encode();
      for (std::size_t n = 0; n < bytes.size(); ++n) {
        INFO("prefix length " << n);
        const Bytes prefix(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
        auto r = TestType::decode(prefix);
        REQUIRE_FALSE(r);
        CHECK(r.error().category() == weft::error_category());
        // With a valid checksum the payload decoder itself must notice the cut.
        if (n >= 8) {
          Bytes framed = prefix;
          refresh_checksum(framed);
          auto p = TestType::decode(framed);
          if (p) CHECK(p->encode() == framed);  // only a shorter, still canonical, state
        }
      }
    }
  }
}

TEMPLATE_TEST_CASE("corrupted encodings fail cleanly or decode canonically", "[unit][encoding]",
                   WEFT_ENCODED_TYPES) {
  int decoded_ok = 0;
  for (std::uint64_t seed : weft::test::seeds(20)) {
    INFO("seed " << seed);
    Rng rng(seed);
    for (const auto& state : sample_states<TestType>(rng)) {
      const Bytes bytes = state.encode();
      for (int m = 0; m < 25; ++m) {
        Bytes mutated = bytes;
        const auto at = rng() % mutated.size();
        mutated[at] = static_cast<std::uint8_t>(mutated[at] ^ (1 + rng() % 255));
        INFO("byte " << at);
        auto plain = TestType::decode(mutated);
        CHECK_FALSE(plain);  // the checksum catches any single-byte change
        if (mutated.size() >= 8 && at >= 3 && at < mutated.size() - 4) {
          refresh_checksum(mutated);
          auto r = TestType::decode(mutated);
          check_decoded(mutated, r);
          decoded_ok += r ? 1 : 0;
        }
      }
    }
  }
  INFO("mutations that still decoded: " << decoded_ok);
  SUCCEED();
}

TEMPLATE_TEST_CASE("random payloads never crash a decoder", "[unit][encoding]",
                   WEFT_ENCODED_TYPES) {
  Rng rng(7);
  for (int n = 0; n < 1000; ++n) {
    Bytes bytes = TestType{}.encode();  // a valid header for this type
    bytes.resize(bytes.size() - 4);
    const int payload = pick(rng, 40);
    // Bytes of small values make it past more checks than uniform noise.
    for (int i = 0; i < payload; ++i) {
      bytes.push_back(static_cast<std::uint8_t>(weft::test::chance(rng, 70) ? rng() % 8 : rng()));
    }
    bytes.resize(bytes.size() + 4);
    refresh_checksum(bytes);
    check_decoded(bytes, TestType::decode(bytes));
  }
}

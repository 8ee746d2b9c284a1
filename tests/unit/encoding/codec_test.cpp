#include "support/catch.hpp"

#include "weft/encoding/codec.hpp"

using weft::Bytes;
using weft::errc;
using weft::Reader;
using weft::Writer;

namespace {
template <class T>
T round_trip(const T& value) {
  Writer w;
  weft::encode_value(w, value);
  Reader r(w.view());
  auto back = weft::decode_value<T>(r);
  REQUIRE(back);
  REQUIRE(r.empty());
  return *back;
}
template <class T>
void every_prefix_rejected(const T& value) {
  Writer w;
  weft::encode_value(w, value);
  const auto bytes = w.view();
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    Reader r(bytes.first(n));
    auto back = weft::decode_value<T>(r);
    INFO("prefix length " << n);
    CHECK_FALSE(back);
  }
}
}  // namespace

TEST_CASE("integer, bool, string and byte codecs round-trip", "[encoding][codec]") {
  CHECK(round_trip<std::uint8_t>(200) == 200);
  CHECK(round_trip<std::int32_t>(-123456) == -123456);
  CHECK(round_trip<std::uint64_t>(~0ull) == ~0ull);
  CHECK(round_trip(true));
  CHECK(round_trip(std::string("añ😀")) == "añ😀");
  CHECK(round_trip(Bytes{0, 255, 7}) == Bytes{0, 255, 7});
}

TEST_CASE("codecs reject out-of-range and invalid values", "[encoding][codec]") {
  Writer w;
  w.varint(300);
  Reader r(w.view());
  CHECK(weft::decode_value<std::uint8_t>(r).error() == errc::invalid_value);

  const Bytes two = {2};
  Reader rb(two);
  CHECK(weft::decode_value<bool>(rb).error() == errc::invalid_value);

  Writer bad;
  bad.string("\xC0\xAF");  // overlong '/'
  Reader rs(bad.view());
  CHECK(weft::decode_value<std::string>(rs).error() == errc::invalid_utf8);

  Writer zero_replica;
  zero_replica.varint(0);
  Reader rz(zero_replica.view());
  CHECK(weft::decode_value<weft::ReplicaId>(rz).error() == errc::invalid_value);
}

TEST_CASE("core vocabulary codecs round-trip and reject prefixes", "[encoding][codec]") {
  weft::VersionVector vv;
  vv.advance(weft::ReplicaId{9}, 300);
  vv.advance(weft::ReplicaId{2}, 1);
  CHECK(round_trip(vv) == vv);
  every_prefix_rejected(vv);

  weft::DotSet set;
  set.insert(weft::ReplicaId{4}, 3, 9);
  set.insert(weft::ReplicaId{4}, 20, 20);
  set.insert(weft::ReplicaId{1}, 1, 1);
  CHECK(round_trip(set) == set);
  every_prefix_rejected(set);

  weft::DotContext ctx;
  ctx.insert(weft::Dot{weft::ReplicaId{4}, 1});
  ctx.insert(weft::Dot{weft::ReplicaId{4}, 5});
  CHECK(round_trip(ctx) == ctx);
  every_prefix_rejected(ctx);

  const weft::HlcTimestamp t{123456789, 4};
  CHECK(round_trip(t) == t);
}

TEST_CASE("non-canonical vectors and contexts are rejected", "[encoding][codec]") {
  Writer unsorted;
  unsorted.varint(2);
  unsorted.varint(5), unsorted.varint(1);
  unsorted.varint(3), unsorted.varint(1);
  Reader r1(unsorted.view());
  CHECK(weft::decode_value<weft::VersionVector>(r1).error() == errc::non_canonical);

  // A context whose cloud holds a dot the vector already covers.
  Writer ctx;
  ctx.varint(1), ctx.varint(4), ctx.varint(5);  // vv {4: 5}
  ctx.varint(1), ctx.varint(4), ctx.varint(1);  // cloud replica 4, one range
  ctx.varint(2), ctx.varint(0);                 // [3, 3]
  Reader r2(ctx.view());
  CHECK(weft::decode_value<weft::DotContext>(r2).error() == errc::non_canonical);
}

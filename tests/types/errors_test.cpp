// Caller mistakes throw the documented std exceptions and leave the state
// untouched; hostile encodings fail with the documented weft error.
#include <limits>
#include <stdexcept>
#include <string>

#include "support/catch.hpp"
#include "weft/types/crdts.hpp"

namespace {

using namespace weft;  // test file, not a header

const ReplicaId nil{};
const ReplicaId alice{11};

// A framed AwSet<int> payload written by hand: context then store.
Bytes aw_set_bytes(const std::function<void(Writer&)>& payload) {
  Writer w = begin_frame(TypeTag::aw_set);
  payload(w);
  return finish_frame(std::move(w));
}

}  // namespace

TEST_CASE("a nil ReplicaId throws std::invalid_argument and changes nothing", "[unit][types]") {
  LamportClock clock;
  GCounter g;
  (void)g.increment(alice);
  const GCounter g0 = g;
  CHECK_THROWS_AS(g.increment(nil), std::invalid_argument);
  CHECK(g == g0);
  PNCounter pn;
  CHECK_THROWS_AS(pn.decrement(nil), std::invalid_argument);
  CHECK(pn == PNCounter{});
  LwwRegister<int> lww;
  CHECK_THROWS_AS(lww.assign(nil, clock, 1), std::invalid_argument);
  CHECK_THROWS_AS(lww.clear(nil), std::invalid_argument);
  CHECK_FALSE(lww.has_value());
  CHECK(clock.now() == 0);
  MvRegister<int> mv;
  CHECK_THROWS_AS(mv.assign(nil, 1), std::invalid_argument);
  CHECK(mv.empty());
  GSet<int> gs;
  CHECK_THROWS_AS(gs.add(nil, 1), std::invalid_argument);
  TwoPSet<int> tp;
  CHECK_THROWS_AS(tp.remove(nil, 1), std::invalid_argument);
  AwSet<int> aw;
  (void)aw.add(alice, 1);
  const AwSet<int> aw0 = aw;
  CHECK_THROWS_AS(aw.add(nil, 1), std::invalid_argument);
  CHECK_THROWS_AS(aw.remove(nil, 1), std::invalid_argument);
  CHECK_THROWS_AS(aw.clear(nil), std::invalid_argument);
  CHECK(aw == aw0);
  RwSet<int> rw;
  CHECK_THROWS_AS(rw.remove(nil, 1), std::invalid_argument);
  CHECK(rw == RwSet<int>{});
  EwFlag ew;
  CHECK_THROWS_AS(ew.enable(nil), std::invalid_argument);
  DwFlag dw;
  CHECK_THROWS_AS(dw.disable(nil), std::invalid_argument);
  OrMap<int, AwSet<int>> map;
  (void)map.update(alice, 1, [&](AwSet<int>& s) { return s.add(alice, 5); });
  const auto map0 = map;
  CHECK_THROWS_AS(map.remove(nil, 1), std::invalid_argument);
  CHECK_THROWS_AS(map.update(nil, 1, [&](AwSet<int>& s) { return s.add(alice, 6); }),
                  std::invalid_argument);
  // The nested mutator throws: the map gets its value and context back intact.
  CHECK_THROWS_AS(map.update(alice, 1, [&](AwSet<int>& s) { return s.add(nil, 6); }),
                  std::invalid_argument);
  CHECK(map == map0);
  OrMap<int, GCounter> counters;
  CHECK_THROWS_AS(counters.update(alice, 1, [&](GCounter& c) { return c.increment(nil); }),
                  std::invalid_argument);
  CHECK(counters.empty());
}

TEST_CASE("a counter overflowing 64 bits throws std::overflow_error", "[unit][types]") {
  GCounter g;
  (void)g.increment(alice, std::numeric_limits<std::uint64_t>::max());
  const GCounter g0 = g;
  CHECK_THROWS_AS(g.increment(alice, 1), std::overflow_error);
  CHECK(g == g0);
}

TEST_CASE("decoders reject hostile states with the documented error", "[unit][types]") {
  SECTION("a dot the context does not cover") {
    auto bytes = aw_set_bytes([](Writer& w) {
      w.varint(1), w.varint(5), w.varint(1);  // context: replica 5 up to 1
      w.varint(0);                            // no cloud
      w.varint(1), w.zigzag(3);               // one element, 3
      w.varint(1), w.varint(0), w.varint(2);  // its dot: (replica #0, 2)
    });
    auto r = AwSet<int>::decode(bytes);
    REQUIRE_FALSE(r);
    CHECK(r.error() == errc::causality_violation);
  }
  SECTION("the same dot under two elements") {
    auto bytes = aw_set_bytes([](Writer& w) {
      w.varint(1), w.varint(5), w.varint(2);
      w.varint(0);
      w.varint(2);
      w.zigzag(3), w.varint(1), w.varint(0), w.varint(1);
      w.zigzag(4), w.varint(1), w.varint(0), w.varint(1);
    });
    auto r = AwSet<int>::decode(bytes);
    REQUIRE_FALSE(r);
    CHECK(r.error() == errc::causality_violation);
  }
  SECTION("elements out of order") {
    auto bytes = aw_set_bytes([](Writer& w) {
      w.varint(1), w.varint(5), w.varint(2);
      w.varint(0);
      w.varint(2);
      w.zigzag(4), w.varint(1), w.varint(0), w.varint(1);
      w.zigzag(3), w.varint(1), w.varint(0), w.varint(2);
    });
    auto r = AwSet<int>::decode(bytes);
    REQUIRE_FALSE(r);
    CHECK(r.error() == errc::non_canonical);
  }
  SECTION("an element with no dots") {
    auto bytes = aw_set_bytes([](Writer& w) {
      w.varint(1), w.varint(5), w.varint(2);
      w.varint(0);
      w.varint(1), w.zigzag(3), w.varint(0);
    });
    auto r = AwSet<int>::decode(bytes);
    REQUIRE_FALSE(r);
    CHECK(r.error() == errc::non_canonical);
  }
  SECTION("a dot naming a replica outside the table") {
    auto bytes = aw_set_bytes([](Writer& w) {
      w.varint(1), w.varint(5), w.varint(2);
      w.varint(0);
      w.varint(1), w.zigzag(3), w.varint(1), w.varint(1), w.varint(1);
    });
    auto r = AwSet<int>::decode(bytes);
    REQUIRE_FALSE(r);
    CHECK(r.error() == errc::invalid_value);
  }
  SECTION("a count larger than the input, before any allocation") {
    auto bytes = aw_set_bytes([](Writer& w) {
      w.varint(0), w.varint(0);
      w.varint(std::uint64_t{1} << 60);
    });
    auto r = AwSet<int>::decode(bytes);
    REQUIRE_FALSE(r);
    CHECK(r.error() == errc::length_too_large);
  }
  SECTION("another type's encoding, trailing bytes") {
    GCounter g;
    (void)g.increment(alice);
    auto wrong = AwSet<int>::decode(g.encode());
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error() == errc::wrong_type);
    Writer w = begin_frame(TypeTag::gcounter);
    encode_value(w, g);
    w.u8(0);
    auto trailing = GCounter::decode(finish_frame(std::move(w)));
    REQUIRE_FALSE(trailing);
    CHECK(trailing.error() == errc::trailing_bytes);
  }
  SECTION("a register write its context has not seen") {
    DotContext ctx;
    ctx.insert(Dot{alice, 1});
    Writer w = begin_frame(TypeTag::lww_register);
    encode_value(w, ctx);
    w.varint(1);                        // one live write
    w.varint(0), w.varint(2);           // at dot (alice, 2): not in the context
    encode_value(w, std::uint64_t{1});  // Lamport time
    encode_value(w, 7);                 // value
    auto r = LwwRegister<int>::decode(finish_frame(std::move(w)));
    REQUIRE_FALSE(r);
    CHECK(r.error() == errc::causality_violation);
  }
}

// Anchors (stable positions) on Text and List: how a cursor moves under
// concurrent edits before, after and at its gap, in all three position units;
// anchors on deleted characters, after gc and in decoded replicas; unknown dots;
// caller errors; and the wire encoding, including hostile bytes.
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/seeds.hpp"
#include "weft/types/list.hpp"
#include "weft/types/text.hpp"

using weft::Anchor;
using weft::Bias;
using weft::Dot;
using weft::PositionUnit;
using weft::ReplicaId;
using weft::Text;

namespace {

constexpr PositionUnit kUnits[] = {PositionUnit::code_point, PositionUnit::utf16,
                                   PositionUnit::utf8};

// Length of valid UTF-8 `s` in `unit`, counted from its bytes.
std::size_t units_of(const std::string& s, PositionUnit unit) {
  std::size_t n = 0;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (unit == PositionUnit::utf8) {
      ++n;
    } else if ((c & 0xC0) != 0x80) {
      n += unit == PositionUnit::utf16 && c >= 0xF0 ? 2 : 1;
    }
  }
  return n;
}

void sync(Text& to, const Text& from) {
  REQUIRE(to.apply_update(from.encode_update_since(to.version())));
}

// The text around the anchored gap: P | S, multi-byte on both sides.
const std::string kP = "a\xC3\xA9\xF0\x9F\x98\x80";  // "a", "é", "😀"
const std::string kS =
    "\xE2\x82\xAC"
    "z";                                         // "€", "z"
const std::string kIns = "\xE4\xB8\xAD";         // "中"
const std::string kAstral = "\xF0\x9D\x84\x9E";  // "𝄞"

struct Pair {
  Text a{ReplicaId{1}};
  Text b{ReplicaId{2}};
  Pair() {
    a.insert(0, kP + kS);
    sync(b, a);
  }
};

// Both replicas must agree on `text` and resolve the anchors to the given
// positions (in unit u), also after a round trip of the anchors' encoding.
void check(const Pair& p, const std::string& text, PositionUnit u, const Anchor& left,
           std::size_t left_at, const Anchor& right, std::size_t right_at) {
  CHECK(p.a.to_string() == text);
  CHECK(p.b.to_string() == text);
  for (const Text* t : {&p.a, &p.b}) {
    CHECK(t->resolve(left, u).value() == left_at);
    CHECK(t->resolve(right, u).value() == right_at);
    for (const Anchor& x : {left, right}) {
      weft::Writer w;
      weft::encode_value(w, x);
      const auto bytes = std::move(w).take();
      weft::Reader r(bytes);
      const auto back = weft::decode_value<Anchor>(r);
      REQUIRE(back);
      CHECK(*back == x);
      CHECK(r.empty());
    }
  }
}

}  // namespace

TEST_CASE("anchor: names the neighbour on its bias side, in every unit") {
  Pair p;
  const Dot emoji{ReplicaId{1}, 3};  // the third character of the first insert
  const Dot euro{ReplicaId{1}, 4};
  for (const PositionUnit u : kUnits) {
    INFO("unit " << static_cast<int>(u));
    const std::size_t gap = units_of(kP, u);
    CHECK(p.a.anchor_at(gap, u, Bias::left) == Anchor::element(emoji, Bias::left));
    CHECK(p.a.anchor_at(gap, u, Bias::right) == Anchor::element(euro, Bias::right));
    CHECK(p.a.anchor_at(0, u, Bias::left) == Anchor::start());
    CHECK(p.a.anchor_at(units_of(kP + kS, u), u, Bias::right) == Anchor::end());
    // Every boundary resolves back to itself, on both replicas.
    const std::string all = kP + kS;
    for (std::size_t i = 0; i <= all.size(); ++i) {
      if (i < all.size() && (static_cast<unsigned char>(all[i]) & 0xC0) == 0x80) continue;
      const std::size_t at = units_of(all.substr(0, i), u);
      for (const Bias bias : {Bias::left, Bias::right}) {
        const Anchor x = p.a.anchor_at(at, u, bias);
        CHECK(p.a.resolve(x, u).value() == at);
        CHECK(p.b.resolve(x, u).value() == at);
      }
    }
  }
}

TEST_CASE("anchor: a peer inserting at the gap pushes a right-biased anchor only") {
  for (const PositionUnit u : kUnits) {
    INFO("unit " << static_cast<int>(u));
    Pair p;
    const std::size_t gap = units_of(kP, u);
    const Anchor l = p.a.anchor_at(gap, u, Bias::left);
    const Anchor r = p.a.anchor_at(gap, u, Bias::right);
    p.b.insert(gap, kIns, u);
    sync(p.a, p.b);
    check(p, kP + kIns + kS, u, l, gap, r, gap + units_of(kIns, u));
  }
}

TEST_CASE("anchor: inserts before the gap shift both, inserts after shift neither") {
  for (const PositionUnit u : kUnits) {
    INFO("unit " << static_cast<int>(u));
    Pair p;
    const std::size_t gap = units_of(kP, u);
    const Anchor l = p.a.anchor_at(gap, u, Bias::left);
    const Anchor r = p.a.anchor_at(gap, u, Bias::right);
    p.b.insert(0, kAstral, u);                              // before
    p.b.insert(units_of(kAstral + "a", u), kIns, u);        // before, inside P
    p.a.insert(units_of(kP + kS, u), kAstral, u);           // after, concurrently
    p.a.insert(gap + units_of("\xE2\x82\xAC", u), "q", u);  // after, between € and z
    sync(p.a, p.b);
    sync(p.b, p.a);
    const std::string before = kAstral + "a" + kIns + "\xC3\xA9\xF0\x9F\x98\x80";
    check(p,
          before +
              "\xE2\x82\xAC"
              "qz" +
              kAstral,
          u, l, units_of(before, u), r, units_of(before, u));
  }
}

TEST_CASE("anchor: a local insert at a right-biased caret moves the caret past it") {
  for (const PositionUnit u : kUnits) {
    INFO("unit " << static_cast<int>(u));
    Pair p;
    const std::size_t gap = units_of(kP, u);
    const Anchor caret = p.a.anchor_at(gap, u, Bias::right);
    const Anchor mark = p.a.anchor_at(gap, u, Bias::left);
    p.a.insert(gap, kAstral, u);  // typing at the caret
    p.b.insert(gap, "y", u);      // a peer typing at the same spot
    sync(p.a, p.b);
    sync(p.b, p.a);
    const std::string text = p.a.to_string();
    CHECK(p.b.to_string() == text);
    // Whatever order FugueMax picked for the two inserts, the caret stays before
    // "€" and the mark after "😀".
    const auto euro = text.find("\xE2\x82\xAC");
    const auto emoji_end = text.find("\xF0\x9F\x98\x80") + 4;
    check(p, text, u, mark, units_of(text.substr(0, emoji_end), u), caret,
          units_of(text.substr(0, euro), u));
  }
}

TEST_CASE("anchor: start and end of the sequence") {
  Text a(ReplicaId{1});
  Text b(ReplicaId{2});
  const Anchor s = a.anchor_at(0, PositionUnit::code_point, Bias::left);
  const Anchor e = a.anchor_at(0, PositionUnit::code_point, Bias::right);
  CHECK(s == Anchor::start());
  CHECK(e == Anchor::end());
  b.insert(0, kAstral + "x");
  sync(a, b);
  CHECK(a.resolve(s, PositionUnit::utf16).value() == 0);
  CHECK(a.resolve(e, PositionUnit::utf16).value() == 3);
  CHECK(a.resolve(e, PositionUnit::utf8).value() == 5);
  CHECK(a.resolve(e).value() == 2);
}

TEST_CASE("anchor: deleted neighbours resolve to where they were, also after gc and decode") {
  for (const PositionUnit u : kUnits) {
    INFO("unit " << static_cast<int>(u));
    Pair p;
    const std::size_t gap = units_of(kP, u);
    const Anchor l = p.a.anchor_at(gap, u, Bias::left);   // on "😀"
    const Anchor r = p.a.anchor_at(gap, u, Bias::right);  // on "€"
    const Anchor z = p.a.anchor_at(gap + units_of("\xE2\x82\xAC", u), u, Bias::right);
    // The peer deletes "😀": the left anchor falls back to after "é".
    p.b.erase(units_of("a\xC3\xA9", u), units_of("\xF0\x9F\x98\x80", u), u);
    sync(p.a, p.b);
    const std::size_t ae = units_of("a\xC3\xA9", u);
    check(p, "a\xC3\xA9" + kS, u, l, ae, r, ae);
    // Now "é" and "€" too: all three name tombstones; "z" is untouched.
    p.a.erase(units_of("a", u), units_of("\xC3\xA9\xE2\x82\xAC", u), u);
    sync(p.b, p.a);
    const std::size_t one = units_of("a", u);
    check(p, "az", u, l, one, r, one);
    CHECK(p.a.resolve(z, u).value() == one);
    // Inserting into the gap where the deleted characters were.
    p.b.insert(one, kIns, u);
    sync(p.a, p.b);
    CHECK(p.a.to_string() == "a" + kIns + "z");
    p.a.gc();
    Text copy = Text::decode(p.a.encode(), ReplicaId{9}).value();
    for (const Text* t : {&p.a, &p.b, &copy}) {
      // The tombstones sit left of the new "中" (it was inserted after them).
      CHECK(t->resolve(l, u).value() == one);
      CHECK(t->resolve(r, u).value() == one);
      CHECK(t->resolve(z, u).value() == one + units_of(kIns, u));
    }
  }
}

TEST_CASE("anchor: an element this replica has not seen is a typed error") {
  Pair p;
  p.b.insert(2, "new");
  const Anchor fresh = p.b.anchor_at(3, PositionUnit::code_point, Bias::left);
  CHECK(fresh.dot.replica == ReplicaId{2});
  CHECK(p.a.resolve(fresh).error() == weft::errc::unknown_dot);
  sync(p.a, p.b);
  CHECK(p.a.resolve(fresh).value() == 3);
  // A deleting op's dot names no element.
  const auto del = p.a.erase(0, 1);
  const Anchor on_delete = Anchor::element(Dot{ReplicaId{1}, del.first}, Bias::left);
  CHECK(p.a.resolve(on_delete).error() == weft::errc::unknown_dot);
  // Past the version, an unknown replica, a nil dot.
  CHECK(p.a.resolve(Anchor::element(Dot{ReplicaId{1}, 1000}, Bias::right)).error() ==
        weft::errc::unknown_dot);
  CHECK(p.a.resolve(Anchor::element(Dot{ReplicaId{77}, 1}, Bias::right)).error() ==
        weft::errc::unknown_dot);
  CHECK(p.a.resolve(Anchor::element(Dot{}, Bias::right)).error() == weft::errc::unknown_dot);
}

TEST_CASE("anchor: positions past the end or inside a character throw") {
  Pair p;  // "a é 😀 € z"
  CHECK_THROWS_AS(p.a.anchor_at(6), std::out_of_range);
  CHECK_THROWS_AS(p.a.anchor_at(7, PositionUnit::utf16), std::out_of_range);
  CHECK_THROWS_AS(p.a.anchor_at(2, PositionUnit::utf8), std::out_of_range);   // inside "é"
  CHECK_THROWS_AS(p.a.anchor_at(3, PositionUnit::utf16), std::out_of_range);  // inside "😀"
  CHECK_NOTHROW(p.a.anchor_at(5, PositionUnit::utf16));
  CHECK_NOTHROW(p.a.anchor_at(11, PositionUnit::utf8, Bias::left));
}

TEST_CASE("anchor: List") {
  weft::List<int> a(ReplicaId{1});
  weft::List<int> b(ReplicaId{2});
  const std::vector<int> v{1, 2, 3, 4};
  a.insert(0, std::span<const int>(v));
  REQUIRE(b.apply_update(a.encode()));
  const Anchor l = a.anchor_at(2, Bias::left);
  const Anchor r = a.anchor_at(2, Bias::right);
  b.insert(2, 99);
  b.insert(0, 98);
  b.erase(4);  // the 3
  REQUIRE(a.apply_update(b.encode_update_since(a.version())));
  CHECK(a.values() == std::vector<int>{98, 1, 2, 99, 4});
  CHECK(a.resolve(l).value() == 3);
  CHECK(a.resolve(r).value() == 4);  // where the deleted 3 was
  CHECK_THROWS_AS(a.anchor_at(6), std::out_of_range);
  CHECK(a.anchor_at(5) == Anchor::end());
}

TEST_CASE("anchor codec: the documented bytes, and hostile input") {
  auto enc = [](const Anchor& a) {
    weft::Writer w;
    weft::encode_value(w, a);
    return std::move(w).take();
  };
  using B = weft::Bytes;
  CHECK(enc(Anchor::start()) == B{0});
  CHECK(enc(Anchor::end()) == B{1});
  CHECK(enc(Anchor::element(Dot{ReplicaId{5}, 7}, Bias::left)) == B{2, 5, 7});
  CHECK(enc(Anchor::element(Dot{ReplicaId{300}, 1}, Bias::right)) == B{3, 0xAC, 0x02, 1});
  auto dec = [](const B& b) {
    weft::Reader r(b);
    return weft::decode_value<Anchor>(r);
  };
  CHECK(dec({}).error() == weft::errc::truncated);
  CHECK(dec({4}).error() == weft::errc::invalid_value);
  CHECK(dec({0xFF}).error() == weft::errc::invalid_value);
  CHECK(dec({2}).error() == weft::errc::truncated);
  CHECK(dec({3, 5}).error() == weft::errc::truncated);
  CHECK(dec({2, 0, 1}).error() == weft::errc::invalid_value);  // nil replica
  CHECK(dec({2, 5, 0}).error() == weft::errc::invalid_value);  // counter 0
  CHECK(!dec({2, 0x85, 0x00, 1}));                             // non-minimal varint
  // Random bytes: decoding never misbehaves, and whatever decodes re-encodes to
  // exactly the bytes it consumed (one encoding per anchor).
  for (const auto seed : weft::test::seeds(20)) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    for (int i = 0; i < 2000; ++i) {
      B bytes(rng() % 12);
      for (auto& x : bytes) x = static_cast<std::uint8_t>(rng() % 4 == 0 ? rng() % 4 : rng());
      weft::Reader r(bytes);
      const auto a = weft::decode_value<Anchor>(r);
      if (!a) continue;
      const B again = enc(*a);
      CHECK(again == B(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(r.position())));
    }
  }
}

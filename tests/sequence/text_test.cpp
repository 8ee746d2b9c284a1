// Text: local edits in the three position units, errors, encoding round trips.
#include <stdexcept>

#include "support/catch.hpp"
#include "weft/types/text.hpp"

using weft::PositionUnit;
using weft::ReplicaId;
using weft::Text;

namespace {
// "a" (1 byte), "é" (2 bytes), "€" (3 bytes), "😀" (4 bytes, 2 UTF-16 units)
const std::string kMixed = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z";
}  // namespace

TEST_CASE("text: insert and erase in code points") {
  Text t(ReplicaId{1});
  t.insert(0, "hello");
  t.insert(5, " world");
  t.insert(5, ",");
  CHECK(t.to_string() == "hello, world");
  t.erase(0, 7);
  CHECK(t.to_string() == "world");
  t.insert(0, "a ");
  CHECK(t.to_string() == "a world");
  CHECK(t.size() == 7);
  t.check_invariants();
}

TEST_CASE("text: sizes in three units") {
  Text t(ReplicaId{1});
  t.insert(0, kMixed);
  CHECK(t.size(PositionUnit::code_point) == 5);
  CHECK(t.size(PositionUnit::utf16) == 6);
  CHECK(t.size(PositionUnit::utf8) == 11);
}

TEST_CASE("text: positions in utf16 and utf8 around astral characters") {
  Text t(ReplicaId{1});
  t.insert(0, kMixed);
  // After the emoji: code point 4, UTF-16 unit 5, byte 10.
  t.insert(5, "X", PositionUnit::utf16);
  CHECK(t.to_string() == "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80Xz");
  t.insert(3, "Y", PositionUnit::utf8);  // after "é"
  CHECK(t.to_string() == "a\xC3\xA9Y\xE2\x82\xAC\xF0\x9F\x98\x80Xz");
  t.erase(3, 1, PositionUnit::utf16);  // "€"
  CHECK(t.to_string() == "a\xC3\xA9Y\xF0\x9F\x98\x80Xz");
  t.erase(4, 4, PositionUnit::utf8);  // the emoji
  CHECK(t.to_string() == "a\xC3\xA9YXz");
  t.check_invariants();
}

TEST_CASE("text: position errors leave the replica unchanged") {
  Text t(ReplicaId{1});
  t.insert(0, kMixed);
  const auto before = t.encode();
  CHECK_THROWS_AS(t.insert(6, "x"), std::out_of_range);
  CHECK_THROWS_AS(t.insert(4, "x", PositionUnit::utf16), std::out_of_range);  // inside emoji
  CHECK_THROWS_AS(t.insert(2, "x", PositionUnit::utf8), std::out_of_range);   // inside "é"
  CHECK_THROWS_AS(t.erase(0, 6), std::out_of_range);
  CHECK_THROWS_AS(t.erase(4, 1, PositionUnit::utf16), std::out_of_range);
  CHECK_THROWS_AS(t.erase(0, 2, PositionUnit::utf8), std::out_of_range);
  CHECK_THROWS_AS(t.insert(0, "\xC3"), std::invalid_argument);
  CHECK_THROWS_AS(t.insert(0, "\xED\xA0\x80"), std::invalid_argument);  // surrogate
  CHECK(t.encode() == before);
  CHECK(t.to_string() == kMixed);
  CHECK_THROWS_AS(Text(ReplicaId{}), std::invalid_argument);
  t.check_invariants();
}

TEST_CASE("text: every element op has a dot") {
  Text t(ReplicaId{7});
  auto a = t.insert(0, "abc");
  CHECK(a.replica == ReplicaId{7});
  CHECK(a.first == 1);
  CHECK(a.count == 3);
  auto d = t.erase(1, 2);
  CHECK(d.first == 4);
  CHECK(d.count == 2);
  CHECK(t.version().get(ReplicaId{7}) == 5);
  auto e = t.insert(0, "");
  CHECK(e.count == 0);
  CHECK(t.version().get(ReplicaId{7}) == 5);
}

TEST_CASE("text: encode round trip and encode_since exactness") {
  Text a(ReplicaId{1});
  a.insert(0, "The quick brown fox");
  Text b(ReplicaId{2});
  REQUIRE(b.apply_update(a.encode()));
  const auto vv = b.version();
  a.erase(4, 6);
  a.insert(4, kMixed);
  a.insert(0, ">> ");
  const auto delta = a.encode_update_since(vv);
  CHECK(delta.size() < a.encode().size());
  auto r = b.apply_update(delta);
  REQUIRE(r);
  CHECK(r->applied == 6 + 5 + 3);
  CHECK(r->pending == 0);
  CHECK(b.to_string() == a.to_string());
  CHECK(b.version() == a.version());
  // Idempotent: applying again changes nothing.
  auto again = b.apply_update(delta);
  REQUIRE(again);
  CHECK(again->applied == 0);
  CHECK(b.to_string() == a.to_string());
  auto c = Text::decode(a.encode(), ReplicaId{3});
  REQUIRE(c);
  CHECK(c->to_string() == a.to_string());
  CHECK(c->replica() == ReplicaId{3});
  c->check_invariants();
  // encode_since of an up-to-date version carries no ops.
  Text d(ReplicaId{4});
  auto none = d.apply_update(a.encode_update_since(a.version()));
  REQUIRE(none);
  CHECK(none->applied == 0);
}

TEST_CASE("text: pending buffer releases ops when their dependencies arrive") {
  Text a(ReplicaId{1});
  a.insert(0, "abc");
  const auto u1 = a.encode();
  const auto v1 = a.version();
  a.insert(3, "def");
  a.erase(0, 1);
  const auto u2 = a.encode_update_since(v1);
  Text b(ReplicaId{2});
  auto r2 = b.apply_update(u2);
  REQUIRE(r2);
  CHECK(r2->applied == 0);
  CHECK(r2->pending == 4);
  CHECK(b.pending_count() == 4);
  CHECK(b.to_string().empty());
  b.check_invariants();
  auto r1 = b.apply_update(u1);
  REQUIRE(r1);
  CHECK(r1->applied == 7);
  CHECK(r1->pending == 0);
  CHECK(b.pending_count() == 0);
  CHECK(b.to_string() == "bcdef");
  b.check_invariants();
}

TEST_CASE("text: gc drops deleted content and keeps merging") {
  Text a(ReplicaId{1});
  a.insert(0, "hello cruel world");
  a.erase(5, 6);
  Text b(ReplicaId{2});
  REQUIRE(b.apply_update(a.encode()));
  const auto mem_before = a.memory_bytes();
  a.gc();
  a.check_invariants();
  CHECK(a.to_string() == "hello world");
  CHECK(a.memory_bytes() <= mem_before);
  // Concurrent edits around the collected region still converge.
  a.insert(5, ",");
  b.insert(5, "!");
  b.erase(0, 1);
  REQUIRE(a.apply_update(b.encode()));
  REQUIRE(b.apply_update(a.encode()));
  CHECK(a.to_string() == b.to_string());
  // A fresh replica built from the collected history matches too.
  auto c = Text::decode(a.encode(), ReplicaId{3});
  REQUIRE(c);
  CHECK(c->to_string() == a.to_string());
  c->check_invariants();
  a.check_invariants();
  b.check_invariants();
}

TEST_CASE("text: backspacing over typed text, ASCII and not") {
  for (const std::string word : {"hello", "h\xC3\xA9l\xF0\x9F\x98\x80o"}) {
    Text a(ReplicaId{1});
    a.insert(0, "[]");
    std::size_t at = 1;
    for (std::size_t i = 0; i < word.size();) {
      const auto c = static_cast<unsigned char>(word[i]);
      const std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      a.insert(at++, word.substr(i, len));
      i += len;
    }
    Text b(ReplicaId{2});
    REQUIRE(b.apply_update(a.encode()));
    const auto vv = b.version();
    for (int k = 0; k < 4; ++k) {
      a.erase(--at, 1);
      a.check_invariants();
    }
    a.insert(at, "p!");
    CHECK(a.to_string() == "[hp!]");
    REQUIRE(b.apply_update(a.encode_update_since(vv)));
    CHECK(b.to_string() == "[hp!]");
    b.check_invariants();
    auto c = Text::decode(a.encode(), ReplicaId{3});
    REQUIRE(c);
    CHECK(c->to_string() == "[hp!]");
  }
}

// Anchors on a Doc's texts and lists: a cursor made on one replica, sent to
// another as bytes, follows its place through local and remote edits.
#include "doc/doc_test_util.hpp"
#include "support/catch.hpp"
#include "weft/encoding/reader.hpp"

using namespace weft;
using weft::test::root_list;
using weft::test::root_text;

namespace {

void sync(Doc& from, Doc& to) {
  REQUIRE(to.apply_update(from.encode_update_since(to.state_vector())));
}

Anchor round_trip(const Anchor& a) {
  Writer w;
  Codec<Anchor>::encode(w, a);
  const Bytes bytes = std::move(w).take();
  Reader r(bytes);
  auto back = Codec<Anchor>::decode(r);
  REQUIRE(back);
  return *back;
}

}  // namespace

TEST_CASE("a text cursor follows its place through concurrent edits on both sides", "[doc]") {
  Doc a(ReplicaId{1});
  Doc b(ReplicaId{2});
  {
    auto tx = a.transact();
    tx.text("t").insert(0, "hello w\xC3\xB6rld");  // 11 code points, 12 bytes
  }
  sync(a, b);
  // b's caret sits before "w", sticking to it; its selection end after "hello".
  const Anchor caret = round_trip(b.anchor(root_text(), 6, PositionUnit::code_point, Bias::right));
  const Anchor sel_end = round_trip(b.anchor(root_text(), 5, PositionUnit::code_point, Bias::left));
  {
    auto tx = a.transact();
    tx.text("t").insert(6, "big ");  // at the caret's gap: before the caret (right bias)
    tx.text("t").erase(0, 1);        // "ello big w\xC3\xB6rld"
  }
  {
    auto tx = b.transact();
    tx.text("t").insert(11, "!");
  }
  sync(a, b);
  sync(b, a);
  REQUIRE(a.text(root_text()) == b.text(root_text()));
  REQUIRE(a.text(root_text()) == "ello big w\xC3\xB6rld!");
  for (Doc* d : {&a, &b}) {
    CHECK(d->resolve_anchor(root_text(), caret).value() == 9);  // still before "w"
    CHECK(d->resolve_anchor(root_text(), caret, PositionUnit::utf8).value() == 9);
    CHECK(d->resolve_anchor(root_text(), sel_end).value() == 4);  // still after "hello"
  }
  // After "w\xC3\xB6" the units differ: 11 code points, 12 bytes.
  const Anchor after_o = a.anchor(root_text(), 11, PositionUnit::code_point, Bias::left);
  CHECK(b.resolve_anchor(root_text(), after_o, PositionUnit::utf8).value() == 12);
  CHECK(b.resolve_anchor(root_text(), after_o, PositionUnit::utf16).value() == 11);

  // The anchored character deleted: it resolves to where it was.
  {
    auto tx = a.transact();
    tx.text("t").erase(8, 2);  // " w"
  }
  CHECK(a.resolve_anchor(root_text(), caret).value() == 8);
  // Out of range and mid-character positions throw; the doc is unchanged.
  CHECK_THROWS_AS(a.anchor(root_text(), 100), std::out_of_range);
  CHECK_THROWS_AS(a.anchor(root_text(), 9, PositionUnit::utf8), std::out_of_range);
}

TEST_CASE("list anchors, untouched objects and unknown elements", "[doc]") {
  Doc a(ReplicaId{1});
  Doc b(ReplicaId{2});
  // Untouched: start and end, and only position 0.
  CHECK(a.resolve_anchor(root_list(), a.anchor(root_list(), 0)).value() == 0);
  CHECK_THROWS_AS(a.anchor(root_list(), 1), std::out_of_range);
  {
    auto tx = a.transact();
    tx.list("l").insert(0, std::vector<Value>{1, 2, 3});
  }
  const Anchor at_two = a.anchor(root_list(), 1, PositionUnit::code_point, Bias::right);
  // b has never seen that element: a typed error, not a guess.
  auto unknown = b.resolve_anchor(root_list(), at_two);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error() == errc::unknown_dot);
  sync(a, b);
  {
    auto tx = b.transact();
    tx.list("l").insert(0, Value("front"));
  }
  CHECK(b.resolve_anchor(root_list(), at_two).value() == 2);
  // Anchors of the wrong object kind are caller mistakes.
  CHECK_THROWS_AS(b.anchor(weft::test::root_map(), 0), std::invalid_argument);
}

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
  const Anchor caret =
      round_trip(b.text(root_text()).anchor(6, PositionUnit::code_point, Bias::right));
  const Anchor sel_end =
      round_trip(b.text(root_text()).anchor(5, PositionUnit::code_point, Bias::left));
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
  REQUIRE(a.text(root_text()).to_string() == b.text(root_text()).to_string());
  REQUIRE(a.text(root_text()).to_string() == "ello big w\xC3\xB6rld!");
  for (Doc* d : {&a, &b}) {
    CHECK(d->text(root_text()).resolve_anchor(caret).value() == 9);  // still before "w"
    CHECK(d->text(root_text()).resolve_anchor(caret, PositionUnit::utf8).value() == 9);
    CHECK(d->text(root_text()).resolve_anchor(sel_end).value() == 4);  // still after "hello"
  }
  // After "w\xC3\xB6" the units differ: 11 code points, 12 bytes.
  const Anchor after_o = a.text(root_text()).anchor(11, PositionUnit::code_point, Bias::left);
  CHECK(b.text(root_text()).resolve_anchor(after_o, PositionUnit::utf8).value() == 12);
  CHECK(b.text(root_text()).resolve_anchor(after_o, PositionUnit::utf16).value() == 11);

  // The anchored character deleted: it resolves to where it was.
  {
    auto tx = a.transact();
    tx.text("t").erase(8, 2);  // " w"
  }
  CHECK(a.text(root_text()).resolve_anchor(caret).value() == 8);
  // Out of range and mid-character positions throw; the doc is unchanged.
  CHECK_THROWS_AS(a.text(root_text()).anchor(100), std::out_of_range);
  CHECK_THROWS_AS(a.text(root_text()).anchor(9, PositionUnit::utf8), std::out_of_range);
}

TEST_CASE("list anchors, untouched objects and unknown elements", "[doc]") {
  Doc a(ReplicaId{1});
  Doc b(ReplicaId{2});
  // Untouched: start and end, and only position 0.
  CHECK(a.list(root_list()).resolve_anchor(a.list(root_list()).anchor(0)).value() == 0);
  CHECK_THROWS_AS(a.list(root_list()).anchor(1), std::out_of_range);
  {
    auto tx = a.transact();
    tx.list("l").insert(0, std::vector<Value>{1, 2, 3});
  }
  const Anchor at_two = a.list(root_list()).anchor(1, Bias::right);
  // b has never seen that element: a typed error, not a guess.
  auto unknown = b.list(root_list()).resolve_anchor(at_two);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error() == errc::unknown_dot);
  sync(a, b);
  {
    auto tx = b.transact();
    tx.list("l").insert(0, Value("front"));
  }
  CHECK(b.list(root_list()).resolve_anchor(at_two).value() == 2);
  // A view of the wrong object kind is a caller mistake.
  CHECK_THROWS_AS((void)b.text(weft::test::root_map()), std::invalid_argument);
}

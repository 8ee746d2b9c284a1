// Read views of a Doc (views.hpp): every kind, nested navigation and its
// errors, liveness, and the handles reading through the same views.
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "doc/doc_test_util.hpp"
#include "support/catch.hpp"
#include "weft/doc/doc.hpp"

using namespace weft;
using weft::test::root_list;
using weft::test::root_map;
using weft::test::root_text;

namespace {

void sync(Doc& from, Doc& to) {
  REQUIRE(to.apply_update(from.encode_update_since(to.state_vector())));
}

// state: {title: "groceries", count: counter 3, todo: [ {name: "milk"}, "eggs" ],
//         notes: text "buy", owner: lww "ann", tags: set {"a", "b"}, size: 2}
Doc groceries() {
  Doc d(ReplicaId{1});
  auto tx = d.transact();
  auto state = tx.map("state");
  state.set("title", "groceries");
  state.set("size", 2);
  tx.counter(state.set_new("count", ObjectKind::counter)).add(3);
  auto todo = tx.list(state.set_new("todo", ObjectKind::list));
  auto milk = tx.map(todo.insert_new(0, ObjectKind::map));
  milk.set("name", "milk");
  todo.insert(1, Value("eggs"));
  tx.text(state.set_new("notes", ObjectKind::text)).insert(0, "buy");
  tx.register_at(state.set_new("owner", ObjectKind::lww_register)).set("ann");
  auto tags = tx.set(state.set_new("tags", ObjectKind::set));
  tags.add("b");
  tags.add("a");
  (void)tx.commit();
  return d;
}

}  // namespace

TEST_CASE("root views read every kind, by name or by id", "[doc][views]") {
  Doc d(ReplicaId{1});
  {
    auto tx = d.transact();
    tx.map("m").set("k", 1);
    tx.text("t").insert(0, "h\xC3\xA9llo \xF0\x9F\x98\x80");  // é: 2 bytes, 😀: 4 bytes, 2 UTF-16
    tx.list("l").insert(0, std::vector<Value>{1, "two", 3.0});
    tx.counter("c").add(-7);
    tx.lww_register("r").set("last");
    tx.mv_register("v").set(true);
    tx.set("s").add(Value(5));
  }
  CHECK(d.map("m").get("k") == Value(1));
  CHECK_FALSE(d.map("m").get("absent").has_value());
  CHECK(d.map("m").contains("k"));
  CHECK_FALSE(d.map("m").contains("absent"));
  CHECK(d.map("m").get_all("k") == std::vector<Value>{1});
  CHECK(d.map("m").entries() == std::map<std::string, Value>{{"k", 1}});

  CHECK(d.text("t").to_string() == "h\xC3\xA9llo \xF0\x9F\x98\x80");
  CHECK(d.text("t").size() == 7);
  CHECK(d.text("t").size(PositionUnit::utf16) == 8);
  CHECK(d.text("t").size(PositionUnit::utf8) == 11);

  CHECK(d.list("l").values() == std::vector<Value>{1, "two", 3.0});
  CHECK(d.list("l").size() == 3);
  CHECK(d.list("l").at(1) == Value("two"));
  CHECK_THROWS_AS((void)d.list("l").at(3), std::out_of_range);

  CHECK(d.counter("c").value() == -7);
  CHECK(d.lww_register("r").value() == Value("last"));
  CHECK(d.mv_register("v").values() == std::vector<Value>{true});
  CHECK(d.set("s").values() == std::vector<Value>{5});
  CHECK(d.set("s").contains(5));
  CHECK_FALSE(d.set("s").contains(6));

  // The id forms name the same objects.
  CHECK(d.text(root_text()).to_string() == d.text("t").to_string());
  CHECK(d.list(root_list()).values() == d.list("l").values());
  CHECK(d.map(root_map()).entries() == d.map("m").entries());
  CHECK(d.register_at(ObjectId::named("r", ObjectKind::lww_register)).value() == Value("last"));
  CHECK(d.map("m").id() == root_map());
  CHECK(&d.map("m").doc() == &d);
}

TEST_CASE("untouched roots and unknown nested objects read as empty", "[doc][views]") {
  const Doc d(ReplicaId{1});
  CHECK_FALSE(d.map("m").get("k").has_value());
  CHECK(d.map("m").entries().empty());
  CHECK(d.text("t").to_string().empty());
  CHECK(d.text("t").size() == 0);
  CHECK(d.list("l").values().empty());
  CHECK_THROWS_AS((void)d.list("l").at(0), std::out_of_range);
  CHECK(d.counter("c").value() == 0);
  CHECK_FALSE(d.lww_register("r").value().has_value());
  CHECK(d.set("s").values().empty());
  const ObjectId unknown{{}, Dot{ReplicaId{9}, 4}, ObjectKind::list};
  CHECK(d.list(unknown).size() == 0);
  // Only the gap at 0 exists.
  CHECK(d.text("t").resolve_anchor(d.text("t").anchor(0)).value() == 0);
  CHECK_THROWS_AS((void)d.text("t").anchor(1), std::out_of_range);
}

TEST_CASE("nested objects are read through the views", "[doc][views]") {
  const Doc d = groceries();
  const MapView state = d.map("state");
  CHECK(state.get("title") == Value("groceries"));
  CHECK(state.counter("count").value() == 3);
  CHECK(state.list("todo").size() == 2);
  CHECK(state.list("todo").map(0).get("name") == Value("milk"));
  CHECK(d.map("state").list("todo").at(1) == Value("eggs"));
  CHECK(state.text("notes").to_string() == "buy");
  CHECK(state.register_at("owner").value() == Value("ann"));
  CHECK(state.set("tags").values() == std::vector<Value>{"a", "b"});
  // A nested view names its object by id, as the transaction does.
  const ObjectId todo = state.list("todo").id();
  CHECK_FALSE(todo.is_root());
  CHECK(todo == ObjectId::nested(state.get("todo")->as<ObjectRef>()));
  CHECK(d.list(todo).values().size() == 2);
}

TEST_CASE("nested navigation: absent keys, plain values and other kinds are errors",
          "[doc][views]") {
  const Doc d = groceries();
  const MapView state = d.map("state");
  // Absent key / index past the end.
  CHECK_THROWS_AS((void)state.map("absent"), std::out_of_range);
  CHECK_THROWS_AS((void)state.list("todo").map(2), std::out_of_range);
  // A plain value is not an object.
  CHECK_THROWS_AS((void)state.map("title"), std::invalid_argument);
  CHECK_THROWS_AS((void)state.counter("size"), std::invalid_argument);
  CHECK_THROWS_AS((void)state.list("todo").map(1), std::invalid_argument);
  // An object of another kind.
  CHECK_THROWS_AS((void)state.map("todo"), std::invalid_argument);
  CHECK_THROWS_AS((void)state.text("count"), std::invalid_argument);
  CHECK_THROWS_AS((void)state.list("todo").list(0), std::invalid_argument);
  CHECK_THROWS_AS((void)state.set("owner"), std::invalid_argument);
  // Both register kinds are registers.
  Doc e(ReplicaId{2});
  {
    auto tx = e.transact();
    tx.register_at(tx.map("m").set_new("mv", ObjectKind::mv_register)).set(1);
  }
  CHECK(e.map("m").register_at("mv").values() == std::vector<Value>{1});
  // A failed navigation changed nothing.
  CHECK(state.entries().size() == 7);
}

TEST_CASE("navigating a key with concurrent values follows get()", "[doc][views]") {
  Doc a(ReplicaId{1});
  Doc b(ReplicaId{2});
  {
    auto tx = a.transact();
    tx.map(tx.map("m").set_new("k", ObjectKind::map)).set("x", 1);
  }
  {
    auto tx = b.transact();
    tx.map("m").set("k", "plain");
  }
  sync(a, b);
  sync(b, a);
  for (const Doc* d : {&a, &b}) {
    REQUIRE(d->map("m").get_all("k").size() == 2);
    // Equal lamport times: the larger dot (replica 2's plain value) is shown.
    CHECK(d->map("m").get("k") == Value("plain"));
    CHECK_THROWS_AS((void)d->map("m").map("k"), std::invalid_argument);
  }
  // Replica 1 overwrites with what it saw: now the object is shown, and navigable.
  {
    auto tx = a.transact();
    const auto nested = a.map("m").get_all("k");
    const auto ref = nested[0].is<ObjectRef>() ? nested[0] : nested[1];
    tx.map("m").set("k", ref);
  }
  sync(a, b);
  CHECK(b.map("m").map("k").get("x") == Value(1));
}

TEST_CASE("a view of the wrong kind throws invalid_argument", "[doc][views]") {
  Doc d(ReplicaId{1});
  {
    auto tx = d.transact();
    tx.text("x").insert(0, "text");
  }
  CHECK_THROWS_AS((void)d.text(root_map()), std::invalid_argument);
  CHECK_THROWS_AS((void)d.counter(ObjectId::named("c", ObjectKind::set)), std::invalid_argument);
  CHECK_THROWS_AS((void)d.register_at(root_list()), std::invalid_argument);
  // A root name names one object: "x" is a text, so not a map.
  CHECK_THROWS_AS((void)d.map("x"), std::invalid_argument);
  CHECK(d.text("x").to_string() == "text");
  // A view made before another kind took the name throws when read.
  const MapView early = d.map("y");
  {
    auto tx = d.transact();
    tx.list("y").insert(0, Value(1));
  }
  CHECK_THROWS_AS((void)early.entries(), std::invalid_argument);
  CHECK(d.list("y").size() == 1);
}

TEST_CASE("views are live: they see later local and remote edits", "[doc][views]") {
  Doc a(ReplicaId{1});
  Doc b(ReplicaId{2});
  const TextView text = a.text("t");
  const ListView list = a.list("l");
  CHECK(text.to_string().empty());
  {
    auto tx = a.transact();
    tx.text("t").insert(0, "ab");
  }
  CHECK(text.to_string() == "ab");
  {
    auto tx = b.transact();
    tx.list("l").insert(0, Value("from b"));
  }
  sync(b, a);
  CHECK(list.values() == std::vector<Value>{"from b"});
  // adopt_snapshot replaces the state, not the Doc: views stay valid.
  Doc c(ReplicaId{3});
  {
    auto tx = c.transact();
    tx.text("t").insert(0, "c's");
  }
  sync(a, c);
  REQUIRE(a.adopt_snapshot(c.encode_snapshot()));
  CHECK(text.to_string() == c.text("t").to_string());
}

TEST_CASE("handles read through the same views", "[doc][views]") {
  Doc d = groceries();
  auto tx = d.transact();
  auto state = tx.map("state");
  CHECK(state.contains("title"));
  CHECK(state.entries().size() == 7);
  CHECK(state.list("todo").map(0).get("name") == Value("milk"));
  auto todo = tx.list(state.list("todo").id());
  todo.insert(2, Value("bread"));
  CHECK(todo.at(2) == Value("bread"));  // edits are visible to reads at once
  CHECK(d.map("state").list("todo").size() == 3);
  auto notes = tx.text(state.text("notes").id());
  notes.insert(3, " food");
  CHECK(notes.resolve_anchor(notes.anchor(3)).value() == 3);
  // A handle is a view: code that reads takes either.
  auto count_entries = [](const MapView& v) { return v.entries().size(); };
  CHECK(count_entries(state) == count_entries(d.map("state")));
  (void)tx.commit();
  CHECK(d.map("state").text("notes").to_string() == "buy food");
  // After the transaction: edits throw, reads still work.
  CHECK_THROWS_AS(todo.insert(0, Value(1)), std::logic_error);
  CHECK(todo.size() == 3);
}

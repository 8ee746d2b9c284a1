// Every object kind, nesting, transactions and their conflict rules.
#include "doc/doc_test_util.hpp"
#include "support/catch.hpp"

using namespace weft;
using weft::test::root_counter;
using weft::test::root_list;
using weft::test::root_lww;
using weft::test::root_map;
using weft::test::root_mv;
using weft::test::root_set;
using weft::test::root_text;

namespace {

// Two replicas that exchange their updates after each made `edit` concurrently.
template <class A, class B>
void concurrently(Doc& a, Doc& b, A&& edit_a, B&& edit_b) {
  const auto sva = a.state_vector();
  const auto svb = b.state_vector();
  {
    auto tx = a.transact();
    edit_a(tx);
  }
  {
    auto tx = b.transact();
    edit_b(tx);
  }
  const Bytes ua = a.encode_update_since(svb);
  const Bytes ub = b.encode_update_since(sva);
  REQUIRE(b.apply_update(ua));
  REQUIRE(a.apply_update(ub));
  REQUIRE(a.encode_snapshot() == b.encode_snapshot());
  REQUIRE(a.digest() == b.digest());
}

void sync(Doc& a, Doc& b) {
  REQUIRE(b.apply_update(a.encode_update_since(b.state_vector())));
  REQUIRE(a.apply_update(b.encode_update_since(a.state_vector())));
}

}  // namespace

TEST_CASE("map: set, get, remove and concurrent writes", "[doc]") {
  Doc a(ReplicaId{1});
  Doc b(ReplicaId{2});
  {
    auto tx = a.transact();
    auto m = tx.map("m");
    m.set("x", 1);
    m.set("y", "hello");
    m.set("z", Value());
    CHECK(m.get("x") == Value(1));
    m.set("x", 2);  // supersedes the first write inside one transaction
    m.remove("y");
    m.remove("never");  // nothing seen: no op
  }
  CHECK(a.map(root_map()).get("x") == Value(2));
  CHECK_FALSE(a.map(root_map()).get("y"));
  CHECK(a.map(root_map()).get("z") == Value());
  CHECK(a.map(root_map()).entries().size() == 2);
  CHECK(a.state_vector().get(ReplicaId{1}) == 5);  // set x, set y, set z, set x, remove y
  sync(a, b);

  // Concurrent sets of one key: both kept; get() picks the larger (lamport, replica).
  concurrently(
      a, b, [](Transaction& tx) { tx.map("m").set("x", "from a"); },
      [](Transaction& tx) { tx.map("m").set("x", "from b"); });
  CHECK(a.map(root_map()).get_all("x").size() == 2);
  CHECK(a.map(root_map()).get("x") == Value("from b"));  // equal lamport: replica 2 wins
  // A later write supersedes both.
  {
    auto tx = a.transact();
    tx.map("m").set("x", 3);
  }
  sync(a, b);
  CHECK(b.map(root_map()).get_all("x") == std::vector<Value>{Value(3)});

  // A remove concurrent with a set loses to the set; a remove alone wins.
  concurrently(
      a, b, [](Transaction& tx) { tx.map("m").remove("x"); },
      [](Transaction& tx) { tx.map("m").set("x", 4); });
  CHECK(a.map(root_map()).get("x") == Value(4));
  concurrently(
      a, b, [](Transaction& tx) { tx.map("m").remove("z"); }, [](Transaction&) {});
  CHECK_FALSE(b.map(root_map()).get("z"));
}

TEST_CASE("lww register picks the larger (lamport, replica); mv register keeps all", "[doc]") {
  Doc a(ReplicaId{7});
  Doc b(ReplicaId{3});
  {
    auto tx = b.transact();
    tx.lww_register("r").set(1);
    tx.lww_register("r").set(2);
  }
  sync(a, b);
  // b is at lamport 1; a's next write has lamport 2 and wins over b's concurrent one
  // only by replica id when lamports tie: make them tie.
  concurrently(
      a, b, [](Transaction& tx) { tx.lww_register("r").set("a"); },
      [](Transaction& tx) { tx.lww_register("r").set("b"); });
  CHECK(a.register_at(root_lww()).value() == Value("a"));  // replica 7 > 3
  CHECK(a.register_at(root_lww()).values().size() == 2);

  concurrently(
      a, b, [](Transaction& tx) { tx.mv_register("v").set(10); },
      [](Transaction& tx) { tx.mv_register("v").set(20); });
  auto both = a.register_at(root_mv()).values();
  REQUIRE(both.size() == 2);
  CHECK(std::find(both.begin(), both.end(), Value(10)) != both.end());
  CHECK(std::find(both.begin(), both.end(), Value(20)) != both.end());
  {
    auto tx = b.transact();
    tx.mv_register("v").set(30);
  }
  sync(a, b);
  CHECK(a.register_at(root_mv()).values() == std::vector<Value>{Value(30)});
}

TEST_CASE("counter: concurrent increments sum, wrapping like int64", "[doc]") {
  Doc a(ReplicaId{1});
  Doc b(ReplicaId{2});
  concurrently(
      a, b,
      [](Transaction& tx) {
        tx.counter("c").add(5);
        tx.counter("c").add(-2);
      },
      [](Transaction& tx) { tx.counter("c").add(10); });
  CHECK(a.counter(root_counter()).value() == 13);
  {
    auto tx = a.transact();
    tx.counter("c").add(INT64_MAX);
    tx.counter("c").add(INT64_MAX);
  }
  CHECK(a.counter(root_counter()).value() == static_cast<std::int64_t>(13ull + 2ull * INT64_MAX));
}

TEST_CASE("set: add-wins observed remove", "[doc]") {
  Doc a(ReplicaId{1});
  Doc b(ReplicaId{2});
  {
    auto tx = a.transact();
    tx.set("s").add("x");
    tx.set("s").add("y");
    tx.set("s").add(Bytes{1, 2});
  }
  sync(a, b);
  CHECK(b.set(root_set()).values().size() == 3);
  // Concurrent remove and re-add of x: the add survives. y removed alone: gone.
  concurrently(
      a, b,
      [](Transaction& tx) {
        tx.set("s").remove("x");
        tx.set("s").remove("y");
      },
      [](Transaction& tx) { tx.set("s").add("x"); });
  CHECK(a.set(root_set()).contains("x"));
  CHECK_FALSE(a.set(root_set()).contains("y"));
  CHECK(a.set(root_set()).contains(Value(Bytes{1, 2})));
  // Concurrent removes of the same element: gone.
  concurrently(
      a, b, [](Transaction& tx) { tx.set("s").remove("x"); },
      [](Transaction& tx) { tx.set("s").remove("x"); });
  CHECK_FALSE(b.set(root_set()).contains("x"));
}

TEST_CASE("text and list: edits in three units, concurrent inserts merge", "[doc]") {
  Doc a(ReplicaId{1});
  Doc b(ReplicaId{2});
  {
    auto tx = a.transact();
    auto t = tx.text("t");
    t.insert(0, "h\xF0\x9F\x98\x80llo");  // h, U+1F600, l, l, o
    CHECK(t.size() == 5);
    CHECK(t.size(PositionUnit::utf16) == 6);
    CHECK(t.size(PositionUnit::utf8) == 8);
    t.erase(1, 2, PositionUnit::utf16);  // the emoji
    t.insert(1, "e", PositionUnit::utf8);
    CHECK(t.to_string() == "hello");
    CHECK_THROWS_AS(t.insert(99, "x"), std::out_of_range);
    CHECK_THROWS_AS(t.insert(0, "\xFF"), std::invalid_argument);
    auto l = tx.list("l");
    l.insert(0, std::vector<Value>{1, 2, 3});
    l.erase(1);
    CHECK(l.values() == std::vector<Value>{1, 3});
    CHECK_THROWS_AS(l.erase(5), std::out_of_range);
  }
  sync(a, b);
  CHECK(b.text(root_text()).to_string() == "hello");
  concurrently(
      a, b, [](Transaction& tx) { tx.text("t").insert(5, " world"); },
      [](Transaction& tx) {
        tx.text("t").insert(0, ">> ");
        tx.list("l").insert(1, "mid");
      });
  CHECK(a.text(root_text()).to_string() == ">> hello world");
  CHECK(a.list(root_list()).values() == std::vector<Value>{1, "mid", 3});
}

TEST_CASE("nested objects: a map holding a list of maps holding text", "[doc]") {
  Doc a(ReplicaId{1});
  Doc b(ReplicaId{2});
  ObjectId items;
  ObjectId first;
  ObjectId title;
  {
    auto tx = a.transact("setup");
    items = tx.map("root").set_new("items", ObjectKind::list);
    first = tx.list(items).insert_new(0, ObjectKind::map);
    title = tx.map(first).set_new("title", ObjectKind::text);
    tx.text(title).insert(0, "buy milk");
    auto reg = tx.map(first).set_new("done", ObjectKind::lww_register);
    tx.register_at(reg).set(false);
    CHECK_THROWS_AS(tx.text(items), std::invalid_argument);  // wrong kind
    CHECK_THROWS_AS(tx.map(ObjectId{{}, Dot{ReplicaId{9}, 9}, ObjectKind::map}),
                    std::invalid_argument);  // unknown nested object
  }
  sync(a, b);
  REQUIRE(b.contains(title));
  CHECK(b.text(title).to_string() == "buy milk");
  CHECK(b.list(items).size() == 1);
  const auto ref = b.list(items).values()[0].as<ObjectRef>();
  CHECK(ObjectId::nested(ref) == first);
  {
    auto tx = b.transact();
    tx.text(title).insert(8, " and eggs");
  }
  sync(a, b);
  CHECK(a.text(title).to_string() == "buy milk and eggs");
  CHECK(weft::test::dump(a, {ObjectId::named("root", ObjectKind::map)}) ==
        weft::test::dump(b, {ObjectId::named("root", ObjectKind::map)}));
}

TEST_CASE("transactions: one update per commit, empty when nothing changed, origins", "[doc]") {
  Doc a(ReplicaId{1});
  {
    auto tx = a.transact("noop");
    CHECK(tx.origin() == "noop");
    CHECK(tx.commit().empty());
    CHECK_THROWS_AS(tx.commit(), std::logic_error);
  }
  CHECK(a.state_vector().empty());
  Bytes u;
  {
    auto tx = a.transact();
    CHECK_THROWS_AS(a.transact(), std::logic_error);  // one at a time
    tx.map("m").set("k", 1);
    tx.counter("c").add(2);
    u = tx.commit();
  }
  CHECK_FALSE(u.empty());
  CHECK(update_state_vector(u).value().get(ReplicaId{1}) == 2);
  Doc b(ReplicaId{2});
  auto st = b.apply_update(u);
  REQUIRE(st);
  CHECK(st->applied == 2);
  CHECK(st->pending == 0);
  // A transaction destroyed without commit() commits.
  { a.transact().map("m").set("k", 2); }
  CHECK(a.map(root_map()).get("k") == Value(2));
  CHECK(a.state_vector().get(ReplicaId{1}) == 3);
  // Handles die with their transaction.
  auto tx = a.transact();
  auto m = tx.map("m");
  (void)tx.commit();
  CHECK_THROWS_AS(m.set("k", 3), std::logic_error);
  CHECK_THROWS_AS(Doc(ReplicaId{}), std::invalid_argument);
}

TEST_CASE("reads of the wrong kind throw; unknown objects read as empty", "[doc]") {
  Doc a(ReplicaId{1});
  CHECK_THROWS_AS((void)a.text(root_map()).to_string(), std::invalid_argument);
  CHECK_THROWS_AS((void)a.counter(root_set()).value(), std::invalid_argument);
  CHECK(a.text(root_text()).to_string().empty());
  CHECK(a.list(root_list()).values().empty());
  CHECK(a.counter(root_counter()).value() == 0);
  CHECK_FALSE(a.register_at(root_lww()).value());
  CHECK_FALSE(a.contains(ObjectId{{}, Dot{ReplicaId{1}, 1}, ObjectKind::map}));
}

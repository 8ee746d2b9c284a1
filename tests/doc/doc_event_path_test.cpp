// Events say where and by whom: the root and path of the changed object, and
// the authors of the change.
#include <vector>

#include "support/catch.hpp"
#include "weft/doc/doc.hpp"

using namespace weft;

namespace {

PathStep key(std::string k) {
  return {PathStep::Kind::key, std::move(k), 0};
}
PathStep index(std::uint64_t i) {
  return {PathStep::Kind::index, {}, i};
}

// Everything a deep observer of `id` on `doc` sees, batch after batch.
struct Recorder {
  std::vector<ChangeEvent> events;
  Subscription sub;
  Recorder(Doc& doc, const ObjectId& id)
      : sub(doc.observe_deep(id, [this](std::span<const ChangeEvent> es) {
          events.insert(events.end(), es.begin(), es.end());
        })) {}
  const ChangeEvent& about(const ObjectId& id) const {
    for (const ChangeEvent& e : events) {
      if (e.object == id) return e;
    }
    FAIL("no event about the object");
    return events.front();
  }
};

}  // namespace

TEST_CASE("events name the root, the path down to the object and the authors", "[doc]") {
  const ObjectId state = ObjectId::named("state", ObjectKind::map);
  Doc a(ReplicaId{5});
  Doc b(ReplicaId{9});
  ObjectId todo;
  ObjectId item;
  {
    auto tx = a.transact();
    todo = tx.map("state").set_new("todo", ObjectKind::list);
    item = tx.list(todo).insert_new(0, ObjectKind::map);
    tx.map(item).set("done", false);
    REQUIRE(b.apply_update(tx.commit()));
  }
  Recorder seen_by_a(a, state);

  SECTION("a local change: this replica, path through key and index") {
    auto tx = a.transact();
    tx.map(item).set("done", true);
    tx.commit();
    const ChangeEvent& e = seen_by_a.about(item);
    CHECK(e.root == state);
    CHECK(e.path.steps() == std::vector<PathStep>{key("todo"), index(0)});
    CHECK(e.authors == std::vector<ReplicaId>{ReplicaId{5}});
    CHECK(e.local);
  }

  SECTION("a remote change: its author, and the index the element has now") {
    Bytes update;
    {
      auto tx = b.transact();
      tx.list(todo).insert(0, Value("first"));  // the item moves to index 1
      tx.map(item).set("done", true);
      update = tx.commit();
    }
    REQUIRE(a.apply_update(update));
    const ChangeEvent& e = seen_by_a.about(item);
    CHECK(e.root == state);
    CHECK(e.path.steps() == std::vector<PathStep>{key("todo"), index(1)});
    CHECK(e.authors == std::vector<ReplicaId>{ReplicaId{9}});
    CHECK_FALSE(e.local);
    // The list's own event: one level up.
    const ChangeEvent& list_event = seen_by_a.about(todo);
    CHECK(list_event.path.steps() == std::vector<PathStep>{key("todo")});
  }

  SECTION("a root's events have an empty path") {
    auto tx = a.transact();
    tx.map("state").set("title", "groceries");
    tx.commit();
    const ChangeEvent& e = seen_by_a.about(state);
    CHECK(e.root == state);
    CHECK(e.path.empty());
  }
}

TEST_CASE("a register's nested object is one value step down", "[doc]") {
  Doc a(ReplicaId{5});
  ObjectId inner;
  {
    auto tx = a.transact();
    inner = tx.lww_register("cfg").set_new(ObjectKind::map);
    tx.commit();
  }
  const ObjectId cfg = ObjectId::named("cfg", ObjectKind::lww_register);
  Recorder seen(a, cfg);
  auto tx = a.transact();
  tx.map(inner).set("theme", "dark");
  tx.commit();
  const ChangeEvent& e = seen.about(inner);
  CHECK(e.root == cfg);
  CHECK(e.path.steps() == std::vector<PathStep>{{PathStep::Kind::value, {}, 0}});
}

TEST_CASE("an update holding several authors' records names each once, ascending", "[doc]") {
  const ObjectId text = ObjectId::named("t", ObjectKind::text);
  Doc b(ReplicaId{30});
  Doc c(ReplicaId{20});
  std::vector<Bytes> updates;
  for (Doc* d : {&b, &c, &b}) {
    auto tx = d->transact();
    tx.text("t").insert(0, "x");
    updates.push_back(tx.commit());
  }
  auto merged = merge_updates(updates);
  REQUIRE(merged);
  Doc a(ReplicaId{40});
  Recorder seen(a, text);
  REQUIRE(a.apply_update(*merged));
  REQUIRE(seen.events.size() >= 1);
  for (const ChangeEvent& e : seen.events) {
    CHECK(e.authors == std::vector<ReplicaId>{ReplicaId{20}, ReplicaId{30}});
    CHECK(e.root == text);
    CHECK(e.path.empty());
  }
}

TEST_CASE("an EventPath shares its parent's steps and compares by steps", "[doc]") {
  const EventPath root;
  const EventPath todo = EventPath::child(root, key("todo"));
  const EventPath first = EventPath::child(todo, index(0));
  const EventPath second = EventPath::child(todo, index(1));
  CHECK(root.empty());
  CHECK(first.size() == 2);
  CHECK(first.steps() == std::vector<PathStep>{key("todo"), index(0)});
  CHECK(second.back() == index(1));
  CHECK_FALSE(first == second);
  // Equal steps built apart are equal paths.
  CHECK(first == EventPath::child(EventPath::child(root, key("todo")), index(0)));
  CHECK(first == std::vector<PathStep>{key("todo"), index(0)});
}

TEST_CASE("a path a million steps deep is released without deep recursion", "[doc]") {
  EventPath p;
  for (int i = 0; i < 1'000'000; ++i) p = EventPath::child(p, index(0));
  CHECK(p.size() == 1'000'000);
  p = EventPath{};  // would overflow the stack if each step released the next recursively
  CHECK(p.empty());
}

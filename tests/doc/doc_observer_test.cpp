// Observers: precise events, local/remote and origin, deep subscriptions,
// unsubscribe, throwing callbacks.
#include <array>
#include <random>
#include <stdexcept>

#include "doc/doc_test_util.hpp"
#include "support/catch.hpp"
#include "support/seeds.hpp"

using namespace weft;
using weft::test::root_counter;
using weft::test::root_list;
using weft::test::root_map;
using weft::test::root_set;
using weft::test::root_text;

namespace {

struct Recorder {
  std::vector<std::vector<ChangeEvent>> batches;
  ObserverFn fn() {
    return [this](std::span<const ChangeEvent> events) {
      batches.emplace_back(events.begin(), events.end());
    };
  }
};

// Applies a text delta to `before` (code point units) the way an editor would.
std::string apply_delta(const std::string& before, const std::vector<SequenceDelta>& delta) {
  std::u32string in;
  for (std::size_t i = 0; i < before.size();) {
    const auto c = static_cast<unsigned char>(before[i]);
    const std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    in.push_back(static_cast<char32_t>(i));  // remember byte offsets
    i += len;
  }
  std::string out;
  std::size_t at = 0;  // code points consumed
  auto bytes_of = [&](std::size_t cp) { return cp < in.size() ? in[cp] : before.size(); };
  for (const SequenceDelta& d : delta) {
    if (d.kind == SequenceDelta::Kind::retain) {
      out += before.substr(bytes_of(at), bytes_of(at + d.length) - bytes_of(at));
      at += d.length;
    } else if (d.kind == SequenceDelta::Kind::erase) {
      at += d.length;
    } else {
      out += d.text;
    }
  }
  out += before.substr(bytes_of(at));
  return out;
}

std::vector<Value> apply_list_delta(const std::vector<Value>& before,
                                    const std::vector<SequenceDelta>& delta) {
  std::vector<Value> out;
  std::size_t at = 0;
  for (const SequenceDelta& d : delta) {
    if (d.kind == SequenceDelta::Kind::retain) {
      out.insert(out.end(), before.begin() + static_cast<std::ptrdiff_t>(at),
                 before.begin() + static_cast<std::ptrdiff_t>(at + d.length));
      at += d.length;
    } else if (d.kind == SequenceDelta::Kind::erase) {
      at += d.length;
    } else {
      REQUIRE(d.values.size() == d.length);
      out.insert(out.end(), d.values.begin(), d.values.end());
    }
  }
  out.insert(out.end(), before.begin() + static_cast<std::ptrdiff_t>(at), before.end());
  return out;
}

std::uint64_t edited_units(const std::vector<SequenceDelta>& delta) {
  std::uint64_t n = 0;
  for (const auto& d : delta) {
    if (d.kind != SequenceDelta::Kind::retain) n += d.length;
  }
  return n;
}

}  // namespace

TEST_CASE("a transaction with separate edits reports each edit, not one replaced span", "[doc]") {
  Doc a(ReplicaId{1});
  {
    auto tx = a.transact();
    tx.text("t").insert(0, "the quick brown fox jumps over the lazy dog");
    tx.list("l").insert(0, std::vector<Value>{1, 2, 3, 4, 5, 6, 7, 8});
  }
  Recorder text_events;
  Recorder list_events;
  auto s1 = a.observe(root_text(), text_events.fn());
  auto s2 = a.observe(root_list(), list_events.fn());
  {
    auto tx = a.transact();
    tx.text("t").insert(4, "very ");  // "the very quick ..."
    tx.text("t").erase(40, 4);        // "lazy", shifted by the insert
    tx.text("t").insert(40, "sleepy");
    tx.list("l").erase(1, 1);            // drop 2
    tx.list("l").insert(6, Value("x"));  // before 8
  }
  REQUIRE(text_events.batches.size() == 1);
  const auto& d = text_events.batches[0][0].delta;
  // Each edit exactly as made: the erase of "lazy", then "sleepy" typed there.
  REQUIRE(d.size() == 5);
  CHECK(d[0].kind == SequenceDelta::Kind::retain);
  CHECK(d[0].length == 4);
  CHECK(d[1].kind == SequenceDelta::Kind::insert);
  CHECK(d[1].text == "very ");
  CHECK(d[2].kind == SequenceDelta::Kind::retain);
  CHECK(d[2].length == 31);
  CHECK(d[3].kind == SequenceDelta::Kind::erase);
  CHECK(d[3].length == 4);
  CHECK(d[4].kind == SequenceDelta::Kind::insert);
  CHECK(d[4].text == "sleepy");
  CHECK(a.text(root_text()).to_string() == "the very quick brown fox jumps over the sleepy dog");

  REQUIRE(list_events.batches.size() == 1);
  const auto& l = list_events.batches[0][0].delta;
  REQUIRE(l.size() == 4);
  CHECK(l[0].kind == SequenceDelta::Kind::retain);
  CHECK(l[0].length == 1);
  CHECK(l[1].kind == SequenceDelta::Kind::erase);
  CHECK(l[1].length == 1);
  CHECK(l[2].kind == SequenceDelta::Kind::retain);
  CHECK(l[2].length == 5);
  CHECK(l[3].kind == SequenceDelta::Kind::insert);
  CHECK(l[3].values == std::vector<Value>{Value("x")});
}

TEST_CASE("deltas of random multi-edit batches replay exactly, one step per edit", "[doc]") {
  for (auto seed : weft::test::seeds(40)) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    Doc a(ReplicaId{1});
    Doc b(ReplicaId{2});
    Recorder local;
    Recorder remote;
    auto s1 = a.observe(root_text(), local.fn());
    auto s2 = b.observe(root_text(), remote.fn());
    auto s3 = a.observe(root_list(), local.fn());
    for (int round = 0; round < 15; ++round) {
      const std::string text_before = a.text(root_text()).to_string();
      const std::vector<Value> list_before = a.list(root_list()).values();
      const std::string remote_before = b.text(root_text()).to_string();
      local.batches.clear();
      remote.batches.clear();
      const int edits = 1 + static_cast<int>(rng() % 4);
      std::uint64_t changed = 0;  // units inserted or erased by the edits
      Bytes update;
      {
        auto tx = a.transact();
        for (int e = 0; e < edits; ++e) {
          const std::size_t size = tx.text("t").size();
          if (size > 0 && rng() % 3 == 0) {
            const std::size_t at = rng() % size;
            const std::size_t n = 1 + rng() % std::min<std::size_t>(size - at, 4);
            tx.text("t").erase(at, n);
            changed += n;
          } else {
            static const std::array<std::string, 4> pieces{"x", "yz", "\xC3\xA9",
                                                           "\xF0\x9F\x98\x80"};
            const std::string& ins = pieces[rng() % pieces.size()];
            tx.text("t").insert(rng() % (size + 1), ins);
            changed += ins == "yz" ? 2 : 1;
          }
          const std::size_t ls = tx.list("l").size();
          if (ls > 0 && rng() % 2 == 0) {
            tx.list("l").erase(rng() % ls);
          } else {
            tx.list("l").insert(rng() % (ls + 1), Value(static_cast<std::int64_t>(rng() % 4)));
          }
        }
        update = tx.commit();
      }
      REQUIRE(b.apply_update(update));
      // Events of one object apply in order, each to what the previous made;
      // together they name exactly the units the edits changed.
      std::string text_now = text_before;
      std::vector<Value> list_now = list_before;
      std::uint64_t edited = 0;
      for (const auto& batch : local.batches) {
        for (const ChangeEvent& e : batch) {
          if (e.object == root_text()) {
            text_now = apply_delta(text_now, e.delta);
            edited += edited_units(e.delta);
          } else {
            list_now = apply_list_delta(list_now, e.delta);
          }
        }
      }
      CHECK(text_now == a.text(root_text()).to_string());
      CHECK(list_now == a.list(root_list()).values());
      CHECK(edited == changed);
      std::string remote_now = remote_before;
      for (const auto& batch : remote.batches) {
        for (const ChangeEvent& e : batch) remote_now = apply_delta(remote_now, e.delta);
      }
      CHECK(remote_now == b.text(root_text()).to_string());
    }
  }
}

TEST_CASE("text events are retain/insert/erase deltas in the chosen unit", "[doc]") {
  Doc a(ReplicaId{1});
  Doc b(ReplicaId{2});
  Recorder cp;
  Recorder u16;
  Recorder u8;
  auto s1 = a.observe(root_text(), cp.fn());
  auto s2 = a.observe(root_text(), u16.fn(), PositionUnit::utf16);
  auto s3 = a.observe(root_text(), u8.fn(), PositionUnit::utf8);
  Bytes u;
  {
    auto tx = a.transact("typing");
    tx.text("t").insert(0,
                        "a\xF0\x9F\x98\x80"
                        "c");  // a, U+1F600, c
    u = tx.commit();
  }
  REQUIRE(cp.batches.size() == 1);
  REQUIRE(cp.batches[0].size() == 1);
  const ChangeEvent& e = cp.batches[0][0];
  CHECK(e.local);
  CHECK(e.origin == "typing");
  CHECK(e.object == root_text());
  REQUIRE(e.delta.size() == 1);
  CHECK(e.delta[0].kind == SequenceDelta::Kind::insert);
  CHECK(e.delta[0].length == 3);
  CHECK(u16.batches[0][0].delta[0].length == 4);
  CHECK(u8.batches[0][0].delta[0].length == 6);

  {
    auto tx = a.transact("fix");
    tx.text("t").erase(1, 1);  // the emoji
    tx.text("t").insert(1, "b");
  }
  REQUIRE(cp.batches.size() == 2);
  const auto& d = cp.batches[1][0].delta;
  REQUIRE(d.size() == 3);
  CHECK(d[0].kind == SequenceDelta::Kind::retain);
  CHECK(d[0].length == 1);
  CHECK(d[1].kind == SequenceDelta::Kind::erase);
  CHECK(d[1].length == 1);
  CHECK(d[2].kind == SequenceDelta::Kind::insert);
  CHECK(d[2].text == "b");
  const auto& d16 = u16.batches[1][0].delta;
  CHECK(d16[1].length == 2);  // the emoji is two UTF-16 units
  CHECK(u8.batches[1][0].delta[1].length == 4);

  // Remote: flagged, origin from apply_update, and the delta replays the change.
  Recorder rb;
  auto sb = b.observe(root_text(), rb.fn());
  REQUIRE(b.apply_update(u, "network"));
  REQUIRE(rb.batches.size() == 1);
  CHECK_FALSE(rb.batches[0][0].local);
  CHECK(rb.batches[0][0].origin == "network");
  const std::string before = b.text(root_text()).to_string();
  REQUIRE(b.apply_update(a.encode_update_since(b.state_vector())));
  REQUIRE(rb.batches.size() == 2);
  CHECK(apply_delta(before, rb.batches[1][0].delta) == b.text(root_text()).to_string());
  CHECK(b.text(root_text()).to_string() == "abc");
}

TEST_CASE("map, list, counter and set events", "[doc]") {
  Doc a(ReplicaId{1});
  Recorder m;
  Recorder l;
  Recorder c;
  Recorder s;
  auto s1 = a.observe(root_map(), m.fn());
  auto s2 = a.observe(root_list(), l.fn());
  auto s3 = a.observe(root_counter(), c.fn());
  auto s4 = a.observe(root_set(), s.fn());
  {
    auto tx = a.transact();
    tx.map("m").set("a", 1);
    tx.map("m").set("b", 2);
    tx.list("l").insert(0, std::vector<Value>{1, 2, 3});
    tx.counter("c").add(4);
    tx.set("s").add("x");
  }
  {
    auto tx = a.transact();
    tx.map("m").set("a", 10);
    tx.map("m").remove("b");
    tx.map("m").set("c", 3);
    tx.map("m").set("c", 3);  // written twice, reported once
    tx.list("l").erase(1);
    tx.counter("c").add(-1);
    tx.set("s").remove("x");
  }
  REQUIRE(m.batches.size() == 2);
  const auto& keys = m.batches[1][0].keys;
  REQUIRE(keys.size() == 3);
  CHECK(keys[0].key == "a");
  CHECK(keys[0].kind == KeyChange::Kind::updated);
  CHECK(keys[0].old_value == Value(1));
  CHECK(keys[0].new_value == Value(10));
  CHECK(keys[1].key == "b");
  CHECK(keys[1].kind == KeyChange::Kind::removed);
  CHECK(keys[1].old_value == Value(2));
  CHECK_FALSE(keys[1].new_value);
  CHECK(keys[2].key == "c");
  CHECK(keys[2].kind == KeyChange::Kind::added);
  REQUIRE(l.batches.size() == 2);
  const auto& ld = l.batches[1][0].delta;
  REQUIRE(ld.size() == 2);
  CHECK(ld[0].kind == SequenceDelta::Kind::retain);
  CHECK(ld[0].length == 1);
  CHECK(ld[1].kind == SequenceDelta::Kind::erase);
  CHECK(ld[1].length == 1);
  CHECK(l.batches[0][0].delta[0].values == std::vector<Value>{1, 2, 3});
  REQUIRE(c.batches.size() == 2);
  CHECK(c.batches[1][0].counter_delta == -1);
  REQUIRE(s.batches.size() == 2);
  CHECK(s.batches[1][0].old_values == std::vector<Value>{"x"});
  CHECK(s.batches[1][0].new_values.empty());
}

TEST_CASE("deep subscriptions see nested objects; unsubscribe stops events", "[doc]") {
  Doc a(ReplicaId{1});
  Recorder deep;
  Recorder shallow;
  Recorder other;
  auto sd = a.observe_deep(root_map(), deep.fn());
  auto ss = a.observe(root_map(), shallow.fn());
  auto so = a.observe(ObjectId::named("elsewhere", ObjectKind::map), other.fn());
  ObjectId text;
  {
    auto tx = a.transact();
    auto list = tx.map("m").set_new("items", ObjectKind::list);
    auto item = tx.list(list).insert_new(0, ObjectKind::map);
    text = tx.map(item).set_new("title", ObjectKind::text);
  }
  {
    auto tx = a.transact();
    tx.text(text).insert(0, "hi");
  }
  REQUIRE(deep.batches.size() == 2);
  CHECK(deep.batches[0].size() == 3);  // root map, list, item map
  REQUIRE(deep.batches[1].size() == 1);
  CHECK(deep.batches[1][0].object == text);
  CHECK(shallow.batches.size() == 1);  // only the root map changed in batch one
  CHECK(other.batches.empty());

  sd.reset();
  CHECK_FALSE(sd.active());
  {
    auto tx = a.transact();
    tx.text(text).insert(2, "!");
  }
  CHECK(deep.batches.size() == 2);
  // A subscription outliving its doc is harmless.
  Subscription late;
  {
    Doc gone(ReplicaId{5});
    late = gone.observe(root_map(), shallow.fn());
  }
  CHECK_FALSE(late.active());
  late.reset();
}

TEST_CASE("a throwing observer is contained", "[doc]") {
  Doc a(ReplicaId{1});
  Recorder after;
  auto s1 = a.observe(
      root_map(), [](std::span<const ChangeEvent>) { throw std::runtime_error("observer bug"); });
  auto s2 = a.observe(root_map(), after.fn());
  Bytes u;
  {
    auto tx = a.transact();
    tx.map("m").set("k", 1);
    CHECK_NOTHROW(u = tx.commit());
  }
  CHECK_FALSE(u.empty());
  CHECK(a.observer_errors() == 1);
  CHECK(after.batches.size() == 1);  // the other observer still ran
  CHECK(a.map(root_map()).get("k") == Value(1));
  Doc b(ReplicaId{2});
  auto s3 = b.observe(root_map(), [](std::span<const ChangeEvent>) { throw 42; });
  CHECK(b.apply_update(u));
  CHECK(b.observer_errors() == 1);
  CHECK(b.map(root_map()).get("k") == Value(1));
  // An observer may edit the document again (a new transaction).
  auto s4 = b.observe(ObjectId::named("echo", ObjectKind::counter),
                      [&b](std::span<const ChangeEvent> ev) {
                        if (ev[0].local) return;
                        auto tx = b.transact("echo");
                        tx.map("m").set("echoed", true);
                      });
  Doc c(ReplicaId{3});
  {
    auto tx = c.transact();
    tx.counter("echo").add(1);
  }
  REQUIRE(b.apply_update(c.encode_snapshot()));
  CHECK(b.map(root_map()).get("echoed") == Value(true));
}

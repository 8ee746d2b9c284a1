// Exhaustive small scope: three replicas each make two operations concurrently
// (the first, then the second, without hearing from the others). For every
// pair of operation kinds, every causally valid delivery order of the six
// transactions to a fresh replica must give one and the same final state.
#include <algorithm>
#include <functional>

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

using Edit = std::function<void(Transaction&, int who)>;

struct Kind {
  const char* name;
  Edit edit;
};

ObjectId nested_text(const Doc& d) {
  return ObjectId::nested(d.map(root_map()).get("b")->as<ObjectRef>());
}

const std::vector<Kind>& kinds() {
  static const std::vector<Kind> all = {
      {"map set", [](Transaction& tx, int w) { tx.map("m").set("a", w); }},
      {"map remove", [](Transaction& tx, int) { tx.map("m").remove("a"); }},
      {"map set_new",
       [](Transaction& tx, int w) {
         auto id = tx.map("m").set_new("a", ObjectKind::counter);
         tx.counter(id).add(w);
       }},
      {"text insert", [](Transaction& tx, int w) { tx.text("t").insert(1, w == 1 ? "x" : "yz"); }},
      {"text erase",
       [](Transaction& tx, int w) {
         auto t = tx.text("t");
         t.erase(std::min<std::size_t>(static_cast<std::size_t>(w - 1), t.size() - 1), 1);
       }},
      {"list insert", [](Transaction& tx, int w) { tx.list("l").insert(1, w); }},
      {"list erase", [](Transaction& tx, int) { tx.list("l").erase(1); }},
      {"list insert_new",
       [](Transaction& tx, int w) {
         auto id = tx.list("l").insert_new(0, ObjectKind::text);
         tx.text(id).insert(0, std::string(1, static_cast<char>('0' + w)));
       }},
      {"counter add", [](Transaction& tx, int w) { tx.counter("c").add(w * 10); }},
      {"lww set", [](Transaction& tx, int w) { tx.lww_register("r").set(w); }},
      {"mv set", [](Transaction& tx, int w) { tx.mv_register("v").set(w); }},
      {"set add", [](Transaction& tx, int w) { tx.set("s").add(w % 2 == 0 ? "p" : "z"); }},
      {"set remove", [](Transaction& tx, int) { tx.set("s").remove("p"); }},
      {"nested text edit",
       [](Transaction& tx, int w) {
         tx.text(nested_text(tx.doc())).insert(static_cast<std::size_t>(w - 1), "!");
       }},
  };
  return all;
}

Bytes base_state() {
  Doc d(ReplicaId{100});
  auto tx = d.transact();
  tx.map("m").set("a", 0);
  tx.text(tx.map("m").set_new("b", ObjectKind::text)).insert(0, "xy");
  tx.text("t").insert(0, "abc");
  tx.list("l").insert(0, std::vector<Value>{1, 2, 3});
  tx.counter("c").add(5);
  tx.lww_register("r").set("x");
  tx.mv_register("v").set("x");
  tx.set("s").add("p");
  tx.set("s").add("q");
  return tx.commit();
}

std::string state_of(const Doc& d) {
  return weft::test::dump(d, {root_map(), root_text(), root_list(), root_counter(), root_lww(),
                              root_mv(), root_set()}) +
         std::to_string(d.digest());
}

}  // namespace

TEST_CASE("every causally valid delivery order of concurrent pairs gives one state", "[doc]") {
  const Bytes base = base_state();
  std::size_t orders_checked = 0;
  for (const Kind& first : kinds()) {
    for (const Kind& second : kinds()) {
      INFO(first.name << " then " << second.name);
      // updates[2 * r] and updates[2 * r + 1]: replica r's two transactions.
      std::vector<Bytes> updates;
      for (int r = 1; r <= 3; ++r) {
        Doc d = Doc::load(base, ReplicaId{static_cast<std::uint64_t>(r)}).value();
        for (const Kind* k : {&first, &second}) {
          auto tx = d.transact();
          k->edit(tx, r);
          updates.push_back(tx.commit());
        }
      }
      std::vector<int> order = {0, 1, 2, 3, 4, 5};
      std::string expected;
      do {
        // Causally valid: each replica's first transaction before its second.
        if (order[0] > order[1] || order[2] > order[3] || order[4] > order[5]) continue;
        std::vector<int> seq(6);
        for (int pos = 0; pos < 6; ++pos) seq[static_cast<std::size_t>(order[pos])] = pos;
        Doc d = Doc::load(base, ReplicaId{9}).value();
        for (int u : seq) {
          if (updates[static_cast<std::size_t>(u)].empty()) continue;  // a no-op transaction
          auto st = d.apply_update(updates[static_cast<std::size_t>(u)]);
          REQUIRE(st);
          REQUIRE(st->pending == 0);
        }
        const std::string got = state_of(d);
        if (expected.empty()) expected = got;
        REQUIRE(got == expected);
        ++orders_checked;
      } while (std::next_permutation(order.begin(), order.end()));
    }
  }
  CHECK(orders_checked == kinds().size() * kinds().size() * 90);
}

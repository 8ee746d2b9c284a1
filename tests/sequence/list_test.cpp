// List<T> on the sequence engine, with int and std::string elements.
#include <random>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/seeds.hpp"
#include "weft/types/list.hpp"

using weft::List;
using weft::ReplicaId;

TEST_CASE("list<int>: local edits and get") {
  List<int> l(ReplicaId{1});
  l.insert(0, 1);
  l.insert(1, std::vector<int>{2, 3, 4});
  l.insert(0, -7);
  CHECK(l.values() == std::vector<int>{-7, 1, 2, 3, 4});
  CHECK(l.get(0) == -7);
  CHECK(l.get(4) == 4);
  l.erase(1, 2);
  CHECK(l.values() == std::vector<int>{-7, 3, 4});
  CHECK_THROWS_AS(l.get(3), std::out_of_range);
  CHECK_THROWS_AS(l.insert(4, 9), std::out_of_range);
  CHECK_THROWS_AS(l.erase(2, 2), std::out_of_range);
  CHECK(l.size() == 3);
  l.check_invariants();
}

TEST_CASE("list<std::string>: replicas converge and round-trip") {
  for (const auto seed : weft::test::seeds(20)) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    List<std::string> a(ReplicaId{1});
    List<std::string> b(ReplicaId{2});
    for (int i = 0; i < 60; ++i) {
      List<std::string>& t = rng() % 2 == 0 ? a : b;
      if (t.size() > 0 && rng() % 3 == 0) {
        t.erase(rng() % t.size());
      } else {
        t.insert(t.size() == 0 ? 0 : rng() % (t.size() + 1), std::to_string(i * 7919));
      }
      if (rng() % 5 == 0) {
        REQUIRE(a.apply_update(b.encode_update_since(a.version())));
        REQUIRE(b.apply_update(a.encode_update_since(b.version())));
      }
      t.check_invariants();
    }
    REQUIRE(a.apply_update(b.encode()));
    REQUIRE(b.apply_update(a.encode()));
    CHECK(a.values() == b.values());
    auto c = List<std::string>::decode(a.encode(), ReplicaId{3});
    REQUIRE(c);
    CHECK(c->values() == a.values());
    a.gc();
    a.check_invariants();
    auto d = List<std::string>::decode(a.encode(), ReplicaId{4});
    REQUIRE(d);
    CHECK(d->values() == b.values());
  }
}

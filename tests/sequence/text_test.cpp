#include "weft/types/text.hpp"
#include "support/catch.hpp"
#include "weft/types/list.hpp"

using weft::PositionUnit;
using weft::ReplicaId;
using weft::Text;

TEST_CASE("text basic") {
  Text t(ReplicaId{1});
  t.insert(0, "hello");
  t.insert(5, " world");
  CHECK(t.to_string() == "hello world");
  t.erase(0, 6);
  CHECK(t.to_string() == "world");
  t.check_invariants();
  Text u(ReplicaId{2});
  auto r = u.apply(t.encode());
  REQUIRE(r);
  CHECK(u.to_string() == "world");
  u.check_invariants();
}

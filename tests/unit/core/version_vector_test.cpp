#include "support/catch.hpp"

#include "weft/core/version_vector.hpp"

using weft::Dot;
using weft::ReplicaId;
using weft::VersionVector;

namespace {
VersionVector vv(std::initializer_list<std::pair<std::uint64_t, std::uint64_t>> entries) {
  VersionVector v;
  for (auto [r, c] : entries) v.advance(ReplicaId{r}, c);
  return v;
}
}  // namespace

TEST_CASE("VersionVector get, contains and advance", "[core][version_vector]") {
  auto v = vv({{1, 3}, {2, 5}});
  CHECK(v.get(ReplicaId{1}) == 3);
  CHECK(v.get(ReplicaId{9}) == 0);
  CHECK(v.contains(Dot{ReplicaId{2}, 5}));
  CHECK_FALSE(v.contains(Dot{ReplicaId{2}, 6}));
  CHECK(v.contains(Dot{ReplicaId{9}, 0}));  // nil dots are always covered
  v.advance(ReplicaId{1}, 2);               // never lowers
  CHECK(v.get(ReplicaId{1}) == 3);
  v.advance(ReplicaId{1}, 0);  // zero entries are not stored
  CHECK(v.size() == 2);
  CHECK(v.total() == 8);
}

TEST_CASE("VersionVector advance_at follows its entry with any hint", "[core][version_vector]") {
  VersionVector v;
  std::size_t hint = 12345;  // made up: only costs a lookup
  hint = v.advance_at(hint, ReplicaId{5}, 0);
  CHECK(v.empty());  // zero entries are not stored
  hint = v.advance_at(hint, ReplicaId{5}, 1);
  CHECK(v.get(ReplicaId{5}) == 1);
  hint = v.advance_at(hint, ReplicaId{5}, 2);
  CHECK(v.get(ReplicaId{5}) == 2);
  // Entries inserted before it move the entry: the stale hint now names
  // replica 3, which must not be touched.
  v.advance(ReplicaId{3}, 7);
  v.advance(ReplicaId{1}, 4);
  hint = v.advance_at(hint, ReplicaId{5}, 9);
  CHECK(v == vv({{1, 4}, {3, 7}, {5, 9}}));
  hint = v.advance_at(hint, ReplicaId{5}, 6);  // never lowers
  CHECK(v.get(ReplicaId{5}) == 9);
  v.advance(ReplicaId{8}, 1);  // after it: the hint still holds
  static_cast<void>(v.advance_at(hint, ReplicaId{5}, 10));
  CHECK(v == vv({{1, 4}, {3, 7}, {5, 10}, {8, 1}}));
}

TEST_CASE("VersionVector partial order", "[core][version_vector]") {
  auto a = vv({{1, 3}, {2, 5}});
  auto b = vv({{1, 3}, {2, 6}});
  auto c = vv({{1, 4}, {2, 1}});
  CHECK(a.compare(a) == std::partial_ordering::equivalent);
  CHECK(a.compare(b) == std::partial_ordering::less);
  CHECK(b.compare(a) == std::partial_ordering::greater);
  CHECK(a.compare(c) == std::partial_ordering::unordered);
  CHECK(vv({}).compare(a) == std::partial_ordering::less);
  CHECK(vv({{3, 1}}).compare(a) == std::partial_ordering::unordered);
  CHECK(a.dominated_by(b));
  CHECK_FALSE(b.dominated_by(a));
}

TEST_CASE("VersionVector above keeps only the entries that add to the other",
          "[core][version_vector]") {
  const auto ours = vv({{1, 3}, {2, 5}, {4, 2}});
  const auto told = vv({{1, 3}, {2, 4}, {3, 9}});
  const auto delta = ours.above(told);
  CHECK(delta == vv({{2, 5}, {4, 2}}));  // 1 is equal, 3 is only theirs
  auto joined = told;
  joined.join(delta);
  auto whole = told;
  whole.join(ours);
  CHECK(joined == whole);
  CHECK(ours.above(ours).empty());
  CHECK(ours.above(vv({})) == ours);
}

TEST_CASE("VersionVector join is the pointwise maximum", "[core][version_vector]") {
  auto a = vv({{1, 3}, {2, 5}});
  auto c = vv({{1, 4}, {3, 1}});
  auto j = a;
  j.join(c);
  CHECK(j == vv({{1, 4}, {2, 5}, {3, 1}}));
  CHECK(a.dominated_by(j));
  CHECK(c.dominated_by(j));
  auto k = c;
  k.join(a);
  CHECK(k == j);
}

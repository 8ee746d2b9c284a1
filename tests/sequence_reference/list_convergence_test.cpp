// weft::List<T> against the reference FugueMax model (convergence_world.hpp):
// the List twin of convergence_test.cpp (Text). Inserts of one element go
// through both insert overloads; after every step the values, the size and one
// random element must agree with the shadow's.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "convergence_world.hpp"
#include "weft/types/list.hpp"

namespace {

using List = weft::List<std::int64_t>;
using weft::test::convergence::Rng;

struct ListKind {
  using Engine = List;
  using Elem = std::int64_t;

  // Values from a small range repeat, so a wrong order is not hidden by every
  // value being unique, nor found only by luck.
  static Elem random_elem(Rng& rng) { return static_cast<std::int64_t>(rng() % 20) - 5; }

  struct Edit {
    [[nodiscard]] std::string describe() const { return {}; }
    weft::OpRange insert(List& l, const std::vector<Elem>&, std::size_t pos,
                         const std::vector<Elem>& run) const {
      return pos % 2 == 0 || run.size() > 1 ? l.insert(pos, std::span<const Elem>(run))
                                            : l.insert(pos, run[0]);
    }
    weft::OpRange erase(List& l, const std::vector<Elem>&, std::size_t pos, std::size_t len) const {
      return l.erase(pos, len);
    }
  };
  static Edit pick_edit(Rng&) { return {}; }

  static void expect_holds(const List& l, const std::vector<Elem>& values, Rng& rng) {
    REQUIRE(l.values() == values);
    REQUIRE(l.size() == values.size());
    if (!values.empty()) {
      const std::size_t k = rng() % values.size();
      REQUIRE(l.get(k) == values[k]);
    }
  }
};

}  // namespace

TEST_CASE("List<int64_t> converges with the reference FugueMax model") {
  weft::test::convergence::run<ListKind>(100, 100);
}

// weft::Text against the reference FugueMax model (convergence_world.hpp), each
// local edit addressing positions in a random PositionUnit: the shadow replays
// it in code points, and after every step the texts and their sizes in all
// three units must agree.
#include <string>
#include <vector>

#include "convergence_world.hpp"
#include "weft/encoding/utf8.hpp"
#include "weft/types/text.hpp"

namespace {

using weft::PositionUnit;
using weft::Text;
using weft::test::convergence::Rng;

// ASCII, 2-byte, 3-byte and astral (4-byte, two UTF-16 units) characters.
constexpr char32_t kAlphabet[] = {U'a', U'b', U'c',  U'x',  U'y', U'z', U' ', U'\n',
                                  U'é', U'ß', U'中', U'語', U'€', U'😀', U'𐍈', U'𝄞'};

std::string utf8(const std::vector<char32_t>& cps) {
  std::string out;
  for (char32_t c : cps) weft::append_utf8(out, c);
  return out;
}

std::size_t width(char32_t c, PositionUnit unit) {
  switch (unit) {
    case PositionUnit::code_point:
      return 1;
    case PositionUnit::utf16:
      return c > 0xFFFF ? 2 : 1;
    case PositionUnit::utf8:
      return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return 1;
}

// Length in `unit` of cps[from, to).
std::size_t span_in(const std::vector<char32_t>& cps, std::size_t from, std::size_t to,
                    PositionUnit unit) {
  std::size_t n = 0;
  for (std::size_t i = from; i < to; ++i) n += width(cps[i], unit);
  return n;
}

const char* unit_name(PositionUnit u) {
  return u == PositionUnit::code_point ? "code_point" : u == PositionUnit::utf16 ? "utf16" : "utf8";
}

struct TextKind {
  using Engine = Text;
  using Elem = char32_t;

  static Elem random_elem(Rng& rng) { return kAlphabet[rng() % std::size(kAlphabet)]; }

  struct Edit {
    PositionUnit unit;
    [[nodiscard]] std::string describe() const { return std::string(" in ") + unit_name(unit); }
    weft::OpRange insert(Text& t, const std::vector<char32_t>& before, std::size_t pos,
                         const std::vector<char32_t>& run) const {
      return t.insert(span_in(before, 0, pos, unit), utf8(run), unit);
    }
    weft::OpRange erase(Text& t, const std::vector<char32_t>& before, std::size_t pos,
                        std::size_t len) const {
      return t.erase(span_in(before, 0, pos, unit), span_in(before, pos, pos + len, unit), unit);
    }
  };
  static Edit pick_edit(Rng& rng) { return Edit{static_cast<PositionUnit>(rng() % 3)}; }

  static void expect_holds(const Text& t, const std::vector<char32_t>& cps, Rng&) {
    REQUIRE(t.to_string() == utf8(cps));
    REQUIRE(t.size() == cps.size());
    REQUIRE(t.size(PositionUnit::utf16) == span_in(cps, 0, cps.size(), PositionUnit::utf16));
    REQUIRE(t.size(PositionUnit::utf8) == span_in(cps, 0, cps.size(), PositionUnit::utf8));
  }
};

}  // namespace

TEST_CASE("Text converges with the reference FugueMax model") {
  // 3-5 replicas, 100 local edits each (>= 300 edits in all) per seed.
  weft::test::convergence::run<TextKind>(300, 100);
}

#include "weft/encoding/utf8.hpp"

#include <random>
#include <string>
#include <vector>

#include "support/catch.hpp"

TEST_CASE("append_utf8 encodes every length class as RFC 3629 says", "[encoding][utf8]") {
  const std::pair<char32_t, std::string> cases[] = {{U'A', "A"},
                                                    {0x7F, "\x7F"},
                                                    {0x80, "\xC2\x80"},
                                                    {U'é', "\xC3\xA9"},
                                                    {0x7FF, "\xDF\xBF"},
                                                    {0x800, "\xE0\xA0\x80"},
                                                    {U'€', "\xE2\x82\xAC"},
                                                    {0xFFFF, "\xEF\xBF\xBF"},
                                                    {0x10000, "\xF0\x90\x80\x80"},
                                                    {U'😀', "\xF0\x9F\x98\x80"},
                                                    {0x10FFFF, "\xF4\x8F\xBF\xBF"}};
  for (const auto& [cp, expected] : cases) {
    std::string out = "x";
    weft::append_utf8(out, cp);
    INFO("code point " << static_cast<std::uint32_t>(cp));
    CHECK(out == "x" + expected);
    CHECK(weft::is_valid_utf8(out));
  }
}

// The plain answer: the offset after n code points counted one by one (a code
// point starts at every byte that is not 10xxxxxx), or size + 1.
static std::size_t code_points_by_hand(const std::string& s, std::size_t at, std::uint64_t n) {
  while (n > 0) {
    if (at >= s.size()) return s.size() + 1;
    ++at;
    while (at < s.size() && (static_cast<unsigned char>(s[at]) & 0xC0) == 0x80) ++at;
    --n;
  }
  return at;
}

TEST_CASE("skip_code_points and CodePointSkipper agree with counting by hand", "[encoding][utf8]") {
  const char32_t alphabet[] = {U'a', U'b', U' ', U'é', U'€', U'😀', U'z', U'\n'};
  std::mt19937_64 rng(11);
  for (int round = 0; round < 300; ++round) {
    std::string text;
    std::vector<std::size_t> starts;  // offset of each code point
    const std::size_t len = rng() % 60;
    // Long ASCII stretches with a few others, like real text (and word-sized scans).
    for (std::size_t i = 0; i < len; ++i) {
      starts.push_back(text.size());
      weft::append_utf8(text, rng() % 6 == 0 ? alphabet[rng() % 8] : U'a' + rng() % 26);
    }
    starts.push_back(text.size());
    weft::CodePointSkipper skipper(text);
    std::size_t k = 0;  // walks forwards in random steps, as encoding and decoding do
    while (k < starts.size()) {
      const std::uint64_t n = rng() % 12;
      const std::size_t at = starts[k];
      const std::size_t want = code_points_by_hand(text, at, n);
      INFO("round " << round << " at " << at << " n " << n);
      REQUIRE(weft::skip_code_points(text, at, n) == want);
      REQUIRE(skipper.skip(at, n) == want);
      if (want > text.size()) break;
      k += n == 0 ? 1 : n;
    }
  }
}

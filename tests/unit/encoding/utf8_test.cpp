#include "weft/encoding/utf8.hpp"
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

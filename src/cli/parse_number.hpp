#pragma once
// Number flags of the command-line tools: decimal or 0x hexadecimal, the whole
// argument or nothing (no sign, no trailing text, no overflow).
#include <charconv>
#include <string_view>

namespace weft::cli {

template <typename T>
[[nodiscard]] bool parse_number(std::string_view text, T& out) {
  if (text.empty()) return false;
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
    base = 16;
  }
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out, base);
  return ec == std::errc{} && ptr == end;
}

}  // namespace weft::cli

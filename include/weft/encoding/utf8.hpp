#pragma once
// UTF-8 validation (RFC 3629: no overlongs, no surrogates, <= U+10FFFF).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace weft {

// How many of the first `n` bytes at p are ASCII, counted eight at a time: a
// multiple of 8 that stops at the first word holding a byte >= 0x80 (so a few
// ASCII bytes may follow). Reads only [p, p + n). Most text is ASCII; the
// scanners of weft's text paths take this before going byte by byte.
[[nodiscard]] inline std::size_t ascii_words(const unsigned char* p, std::size_t n) noexcept {
  std::size_t k = 0;
  while (n - k >= 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, p + k, 8);
    if ((word & 0x8080808080808080ull) != 0) break;
    k += 8;
  }
  return k;
}

// How many of the first `n` bytes at p are ASCII, exactly.
[[nodiscard]] inline std::size_t ascii_prefix(const unsigned char* p, std::size_t n) noexcept {
  std::size_t k = ascii_words(p, n);
  while (k < n && p[k] < 0x80) ++k;
  return k;
}

// The offset n code points after `at` in valid UTF-8, or text.size() + 1 when
// the text ends first.
[[nodiscard]] inline std::size_t skip_code_points(std::string_view text, std::size_t at,
                                                  std::uint64_t n) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t end = text.size();
  while (n > 0) {
    const std::size_t ascii = ascii_words(p + at, n < end - at ? n : end - at);
    at += ascii;
    n -= ascii;
    if (n == 0) break;
    if (at >= end) return end + 1;
    const unsigned char c = p[at];
    at += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    --n;
  }
  return at <= end ? at : end + 1;
}

// skip_code_points for a caller that walks one text forwards in many short
// steps (a column of runs): it remembers where the next non-ASCII byte is, so
// a step inside ASCII is an addition and the ASCII is scanned once in all,
// not once per step. Valid UTF-8 only.
class CodePointSkipper {
 public:
  explicit CodePointSkipper(std::string_view text) noexcept : text_(text) {}
  [[nodiscard]] std::size_t skip(std::size_t at, std::uint64_t n) noexcept {
    if (at >= ascii_from_ && at <= ascii_end_ && n <= ascii_end_ - at) return at + n;
    at = skip_code_points(text_, at, n);
    if (at > text_.size()) return at;
    ascii_from_ = at;
    ascii_end_ = at + ascii_prefix(reinterpret_cast<const unsigned char*>(text_.data()) + at,
                                   text_.size() - at);
    return at;
  }

 private:
  std::string_view text_;
  std::size_t ascii_from_ = 0;  // [ascii_from_, ascii_end_) is ASCII
  std::size_t ascii_end_ = 0;
};

[[nodiscard]] bool is_valid_utf8(std::string_view text) noexcept;

// Code points and UTF-16 code units of valid UTF-8 (a lead byte starts a code
// point; four-byte sequences need a surrogate pair).
struct Utf8Size {
  std::uint64_t code_points = 0;
  std::uint64_t utf16 = 0;
};
[[nodiscard]] inline Utf8Size measure_utf8(std::string_view text) noexcept {
  Utf8Size n;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c & 0xC0) != 0x80) ++n.code_points, ++n.utf16;
    if (c >= 0xF0) ++n.utf16;
  }
  return n;
}

// Appends the UTF-8 encoding of `c` (a scalar value: <= U+10FFFF, not a surrogate).
void append_utf8(std::string& out, char32_t c);

}  // namespace weft

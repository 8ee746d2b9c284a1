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

[[nodiscard]] bool is_valid_utf8(std::string_view text) noexcept;

// Appends the UTF-8 encoding of `c` (a scalar value: <= U+10FFFF, not a surrogate).
void append_utf8(std::string& out, char32_t c);

}  // namespace weft

#pragma once
// UTF-8 validation (RFC 3629: no overlongs, no surrogates, <= U+10FFFF).
#include <cstdint>
#include <string>
#include <string_view>

namespace weft {

[[nodiscard]] bool is_valid_utf8(std::string_view text) noexcept;

// Appends the UTF-8 encoding of `c` (a scalar value: <= U+10FFFF, not a surrogate).
void append_utf8(std::string& out, char32_t c);

}  // namespace weft

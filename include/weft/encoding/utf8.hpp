#pragma once
// UTF-8 validation (RFC 3629: no overlongs, no surrogates, <= U+10FFFF).
#include <cstdint>
#include <string_view>

namespace weft {

[[nodiscard]] bool is_valid_utf8(std::string_view text) noexcept;

}  // namespace weft

#pragma once
// CRC-32C (Castagnoli), the checksum carried by weft's framed encodings.
#include <cstdint>
#include <span>

namespace weft {

// Extends `crc` (0 to start) over `bytes`.
[[nodiscard]] std::uint32_t crc32c(std::span<const std::uint8_t> bytes,
                                   std::uint32_t crc = 0) noexcept;

}  // namespace weft

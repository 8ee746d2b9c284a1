#pragma once
// Compression of encoded payloads: zstd for what weft writes now, zlib
// (deflate) for payloads written by earlier versions and for doc updates.
//
// Both decompressors read untrusted input. The caller states the exact size
// the payload must inflate to (stored beside it) and a ceiling; they return
//   errc::length_too_large  the stated size is over the ceiling, or more than
//                           the format could produce from this many bytes;
//   errc::invalid_value     corrupt data, a different size than stated, or
//                           bytes left after the compressed stream ends.
// Output memory grows with the output actually produced, so a small hostile
// payload cannot make them allocate its stated size up front.
#include <cstdint>
#include <span>

#include "weft/encoding/error.hpp"
#include "weft/encoding/writer.hpp"

namespace weft {

// zstd levels weft uses: 1 for dense metadata columns (higher levels gain
// almost nothing on them), 3 for text (about 5% smaller than 1, twice slower).
inline constexpr int kZstdFast = 1;
inline constexpr int kZstdText = 3;

// Compresses `raw` as one zstd frame. Throws std::bad_alloc only.
[[nodiscard]] Bytes zstd_compress(std::span<const std::uint8_t> raw, int level);
// The most bytes a zstd frame of `raw_size` bytes takes.
[[nodiscard]] std::size_t zstd_bound(std::size_t raw_size) noexcept;
// zstd_compress into `out` (at least zstd_bound(raw.size()) bytes); returns the
// frame's size. For callers that place the frame in a buffer of their own.
std::size_t zstd_compress_into(std::span<std::uint8_t> out, std::span<const std::uint8_t> raw,
                               int level);
[[nodiscard]] result<Bytes> zstd_decompress(std::span<const std::uint8_t> packed,
                                            std::uint64_t size, std::uint64_t max_size);

// Compresses `raw` in the zlib format at `level` (0-9).
[[nodiscard]] Bytes deflate_compress(std::span<const std::uint8_t> raw, int level);
[[nodiscard]] result<Bytes> deflate_decompress(std::span<const std::uint8_t> packed,
                                               std::uint64_t size, std::uint64_t max_size);

}  // namespace weft

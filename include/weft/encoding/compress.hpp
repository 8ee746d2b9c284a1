#pragma once
// Compression of encoded payloads: zstd for what weft writes now, zlib
// (deflate) for doc updates and for sequence bodies zstd would pack too well.
//
// Both decompressors read untrusted input under one policy, kDecompressLimits:
// the caller states the exact size the payload must inflate to (stored beside
// it), and they return
//   errc::length_too_large  the stated size is over max_output, or more than
//                           max_ratio times the packed bytes (checked before
//                           anything is allocated or decompressed);
//   errc::invalid_value     corrupt data, a different size than stated (they
//                           stop as soon as the output passes it), or bytes
//                           left after the compressed stream ends.
// Output memory grows with the output actually produced, so a small hostile
// payload cannot make them allocate its stated size up front.
#include <cstdint>
#include <span>

#include "weft/encoding/error.hpp"
#include "weft/encoding/writer.hpp"

namespace weft {

// What one decompression may produce (decision 20). The ratio is deflate's own
// ceiling (a 258-byte match in 2 bits), so no deflate stream is refused for it;
// zstd reaches 32,768:1 on a run of one byte, so without this a 42 KB message
// could make a reader produce a GiB. Honest data above 1032:1 (long runs of one
// character) is written with deflate instead (see engine_codec.hpp); only zstd
// sections written by versions before this bound are refused.
struct DecompressLimits {
  std::uint64_t max_ratio;   // output bytes per packed byte
  std::uint64_t max_output;  // bytes, per call
};
inline constexpr DecompressLimits kDecompressLimits{1032, std::uint64_t{1} << 30};

// Whether `packed` bytes may state `size` bytes of output under kDecompressLimits.
[[nodiscard]] constexpr bool decompress_allowed(std::uint64_t packed, std::uint64_t size) noexcept {
  return size <= kDecompressLimits.max_output && size / kDecompressLimits.max_ratio <= packed;
}

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
                                            std::uint64_t size);

// Compresses `raw` in the zlib format at `level` (0-9).
[[nodiscard]] Bytes deflate_compress(std::span<const std::uint8_t> raw, int level);
[[nodiscard]] result<Bytes> deflate_decompress(std::span<const std::uint8_t> packed,
                                               std::uint64_t size);

}  // namespace weft

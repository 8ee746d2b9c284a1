#pragma once
// Helpers shared by fuzz targets.
#include <cstdint>
#include <span>

#include "weft/encoding/frame.hpp"

namespace weft::fuzz {

// Wraps arbitrary bytes as the payload of a valid frame, so that the decoder
// beneath the magic, version and checksum checks gets the fuzzer's bytes.
[[nodiscard]] inline Bytes framed(TypeTag tag, std::span<const std::uint8_t> payload) {
  Writer w = begin_frame(tag);
  w.raw(payload);
  return finish_frame(std::move(w));
}

}  // namespace weft::fuzz

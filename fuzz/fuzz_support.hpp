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

// Reads fuzzer bytes as a script of small choices. Past the end every read is
// 0, so any input (even a truncated one) is a complete, valid script, and one
// byte is one choice, which keeps libFuzzer's mutations local.
class Script {
 public:
  explicit Script(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  [[nodiscard]] bool done() const noexcept { return pos_ >= bytes_.size(); }
  std::uint8_t byte() noexcept { return done() ? 0 : bytes_[pos_++]; }
  // A choice in [0, n) for n >= 1: one byte, two when n exceeds 256.
  std::size_t below(std::size_t n) noexcept {
    if (n <= 1) return 0;
    std::size_t v = byte();
    if (n > 256) v = v << 8 | byte();
    return v % n;
  }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
};

}  // namespace weft::fuzz

#pragma once
// Writer: appends values to a growing byte buffer.
//
// Integers are LEB128 varints (7 bits per byte, low group first); signed
// values are zigzag-mapped first so small magnitudes stay short. Strings and
// byte strings are a varint length followed by the bytes. Writing never fails.
#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

namespace weft {

using Bytes = std::vector<std::uint8_t>;

[[nodiscard]] constexpr std::uint64_t zigzag_encode(std::int64_t v) noexcept {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
[[nodiscard]] constexpr std::int64_t zigzag_decode(std::uint64_t v) noexcept {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}
// Bytes a varint of `v` takes.
[[nodiscard]] constexpr std::size_t varint_size(std::uint64_t v) noexcept {
  return v == 0 ? 1 : (static_cast<std::size_t>(std::bit_width(v)) + 6) / 7;
}

class Writer {
 public:
  Writer() = default;
  explicit Writer(Bytes buffer) : buf_(std::move(buffer)) {}

  void u8(std::uint8_t v) { buf_.push_back(v); }
  void varint(std::uint64_t v) {
    if (v < 0x80) {  // most varints in columns are one byte
      buf_.push_back(static_cast<std::uint8_t>(v));
      return;
    }
    while (v >= 0x80) {
      buf_.push_back(static_cast<std::uint8_t>(v | 0x80));
      v >>= 7;
    }
    buf_.push_back(static_cast<std::uint8_t>(v));
  }
  // Room for n more bytes without reallocating.
  void reserve(std::size_t n) { buf_.reserve(buf_.size() + n); }
  void zigzag(std::int64_t v) { varint(zigzag_encode(v)); }
  // Fixed 4-byte little-endian.
  void u32_le(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) buf_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  // Fixed 8-byte little-endian.
  void u64_le(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) buf_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  // IEEE-754 binary64, little-endian.
  void f64(double v) { u64_le(std::bit_cast<std::uint64_t>(v)); }
  // Bytes without a length prefix.
  void raw(std::span<const std::uint8_t> bytes) {
    buf_.insert(buf_.end(), bytes.begin(), bytes.end());
  }
  // Length-prefixed byte string.
  void bytes(std::span<const std::uint8_t> bytes) {
    varint(bytes.size());
    raw(bytes);
  }
  // Length-prefixed string (the caller guarantees UTF-8 where the format requires it).
  void string(std::string_view s) {
    varint(s.size());
    const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
    buf_.insert(buf_.end(), p, p + s.size());
  }

  [[nodiscard]] std::size_t size() const noexcept { return buf_.size(); }
  [[nodiscard]] std::span<const std::uint8_t> view() const noexcept { return buf_; }
  [[nodiscard]] Bytes take() && noexcept { return std::move(buf_); }
  Bytes& buffer() noexcept { return buf_; }

 private:
  Bytes buf_;
};

}  // namespace weft

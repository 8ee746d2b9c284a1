#pragma once
// Reader: consumes values from untrusted bytes, checking every step.
//
// Every read returns result<T>; on failure the reader's position is
// unspecified and the caller abandons the decode. Declared lengths are
// checked against the remaining input before anything is allocated; use
// check_count() before reserving space for a declared number of elements.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "weft/encoding/error.hpp"
#include "weft/encoding/writer.hpp"

namespace weft {

class Reader {
 public:
  constexpr explicit Reader(std::span<const std::uint8_t> input) noexcept : in_(input) {}

  [[nodiscard]] std::size_t remaining() const noexcept { return in_.size() - pos_; }
  [[nodiscard]] bool empty() const noexcept { return remaining() == 0; }
  [[nodiscard]] std::size_t position() const noexcept { return pos_; }
  // The whole input, read or not (positions index into it).
  [[nodiscard]] std::span<const std::uint8_t> input() const noexcept { return in_; }

  result<std::uint8_t> u8() noexcept {
    if (empty()) return errc::truncated;
    return in_[pos_++];
  }

  // A minimally encoded LEB128 varint of at most 64 bits. Always inlined (gcc
  // would not): the one-byte case is most values, and a call costs more.
  [[gnu::always_inline]] result<std::uint64_t> varint() noexcept {
    if (pos_ < in_.size() && in_[pos_] < 0x80) return in_[pos_++];  // most are one byte
    return long_varint();
  }

  result<std::int64_t> zigzag() noexcept {
    auto v = varint();
    if (!v) return v.error();
    return zigzag_decode(*v);
  }
  result<std::uint32_t> u32_le() noexcept {
    if (remaining() < 4) return errc::truncated;
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(in_[pos_++]) << (8 * i);
    return v;
  }
  result<std::uint64_t> u64_le() noexcept {
    if (remaining() < 8) return errc::truncated;
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(in_[pos_++]) << (8 * i);
    return v;
  }
  result<double> f64() noexcept {
    auto v = u64_le();
    if (!v) return v.error();
    return std::bit_cast<double>(*v);
  }
  // `n` raw bytes, as a view into the input.
  result<std::span<const std::uint8_t>> raw(std::size_t n) noexcept {
    if (n > remaining()) return errc::truncated;
    auto out = in_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  // A length-prefixed byte string, as a view into the input.
  result<std::span<const std::uint8_t>> bytes() noexcept {
    auto n = varint();
    if (!n) return n.error();
    if (*n > remaining()) return errc::length_too_large;
    return raw(static_cast<std::size_t>(*n));
  }
  // A length-prefixed string, as a view into the input (not checked for UTF-8).
  result<std::string_view> string_view() noexcept {
    auto b = bytes();
    if (!b) return b.error();
    return std::string_view(reinterpret_cast<const char*>(b->data()), b->size());
  }
  result<std::string> string() {
    auto s = string_view();
    if (!s) return s.error();
    return std::string(*s);
  }

  // Checks that `count` elements of at least `min_bytes_each` bytes can fit in
  // the remaining input; call before reserving memory for a declared count.
  result<void> check_count(std::uint64_t count, std::size_t min_bytes_each = 1) const noexcept {
    if (min_bytes_each == 0) min_bytes_each = 1;
    if (count > remaining() / min_bytes_each) return errc::length_too_large;
    return {};
  }
  // A declared element count, validated with check_count.
  result<std::size_t> count(std::size_t min_bytes_each = 1) noexcept {
    auto n = varint();
    if (!n) return n.error();
    if (auto ok = check_count(*n, min_bytes_each); !ok) return ok.error();
    return static_cast<std::size_t>(*n);
  }
  // Fails with trailing_bytes unless the input is fully consumed.
  result<void> expect_end() const noexcept {
    if (!empty()) return errc::trailing_bytes;
    return {};
  }

 private:
  result<std::uint64_t> long_varint() noexcept {
    std::uint64_t value = 0;
    for (unsigned shift = 0;; shift += 7) {
      if (empty()) return errc::truncated;
      const std::uint8_t byte = in_[pos_++];
      if (shift == 63 && byte > 1) return errc::varint_overflow;
      value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) {
        // A zero final group after the first byte means the encoder would have stopped earlier.
        if (byte == 0 && shift != 0) return errc::non_canonical;
        return value;
      }
      if (shift == 63) return errc::varint_overflow;
    }
  }

  std::span<const std::uint8_t> in_;
  std::size_t pos_ = 0;
};

}  // namespace weft

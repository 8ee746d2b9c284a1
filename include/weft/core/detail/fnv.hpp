#pragma once
// FNV-1a (internal): the hash behind digest() of Doc, Text and List. Not
// cryptographic; it catches divergence, not tampering.
#include <cstdint>
#include <span>
#include <string_view>

#include "weft/core/dot.hpp"

namespace weft::detail {

struct Fnv {
  std::uint64_t h = 1469598103934665603ull;
  void byte(std::uint8_t b) { h = (h ^ b) * 1099511628211ull; }
  void u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) byte(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void str(std::span<const std::uint8_t> s) {
    u64(s.size());
    for (auto c : s) byte(c);
  }
  void str(std::string_view s) {
    str(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
  }
  void dot(const Dot& d) { u64(d.replica.value()), u64(d.counter); }
};

}  // namespace weft::detail

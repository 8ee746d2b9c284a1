#pragma once
// Hashing and ordering requirements for element and key types of the catalogue.
//
// Elements live in hash tables (boost::unordered_flat_*) for O(1) lookup, and
// are written in ascending operator< order so that every state has exactly one
// encoding. An element type therefore needs a hash, == and <, plus a Codec.
#include <concepts>
#include <cstddef>
#include <cstring>
#include <functional>
#include <string_view>

#include "weft/encoding/codec.hpp"

namespace weft {
namespace detail {

// std::hash is often the identity for integers; boost's open addressing wants
// well-spread low and high bits, so mix once more.
inline std::size_t mix(std::uint64_t h) noexcept {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return static_cast<std::size_t>(h);
}

template <class T>
struct Hash {
  std::size_t operator()(const T& v) const noexcept requires requires { std::hash<T>{}(v); }
  { return mix(static_cast<std::uint64_t>(std::hash<T>{}(v))); }
};

// Bytes has no std::hash; hash it as a string of bytes.
template <>
struct Hash<Bytes> {
  std::size_t operator()(const Bytes& b) const noexcept {
    return mix(std::hash<std::string_view>{}(
        std::string_view(reinterpret_cast<const char*>(b.data()), b.size())));
  }
};

// The element order used for canonical encodings. Bytes compares with one
// memcmp (GCC 12 at -O3 misreports std::vector's <=> as an overread).
template <class T>
struct Less {
  bool operator()(const T& a, const T& b) const { return a < b; }
};
template <>
struct Less<Bytes> {
  bool operator()(const Bytes& a, const Bytes& b) const noexcept {
    const std::size_t n = a.size() < b.size() ? a.size() : b.size();
    if (n != 0) {
      if (const int c = std::memcmp(a.data(), b.data(), n); c != 0) return c < 0;
    }
    return a.size() < b.size();
  }
};

}  // namespace detail

// What an element or key type needs: a Codec, a total order (the encoding
// order), and a hash (std::hash, or Bytes).
template <class T>
concept Element = Codable<T> && std::totally_ordered<T> && std::copy_constructible<T> &&
    requires(const T& v) {
  { detail::Hash<T>{}(v) } -> std::convertible_to<std::size_t>;
};

}  // namespace weft

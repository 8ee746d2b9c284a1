#pragma once
// Hashing and ordering requirements for element and key types of the catalogue.
//
// Elements live in hash tables (boost::unordered_flat_*) for O(1) lookup, and
// are written in ascending operator< order so that every state has exactly one
// encoding. An element type therefore needs std::hash, == and <, plus a Codec.
#include <concepts>
#include <cstddef>
#include <functional>

#include "weft/encoding/codec.hpp"

namespace weft {

template <class T>
concept Element = Codable<T> && std::totally_ordered<T> && std::copy_constructible<T> &&
    requires(const T& v) {
  { std::hash<T>{}(v) } -> std::convertible_to<std::size_t>;
};

namespace detail {

// std::hash is often the identity for integers; boost's open addressing wants
// well-spread low and high bits, so mix once more.
template <class T>
struct Hash {
  std::size_t operator()(const T& v) const noexcept {
    std::uint64_t h = static_cast<std::uint64_t>(std::hash<T>{}(v));
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return static_cast<std::size_t>(h);
  }
};

}  // namespace detail
}  // namespace weft

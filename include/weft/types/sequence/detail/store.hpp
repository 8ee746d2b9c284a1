#pragma once
// Content policies of the sequence engine: how element content is stored,
// measured and encoded. TextStore keeps UTF-8 bytes (one element = one code
// point); ListStore<T> keeps values (one element = one value).
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "weft/encoding/codec.hpp"
#include "weft/encoding/reader.hpp"
#include "weft/encoding/utf8.hpp"
#include "weft/encoding/writer.hpp"

namespace weft::detail::seq {

inline constexpr std::uint64_t kMidChar = std::numeric_limits<std::uint64_t>::max();

struct TextStore {
  // Stored content: a vector, not a std::string, since libstdc++'s
  // string::reserve at least doubles the capacity, which defeats the engine's
  // 1.25x growth of its arenas. Decoded updates carry their content as a Batch.
  using Arena = std::vector<char>;
  using Batch = std::string;
  static constexpr std::uint8_t kKind = 0;

  // The units of successive runs of one arena, walked forwards (encoding):
  // units(offset, n) is measure()'s units, with the ASCII scanned once in all.
  class Walker {
   public:
    explicit Walker(const Arena& a) noexcept : skipper_({a.data(), a.size()}) {}
    std::uint32_t units(std::uint32_t offset, std::uint32_t n) noexcept {
      return static_cast<std::uint32_t>(skipper_.skip(offset, n) - offset);
    }

   private:
    CodePointSkipper skipper_;
  };

  // Units (bytes) and UTF-16 units of the first n code points at p (valid UTF-8).
  template <class A>
  static void measure(const A& a, std::uint32_t offset, std::uint32_t n, std::uint32_t& units,
                      std::uint32_t& u16) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(a.data()) + offset;
    std::uint32_t b = 0;
    std::uint32_t w = 0;
    for (std::uint32_t i = 0; i < n; ++i) {
      // ASCII eight at a time. In bounds: the next n - i code points take at
      // least n - i bytes. (encode_since of a long run trimmed at `since`
      // measures the run's whole prefix.)
      const auto ascii = static_cast<std::uint32_t>(ascii_words(p + b, n - i));
      b += ascii;
      w += ascii;
      i += ascii;
      if (i == n) break;
      const unsigned char c = p[b];
      const std::uint32_t l = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      b += l;
      w += l == 4 ? 2 : 1;
    }
    units = b;
    u16 = w;
  }
  // Elements in the first `unit_off` units (of unit u) of an item's content, or
  // kMidChar when unit_off falls inside a character.
  static std::uint64_t elems_at(const Arena& a, std::uint32_t offset, std::uint32_t len,
                                std::uint32_t units, unsigned u, std::uint64_t unit_off) noexcept {
    if (u == 0 || units == len) return unit_off;  // code points, or all ASCII
    const auto* p = reinterpret_cast<const unsigned char*>(a.data()) + offset;
    std::uint64_t at = 0;
    std::uint64_t b = 0;
    std::uint64_t e = 0;
    while (at < unit_off) {
      const unsigned char c = p[b];
      const std::uint32_t l = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      b += l;
      at += u == 2 ? l : (l == 4 ? 2 : 1);
      ++e;
    }
    return at == unit_off ? e : kMidChar;
  }
  template <class D, class S>
  static void append(D& dst, const S& src, std::uint32_t offset, std::uint32_t units) {
    dst.insert(dst.end(), src.begin() + offset, src.begin() + offset + units);
  }
  static void write(Writer& w, const Arena& a, std::uint32_t offset, std::uint32_t units) {
    w.raw({reinterpret_cast<const std::uint8_t*>(a.data()) + offset, units});
  }
};

template <class T>
struct ListStore {
  using Arena = std::vector<T>;
  using Batch = Arena;
  static constexpr std::uint8_t kKind = 1;

  struct Walker {
    explicit Walker(const Arena&) noexcept {}
    static std::uint32_t units(std::uint32_t, std::uint32_t n) noexcept { return n; }
  };
  template <class A>
  static void measure(const A&, std::uint32_t, std::uint32_t n, std::uint32_t& units,
                      std::uint32_t& u16) noexcept {
    units = n;
    u16 = n;
  }
  static std::uint64_t elems_at(const Arena&, std::uint32_t, std::uint32_t, std::uint32_t, unsigned,
                                std::uint64_t unit_off) noexcept {
    return unit_off;
  }
  template <class D, class S>
  static void append(D& dst, const S& src, std::uint32_t offset, std::uint32_t units) {
    dst.insert(dst.end(), src.begin() + offset, src.begin() + offset + units);
  }
  static void write(Writer& w, const Arena& a, std::uint32_t offset, std::uint32_t units) {
    for (std::uint32_t i = 0; i < units; ++i) encode_value(w, a[offset + i]);
  }
};

}  // namespace weft::detail::seq

#pragma once
// Codec<T>: how a value of type T is written to and read from bytes.
//
// Specialise it for your own types:
//
//   template <> struct weft::Codec<Point> {
//     static void encode(weft::Writer& w, const Point& p) { w.zigzag(p.x); w.zigzag(p.y); }
//     static weft::result<Point> decode(weft::Reader& r) {
//       auto x = r.zigzag(); if (!x) return x.error();
//       auto y = r.zigzag(); if (!y) return y.error();
//       return Point{*x, *y};
//     }
//   };
//
// A decode must never throw on input, must consume at least one byte per
// value (so declared counts can be checked against the input), and should
// reject any form its encode would not produce.
// Provided: bool, all integer types, std::string (UTF-8 checked), Bytes, and
// the core vocabulary (ReplicaId, Dot, VersionVector, DotSet, DotContext,
// HlcTimestamp).
#include <concepts>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

#include "weft/core/dot_context.hpp"
#include "weft/core/hybrid_logical_clock.hpp"
#include "weft/encoding/reader.hpp"
#include "weft/encoding/utf8.hpp"
#include "weft/encoding/writer.hpp"

namespace weft {

template <class T, class Enable = void>
struct Codec;  // no default: a type without a codec fails to compile where it is encoded

template <class T>
concept Codable = requires(Writer& w, Reader& r, const T& value) {
  Codec<T>::encode(w, value);
  { Codec<T>::decode(r) } -> std::same_as<result<T>>;
};

template <class T>
void encode_value(Writer& w, const T& value) {
  Codec<T>::encode(w, value);
}
template <class T>
[[nodiscard]] result<T> decode_value(Reader& r) {
  return Codec<T>::decode(r);
}

template <>
struct Codec<bool> {
  static void encode(Writer& w, bool v) { w.u8(v ? 1 : 0); }
  static result<bool> decode(Reader& r) {
    auto b = r.u8();
    // result<bool> is constructible from an error_code only explicitly (bool would also match).
    if (!b) return result<bool>(boost::system::in_place_error, b.error());
    if (*b > 1) return result<bool>(boost::system::in_place_error, errc::invalid_value);
    return *b == 1;
  }
};

template <std::unsigned_integral T>
requires(!std::same_as<T, bool>) struct Codec<T> {
  static void encode(Writer& w, T v) { w.varint(v); }
  static result<T> decode(Reader& r) {
    auto v = r.varint();
    if (!v) return v.error();
    if (*v > std::numeric_limits<T>::max()) return errc::invalid_value;
    return static_cast<T>(*v);
  }
};

template <std::signed_integral T>
struct Codec<T> {
  static void encode(Writer& w, T v) { w.zigzag(v); }
  static result<T> decode(Reader& r) {
    auto v = r.zigzag();
    if (!v) return v.error();
    if (*v < std::numeric_limits<T>::min() || *v > std::numeric_limits<T>::max()) {
      return errc::invalid_value;
    }
    return static_cast<T>(*v);
  }
};

template <>
struct Codec<std::string> {
  static void encode(Writer& w, const std::string& s) { w.string(s); }
  static result<std::string> decode(Reader& r) {
    auto s = r.string_view();
    if (!s) return s.error();
    if (!is_valid_utf8(*s)) return errc::invalid_utf8;
    return std::string(*s);
  }
};

template <>
struct Codec<Bytes> {
  static void encode(Writer& w, const Bytes& b) { w.bytes(b); }
  static result<Bytes> decode(Reader& r) {
    auto b = r.bytes();
    if (!b) return b.error();
    return Bytes(b->begin(), b->end());
  }
};

template <>
struct Codec<ReplicaId> {
  static void encode(Writer& w, ReplicaId id) { w.varint(id.value()); }
  static result<ReplicaId> decode(Reader& r) {
    auto v = r.varint();
    if (!v) return v.error();
    if (*v == 0) return errc::invalid_value;
    return ReplicaId{*v};
  }
};

template <>
struct Codec<Dot> {
  static void encode(Writer& w, const Dot& d) {
    w.varint(d.replica.value());
    w.varint(d.counter);
  }
  static result<Dot> decode(Reader& r) {
    auto id = Codec<ReplicaId>::decode(r);
    if (!id) return id.error();
    auto c = r.varint();
    if (!c) return c.error();
    if (*c == 0) return errc::invalid_value;
    return Dot{*id, *c};
  }
};

template <>
struct Codec<HlcTimestamp> {
  static void encode(Writer& w, const HlcTimestamp& t) {
    w.varint(t.physical);
    w.varint(t.logical);
  }
  static result<HlcTimestamp> decode(Reader& r) {
    auto p = r.varint();
    if (!p) return p.error();
    auto l = Codec<std::uint32_t>::decode(r);
    if (!l) return l.error();
    return HlcTimestamp{*p, *l};
  }
};

// Entries in replica order; a zero counter or an unsorted replica is rejected
// so that every vector has exactly one encoding.
template <>
struct Codec<VersionVector> {
  static void encode(Writer& w, const VersionVector& vv) {
    w.varint(vv.size());
    for (const auto& e : vv.entries()) {
      w.varint(e.replica.value());
      w.varint(e.counter);
    }
  }
  static result<VersionVector> decode(Reader& r) {
    auto n = r.count(2);
    if (!n) return n.error();
    VersionVector vv;
    ReplicaId prev{};
    for (std::size_t i = 0; i < *n; ++i) {
      auto id = Codec<ReplicaId>::decode(r);
      if (!id) return id.error();
      auto c = r.varint();
      if (!c) return c.error();
      if (*c == 0 || (i > 0 && *id <= prev)) return errc::non_canonical;
      vv.advance(*id, *c);
      prev = *id;
    }
    return vv;
  }
};

// Per replica: the ranges as (gap since previous end, length - 1) pairs.
template <>
struct Codec<DotSet> {
  static void encode(Writer& w, const DotSet& s) {
    w.varint(s.replicas().size());
    for (const auto& rr : s.replicas()) {
      w.varint(rr.replica.value());
      w.varint(rr.ranges.size());
      std::uint64_t prev_last = 0;
      for (const auto& range : rr.ranges) {
        w.varint(range.first - prev_last - 1);
        w.varint(range.last - range.first);
        prev_last = range.last;
      }
    }
  }
  static result<DotSet> decode(Reader& r) {
    auto n = r.count(3);
    if (!n) return n.error();
    DotSet set;
    ReplicaId prev{};
    for (std::size_t i = 0; i < *n; ++i) {
      auto id = Codec<ReplicaId>::decode(r);
      if (!id) return id.error();
      if (i > 0 && *id <= prev) return errc::non_canonical;
      prev = *id;
      auto k = r.count(2);
      if (!k) return k.error();
      if (*k == 0) return errc::non_canonical;
      std::uint64_t prev_last = 0;
      for (std::size_t j = 0; j < *k; ++j) {
        auto gap = r.varint();
        if (!gap) return gap.error();
        auto len = r.varint();
        if (!len) return len.error();
        // Ranges must be separated by at least one missing dot (gap > 0 after the first).
        if (j > 0 && *gap == 0) return errc::non_canonical;
        const std::uint64_t first = prev_last + *gap + 1;
        const std::uint64_t last = first + *len;
        if (first <= prev_last || last < first) return errc::invalid_value;  // overflow
        set.insert(*id, first, last);
        prev_last = last;
      }
    }
    return set;
  }
};

template <>
struct Codec<DotContext> {
  static void encode(Writer& w, const DotContext& c) {
    Codec<VersionVector>::encode(w, c.version());
    Codec<DotSet>::encode(w, c.cloud());
  }
  static result<DotContext> decode(Reader& r) {
    auto vv = Codec<VersionVector>::decode(r);
    if (!vv) return vv.error();
    auto cloud = Codec<DotSet>::decode(r);
    if (!cloud) return cloud.error();
    DotSet cloud_copy = *cloud;
    auto ctx = DotContext::from_parts(std::move(*vv), std::move(cloud_copy));
    // A canonical context never has cloud dots covered by, or adjacent to, its vector.
    if (!(ctx.cloud() == *cloud)) return errc::non_canonical;
    return ctx;
  }
};

}  // namespace weft

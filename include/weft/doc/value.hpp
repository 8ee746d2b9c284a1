#pragma once
// Value, ObjectKind and ObjectId: the vocabulary of a weft::Doc.
//
// A Doc holds objects of seven kinds. Root objects are named by (name, kind)
// and exist implicitly (an untouched root reads as empty). Nested objects are
// created by one operation (a map set, a register write or a list insert of a
// new object) and are named by that operation's Dot; a Value of kind
// ObjectRef points at them.
//
// Values are immutable scalars: null, bool, int64, double, UTF-8 string, bytes
// or a reference to a nested object. Values compare and order by their
// canonical encoding (so NaN equals itself and doubles compare bitwise).
#include <compare>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "weft/core/dot.hpp"
#include "weft/encoding/codec.hpp"

namespace weft {

enum class ObjectKind : std::uint8_t {
  map = 0,           // string keys -> values; concurrent writes to one key all kept
  list = 1,          // sequence of values (FugueMax, like Text)
  text = 2,          // UTF-8 text (weft::Text)
  counter = 3,       // int64; concurrent increments sum
  lww_register = 4,  // one value; concurrent writes: the larger (lamport, dot) wins
  mv_register = 5,   // all concurrent writes kept and returned
  set = 6,           // add-wins observed-remove set of values
};
inline constexpr std::uint8_t kObjectKindCount = 7;

// A reference to a nested object: the Dot of the op that created it, and its kind.
struct ObjectRef {
  Dot id;
  ObjectKind kind = ObjectKind::map;
  friend constexpr auto operator<=>(const ObjectRef&, const ObjectRef&) noexcept = default;
};

// Names any object of a Doc: a root (non-empty `root`, nil `dot`) or a nested
// object (empty `root`, the creating op's `dot`).
struct ObjectId {
  std::string root;
  Dot dot;
  ObjectKind kind = ObjectKind::map;

  [[nodiscard]] static ObjectId named(std::string name, ObjectKind kind) {
    return ObjectId{std::move(name), {}, kind};
  }
  [[nodiscard]] static ObjectId nested(const ObjectRef& ref) {
    return ObjectId{{}, ref.id, ref.kind};
  }
  [[nodiscard]] bool is_root() const noexcept { return dot.is_nil(); }
  friend auto operator<=>(const ObjectId&, const ObjectId&) = default;
  friend bool operator==(const ObjectId&, const ObjectId&) = default;
};

class Value {
 public:
  using Variant =
      std::variant<std::monostate, bool, std::int64_t, double, std::string, Bytes, ObjectRef>;

  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : v_(b) {}
  // Any integer type. Throws std::out_of_range for an unsigned value above INT64_MAX.
  template <std::integral I>
  requires(!std::same_as<I, bool>) Value(I i) : v_(to_int64(i)) {}
  Value(double d) : v_(d) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(std::string_view s) : v_(std::string(s)) {}
  Value(Bytes b) : v_(std::move(b)) {}
  Value(ObjectRef r) : v_(r) {}

  [[nodiscard]] bool is_null() const noexcept { return v_.index() == 0; }
  template <class T>
  [[nodiscard]] bool is() const noexcept {
    return std::holds_alternative<T>(v_);
  }
  // Throws std::bad_variant_access when the value holds another alternative.
  // Any integer type reads an int64 value (by value; std::out_of_range when it
  // does not fit).
  template <class T>
  [[nodiscard]] decltype(auto) as() const {
    if constexpr (std::integral<T> && !std::same_as<T, bool> && !std::same_as<T, std::int64_t>) {
      const std::int64_t i = std::get<std::int64_t>(v_);
      if (!std::in_range<T>(i)) throw std::out_of_range("weft::Value::as: integer out of range");
      return static_cast<T>(i);
    } else {
      return static_cast<const T&>(std::get<T>(v_));
    }
  }
  [[nodiscard]] const Variant& variant() const noexcept { return v_; }

  // Canonical bytes (Codec<Value>); equality and order follow them.
  [[nodiscard]] Bytes encoded() const;
  friend bool operator==(const Value& a, const Value& b) { return a.encoded() == b.encoded(); }
  friend bool operator<(const Value& a, const Value& b) { return a.encoded() < b.encoded(); }

 private:
  template <class I>
  static std::int64_t to_int64(I i) {
    if (!std::in_range<std::int64_t>(i)) throw std::out_of_range("weft::Value: integer too large");
    return static_cast<std::int64_t>(i);
  }
  Variant v_;
};

// Tag byte, then the payload: 0 null, 1 false, 2 true, 3 int (zigzag), 4 double
// (8 bytes LE), 5 string (UTF-8 checked), 6 bytes, 7 object ref (replica,
// counter >= 1, kind).
template <>
struct Codec<Value> {
  static void encode(Writer& w, const Value& value) {
    const auto& v = value.variant();
    switch (v.index()) {
      case 0:
        w.u8(0);
        break;
      case 1:
        w.u8(std::get<bool>(v) ? 2 : 1);
        break;
      case 2:
        w.u8(3), w.zigzag(std::get<std::int64_t>(v));
        break;
      case 3:
        w.u8(4), w.f64(std::get<double>(v));
        break;
      case 4:
        w.u8(5), w.string(std::get<std::string>(v));
        break;
      case 5:
        w.u8(6), w.bytes(std::get<Bytes>(v));
        break;
      default: {
        const auto& r = std::get<ObjectRef>(v);
        w.u8(7), w.varint(r.id.replica.value()), w.varint(r.id.counter);
        w.u8(static_cast<std::uint8_t>(r.kind));
      }
    }
  }
  static result<Value> decode(Reader& r) {
    auto tag = r.u8();
    if (!tag) return tag.error();
    switch (*tag) {
      case 0:
        return Value();
      case 1:
        return Value(false);
      case 2:
        return Value(true);
      case 3: {
        auto i = r.zigzag();
        if (!i) return i.error();
        return Value(*i);
      }
      case 4: {
        auto d = r.f64();
        if (!d) return d.error();
        return Value(*d);
      }
      case 5: {
        auto s = decode_value<std::string>(r);
        if (!s) return s.error();
        return Value(std::move(*s));
      }
      case 6: {
        auto b = r.bytes();
        if (!b) return b.error();
        return Value(Bytes(b->begin(), b->end()));
      }
      case 7: {
        auto rep = r.varint();
        if (!rep) return rep.error();
        auto ctr = r.varint();
        if (!ctr) return ctr.error();
        auto kind = r.u8();
        if (!kind) return kind.error();
        if (*rep == 0 || *ctr == 0 || *kind >= kObjectKindCount) return errc::invalid_value;
        return Value(ObjectRef{Dot{ReplicaId{*rep}, *ctr}, static_cast<ObjectKind>(*kind)});
      }
      default:
        return errc::invalid_value;
    }
  }
};

inline Bytes Value::encoded() const {
  Writer w;
  Codec<Value>::encode(w, *this);
  return std::move(w).take();
}

}  // namespace weft

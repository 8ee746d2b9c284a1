#pragma once
// Vocabulary shared by weft's sequence types (Text, List<T>): position units,
// op ranges, apply results, and anchors (stable positions for cursors).
#include <cstdint>

#include "weft/core/dot.hpp"
#include "weft/core/replica_id.hpp"
#include "weft/core/update_status.hpp"
#include "weft/encoding/codec.hpp"
#include "weft/encoding/error.hpp"
#include "weft/encoding/reader.hpp"
#include "weft/encoding/writer.hpp"

namespace weft {

// How a position or a length is counted. Text accepts all three; List<T>
// counts elements (code_point is "one element").
//  - code_point: Unicode scalar values;
//  - utf16: UTF-16 code units (characters above U+FFFF count 2), as JS editors count;
//  - utf8: bytes of the UTF-8 encoding.
enum class PositionUnit : std::uint8_t { code_point = 0, utf16 = 1, utf8 = 2 };

// The dots a local edit minted: (replica, first), ..., (replica, first + count - 1).
// A plain value; the update itself is produced on demand by encode_since().
struct OpRange {
  ReplicaId replica;
  std::uint64_t first = 0;
  std::uint64_t count = 0;
  friend constexpr bool operator==(const OpRange&, const OpRange&) noexcept = default;
};

// The sequence engine's name for UpdateStatus (what apply_update() did,
// counted in dots: one per inserted or deleted element).
using ApplyResult = UpdateStatus;

// Which neighbour of a gap an anchor sticks to.
//  - right: the element after the gap (the one at `pos`). Text inserted into the
//    gap, here or by a peer, lands before the anchor: a caret "before x" stays
//    before x.
//  - left: the element before the gap (the one at `pos - 1`). Text inserted into
//    the gap lands after the anchor: a caret "after x" stays after x (the usual
//    end of a selection, or a caret that should not be pushed by a peer typing
//    right where it sits).
enum class Bias : std::uint8_t { left = 0, right = 1 };

// A stable position: a gap between two elements named by one of its neighbours,
// so it follows its place through every later edit, local or remote. Made by
// Text/List::anchor_at and turned back into a position by resolve().
//
//  - element: the gap next to element `dot`, on the side `bias` says (right:
//    just before the element; left: just after it). When that element is later
//    deleted, the anchor resolves to the place the element occupied (the
//    position of the first visible element after it), and keeps doing so after
//    gc(), which keeps the ids of deleted elements.
//  - start / end: the very start or end of the sequence, for a gap with no
//    neighbour on the bias side (left bias at 0, right bias at the end).
//    `dot` is nil; `bias` is left for start and right for end.
//
// Anchors are plain values, comparable with ==, and may be sent to peers (in
// presence messages) with Codec<Anchor>. An anchor naming an element a replica
// has not received (yet) resolves to errc::unknown_dot there.
struct Anchor {
  enum class Kind : std::uint8_t { start = 0, end = 1, element = 2 };
  Kind kind = Kind::start;
  Dot dot;
  Bias bias = Bias::left;

  [[nodiscard]] static constexpr Anchor start() noexcept { return {Kind::start, {}, Bias::left}; }
  [[nodiscard]] static constexpr Anchor end() noexcept { return {Kind::end, {}, Bias::right}; }
  [[nodiscard]] static constexpr Anchor element(Dot d, Bias b) noexcept {
    return {Kind::element, d, b};
  }
  friend constexpr bool operator==(const Anchor&, const Anchor&) noexcept = default;
};

// Encoding: u8 tag (0 start, 1 end, 2 element with left bias, 3 element with
// right bias), then for an element its Dot (replica varint, counter varint).
// Exactly one encoding per anchor: other tags, a nil replica, counter 0 and
// non-minimal varints are rejected.
template <>
struct Codec<Anchor> {
  static void encode(Writer& w, const Anchor& a) {
    if (a.kind != Anchor::Kind::element) {
      w.u8(a.kind == Anchor::Kind::start ? 0 : 1);
      return;
    }
    w.u8(a.bias == Bias::left ? 2 : 3);
    encode_value(w, a.dot);
  }
  static result<Anchor> decode(Reader& r) {
    auto tag = r.u8();
    if (!tag) return tag.error();
    switch (*tag) {
      case 0:
        return Anchor::start();
      case 1:
        return Anchor::end();
      case 2:
      case 3: {
        auto d = decode_value<Dot>(r);
        if (!d) return d.error();
        return Anchor::element(*d, *tag == 2 ? Bias::left : Bias::right);
      }
      default:
        return errc::invalid_value;
    }
  }
};

}  // namespace weft

#pragma once
// The operations of a weft::Doc transaction (internal): one type per kind.
//
// Every op consumes dots of its record's replica: one for most kinds, one per
// element for sequence inserts and deletes (a sequence element is named by the
// dot that inserted it, in the document's one dot space). A record's op i thus
// starts at the record's first counter plus the widths of the ops before it.
#include <cstdint>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "weft/core/dot.hpp"
#include "weft/doc/value.hpp"

namespace weft::detail::doc {

// map: write `value` under `key`, superseding the writes to `key` it saw.
// A value that is an ObjectRef to the op's own dot creates that object.
struct MapSet {
  std::string key;
  Value value;
  std::vector<Dot> supersedes;  // ascending
};
struct MapRemove {
  std::string key;
  std::vector<Dot> supersedes;  // ascending, not empty
};
// text: `text` (len code points) goes between the elements `left` and `right`
// (nil: the start / end), ordered among concurrent inserts by FugueMax.
struct TextInsert {
  Dot left;
  Dot right;
  std::string text;
  std::uint32_t len = 0;
};
// list: like TextInsert, one value per element. A value that is an ObjectRef to
// its own element's dot creates that object.
struct ListInsert {
  Dot left;
  Dot right;
  std::vector<Value> values;
};
// text or list: deletes the elements target, target + dir, ... (len of them).
struct SeqDelete {
  Dot target;
  std::uint32_t len = 0;
  bool backward = false;
};
struct CounterAdd {
  std::int64_t delta = 0;
};
struct RegisterSet {
  Value value;
  std::vector<Dot> supersedes;  // ascending
};
struct SetAdd {
  Value value;
};
struct SetRemove {
  Value value;
  std::vector<Dot> supersedes;  // ascending, not empty
};

// The order is the wire's op kind (docs/doc.md): never reorder.
using OpBody = std::variant<MapSet, MapRemove, TextInsert, ListInsert, SeqDelete, CounterAdd,
                            RegisterSet, SetAdd, SetRemove>;

struct Op {
  ObjectId target;
  OpBody body;

  // Dots this op consumes.
  [[nodiscard]] std::uint64_t width() const noexcept {
    if (const auto* t = std::get_if<TextInsert>(&body)) return t->len;
    if (const auto* l = std::get_if<ListInsert>(&body)) return l->values.size();
    if (const auto* d = std::get_if<SeqDelete>(&body)) return d->len;
    return 1;
  }
};

// The object kinds an op body may target.
[[nodiscard]] inline bool targets(const OpBody& body, ObjectKind k) {
  switch (body.index()) {
    case 0:
    case 1:
      return k == ObjectKind::map;
    case 2:
      return k == ObjectKind::text;
    case 3:
      return k == ObjectKind::list;
    case 4:
      return k == ObjectKind::text || k == ObjectKind::list;
    case 5:
      return k == ObjectKind::counter;
    case 6:
      return k == ObjectKind::lww_register || k == ObjectKind::mv_register;
    default:
      return k == ObjectKind::set;
  }
}

// Calls f(dot) for every dot an op body names (origins, targets, superseded
// writes, object references in values). Nil origins included.
template <class F>
void for_each_named_dot(const OpBody& body, F&& f) {
  auto value = [&](const Value& v) {
    if (v.is<ObjectRef>()) f(v.as<ObjectRef>().id);
  };
  auto all = [&](const std::vector<Dot>& ds) {
    for (const Dot& d : ds) f(d);
  };
  std::visit(
      [&](const auto& b) {
        using B = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<B, MapSet> || std::is_same_v<B, RegisterSet>) {
          value(b.value), all(b.supersedes);
        } else if constexpr (std::is_same_v<B, MapRemove>) {
          all(b.supersedes);
        } else if constexpr (std::is_same_v<B, TextInsert>) {
          f(b.left), f(b.right);
        } else if constexpr (std::is_same_v<B, ListInsert>) {
          f(b.left), f(b.right);
          for (const Value& v : b.values) value(v);
        } else if constexpr (std::is_same_v<B, SeqDelete>) {
          f(b.target);
        } else if constexpr (std::is_same_v<B, SetAdd>) {
          value(b.value);
        } else if constexpr (std::is_same_v<B, SetRemove>) {
          value(b.value), all(b.supersedes);
        }
      },
      body);
}

}  // namespace weft::detail::doc

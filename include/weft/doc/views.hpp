#pragma once
// Read-only views of a weft::Doc's objects: how an application reads.
//
//   std::string body = doc.text("body").to_string();
//   std::optional<Value> v = doc.map("state").get("title");
//   std::vector<Value> todo = doc.map("state").list("todo").values();
//   std::optional<Value> first = doc.list("items").map(0).get("name");
//
// Doc::map / text / list / counter / lww_register / mv_register / set take a
// root name (or, for nested objects, an ObjectId), like Transaction does. A view
// holds only a pointer to its Doc and the ObjectId: cheap to make and copy. It
// reads the Doc's current state at every call, so it sees later edits, local or
// remote. Lifetime: valid while its Doc lives at the same address (moving the
// Doc invalidates its views; adopt_snapshot does not).
//
// The transaction handles (MapRef, TextRef, ...) are views too: their reads are
// these, and nested navigation from a handle gives views. To edit a nested
// object, pass its id to the transaction: tx.list(doc.map("state").list("todo").id()).
//
// Reads follow the Doc's rules: an untouched root, or a nested id this replica
// has not integrated, reads as empty. Errors (std exceptions: caller mistakes):
//  - a view of one kind over an ObjectId of another kind, or over a root name
//    that exists as another kind (a root name names one object):
//    std::invalid_argument, when the view is made or, if the other kind's root
//    appears later, when it is read;
//  - nested navigation, map(key) / list(i) / ...: std::out_of_range when the key
//    is absent or the index past the end; std::invalid_argument when the value
//    there is a plain value or an object of another kind. A key with concurrent
//    values navigates by the value get() shows.
// Complexity: map reads O(log keys + k) for k concurrent writes to the key;
// text/list size O(1), at(i) and anchors O(log n), to_string/values O(n).
// Thread safety: none; the Doc's.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weft/doc/value.hpp"
#include "weft/encoding/error.hpp"
#include "weft/types/sequence/position.hpp"

namespace weft {

class Doc;
class MapView;
class TextView;
class ListView;
class CounterView;
class RegisterView;
class SetView;
namespace detail::doc {
class Object;
}

class ObjectView {
 public:
  [[nodiscard]] const ObjectId& id() const noexcept { return id_; }
  [[nodiscard]] const Doc& doc() const noexcept { return *doc_; }

 protected:
  // Throws std::invalid_argument unless id.kind is `a` or `b`, or when a root
  // of this name exists as another kind.
  ObjectView(const Doc& doc, ObjectId id, ObjectKind a, ObjectKind b);
  // The object's state (nullptr: untouched root or not integrated); throws
  // std::invalid_argument when a root of this name exists as another kind.
  [[nodiscard]] const detail::doc::Object* object() const;
  // The nested object `v` refers to, which must be of kind `a` or `b`.
  [[nodiscard]] static ObjectId nested_id(const Value& v, ObjectKind a, ObjectKind b);

  const Doc* doc_;
  ObjectId id_;
};

class MapView : public ObjectView {
 public:
  // The value get_all() would show first by the conflict rule (see
  // transaction.hpp): the write with the largest (lamport, replica, counter).
  [[nodiscard]] std::optional<Value> get(std::string_view key) const;
  // All concurrent values of `key`, in dot order (empty if absent).
  [[nodiscard]] std::vector<Value> get_all(std::string_view key) const;
  [[nodiscard]] std::map<std::string, Value> entries() const;
  [[nodiscard]] bool contains(std::string_view key) const;

  // The nested object stored under `key` (errors: see above).
  [[nodiscard]] MapView map(std::string_view key) const;
  [[nodiscard]] TextView text(std::string_view key) const;
  [[nodiscard]] ListView list(std::string_view key) const;
  [[nodiscard]] CounterView counter(std::string_view key) const;
  // Either register kind.
  [[nodiscard]] RegisterView register_at(std::string_view key) const;
  [[nodiscard]] SetView set(std::string_view key) const;

 protected:
  MapView(const Doc& doc, ObjectId id);

 private:
  friend class Doc;
  friend class ListView;
  [[nodiscard]] ObjectId child(std::string_view key, ObjectKind a, ObjectKind b) const;
};

class TextView : public ObjectView {
 public:
  [[nodiscard]] std::string to_string() const;
  [[nodiscard]] std::size_t size(PositionUnit unit = PositionUnit::code_point) const;
  // Stable positions (cursors, selections; see Anchor in
  // types/sequence/position.hpp). anchor() names the gap before `pos` by its
  // neighbour on the `bias` side; resolve_anchor() turns it back into a position
  // after any later edits, local or remote. An untouched text anchors at its
  // start/end. Errors: anchor() throws std::out_of_range past the end or inside
  // a character; resolve_anchor() returns errc::unknown_dot for a character
  // this replica has not received (anchors come from peers: never UB).
  [[nodiscard]] Anchor anchor(std::size_t pos, PositionUnit unit = PositionUnit::code_point,
                              Bias bias = Bias::right) const;
  [[nodiscard]] result<std::size_t> resolve_anchor(
      const Anchor& anchor, PositionUnit unit = PositionUnit::code_point) const;

 protected:
  TextView(const Doc& doc, ObjectId id);

 private:
  friend class Doc;
  friend class MapView;
  friend class ListView;
};

class ListView : public ObjectView {
 public:
  [[nodiscard]] std::vector<Value> values() const;
  [[nodiscard]] std::size_t size() const;
  // The element at index i; throws std::out_of_range past the end.
  [[nodiscard]] Value at(std::size_t i) const;
  // As TextView's, counting elements.
  [[nodiscard]] Anchor anchor(std::size_t pos, Bias bias = Bias::right) const;
  [[nodiscard]] result<std::size_t> resolve_anchor(const Anchor& anchor) const;

  // The nested object at index i (errors: see above).
  [[nodiscard]] MapView map(std::size_t i) const;
  [[nodiscard]] TextView text(std::size_t i) const;
  [[nodiscard]] ListView list(std::size_t i) const;
  [[nodiscard]] CounterView counter(std::size_t i) const;
  [[nodiscard]] RegisterView register_at(std::size_t i) const;
  [[nodiscard]] SetView set(std::size_t i) const;

 protected:
  ListView(const Doc& doc, ObjectId id);

 private:
  friend class Doc;
  friend class MapView;
  [[nodiscard]] ObjectId child(std::size_t i, ObjectKind a, ObjectKind b) const;
};

class CounterView : public ObjectView {
 public:
  [[nodiscard]] std::int64_t value() const;

 protected:
  CounterView(const Doc& doc, ObjectId id);

 private:
  friend class Doc;
  friend class MapView;
  friend class ListView;
};

// Both register kinds (lww_register, mv_register).
class RegisterView : public ObjectView {
 public:
  // lww_register: the winner; mv_register: the largest (lamport, dot) of them.
  [[nodiscard]] std::optional<Value> value() const;
  // All concurrent values, in dot order.
  [[nodiscard]] std::vector<Value> values() const;

 protected:
  RegisterView(const Doc& doc, ObjectId id);

 private:
  friend class Doc;
  friend class MapView;
  friend class ListView;
};

class SetView : public ObjectView {
 public:
  // The elements, in canonical value order.
  [[nodiscard]] std::vector<Value> values() const;
  [[nodiscard]] bool contains(const Value& value) const;

 protected:
  SetView(const Doc& doc, ObjectId id);

 private:
  friend class Doc;
  friend class MapView;
  friend class ListView;
};

}  // namespace weft

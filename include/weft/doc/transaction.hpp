#pragma once
// Transaction: an RAII batch of local edits to a weft::Doc, and the typed
// handles through which the edits are made.
//
//   auto tx = doc.transact("keyboard");
//   tx.text("body").insert(0, "hello");
//   auto todo = tx.map("state").set_new("todo", ObjectKind::list);
//   tx.list(todo).insert(0, "milk");
//   Bytes update = tx.commit();   // one update; observers see one batch
//
// Edits are visible to reads at once. commit() returns exactly one binary
// update (empty when nothing changed) and notifies observers once. A
// Transaction destroyed without commit() commits (the update is then only
// reachable through encode_update_since). One transaction at a time per Doc.
//
// Conflict rules (all concurrent edits survive; the views decide):
//  - map: set(key, v) and remove(key) supersede exactly the writes to `key`
//    this replica had seen. Concurrent writes to one key are all kept; get()
//    shows the one with the largest (lamport, replica, counter), get_all()
//    shows all. A remove concurrent with a set loses to the set.
//  - text / list: FugueMax (see types/text.hpp); deletes remove what they saw.
//  - counter: increments add up (int64, wrapping).
//  - lww_register: like one map key; value() = largest (lamport, dot).
//  - mv_register: like one map key; values() = all concurrent writes.
//  - set: add-wins: remove(v) removes the adds of v it had seen; an add
//    concurrent with it survives.
// Caller mistakes throw: a position past the end std::out_of_range, a handle
// of the wrong kind or to an unknown nested object std::invalid_argument,
// invalid UTF-8 std::invalid_argument. A throwing edit changes nothing.
// Each handle is the view of its object (views.hpp) plus edits: it reads like
// the view, and its reads stay valid while the Doc lives. Edits need the
// Transaction object alive: after commit() they throw std::logic_error.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "weft/doc/value.hpp"
#include "weft/doc/views.hpp"
#include "weft/types/sequence/position.hpp"

namespace weft {

class Doc;
class Transaction;
namespace detail::doc {
class DocImpl;
}

// What every handle adds to its view: the transaction its edits go to.
class ObjectHandle {
 protected:
  explicit ObjectHandle(Transaction& tx) : tx_(&tx) {}
  // The document's state; throws std::logic_error once the transaction ended.
  [[nodiscard]] detail::doc::DocImpl& impl() const;

 private:
  Transaction* tx_;
};

// MapView's reads (get, get_all, entries, contains, nested navigation), and edits.
// The edit set(key, value) hides the navigation set(key): read a nested set
// through the Doc or the MapView.
class MapRef : public MapView, private ObjectHandle {
 public:
  void set(std::string_view key, const Value& value);
  // Sets `key` to a new empty nested object of `kind`; returns its id.
  ObjectId set_new(std::string_view key, ObjectKind kind);
  void remove(std::string_view key);

 private:
  friend class Transaction;
  MapRef(Transaction& tx, ObjectId id);
};

// TextView's reads (to_string, size, anchors), and edits.
class TextRef : public TextView, private ObjectHandle {
 public:
  void insert(std::size_t pos, std::string_view utf8, PositionUnit unit = PositionUnit::code_point);
  void erase(std::size_t pos, std::size_t count, PositionUnit unit = PositionUnit::code_point);

 private:
  friend class Transaction;
  TextRef(Transaction& tx, ObjectId id);
};

// ListView's reads (values, size, at, anchors, nested navigation), and edits.
class ListRef : public ListView, private ObjectHandle {
 public:
  void insert(std::size_t pos, const Value& value);
  void insert(std::size_t pos, std::span<const Value> values);
  // Inserts a new empty nested object of `kind` at `pos`; returns its id.
  ObjectId insert_new(std::size_t pos, ObjectKind kind);
  void erase(std::size_t pos, std::size_t count = 1);

 private:
  friend class Transaction;
  ListRef(Transaction& tx, ObjectId id);
};

class CounterRef : public CounterView, private ObjectHandle {
 public:
  void add(std::int64_t delta);

 private:
  friend class Transaction;
  CounterRef(Transaction& tx, ObjectId id);
};

// Both register kinds (lww_register, mv_register).
class RegisterRef : public RegisterView, private ObjectHandle {
 public:
  void set(const Value& value);
  ObjectId set_new(ObjectKind kind);

 private:
  friend class Transaction;
  RegisterRef(Transaction& tx, ObjectId id);
};

class SetRef : public SetView, private ObjectHandle {
 public:
  void add(const Value& value);
  void remove(const Value& value);

 private:
  friend class Transaction;
  SetRef(Transaction& tx, ObjectId id);
};

class Transaction {
 public:
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  // Commits if commit() was not called; never throws.
  ~Transaction();

  // Ends the transaction: returns its update (empty if nothing changed) and
  // notifies observers. Throws std::logic_error when called twice.
  Bytes commit();

  // Root objects by name (created on first edit), or nested objects by id.
  MapRef map(std::string_view root);
  MapRef map(const ObjectId& id);
  TextRef text(std::string_view root);
  TextRef text(const ObjectId& id);
  ListRef list(std::string_view root);
  ListRef list(const ObjectId& id);
  CounterRef counter(std::string_view root);
  CounterRef counter(const ObjectId& id);
  RegisterRef lww_register(std::string_view root);
  RegisterRef mv_register(std::string_view root);
  RegisterRef register_at(const ObjectId& id);
  SetRef set(std::string_view root);
  SetRef set(const ObjectId& id);

  [[nodiscard]] const std::string& origin() const noexcept { return origin_; }
  [[nodiscard]] Doc& doc() noexcept { return *doc_; }
  [[nodiscard]] const Doc& doc() const noexcept { return *doc_; }

 private:
  friend class Doc;
  friend class ObjectHandle;
  Transaction(Doc& doc, std::string origin) : doc_(&doc), origin_(std::move(origin)) {}
  // Checks what only an edit needs (the transaction is open, the root name is
  // valid, a nested object exists).
  void check(const ObjectId& id) const;

  Doc* doc_;
  std::string origin_;
  bool done_ = false;
};

}  // namespace weft

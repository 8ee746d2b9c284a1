#pragma once
// The state behind weft::Doc (internal).
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "record.hpp"
#include "weft/doc/doc.hpp"
#include "weft/types/list.hpp"
#include "weft/types/text.hpp"

namespace weft::detail::doc {

// One live write (map key, register) kept until an op that saw it supersedes it.
struct Entry {
  Dot dot;
  std::uint64_t lamport = 0;
  Value value;
};

struct SetElem {
  Value value;
  std::vector<Dot> tags;  // the adds not yet removed, sorted
};

struct Object {
  Object(ObjectKind k, std::optional<ObjectId> p, ReplicaId replica);
  ObjectKind kind;
  std::optional<ObjectId> parent;
  std::map<std::string, std::vector<Entry>, std::less<>> map;  // entries sorted by dot
  std::vector<Entry> reg;                                      // sorted by dot
  std::map<std::string, SetElem> set;                          // by set_key(value)
  std::uint64_t counter = 0;                                   // wrapping int64
  std::unique_ptr<Text> text;
  std::unique_ptr<List<Value>> list;
};

struct ObserverEntry {
  ObjectId target;
  bool deep = false;
  PositionUnit unit = PositionUnit::code_point;
  ObserverFn fn;
};

struct Observers {
  std::map<std::uint64_t, ObserverEntry> entries;
  std::uint64_t next = 1;
};

// An object's visible content, captured before a batch touches it.
struct View {
  std::string text;
  std::vector<Value> values;  // list elements, register or set values
  std::map<std::string, Value> map;
  std::int64_t counter = 0;
};

struct Stored {
  TxRecord record;
  Bytes encoded;
};

using PendingKey = std::pair<ReplicaId, std::uint64_t>;

struct DocImpl {
  explicit DocImpl(ReplicaId r) : replica(r) {}

  ReplicaId replica;
  VersionVector sv;
  std::uint64_t lamport = 0;
  std::map<ObjectId, Object> objects;
  std::map<TxKey, Stored> history;
  std::map<PendingKey, TxRecord> pending;
  std::uint64_t pending_ops = 0;
  std::uint64_t max_pending_ops = kMaxPendingOps;
  std::shared_ptr<Observers> observers = std::make_shared<Observers>();
  std::uint64_t observer_errors = 0;
  std::function<void(std::span<const std::uint8_t>)> commit_hook;

  bool in_tx = false;
  TxRecord open;                     // the open transaction's record
  std::map<ObjectId, View> touched;  // batch: objects changed, with their old view
  bool capture = false;              // batch: someone observes

  // Objects (objects.cpp).
  [[nodiscard]] const Object* find(const ObjectId& id) const;
  // The object an op targets: roots are created on demand; nullptr for an
  // unknown nested id.
  Object* target(const ObjectId& id);
  void create(const ObjectId& parent, const Dot& dot, ObjectKind kind);
  void apply_op(const Op& op, const Dot& dot, std::uint64_t stamp);
  [[nodiscard]] View view(const ObjectId& id) const;
  [[nodiscard]] std::uint64_t digest() const;

  // Batches and observers (events.cpp).
  void begin_batch();
  void touch(const ObjectId& id);
  void end_batch(const std::string& origin, bool local);

  // History (doc.cpp).
  void integrate(TxRecord&& rec);
  Dot next_dot() const { return {replica, open.first + open.ops.size()}; }
  void record_local(Op&& op);  // appends an already-applied local op
};

// The canonical encoding of a value, as a map key (a string: GCC 12 warns
// falsely on ordered maps of byte vectors).
[[nodiscard]] inline std::string set_key(const Value& v) {
  const Bytes b = v.encoded();
  return std::string(b.begin(), b.end());
}

// Reads.
[[nodiscard]] std::optional<Value> lww_of(const std::vector<Entry>& entries);
void insert_sorted(std::vector<Entry>& entries, Entry e);
void drop_superseded(std::vector<Entry>& entries, const std::vector<Dot>& dots);

}  // namespace weft::detail::doc

// Transaction and the typed handles: local edits become ops of the open record.
#include "weft/doc/transaction.hpp"

#include <stdexcept>

#include "doc_impl.hpp"
#include "weft/encoding/utf8.hpp"

namespace weft {

using detail::doc::DocImpl;
using detail::doc::Object;
using detail::doc::Op;

namespace {

void check_utf8(std::string_view s) {
  if (!is_valid_utf8(s)) throw std::invalid_argument("weft::Doc: invalid UTF-8");
}

// A value must be encodable and may only reference objects this replica has.
void check_value(const DocImpl& m, const Value& v) {
  if (v.is<std::string>()) check_utf8(v.as<std::string>());
  if (v.is<ObjectRef>() && m.find(ObjectId::nested(v.as<ObjectRef>())) == nullptr) {
    throw std::invalid_argument("weft::Doc: reference to an unknown object");
  }
}

}  // namespace

DocImpl& ObjectHandle::impl() const {
  if (tx_->done_) throw std::logic_error("weft::Doc: handle used after its transaction ended");
  return *tx_->doc_->impl_;
}

MapRef::MapRef(Transaction& tx, ObjectId id) : MapView(tx.doc(), std::move(id)), ObjectHandle(tx) {}
TextRef::TextRef(Transaction& tx, ObjectId id)
    : TextView(tx.doc(), std::move(id)), ObjectHandle(tx) {}
ListRef::ListRef(Transaction& tx, ObjectId id)
    : ListView(tx.doc(), std::move(id)), ObjectHandle(tx) {}
CounterRef::CounterRef(Transaction& tx, ObjectId id)
    : CounterView(tx.doc(), std::move(id)), ObjectHandle(tx) {}
RegisterRef::RegisterRef(Transaction& tx, ObjectId id)
    : RegisterView(tx.doc(), std::move(id)), ObjectHandle(tx) {}
SetRef::SetRef(Transaction& tx, ObjectId id) : SetView(tx.doc(), std::move(id)), ObjectHandle(tx) {}

Transaction::~Transaction() {
  if (done_) return;
  try {
    (void)commit();
  } catch (...) {  // only allocation can fail here; the record stays uncommitted
  }
}

Bytes Transaction::commit() {
  if (done_) throw std::logic_error("weft::Transaction::commit: already committed");
  done_ = true;
  return doc_->impl_->commit_tx(origin_);
}

// What only an edit needs; the kind and a root name's kind are checked once,
// by the handle's view (ObjectView's constructor).
void Transaction::check(const ObjectId& id) const {
  if (done_) throw std::logic_error("weft::Transaction: already committed");
  if (id.is_root()) {
    if (id.root.empty()) throw std::invalid_argument("weft::Doc: empty root name");
    check_utf8(id.root);
  } else if (doc_->impl_->find(id) == nullptr) {
    throw std::invalid_argument("weft::Doc: unknown nested object");
  }
}

#define WEFT_ROOT(Ref, fn, kind)                            \
  Ref Transaction::fn(std::string_view root) {              \
    ObjectId id = ObjectId::named(std::string(root), kind); \
    check(id);                                              \
    return Ref(*this, std::move(id));                       \
  }
WEFT_ROOT(MapRef, map, ObjectKind::map)
WEFT_ROOT(TextRef, text, ObjectKind::text)
WEFT_ROOT(ListRef, list, ObjectKind::list)
WEFT_ROOT(CounterRef, counter, ObjectKind::counter)
WEFT_ROOT(RegisterRef, lww_register, ObjectKind::lww_register)
WEFT_ROOT(RegisterRef, mv_register, ObjectKind::mv_register)
WEFT_ROOT(SetRef, set, ObjectKind::set)
#undef WEFT_ROOT

MapRef Transaction::map(const ObjectId& id) {
  check(id);
  return MapRef(*this, id);
}
TextRef Transaction::text(const ObjectId& id) {
  check(id);
  return TextRef(*this, id);
}
ListRef Transaction::list(const ObjectId& id) {
  check(id);
  return ListRef(*this, id);
}
CounterRef Transaction::counter(const ObjectId& id) {
  check(id);
  return CounterRef(*this, id);
}
RegisterRef Transaction::register_at(const ObjectId& id) {
  check(id);
  return RegisterRef(*this, id);
}
SetRef Transaction::set(const ObjectId& id) {
  check(id);
  return SetRef(*this, id);
}

// --- map ---
void MapRef::set(std::string_view key, const Value& value) {
  auto& m = impl();
  check_utf8(key);
  check_value(m, value);
  const Object& o = m.local_target(id_);
  const auto* seen = o.as<detail::doc::MapState>().find(key);
  m.apply_local(Op{
      id_, detail::doc::MapSet{std::string(key), value, seen ? seen->dots() : std::vector<Dot>{}}});
}

ObjectId MapRef::set_new(std::string_view key, ObjectKind kind) {
  auto& m = impl();
  check_utf8(key);
  const Dot d = m.next_dot();
  const Object& o = m.local_target(id_);
  const auto* seen = o.as<detail::doc::MapState>().find(key);
  // Applying the op creates the object its value refers to.
  m.apply_local(Op{id_, detail::doc::MapSet{std::string(key), Value(ObjectRef{d, kind}),
                                            seen ? seen->dots() : std::vector<Dot>{}}});
  return ObjectId{{}, d, kind};
}

void MapRef::remove(std::string_view key) {
  auto& m = impl();
  const Object& o = m.local_target(id_);
  const auto* seen = o.as<detail::doc::MapState>().find(key);
  if (seen == nullptr) return;  // nothing seen, nothing to remove
  m.apply_local(Op{id_, detail::doc::MapRemove{std::string(key), seen->dots()}});
}

// --- text ---
void TextRef::insert(std::size_t pos, std::string_view utf8, PositionUnit unit) {
  auto& m = impl();
  Object& o = m.local_target(id_);
  auto& text = o.as<detail::doc::TextState>();
  if (utf8.empty()) {
    if (pos > text.size(static_cast<unsigned>(unit))) {
      throw std::out_of_range("weft::TextRef::insert: past the end");
    }
    return;
  }
  m.touch(id_, o);
  // Throws before changing anything.
  auto op = text.insert_local(pos, utf8, unit, m.next_dot().counter);
  m.record_local(Op{id_, std::move(op)});
}

void TextRef::erase(std::size_t pos, std::size_t count, PositionUnit unit) {
  auto& m = impl();
  Object& o = m.local_target(id_);
  auto& text = o.as<detail::doc::TextState>();
  if (count == 0) {
    if (pos > text.size(static_cast<unsigned>(unit))) {
      throw std::out_of_range("weft::TextRef::erase: past the end");
    }
    return;
  }
  m.touch(id_, o);
  text.erase_local(pos, count, static_cast<unsigned>(unit), m.next_dot().counter,
                   [&](const detail::doc::SeqDelete& op) {
                     m.record_local(Op{id_, op});
                   });
}

// --- list ---
void ListRef::insert(std::size_t pos, const Value& value) {
  insert(pos, std::span<const Value>(&value, 1));
}

void ListRef::insert(std::size_t pos, std::span<const Value> values) {
  auto& m = impl();
  for (const Value& v : values) check_value(m, v);
  Object& o = m.local_target(id_);
  auto& list = o.as<detail::doc::ListState>();
  if (values.empty()) {
    if (pos > list.size(0)) throw std::out_of_range("weft::ListRef::insert: past the end");
    return;
  }
  m.touch(id_, o);
  auto op = list.insert_local(pos, values, m.next_dot().counter);
  m.record_local(Op{id_, std::move(op)});
}

ObjectId ListRef::insert_new(std::size_t pos, ObjectKind kind) {
  auto& m = impl();
  Object& o = m.local_target(id_);
  const Dot d = m.next_dot();
  m.touch(id_, o);
  const Value v(ObjectRef{d, kind});
  auto op = o.as<detail::doc::ListState>().insert_local(pos, std::span(&v, 1), d.counter);
  m.record_local(Op{id_, std::move(op)});
  m.create(id_, d, kind);
  return ObjectId{{}, d, kind};
}

void ListRef::erase(std::size_t pos, std::size_t count) {
  auto& m = impl();
  Object& o = m.local_target(id_);
  auto& list = o.as<detail::doc::ListState>();
  if (count == 0) {
    if (pos > list.size(0)) throw std::out_of_range("weft::ListRef::erase: past the end");
    return;
  }
  m.touch(id_, o);
  list.erase_local(pos, count, 0, m.next_dot().counter, [&](const detail::doc::SeqDelete& op) {
    m.record_local(Op{id_, op});
  });
}

// --- counter ---
void CounterRef::add(std::int64_t delta) {
  auto& m = impl();
  if (delta == 0) return;
  (void)m.local_target(id_);
  m.apply_local(Op{id_, detail::doc::CounterAdd{delta}});
}

// --- registers ---
void RegisterRef::set(const Value& value) {
  auto& m = impl();
  check_value(m, value);
  const Object& o = m.local_target(id_);
  m.apply_local(Op{
      id_, detail::doc::RegisterSet{value, o.as<detail::doc::RegisterState>().entries().dots()}});
}

ObjectId RegisterRef::set_new(ObjectKind kind) {
  auto& m = impl();
  const Dot d = m.next_dot();
  const Object& o = m.local_target(id_);
  m.apply_local(
      Op{id_, detail::doc::RegisterSet{Value(ObjectRef{d, kind}),
                                       o.as<detail::doc::RegisterState>().entries().dots()}});
  return ObjectId{{}, d, kind};
}

// --- set ---
void SetRef::add(const Value& value) {
  auto& m = impl();
  check_value(m, value);
  (void)m.local_target(id_);
  m.apply_local(Op{id_, detail::doc::SetAdd{value}});
}

void SetRef::remove(const Value& value) {
  auto& m = impl();
  const Object& o = m.local_target(id_);
  auto tags = o.as<detail::doc::SetState>().tags(value);
  if (tags.empty()) return;  // nothing seen, nothing to remove
  m.apply_local(Op{id_, detail::doc::SetRemove{value, std::move(tags)}});
}

}  // namespace weft

// Transaction and the typed handles: local edits become ops of the open record.
#include "weft/doc/transaction.hpp"

#include <stdexcept>

#include "doc_impl.hpp"
#include "weft/encoding/utf8.hpp"

namespace weft {

using detail::doc::DocImpl;
using detail::doc::Object;
using detail::doc::Op;
using detail::doc::OpKind;

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

// Applies a non-sequence op locally (the same code path as a remote op).
void local(DocImpl& m, Op&& op) {
  m.apply_op(op, m.next_dot(), m.open.lamport);
  m.record_local(std::move(op));
}

Op make(OpKind kind, const ObjectId& target) {
  Op op;
  op.kind = kind;
  op.target = target;
  return op;
}

std::vector<Dot> dots_of(const std::vector<detail::doc::Entry>& entries) {
  std::vector<Dot> out;
  out.reserve(entries.size());
  for (const auto& e : entries) out.push_back(e.dot);
  return out;
}

}  // namespace

DocImpl& ObjectHandle::impl() const {
  if (tx_->done_) throw std::logic_error("weft::Doc: handle used after its transaction ended");
  return *tx_->doc_->impl_;
}

const Doc& ObjectHandle::doc() const {
  return *tx_->doc_;
}

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
  auto& m = *doc_->impl_;
  m.in_tx = false;
  Bytes out;
  if (!m.open.ops.empty()) {
    detail::doc::TxRecord rec = std::move(m.open);
    m.open = {};
    m.sv.advance(rec.replica, rec.last());
    m.lamport = std::max(m.lamport, rec.lamport);
    Writer w;
    detail::doc::encode_record(w, rec);
    Bytes encoded = std::move(w).take();
    out = detail::doc::frame_update(std::span<const Bytes>(&encoded, 1));
    const auto key = detail::doc::key_of(rec);
    m.history.emplace(key, detail::doc::Stored{std::move(rec), std::move(encoded)});
    if (m.commit_hook) {
      try {
        m.commit_hook(out);
      } catch (...) {
        ++m.observer_errors;  // the commit stands; the hook owner reports its own failure
      }
    }
  }
  m.end_batch(origin_, true);
  return out;
}

ObjectId Transaction::checked(const ObjectId& id, ObjectKind a, ObjectKind b) const {
  if (done_) throw std::logic_error("weft::Transaction: already committed");
  if (id.kind != a && id.kind != b) throw std::invalid_argument("weft::Doc: wrong object kind");
  if (id.is_root()) {
    if (id.root.empty()) throw std::invalid_argument("weft::Doc: empty root name");
    check_utf8(id.root);
  } else if (doc_->impl_->find(id) == nullptr) {
    throw std::invalid_argument("weft::Doc: unknown nested object");
  }
  return id;
}

#define WEFT_ROOT(Ref, fn, kind)                                                      \
  Ref Transaction::fn(std::string_view root) {                                        \
    return Ref(*this, checked(ObjectId::named(std::string(root), kind), kind, kind)); \
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
  return MapRef(*this, checked(id, ObjectKind::map, ObjectKind::map));
}
TextRef Transaction::text(const ObjectId& id) {
  return TextRef(*this, checked(id, ObjectKind::text, ObjectKind::text));
}
ListRef Transaction::list(const ObjectId& id) {
  return ListRef(*this, checked(id, ObjectKind::list, ObjectKind::list));
}
CounterRef Transaction::counter(const ObjectId& id) {
  return CounterRef(*this, checked(id, ObjectKind::counter, ObjectKind::counter));
}
RegisterRef Transaction::register_at(const ObjectId& id) {
  return RegisterRef(*this, checked(id, ObjectKind::lww_register, ObjectKind::mv_register));
}
SetRef Transaction::set(const ObjectId& id) {
  return SetRef(*this, checked(id, ObjectKind::set, ObjectKind::set));
}

// --- map ---
void MapRef::set(std::string_view key, const Value& value) {
  auto& m = impl();
  check_utf8(key);
  check_value(m, value);
  Op op = make(OpKind::map_set, id_);
  op.key = std::string(key);
  op.value = value;
  const Object* o = m.target(id_);
  if (auto it = o->map.find(key); it != o->map.end()) op.supersedes = dots_of(it->second);
  local(m, std::move(op));
}

ObjectId MapRef::set_new(std::string_view key, ObjectKind kind) {
  auto& m = impl();
  check_utf8(key);
  const Dot d = m.next_dot();
  Op op = make(OpKind::map_set, id_);
  op.key = std::string(key);
  op.value = ObjectRef{d, kind};
  op.creates = kind;
  const Object* o = m.target(id_);
  if (auto it = o->map.find(key); it != o->map.end()) op.supersedes = dots_of(it->second);
  local(m, std::move(op));
  return ObjectId{{}, d, kind};
}

void MapRef::remove(std::string_view key) {
  auto& m = impl();
  const Object* o = m.target(id_);
  auto it = o->map.find(key);
  if (it == o->map.end()) return;  // nothing seen, nothing to remove
  Op op = make(OpKind::map_remove, id_);
  op.key = std::string(key);
  op.supersedes = dots_of(it->second);
  local(m, std::move(op));
}

std::optional<Value> MapRef::get(std::string_view key) const {
  return doc().map_get(id_, key);
}

// --- text ---
void TextRef::insert(std::size_t pos, std::string_view utf8, PositionUnit unit) {
  auto& m = impl();
  if (utf8.empty()) return;
  Object* o = m.target(id_);
  m.touch(id_);
  const VersionVector before = o->text->version();
  o->text->insert(pos, utf8, unit);  // throws before changing anything
  Op op = make(OpKind::seq_edit, id_);
  op.engine = o->text->encode_since(before);
  m.record_local(std::move(op));
}

void TextRef::erase(std::size_t pos, std::size_t count, PositionUnit unit) {
  auto& m = impl();
  Object* o = m.target(id_);
  if (count == 0) {
    if (pos > o->text->size(unit)) throw std::out_of_range("weft::TextRef::erase: past the end");
    return;
  }
  m.touch(id_);
  const VersionVector before = o->text->version();
  o->text->erase(pos, count, unit);
  Op op = make(OpKind::seq_edit, id_);
  op.engine = o->text->encode_since(before);
  m.record_local(std::move(op));
}

std::string TextRef::to_string() const {
  return doc().text(id_);
}
std::size_t TextRef::size(PositionUnit unit) const {
  return doc().text_size(id_, unit);
}

// --- list ---
void ListRef::insert(std::size_t pos, const Value& value) {
  insert(pos, std::span<const Value>(&value, 1));
}

void ListRef::insert(std::size_t pos, std::span<const Value> values) {
  auto& m = impl();
  for (const Value& v : values) check_value(m, v);
  Object* o = m.target(id_);
  if (values.empty()) {
    if (pos > o->list->size()) throw std::out_of_range("weft::ListRef::insert: past the end");
    return;
  }
  m.touch(id_);
  const VersionVector before = o->list->version();
  o->list->insert(pos, values);
  Op op = make(OpKind::seq_edit, id_);
  op.engine = o->list->encode_since(before);
  m.record_local(std::move(op));
}

ObjectId ListRef::insert_new(std::size_t pos, ObjectKind kind) {
  auto& m = impl();
  Object* o = m.target(id_);
  const Dot d = m.next_dot();
  m.touch(id_);
  const VersionVector before = o->list->version();
  o->list->insert(pos, Value(ObjectRef{d, kind}));
  Op op = make(OpKind::seq_edit, id_);
  op.engine = o->list->encode_since(before);
  op.creates = kind;
  m.record_local(std::move(op));
  m.create(id_, d, kind);
  return ObjectId{{}, d, kind};
}

void ListRef::erase(std::size_t pos, std::size_t count) {
  auto& m = impl();
  Object* o = m.target(id_);
  if (count == 0) {
    if (pos > o->list->size()) throw std::out_of_range("weft::ListRef::erase: past the end");
    return;
  }
  m.touch(id_);
  const VersionVector before = o->list->version();
  o->list->erase(pos, count);
  Op op = make(OpKind::seq_edit, id_);
  op.engine = o->list->encode_since(before);
  m.record_local(std::move(op));
}

std::vector<Value> ListRef::values() const {
  return doc().list(id_);
}
std::size_t ListRef::size() const {
  return doc().list(id_).size();
}

// --- counter ---
void CounterRef::add(std::int64_t delta) {
  auto& m = impl();
  if (delta == 0) return;
  Op op = make(OpKind::counter_add, id_);
  op.delta = delta;
  local(m, std::move(op));
}

std::int64_t CounterRef::value() const {
  return doc().counter(id_);
}

// --- registers ---
void RegisterRef::set(const Value& value) {
  auto& m = impl();
  check_value(m, value);
  Op op = make(OpKind::reg_set, id_);
  op.value = value;
  op.supersedes = dots_of(m.target(id_)->reg);
  local(m, std::move(op));
}

ObjectId RegisterRef::set_new(ObjectKind kind) {
  auto& m = impl();
  const Dot d = m.next_dot();
  Op op = make(OpKind::reg_set, id_);
  op.value = ObjectRef{d, kind};
  op.creates = kind;
  op.supersedes = dots_of(m.target(id_)->reg);
  local(m, std::move(op));
  return ObjectId{{}, d, kind};
}

std::optional<Value> RegisterRef::value() const {
  return doc().register_value(id_);
}

// --- set ---
void SetRef::add(const Value& value) {
  auto& m = impl();
  check_value(m, value);
  Op op = make(OpKind::set_add, id_);
  op.value = value;
  local(m, std::move(op));
}

void SetRef::remove(const Value& value) {
  auto& m = impl();
  const Object* o = m.target(id_);
  auto it = o->set.find(detail::doc::set_key(value));
  if (it == o->set.end()) return;  // nothing seen, nothing to remove
  Op op = make(OpKind::set_remove, id_);
  op.value = value;
  op.supersedes = it->second.tags;
  local(m, std::move(op));
}

bool SetRef::contains(const Value& value) const {
  return doc().set_contains(id_, value);
}

}  // namespace weft

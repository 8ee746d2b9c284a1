// The views' reads: the one implementation behind Doc's views and the
// transaction handles (which are views).
#include <stdexcept>

#include "doc_impl.hpp"

namespace weft {

using detail::doc::CounterState;
using detail::doc::ListState;
using detail::doc::MapState;
using detail::doc::Object;
using detail::doc::RegisterState;
using detail::doc::SetState;
using detail::doc::TextState;

// --- ObjectView ---
ObjectView::ObjectView(const Doc& doc, ObjectId id, ObjectKind a, ObjectKind b)
    : doc_(&doc), id_(std::move(id)) {
  if (id_.kind != a && id_.kind != b) throw std::invalid_argument("weft::Doc: wrong object kind");
  (void)object();  // a root name that exists as another kind
}

const Object* ObjectView::object() const {
  const detail::doc::DocImpl& m = *doc_->impl_;
  const Object* o = m.find(id_);
  if (o == nullptr) m.check_root_kind(id_);
  return o;
}

ObjectId ObjectView::nested_id(const Value& v, ObjectKind a, ObjectKind b) {
  if (!v.is<ObjectRef>()) throw std::invalid_argument("weft::Doc: a plain value, not an object");
  const ObjectRef& r = v.as<ObjectRef>();
  if (r.kind != a && r.kind != b) {
    throw std::invalid_argument("weft::Doc: a nested object of another kind");
  }
  return ObjectId::nested(r);
}

// --- MapView ---
MapView::MapView(const Doc& doc, ObjectId id)
    : ObjectView(doc, std::move(id), ObjectKind::map, ObjectKind::map) {}

std::optional<Value> MapView::get(std::string_view key) const {
  const Object* o = object();
  return o == nullptr ? std::nullopt : o->as<MapState>().get(key);
}

std::vector<Value> MapView::get_all(std::string_view key) const {
  const Object* o = object();
  const auto* e = o == nullptr ? nullptr : o->as<MapState>().find(key);
  return e == nullptr ? std::vector<Value>{} : e->values();
}

std::map<std::string, Value> MapView::entries() const {
  const Object* o = object();
  return o == nullptr ? std::map<std::string, Value>{} : o->as<MapState>().visible();
}

bool MapView::contains(std::string_view key) const {
  const Object* o = object();
  return o != nullptr && o->as<MapState>().find(key) != nullptr;
}

ObjectId MapView::child(std::string_view key, ObjectKind a, ObjectKind b) const {
  auto v = get(key);
  if (!v) throw std::out_of_range("weft::MapView: no value under \"" + std::string(key) + "\"");
  return nested_id(*v, a, b);
}

MapView MapView::map(std::string_view key) const {
  return {*doc_, child(key, ObjectKind::map, ObjectKind::map)};
}
TextView MapView::text(std::string_view key) const {
  return {*doc_, child(key, ObjectKind::text, ObjectKind::text)};
}
ListView MapView::list(std::string_view key) const {
  return {*doc_, child(key, ObjectKind::list, ObjectKind::list)};
}
CounterView MapView::counter(std::string_view key) const {
  return {*doc_, child(key, ObjectKind::counter, ObjectKind::counter)};
}
RegisterView MapView::register_at(std::string_view key) const {
  return {*doc_, child(key, ObjectKind::lww_register, ObjectKind::mv_register)};
}
SetView MapView::set(std::string_view key) const {
  return {*doc_, child(key, ObjectKind::set, ObjectKind::set)};
}

// --- TextView ---
TextView::TextView(const Doc& doc, ObjectId id)
    : ObjectView(doc, std::move(id), ObjectKind::text, ObjectKind::text) {}

std::string TextView::to_string() const {
  const Object* o = object();
  return o == nullptr ? std::string() : o->as<TextState>().text();
}

std::size_t TextView::size(PositionUnit unit) const {
  const Object* o = object();
  return o == nullptr ? 0 : o->as<TextState>().size(static_cast<unsigned>(unit));
}

namespace {

// Anchors in an untouched sequence: only the gap at 0 exists.
Anchor anchor_in_nothing(std::size_t pos, Bias bias) {
  if (pos != 0) throw std::out_of_range("weft::Doc::anchor: position past the end");
  return bias == Bias::left ? Anchor::start() : Anchor::end();
}

result<std::size_t> resolve_in_nothing(const Anchor& anchor) {
  if (anchor.kind == Anchor::Kind::element) return errc::unknown_dot;
  return std::size_t{0};
}

template <class State>
result<std::size_t> resolve_in(const State& s, const Anchor& anchor, unsigned unit) {
  auto r = s.engine().resolve(anchor, unit);
  if (!r) return r.error();
  return static_cast<std::size_t>(*r);
}

}  // namespace

Anchor TextView::anchor(std::size_t pos, PositionUnit unit, Bias bias) const {
  const Object* o = object();
  if (o == nullptr) return anchor_in_nothing(pos, bias);
  return o->as<TextState>().engine().anchor_at(static_cast<unsigned>(unit), pos, bias);
}

result<std::size_t> TextView::resolve_anchor(const Anchor& anchor, PositionUnit unit) const {
  const Object* o = object();
  if (o == nullptr) return resolve_in_nothing(anchor);
  return resolve_in(o->as<TextState>(), anchor, static_cast<unsigned>(unit));
}

// --- ListView ---
ListView::ListView(const Doc& doc, ObjectId id)
    : ObjectView(doc, std::move(id), ObjectKind::list, ObjectKind::list) {}

std::vector<Value> ListView::values() const {
  const Object* o = object();
  return o == nullptr ? std::vector<Value>{} : o->as<ListState>().values();
}

std::size_t ListView::size() const {
  const Object* o = object();
  return o == nullptr ? 0 : static_cast<std::size_t>(o->as<ListState>().size(0));
}

Value ListView::at(std::size_t i) const {
  if (i >= size()) throw std::out_of_range("weft::ListView::at: index past the end");
  const auto [arena, off] = object()->as<ListState>().engine().element(i);
  return (*arena)[off];
}

Anchor ListView::anchor(std::size_t pos, Bias bias) const {
  const Object* o = object();
  if (o == nullptr) return anchor_in_nothing(pos, bias);
  return o->as<ListState>().engine().anchor_at(0, pos, bias);
}

result<std::size_t> ListView::resolve_anchor(const Anchor& anchor) const {
  const Object* o = object();
  if (o == nullptr) return resolve_in_nothing(anchor);
  return resolve_in(o->as<ListState>(), anchor, 0);
}

ObjectId ListView::child(std::size_t i, ObjectKind a, ObjectKind b) const {
  return nested_id(at(i), a, b);
}

MapView ListView::map(std::size_t i) const {
  return {*doc_, child(i, ObjectKind::map, ObjectKind::map)};
}
TextView ListView::text(std::size_t i) const {
  return {*doc_, child(i, ObjectKind::text, ObjectKind::text)};
}
ListView ListView::list(std::size_t i) const {
  return {*doc_, child(i, ObjectKind::list, ObjectKind::list)};
}
CounterView ListView::counter(std::size_t i) const {
  return {*doc_, child(i, ObjectKind::counter, ObjectKind::counter)};
}
RegisterView ListView::register_at(std::size_t i) const {
  return {*doc_, child(i, ObjectKind::lww_register, ObjectKind::mv_register)};
}
SetView ListView::set(std::size_t i) const {
  return {*doc_, child(i, ObjectKind::set, ObjectKind::set)};
}

// --- CounterView ---
CounterView::CounterView(const Doc& doc, ObjectId id)
    : ObjectView(doc, std::move(id), ObjectKind::counter, ObjectKind::counter) {}

std::int64_t CounterView::value() const {
  const Object* o = object();
  return o == nullptr ? 0 : o->as<CounterState>().value();
}

// --- RegisterView ---
RegisterView::RegisterView(const Doc& doc, ObjectId id)
    : ObjectView(doc, std::move(id), ObjectKind::lww_register, ObjectKind::mv_register) {}

std::optional<Value> RegisterView::value() const {
  const Object* o = object();
  return o == nullptr ? std::nullopt : o->as<RegisterState>().entries().winner();
}

std::vector<Value> RegisterView::values() const {
  const Object* o = object();
  return o == nullptr ? std::vector<Value>{} : o->as<RegisterState>().entries().values();
}

// --- SetView ---
SetView::SetView(const Doc& doc, ObjectId id)
    : ObjectView(doc, std::move(id), ObjectKind::set, ObjectKind::set) {}

std::vector<Value> SetView::values() const {
  const Object* o = object();
  return o == nullptr ? std::vector<Value>{} : o->as<SetState>().values();
}

bool SetView::contains(const Value& value) const {
  const Object* o = object();
  return o != nullptr && o->as<SetState>().contains(value);
}

// --- Doc: views by root name or id ---
MapView Doc::map(std::string_view root) const {
  return {*this, ObjectId::named(std::string(root), ObjectKind::map)};
}
MapView Doc::map(const ObjectId& id) const {
  return {*this, id};
}
TextView Doc::text(std::string_view root) const {
  return {*this, ObjectId::named(std::string(root), ObjectKind::text)};
}
TextView Doc::text(const ObjectId& id) const {
  return {*this, id};
}
ListView Doc::list(std::string_view root) const {
  return {*this, ObjectId::named(std::string(root), ObjectKind::list)};
}
ListView Doc::list(const ObjectId& id) const {
  return {*this, id};
}
CounterView Doc::counter(std::string_view root) const {
  return {*this, ObjectId::named(std::string(root), ObjectKind::counter)};
}
CounterView Doc::counter(const ObjectId& id) const {
  return {*this, id};
}
RegisterView Doc::lww_register(std::string_view root) const {
  return {*this, ObjectId::named(std::string(root), ObjectKind::lww_register)};
}
RegisterView Doc::mv_register(std::string_view root) const {
  return {*this, ObjectId::named(std::string(root), ObjectKind::mv_register)};
}
RegisterView Doc::register_at(const ObjectId& id) const {
  return {*this, id};
}
SetView Doc::set(std::string_view root) const {
  return {*this, ObjectId::named(std::string(root), ObjectKind::set)};
}
SetView Doc::set(const ObjectId& id) const {
  return {*this, id};
}

bool Doc::contains(const ObjectId& id) const {
  return id.is_root() || impl_->find(id) != nullptr;
}

}  // namespace weft

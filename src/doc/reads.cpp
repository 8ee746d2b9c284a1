// Doc's read accessors.
#include <stdexcept>

#include "doc_impl.hpp"

namespace weft {
namespace {

using detail::doc::Object;

// The object `id` names (nullptr: an untouched root or unknown nested object).
// Throws std::invalid_argument for a kind other than a or b, or a root name
// that exists only as another kind.
const Object* object_of(const detail::doc::DocImpl& m, const ObjectId& id, ObjectKind a,
                        ObjectKind b) {
  if (id.kind != a && id.kind != b) throw std::invalid_argument("weft::Doc: wrong object kind");
  const Object* o = m.find(id);
  if (o == nullptr) m.check_root_kind(id);
  return o;
}

}  // namespace

std::optional<Value> Doc::map_get(const ObjectId& map, std::string_view key) const {
  const auto* o = object_of(*impl_, map, ObjectKind::map, ObjectKind::map);
  return o == nullptr ? std::nullopt : o->as<detail::doc::MapState>().get(key);
}

std::vector<Value> Doc::map_get_all(const ObjectId& map, std::string_view key) const {
  const auto* o = object_of(*impl_, map, ObjectKind::map, ObjectKind::map);
  const auto* e = o == nullptr ? nullptr : o->as<detail::doc::MapState>().find(key);
  return e == nullptr ? std::vector<Value>{} : e->values();
}

std::map<std::string, Value> Doc::map_entries(const ObjectId& map) const {
  const auto* o = object_of(*impl_, map, ObjectKind::map, ObjectKind::map);
  return o == nullptr ? std::map<std::string, Value>{} : o->as<detail::doc::MapState>().visible();
}

std::string Doc::text(const ObjectId& text) const {
  const auto* o = object_of(*impl_, text, ObjectKind::text, ObjectKind::text);
  return o == nullptr ? std::string() : o->as<detail::doc::TextState>().text();
}

std::size_t Doc::text_size(const ObjectId& text, PositionUnit unit) const {
  const auto* o = object_of(*impl_, text, ObjectKind::text, ObjectKind::text);
  return o == nullptr ? 0 : o->as<detail::doc::TextState>().size(static_cast<unsigned>(unit));
}

Anchor Doc::anchor(const ObjectId& sequence, std::size_t pos, PositionUnit unit, Bias bias) const {
  const auto* o = object_of(*impl_, sequence, ObjectKind::text, ObjectKind::list);
  if (o == nullptr) {
    if (pos != 0) throw std::out_of_range("weft::Doc::anchor: position past the end");
    return bias == Bias::left ? Anchor::start() : Anchor::end();
  }
  if (o->kind() == ObjectKind::text) {
    return o->as<detail::doc::TextState>().engine().anchor_at(static_cast<unsigned>(unit), pos,
                                                              bias);
  }
  return o->as<detail::doc::ListState>().engine().anchor_at(0, pos, bias);
}

result<std::size_t> Doc::resolve_anchor(const ObjectId& sequence, const Anchor& anchor,
                                        PositionUnit unit) const {
  const auto* o = object_of(*impl_, sequence, ObjectKind::text, ObjectKind::list);
  if (o == nullptr) {
    if (anchor.kind == Anchor::Kind::element) return errc::unknown_dot;
    return std::size_t{0};
  }
  auto r =
      o->kind() == ObjectKind::text
          ? o->as<detail::doc::TextState>().engine().resolve(anchor, static_cast<unsigned>(unit))
          : o->as<detail::doc::ListState>().engine().resolve(anchor, 0);
  if (!r) return r.error();
  return static_cast<std::size_t>(*r);
}

std::vector<Value> Doc::list(const ObjectId& list) const {
  const auto* o = object_of(*impl_, list, ObjectKind::list, ObjectKind::list);
  return o == nullptr ? std::vector<Value>{} : o->as<detail::doc::ListState>().values();
}

std::int64_t Doc::counter(const ObjectId& counter) const {
  const auto* o = object_of(*impl_, counter, ObjectKind::counter, ObjectKind::counter);
  return o == nullptr ? 0 : o->as<detail::doc::CounterState>().value();
}

std::optional<Value> Doc::register_value(const ObjectId& reg) const {
  const auto* o = object_of(*impl_, reg, ObjectKind::lww_register, ObjectKind::mv_register);
  return o == nullptr ? std::nullopt : o->as<detail::doc::RegisterState>().entries().winner();
}

std::vector<Value> Doc::register_values(const ObjectId& reg) const {
  const auto* o = object_of(*impl_, reg, ObjectKind::lww_register, ObjectKind::mv_register);
  return o == nullptr ? std::vector<Value>{}
                      : o->as<detail::doc::RegisterState>().entries().values();
}

std::vector<Value> Doc::set_values(const ObjectId& set) const {
  const auto* o = object_of(*impl_, set, ObjectKind::set, ObjectKind::set);
  return o == nullptr ? std::vector<Value>{} : o->as<detail::doc::SetState>().values();
}

bool Doc::set_contains(const ObjectId& set, const Value& value) const {
  const auto* o = object_of(*impl_, set, ObjectKind::set, ObjectKind::set);
  return o != nullptr && o->as<detail::doc::SetState>().contains(value);
}

bool Doc::contains(const ObjectId& id) const {
  return id.is_root() || impl_->find(id) != nullptr;
}

}  // namespace weft

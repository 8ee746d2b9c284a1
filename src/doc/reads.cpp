// Doc's read accessors.
#include <stdexcept>

#include "doc_impl.hpp"

namespace weft {
namespace {

const detail::doc::Object* object_of(const detail::doc::DocImpl& m, const ObjectId& id,
                                     ObjectKind a, ObjectKind b) {
  if (id.kind != a && id.kind != b) throw std::invalid_argument("weft::Doc: wrong object kind");
  return m.find(id);
}

}  // namespace

std::optional<Value> Doc::map_get(const ObjectId& map, std::string_view key) const {
  const auto* o = object_of(*impl_, map, ObjectKind::map, ObjectKind::map);
  if (o == nullptr) return std::nullopt;
  auto it = o->map.find(key);
  if (it == o->map.end()) return std::nullopt;
  return detail::doc::lww_of(it->second);
}

std::vector<Value> Doc::map_get_all(const ObjectId& map, std::string_view key) const {
  std::vector<Value> out;
  const auto* o = object_of(*impl_, map, ObjectKind::map, ObjectKind::map);
  if (o == nullptr) return out;
  auto it = o->map.find(key);
  if (it == o->map.end()) return out;
  for (const auto& e : it->second) out.push_back(e.value);
  return out;
}

std::map<std::string, Value> Doc::map_entries(const ObjectId& map) const {
  (void)object_of(*impl_, map, ObjectKind::map, ObjectKind::map);
  return impl_->view(map).map;
}

std::string Doc::text(const ObjectId& text) const {
  const auto* o = object_of(*impl_, text, ObjectKind::text, ObjectKind::text);
  return o == nullptr ? std::string() : o->text->to_string();
}

std::size_t Doc::text_size(const ObjectId& text, PositionUnit unit) const {
  const auto* o = object_of(*impl_, text, ObjectKind::text, ObjectKind::text);
  return o == nullptr ? 0 : o->text->size(unit);
}

Anchor Doc::anchor(const ObjectId& sequence, std::size_t pos, PositionUnit unit, Bias bias) const {
  const auto* o = object_of(*impl_, sequence, ObjectKind::text, ObjectKind::list);
  if (o == nullptr) {
    if (pos != 0) throw std::out_of_range("weft::Doc::anchor: position past the end");
    return bias == Bias::left ? Anchor::start() : Anchor::end();
  }
  return o->text ? o->text->anchor_at(pos, unit, bias) : o->list->anchor_at(pos, bias);
}

result<std::size_t> Doc::resolve_anchor(const ObjectId& sequence, const Anchor& anchor,
                                        PositionUnit unit) const {
  const auto* o = object_of(*impl_, sequence, ObjectKind::text, ObjectKind::list);
  if (o == nullptr) {
    if (anchor.kind == Anchor::Kind::element) return errc::unknown_dot;
    return std::size_t{0};
  }
  return o->text ? o->text->resolve(anchor, unit) : o->list->resolve(anchor);
}

std::vector<Value> Doc::list(const ObjectId& list) const {
  const auto* o = object_of(*impl_, list, ObjectKind::list, ObjectKind::list);
  return o == nullptr ? std::vector<Value>{} : o->list->values();
}

std::int64_t Doc::counter(const ObjectId& counter) const {
  const auto* o = object_of(*impl_, counter, ObjectKind::counter, ObjectKind::counter);
  return o == nullptr ? 0 : static_cast<std::int64_t>(o->counter);
}

std::optional<Value> Doc::register_value(const ObjectId& reg) const {
  const auto* o = object_of(*impl_, reg, ObjectKind::lww_register, ObjectKind::mv_register);
  if (o == nullptr) return std::nullopt;
  return detail::doc::lww_of(o->reg);
}

std::vector<Value> Doc::register_values(const ObjectId& reg) const {
  std::vector<Value> out;
  const auto* o = object_of(*impl_, reg, ObjectKind::lww_register, ObjectKind::mv_register);
  if (o == nullptr) return out;
  for (const auto& e : o->reg) out.push_back(e.value);
  return out;
}

std::vector<Value> Doc::set_values(const ObjectId& set) const {
  (void)object_of(*impl_, set, ObjectKind::set, ObjectKind::set);
  return impl_->view(set).values;
}

bool Doc::set_contains(const ObjectId& set, const Value& value) const {
  const auto* o = object_of(*impl_, set, ObjectKind::set, ObjectKind::set);
  return o != nullptr && o->set.contains(detail::doc::set_key(value));
}

bool Doc::contains(const ObjectId& id) const {
  return id.is_root() || impl_->find(id) != nullptr;
}

}  // namespace weft

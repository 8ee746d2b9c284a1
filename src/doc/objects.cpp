// Object state: how each op kind changes its object, and the views read from it.
#include <algorithm>

#include "doc_impl.hpp"

namespace weft::detail::doc {

Object::Object(ObjectKind k, std::optional<ObjectId> p, ReplicaId replica)
    : kind(k), parent(std::move(p)) {
  if (k == ObjectKind::text) text = std::make_unique<Text>(replica);
  if (k == ObjectKind::list) list = std::make_unique<List<Value>>(replica);
}

const Object* DocImpl::find(const ObjectId& id) const {
  auto it = objects.find(id);
  return it == objects.end() ? nullptr : &it->second;
}

Object* DocImpl::target(const ObjectId& id) {
  auto it = objects.find(id);
  if (it != objects.end()) return &it->second;
  if (!id.is_root()) return nullptr;
  return &objects.emplace(id, Object(id.kind, std::nullopt, replica)).first->second;
}

void DocImpl::create(const ObjectId& parent, const Dot& dot, ObjectKind kind) {
  objects.try_emplace(ObjectId{{}, dot, kind}, kind, parent, replica);
}

std::optional<Value> lww_of(const std::vector<Entry>& entries) {
  const Entry* best = nullptr;
  for (const Entry& e : entries) {
    if (best == nullptr || std::tie(e.lamport, e.dot) > std::tie(best->lamport, best->dot)) {
      best = &e;
    }
  }
  if (best == nullptr) return std::nullopt;
  return best->value;
}

void insert_sorted(std::vector<Entry>& entries, Entry e) {
  auto it = std::lower_bound(entries.begin(), entries.end(), e.dot,
                             [](const Entry& a, const Dot& d) { return a.dot < d; });
  if (it != entries.end() && it->dot == e.dot) return;
  entries.insert(it, std::move(e));
}

void drop_superseded(std::vector<Entry>& entries, const std::vector<Dot>& dots) {
  std::erase_if(
      entries, [&](const Entry& e) { return std::binary_search(dots.begin(), dots.end(), e.dot); });
}

void DocImpl::apply_op(const Op& op, const Dot& dot, std::uint64_t stamp) {
  Object* o = target(op.target);
  // Only a malformed (not merely reordered) history can name an unknown or
  // mistyped object: such an op is skipped, the same way on every replica.
  if (o == nullptr || o->kind != op.target.kind) return;
  touch(op.target);
  switch (op.kind) {
    case OpKind::map_set: {
      auto& entries = o->map[op.key];
      drop_superseded(entries, op.supersedes);
      insert_sorted(entries, Entry{dot, stamp, op.value});
      break;
    }
    case OpKind::map_remove: {
      auto it = o->map.find(op.key);
      if (it == o->map.end()) break;
      drop_superseded(it->second, op.supersedes);
      if (it->second.empty()) o->map.erase(it);
      break;
    }
    case OpKind::seq_edit:
      // Delivery is causal, so the engine integrates everything at once; a
      // failure can only come from a hostile peer and leaves the engine as it was.
      if (o->text) {
        (void)o->text->apply(op.engine);
      } else {
        (void)o->list->apply(op.engine);
      }
      break;
    case OpKind::counter_add:
      o->counter += static_cast<std::uint64_t>(op.delta);
      break;
    case OpKind::reg_set:
      drop_superseded(o->reg, op.supersedes);
      insert_sorted(o->reg, Entry{dot, stamp, op.value});
      break;
    case OpKind::set_add: {
      auto& elem = o->set[set_key(op.value)];
      elem.value = op.value;
      auto it = std::lower_bound(elem.tags.begin(), elem.tags.end(), dot);
      if (it == elem.tags.end() || *it != dot) elem.tags.insert(it, dot);
      break;
    }
    case OpKind::set_remove: {
      auto it = o->set.find(set_key(op.value));
      if (it == o->set.end()) break;
      std::erase_if(it->second.tags, [&](const Dot& d) {
        return std::binary_search(op.supersedes.begin(), op.supersedes.end(), d);
      });
      if (it->second.tags.empty()) o->set.erase(it);
      break;
    }
  }
  if (op.creates) create(op.target, dot, *op.creates);
}

View DocImpl::view(const ObjectId& id) const {
  View v;
  const Object* o = find(id);
  if (o == nullptr) return v;
  switch (o->kind) {
    case ObjectKind::map:
      for (const auto& [key, entries] : o->map) {
        if (auto w = lww_of(entries)) v.map.emplace(key, std::move(*w));
      }
      break;
    case ObjectKind::list:
      v.values = o->list->values();
      break;
    case ObjectKind::text:
      v.text = o->text->to_string();
      break;
    case ObjectKind::counter:
      v.counter = static_cast<std::int64_t>(o->counter);
      break;
    case ObjectKind::lww_register:
      if (auto w = lww_of(o->reg)) v.values.push_back(std::move(*w));
      break;
    case ObjectKind::mv_register:
      for (const Entry& e : o->reg) v.values.push_back(e.value);
      break;
    case ObjectKind::set:
      for (const auto& [enc, elem] : o->set) v.values.push_back(elem.value);
      break;
  }
  return v;
}

namespace {

struct Fnv {
  std::uint64_t h = 1469598103934665603ull;
  void byte(std::uint8_t b) { h = (h ^ b) * 1099511628211ull; }
  void u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) byte(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void str(std::span<const std::uint8_t> s) {
    u64(s.size());
    for (auto c : s) byte(c);
  }
  void str(std::string_view s) {
    str(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
  }
  void dot(const Dot& d) { u64(d.replica.value()), u64(d.counter); }
  void entries(const std::vector<Entry>& es) {
    u64(es.size());
    for (const Entry& e : es) dot(e.dot), u64(e.lamport), str(e.value.encoded());
  }
};

}  // namespace

std::uint64_t DocImpl::digest() const {
  Fnv f;
  for (const auto& [id, o] : objects) {
    // Visible content only: an empty object hashes like an absent one (roots
    // come into being on first touch, which may differ between replicas).
    if (o.map.empty() && o.reg.empty() && o.set.empty() && o.counter == 0 &&
        (!o.text || o.text->size() == 0) && (!o.list || o.list->size() == 0)) {
      continue;
    }
    f.str(id.root);
    f.dot(id.dot);
    f.byte(static_cast<std::uint8_t>(id.kind));
    switch (o.kind) {
      case ObjectKind::map:
        for (const auto& [key, entries] : o.map) f.str(key), f.entries(entries);
        break;
      case ObjectKind::list:
        for (const Value& v : o.list->values()) f.str(v.encoded());
        break;
      case ObjectKind::text:
        f.str(o.text->to_string());
        break;
      case ObjectKind::counter:
        f.u64(o.counter);
        break;
      case ObjectKind::lww_register:
      case ObjectKind::mv_register:
        f.entries(o.reg);
        break;
      case ObjectKind::set:
        for (const auto& [enc, elem] : o.set) {
          f.str(enc);
          for (const Dot& d : elem.tags) f.dot(d);
        }
        break;
    }
  }
  return f.h;
}

}  // namespace weft::detail::doc

// Objects: lookup, creation, validation of remote ops against them, and how
// each op reaches its object's state.
#include <algorithm>
#include <stdexcept>

#include "doc_impl.hpp"

namespace weft::detail::doc {
namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;  // clang 16 does not deduce aggregates

// The object an op creates through a value that refers to the op's own element.
std::optional<ObjectKind> created_kind(const Value& v, const Dot& self) {
  if (v.is<ObjectRef>() && v.as<ObjectRef>().id == self) return v.as<ObjectRef>().kind;
  return std::nullopt;
}

}  // namespace

const Object* DocImpl::find(const ObjectId& id) const {
  if (last_id_ != nullptr && *last_id_ == id) return last_object_;
  auto it = objects_.find(id);
  if (it == objects_.end()) return nullptr;
  last_id_ = &it->first;
  last_object_ = &it->second;
  return last_object_;
}

void DocImpl::check_root_kind(const ObjectId& id) const {
  if (!id.is_root() || find(id) != nullptr) return;
  // Roots sort by name first: the objects of this name are adjacent.
  auto it = objects_.lower_bound(ObjectId{id.root, Dot{}, ObjectKind::map});
  if (it != objects_.end() && it->first.is_root() && it->first.root == id.root) {
    throw std::invalid_argument("weft::Doc: root \"" + id.root + "\" is another kind of object");
  }
}

Object* DocImpl::target(const ObjectId& id) {
  // Const only for lookups: every object is in objects_, which this owns.
  if (const Object* o = find(id)) return const_cast<Object*>(o);
  if (!id.is_root()) return nullptr;
  return &objects_.try_emplace(id, id.kind, std::nullopt, replica_).first->second;
}

Object& DocImpl::local_target(const ObjectId& id) {
  if (id.is_root()) check_root_kind(id);
  Object* o = target(id);
  if (o == nullptr) throw std::invalid_argument("weft::Doc: unknown nested object");
  return *o;
}

void DocImpl::create(const ObjectId& parent, const Dot& dot, ObjectKind kind,
                     std::string_view key) {
  auto [it, fresh] = objects_.try_emplace(ObjectId{{}, dot, kind}, kind, parent, replica_);
  if (fresh && !key.empty()) it->second.set_key_in_parent(std::string(key));
}

void DocImpl::apply_op(const Op& op, const Dot& dot, std::uint64_t lamport) {
  Object& o = *target(op.target);  // validated: it exists
  touch(op.target, o, dot.replica);
  std::optional<ObjectKind> creates;
  std::string_view key;  // the map key holding what it creates
  std::visit(Overloaded{
                 [&](const MapSet& b) {
                   o.as<MapState>().apply(b, dot, lamport);
                   creates = created_kind(b.value, dot);
                   key = b.key;
                 },
                 [&](const MapRemove& b) { o.as<MapState>().apply(b); },
                 [&](const TextInsert& b) { o.as<TextState>().apply(b, dot); },
                 [&](const ListInsert& b) {
                   o.as<ListState>().apply(b, dot);
                   for (std::size_t i = 0; i < b.values.size(); ++i) {
                     const Dot self{dot.replica, dot.counter + i};
                     if (auto k = created_kind(b.values[i], self)) create(op.target, self, *k);
                   }
                 },
                 [&](const SeqDelete& b) {
                   if (o.kind() == ObjectKind::text) {
                     o.as<TextState>().apply(b, dot);
                   } else {
                     o.as<ListState>().apply(b, dot);
                   }
                 },
                 [&](const CounterAdd& b) { o.as<CounterState>().apply(b); },
                 [&](const RegisterSet& b) {
                   o.as<RegisterState>().apply(b, dot, lamport);
                   creates = created_kind(b.value, dot);
                 },
                 [&](const SetAdd& b) { o.as<SetState>().apply(b, dot); },
                 [&](const SetRemove& b) { o.as<SetState>().apply(b); },
             },
             op.body);
  if (creates) create(op.target, dot, *creates, key);
}

result<void> DocImpl::validate(const TxRecord& rec, Overlay& overlay, bool last) const {
  static const DotSet kNone;
  std::uint64_t counter = rec.first;
  for (std::size_t at = 0; at < rec.ops.size(); ++at) {
    const Op& op = rec.ops[at];
    const Dot dot{rec.replica, counter};
    counter += op.width();
    const Object* o = find(op.target);
    if (o == nullptr && !op.target.is_root()) {
      if (!overlay.created.contains(op.target)) return errc::causality_violation;  // no object
    }
    auto seen = overlay.elements.find(op.target);
    const DotSet& mine = seen == overlay.elements.end() ? kNone : seen->second;
    // What this op inserts, for the ops validated after it (none after the last).
    auto inserts = [&](std::uint64_t n) {
      if (last && at + 1 == rec.ops.size()) return;
      overlay.elements[op.target].insert(rec.replica, dot.counter, dot.counter + n - 1);
    };
    auto creates = [&](const Value& v, const Dot& self) {
      if (auto k = created_kind(v, self)) overlay.created.insert(ObjectId{{}, self, *k});
    };
    bool ok = true;
    std::visit(Overloaded{
                   [&](const MapSet& b) { creates(b.value, dot); },
                   [&](const RegisterSet& b) { creates(b.value, dot); },
                   [&](const TextInsert& b) {
                     ok = o == nullptr ? (b.left.is_nil() || mine.contains(b.left)) &&
                                             (b.right.is_nil() || mine.contains(b.right))
                                       : o->as<TextState>().can_apply(b, mine, rec.replica);
                     inserts(b.len);
                   },
                   [&](const ListInsert& b) {
                     ok = o == nullptr ? (b.left.is_nil() || mine.contains(b.left)) &&
                                             (b.right.is_nil() || mine.contains(b.right))
                                       : o->as<ListState>().can_apply(b, mine, rec.replica);
                     inserts(b.values.size());
                     for (std::size_t i = 0; i < b.values.size(); ++i) {
                       creates(b.values[i], Dot{dot.replica, dot.counter + i});
                     }
                   },
                   [&](const SeqDelete& b) {
                     if (o == nullptr) {
                       const std::uint64_t lo =
                           b.backward ? b.target.counter - (b.len - 1) : b.target.counter;
                       for (std::uint64_t c = lo; c < lo + b.len && ok; ++c) {
                         ok = mine.contains(Dot{b.target.replica, c});
                       }
                     } else if (o->kind() == ObjectKind::text) {
                       ok = o->as<TextState>().can_apply(b, mine);
                     } else {
                       ok = o->as<ListState>().can_apply(b, mine);
                     }
                   },
                   [](const auto&) {},
               },
               op.body);
    if (!ok) return errc::causality_violation;
  }
  return {};
}

void DocImpl::integrate(const TxRecord& rec, std::span<const std::uint8_t> bytes) {
  std::uint64_t counter = rec.first;
  for (const Op& op : rec.ops) {
    apply_op(op, Dot{rec.replica, counter}, rec.lamport_of(counter));
    counter += op.width();
  }
  sv_.advance(rec.replica, rec.last());
  if (rec.replica != replica_) advanced_.note(rec.replica);
  max_lamport_ = std::max(max_lamport_, rec.lamport_of(rec.last()));
  log_.append(rec, bytes);
}

std::uint64_t DocImpl::digest() const {
  Fnv f;
  for (const auto& [id, o] : objects_) {
    // Visible content only: an empty object hashes like an absent one (roots
    // come into being on first touch, which may differ between replicas).
    if (o.empty()) continue;
    f.str(id.root);
    f.dot(id.dot);
    f.byte(static_cast<std::uint8_t>(id.kind));
    o.digest(f);
  }
  return f.h;
}

}  // namespace weft::detail::doc

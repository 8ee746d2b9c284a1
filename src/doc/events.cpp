// Change events: capture each touched object's view before a batch, compare
// with the view after it, and hand the differences to the observers.
#include <algorithm>
#include <array>

#include "doc_impl.hpp"

namespace weft {

void Subscription::reset() noexcept {
  if (auto reg = registry_.lock(); reg && id_ != 0) reg->entries.erase(id_);
  registry_.reset();
  id_ = 0;
}

namespace detail::doc {
namespace {

bool continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

std::uint64_t units(std::string_view s, PositionUnit unit) {
  if (unit == PositionUnit::utf8) return s.size();
  std::uint64_t n = 0;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (!continuation(ch)) ++n;
    if (unit == PositionUnit::utf16 && c >= 0xF0) ++n;  // surrogate pair
  }
  return n;
}

void push(std::vector<SequenceDelta>& out, SequenceDelta::Kind kind, std::uint64_t length) {
  if (length == 0) return;
  SequenceDelta d;
  d.kind = kind;
  d.length = length;
  out.push_back(std::move(d));
}

std::vector<SequenceDelta> text_delta(std::string_view a, std::string_view b, PositionUnit unit) {
  std::size_t p = 0;
  const std::size_t m = std::min(a.size(), b.size());
  while (p < m && a[p] == b[p]) ++p;
  // Back up to a character boundary in both strings.
  while (p > 0 && ((p < a.size() && continuation(a[p])) || (p < b.size() && continuation(b[p])))) {
    --p;
  }
  std::size_t s = 0;
  while (s < m - p && a[a.size() - 1 - s] == b[b.size() - 1 - s]) ++s;
  while (s > 0 && continuation(a[a.size() - s])) --s;
  std::vector<SequenceDelta> out;
  push(out, SequenceDelta::Kind::retain, units(a.substr(0, p), unit));
  push(out, SequenceDelta::Kind::erase, units(a.substr(p, a.size() - p - s), unit));
  const std::string_view ins = b.substr(p, b.size() - p - s);
  if (!ins.empty()) {
    push(out, SequenceDelta::Kind::insert, units(ins, unit));
    out.back().text = std::string(ins);
  }
  return out;
}

std::vector<SequenceDelta> list_delta(const std::vector<Value>& a, const std::vector<Value>& b) {
  std::size_t p = 0;
  const std::size_t m = std::min(a.size(), b.size());
  while (p < m && a[p] == b[p]) ++p;
  std::size_t s = 0;
  while (s < m - p && a[a.size() - 1 - s] == b[b.size() - 1 - s]) ++s;
  std::vector<SequenceDelta> out;
  push(out, SequenceDelta::Kind::retain, p);
  push(out, SequenceDelta::Kind::erase, a.size() - p - s);
  if (b.size() - p - s > 0) {
    push(out, SequenceDelta::Kind::insert, b.size() - p - s);
    out.back().values.assign(b.begin() + static_cast<std::ptrdiff_t>(p),
                             b.end() - static_cast<std::ptrdiff_t>(s));
  }
  return out;
}

// The event of one object, or nothing when its view did not change.
std::optional<ChangeEvent> make_event(const ObjectId& id, const View& before, const View& after,
                                      PositionUnit unit) {
  ChangeEvent e;
  e.object = id;
  switch (id.kind) {
    case ObjectKind::text:
      if (before.text == after.text) return std::nullopt;
      e.delta = text_delta(before.text, after.text, unit);
      break;
    case ObjectKind::list:
      if (before.values == after.values) return std::nullopt;
      e.delta = list_delta(before.values, after.values);
      break;
    case ObjectKind::map: {
      auto a = before.map.begin();
      auto b = after.map.begin();
      while (a != before.map.end() || b != after.map.end()) {
        KeyChange k;
        if (b == after.map.end() || (a != before.map.end() && a->first < b->first)) {
          k = {a->first, KeyChange::Kind::removed, a->second, std::nullopt};
          ++a;
        } else if (a == before.map.end() || b->first < a->first) {
          k = {b->first, KeyChange::Kind::added, std::nullopt, b->second};
          ++b;
        } else {
          const bool same = a->second == b->second;
          k = {a->first, KeyChange::Kind::updated, a->second, b->second};
          ++a, ++b;
          if (same) continue;
        }
        e.keys.push_back(std::move(k));
      }
      if (e.keys.empty()) return std::nullopt;
      break;
    }
    case ObjectKind::counter:
      if (before.counter == after.counter) return std::nullopt;
      e.counter_delta = static_cast<std::int64_t>(static_cast<std::uint64_t>(after.counter) -
                                                  static_cast<std::uint64_t>(before.counter));
      break;
    default:
      if (before.values == after.values) return std::nullopt;
      e.old_values = before.values;
      e.new_values = after.values;
      break;
  }
  return e;
}

}  // namespace

void DocImpl::begin_batch() {
  touched.clear();
  capture = !observers->entries.empty();
}

void DocImpl::touch(const ObjectId& id) {
  if (capture && !touched.contains(id)) touched.emplace(id, view(id));
}

void DocImpl::end_batch(const std::string& origin, bool local) {
  if (!capture) return;
  capture = false;
  auto changed = std::move(touched);
  touched.clear();
  if (changed.empty()) return;

  // Events per position unit, computed once for the units subscribers ask for.
  std::array<std::optional<std::vector<ChangeEvent>>, 3> by_unit;
  auto events_for = [&](PositionUnit unit) -> const std::vector<ChangeEvent>& {
    auto& slot = by_unit[static_cast<std::size_t>(unit)];
    if (!slot) {
      slot.emplace();
      for (const auto& [id, before] : changed) {
        if (auto e = make_event(id, before, view(id), unit)) {
          e->local = local;
          e->origin = origin;
          slot->push_back(std::move(*e));
        }
      }
    }
    return *slot;
  };
  auto below = [&](const ObjectId& id, const ObjectId& ancestor) {
    std::optional<ObjectId> at = id;
    for (std::size_t guard = 0; at && guard <= objects.size(); ++guard) {
      if (*at == ancestor) return true;
      const Object* o = find(*at);
      if (o == nullptr) return false;
      at = o->parent;
    }
    return false;
  };

  // Copy the ids and compute every event first: a callback may subscribe,
  // unsubscribe or edit the document again.
  std::vector<std::uint64_t> ids;
  for (const auto& [sid, entry] : observers->entries) {
    ids.push_back(sid);
    (void)events_for(entry.unit);
  }
  auto registry = observers;  // keeps the registry alive if a callback destroys the doc
  for (std::uint64_t sid : ids) {
    auto it = registry->entries.find(sid);
    if (it == registry->entries.end()) continue;
    const ObserverEntry entry = it->second;
    std::vector<ChangeEvent> mine;
    for (const ChangeEvent& e : events_for(entry.unit)) {
      if (e.object == entry.target || (entry.deep && below(e.object, entry.target))) {
        mine.push_back(e);
      }
    }
    if (mine.empty()) continue;
    try {
      entry.fn(mine);
    } catch (...) {
      ++observer_errors;  // swallowed: weft's state is already final
    }
  }
}

}  // namespace detail::doc
}  // namespace weft

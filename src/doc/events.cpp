// Change events: capture each touched object's view before a batch, compare
// with the view after it, and hand the differences to the observers.
#include <algorithm>
#include <array>

#include "doc_impl.hpp"
#include "sequence_diff.hpp"

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

// Appends a step, merging it into the previous one of the same kind.
SequenceDelta& push(std::vector<SequenceDelta>& out, SequenceDelta::Kind kind,
                    std::uint64_t length) {
  if (!out.empty() && out.back().kind == kind) {
    out.back().length += length;
  } else {
    SequenceDelta d;
    d.kind = kind;
    d.length = length;
    out.push_back(std::move(d));
  }
  return out.back();
}

// How many edits a precise diff may look for in a changed region of `size`
// elements: the search costs O(size * edits), kept to a few million steps.
std::size_t edit_budget(std::size_t size) {
  return std::min<std::size_t>(1024, 4'000'000 / (size + 1));
}

// Byte offsets of the characters of `s`, plus s.size() at the end.
std::vector<std::size_t> char_starts(std::string_view s) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!continuation(s[i])) out.push_back(i);
  }
  out.push_back(s.size());
  return out;
}

// The delta for a changed middle region: the shortest edit script when it is
// cheap enough to find, else one replaced span (still exact, only coarser).
void text_middle(std::vector<SequenceDelta>& out, std::string_view a, std::string_view b,
                 PositionUnit unit) {
  const auto ca = char_starts(a);
  const auto cb = char_starts(b);
  const std::size_t n = ca.size() - 1;
  const std::size_t m = cb.size() - 1;
  std::optional<std::vector<DiffStep>> steps;
  if (n != 0 && m != 0) {
    steps = shortest_edit(
        n, m,
        [&](std::size_t i, std::size_t j) {
          return a.substr(ca[i], ca[i + 1] - ca[i]) == b.substr(cb[j], cb[j + 1] - cb[j]);
        },
        edit_budget(n + m));
  }
  if (!steps)
    steps = std::vector<DiffStep>{{DiffStep::Kind::erase, n}, {DiffStep::Kind::insert, m}};
  std::size_t i = 0;
  std::size_t j = 0;
  for (const DiffStep& step : *steps) {
    if (step.count == 0) continue;
    switch (step.kind) {
      case DiffStep::Kind::keep:
        push(out, SequenceDelta::Kind::retain,
             units(a.substr(ca[i], ca[i + step.count] - ca[i]), unit));
        i += step.count;
        j += step.count;
        break;
      case DiffStep::Kind::erase:
        push(out, SequenceDelta::Kind::erase,
             units(a.substr(ca[i], ca[i + step.count] - ca[i]), unit));
        i += step.count;
        break;
      case DiffStep::Kind::insert: {
        const std::string_view ins = b.substr(cb[j], cb[j + step.count] - cb[j]);
        push(out, SequenceDelta::Kind::insert, units(ins, unit)).text += ins;
        j += step.count;
        break;
      }
    }
  }
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
  if (p != 0) push(out, SequenceDelta::Kind::retain, units(a.substr(0, p), unit));
  text_middle(out, a.substr(p, a.size() - p - s), b.substr(p, b.size() - p - s), unit);
  if (!out.empty() && out.back().kind == SequenceDelta::Kind::retain) out.pop_back();
  return out;
}

std::vector<SequenceDelta> list_delta(const std::vector<Value>& a, const std::vector<Value>& b) {
  std::size_t p = 0;
  const std::size_t m = std::min(a.size(), b.size());
  while (p < m && a[p] == b[p]) ++p;
  std::size_t s = 0;
  while (s < m - p && a[a.size() - 1 - s] == b[b.size() - 1 - s]) ++s;
  const std::size_t n_mid = a.size() - p - s;
  const std::size_t m_mid = b.size() - p - s;
  std::optional<std::vector<DiffStep>> steps;
  if (n_mid != 0 && m_mid != 0) {
    std::vector<Bytes> ea;
    std::vector<Bytes> eb;
    for (std::size_t i = 0; i < n_mid; ++i) ea.push_back(a[p + i].encoded());
    for (std::size_t j = 0; j < m_mid; ++j) eb.push_back(b[p + j].encoded());
    steps = shortest_edit(
        n_mid, m_mid, [&](std::size_t i, std::size_t j) { return ea[i] == eb[j]; },
        edit_budget(n_mid + m_mid));
  }
  if (!steps) {
    steps = std::vector<DiffStep>{{DiffStep::Kind::erase, n_mid}, {DiffStep::Kind::insert, m_mid}};
  }
  std::vector<SequenceDelta> out;
  if (p != 0) push(out, SequenceDelta::Kind::retain, p);
  std::size_t j = p;
  for (const DiffStep& step : *steps) {
    if (step.count == 0) continue;
    if (step.kind == DiffStep::Kind::insert) {
      auto& d = push(out, SequenceDelta::Kind::insert, step.count);
      d.values.insert(d.values.end(), b.begin() + static_cast<std::ptrdiff_t>(j),
                      b.begin() + static_cast<std::ptrdiff_t>(j + step.count));
    } else {
      push(out,
           step.kind == DiffStep::Kind::keep ? SequenceDelta::Kind::retain
                                             : SequenceDelta::Kind::erase,
           step.count);
    }
    if (step.kind != DiffStep::Kind::erase) j += step.count;
  }
  if (!out.empty() && out.back().kind == SequenceDelta::Kind::retain) out.pop_back();
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

// Change events: each object changed in a batch records what changed as it
// happens (sequences: the engine's exact steps; maps: the old value of each
// touched key; counters, registers, sets: their old view), and the batch ends
// by turning those records into events for each observer.
#include <algorithm>
#include <array>
#include <boost/container/small_vector.hpp>
#include <iterator>

#include "doc_impl.hpp"
#include "event_buffer.hpp"

namespace weft {

void Subscription::reset() noexcept {
  if (auto reg = registry_.lock(); reg && id_ != 0) reg->entries.erase(id_);
  registry_.reset();
  id_ = 0;
}

namespace detail::doc {
namespace {

// Appends a step, merging it into the previous one of the same kind.
SequenceDelta& push(std::vector<SequenceDelta>& out, SequenceDelta::Kind kind,
                    std::uint64_t length) {
  if (out.empty() || out.back().kind != kind) out.emplace_back().kind = kind;
  out.back().length += length;
  return out.back();
}

// Appends a sequence's steps to `out` as events in unit u: one event per run
// of steps whose positions move forward (one retain/insert/erase pass each); a
// step before the previous one's end starts a new event. Each event applies to
// the content the previous one produced. Built in place: a keystroke's event
// costs its delta, not copies of it.
template <class Step>
void append_sequence_events(EventBuffer& out, const ObjectId& id, const std::vector<Step>& steps,
                            unsigned u) {
  std::vector<SequenceDelta>* pass = nullptr;
  std::uint64_t cursor = 0;  // where the pass is in the content it produces
  for (const Step& s : steps) {
    const std::uint64_t at = s.before.w[u];
    const std::uint64_t len = s.size.w[u];
    if (len == 0) continue;
    if (pass == nullptr || at < cursor) {
      ChangeEvent& e = out.add();
      e.object = id;
      pass = &e.delta;
      pass->reserve(2);  // a keystroke's retain and insert: no allocation after the first batch
      cursor = 0;
    }
    if (at > cursor) push(*pass, SequenceDelta::Kind::retain, at - cursor);
    if (s.insert) {
      auto& d = push(*pass, SequenceDelta::Kind::insert, len);
      d.text += s.text;
      if (!s.values.empty()) d.values.insert(d.values.end(), s.values.begin(), s.values.end());
      cursor = at + len;
    } else {
      push(*pass, SequenceDelta::Kind::erase, len);
      cursor = at;
    }
  }
}

// Whether `id` lies below `ancestor`, memoised per subscriber so that a batch
// costs each subscriber at most one walk up per object (not one per event).
class Ancestry {
 public:
  Ancestry(const DocImpl& doc, ObjectId ancestor) : doc_(doc), ancestor_(std::move(ancestor)) {}
  bool below(const ObjectId& id) {
    std::vector<ObjectId> walked;
    bool result = false;
    std::optional<ObjectId> at = id;
    while (at) {
      if (*at == ancestor_) {
        result = true;
        break;
      }
      if (auto m = memo_.find(*at); m != memo_.end()) {
        result = m->second;
        break;
      }
      walked.push_back(*at);
      const Object* o = doc_.find(*at);
      at = o == nullptr ? std::nullopt : o->parent();
    }
    for (ObjectId& w : walked) memo_.emplace(std::move(w), result);
    return result;
  }

 private:
  const DocImpl& doc_;
  ObjectId ancestor_;
  std::map<ObjectId, bool> memo_;
};

}  // namespace

Subscription DocImpl::observe(const ObjectId& id, ObserverFn fn, PositionUnit unit, bool deep) {
  auto& reg = *observers_;
  const std::uint64_t sid = reg.next++;
  reg.entries.emplace(
      sid, ObserverEntry{id, deep, unit, std::make_shared<const ObserverFn>(std::move(fn))});
  return Subscription(observers_, sid);
}

void DocImpl::begin_batch() {
  touched_.clear();
  capture_ = !observers_->entries.empty();
}

void DocImpl::touch(const ObjectId& id, Object& o, ReplicaId author) {
  if (!capture_) return;
  if (!o.capturing()) {
    touched_.push_back(id);
    o.set_capture(true);
  }
  o.note_author(author);
}

PathStep DocImpl::step_into(const Object& parent, const Object& child,
                            const ObjectId& child_id) const {
  PathStep step;
  if (parent.kind() == ObjectKind::map) {
    step.kind = PathStep::Kind::key;
    step.key = child.key_in_parent();
  } else if (parent.kind() == ObjectKind::list) {
    step.kind = PathStep::Kind::index;
    // The element holding the child is the child's own dot.
    auto at =
        parent.as<ListState>().engine().resolve(Anchor::element(child_id.dot, Bias::right), 0);
    step.index = at ? *at : 0;
  } else {
    step.kind = PathStep::Kind::value;
  }
  return step;
}

const Located& DocImpl::where(const ObjectId& id, LocatedMemo& memo) const {
  // Up from `id` to an object this batch located already, or to a root.
  std::vector<const ObjectId*> below;  // objects to locate, from `id` up
  const ObjectId* at = &id;
  Located from;
  for (;;) {
    if (auto it = memo.find(*at); it != memo.end()) {
      from = it->second;
      break;
    }
    const Object* o = find(*at);
    if (o == nullptr || !o->parent()) {  // a root (objects are never destroyed)
      from = Located{*at, EventPath{}};
      memo.emplace(*at, from);
      break;
    }
    below.push_back(at);
    at = &*o->parent();
  }
  // Back down, one shared step per object: a chain costs one step per level.
  for (auto it = below.rbegin(); it != below.rend(); ++it) {
    const Object& child = *find(**it);
    from.path = EventPath::child(from.path, step_into(*find(*child.parent()), child, **it));
    memo.emplace(**it, from);
  }
  return memo.at(id);
}

void DocImpl::locate(const ObjectId& id, const Object& o, std::span<ChangeEvent> events,
                     LocatedMemo& memo) const {
  if (events.empty()) return;
  ChangeEvent& first = events.front();
  if (!o.parent()) {  // a root, as most edits are: no lookup, nothing shared
    first.root = id;
    first.path = EventPath{};
  } else {
    const Located& at = where(id, memo);
    first.root = at.root;
    first.path = at.path;
  }
  first.authors.assign(o.authors().begin(), o.authors().end());
  if (first.authors.size() > 1) std::sort(first.authors.begin(), first.authors.end());
  for (ChangeEvent& e : events.subspan(1)) {
    e.root = first.root;
    e.path = first.path;
    e.authors = first.authors;
  }
}

void DocImpl::end_batch(const std::string& origin, bool local) {
  if (!capture_) return;
  capture_ = false;
  std::vector<ObjectId> changed;
  changed.swap(touched_);  // callbacks may start batches of their own
  if (changed.empty()) return;

  // Parents before children: by depth, then in first-touch order.
  std::map<ObjectId, std::size_t> depth;
  auto depth_of = [&](const ObjectId& id) {
    std::vector<ObjectId> walked;
    std::size_t base = 0;  // the depth of walked.back(): 0 for a root
    std::optional<ObjectId> at = id;
    while (at) {
      if (auto it = depth.find(*at); it != depth.end()) {
        base = it->second + 1;
        break;
      }
      walked.push_back(*at);
      const Object* o = find(*at);
      at = o == nullptr ? std::nullopt : o->parent();
    }
    for (std::size_t i = 0; i < walked.size(); ++i) {
      depth.emplace(walked[i], base + (walked.size() - 1 - i));
    }
    return depth.at(id);
  };
  boost::container::small_vector<std::pair<std::size_t, std::size_t>, 4>
      order;  // (depth, touch index)
  for (std::size_t i = 0; i < changed.size(); ++i) {
    order.emplace_back(changed.size() == 1 ? 0 : depth_of(changed[i]), i);
  }
  if (order.size() > 1) std::stable_sort(order.begin(), order.end());

  // Events in every unit a subscriber asks for, each object's records taken
  // once, in the buffers of the previous batch (taken, since a callback may
  // start a batch of its own).
  std::array<EventBuffer, 3> by_unit;
  by_unit.swap(event_buffers_);
  LocatedMemo located;  // where each changed object is, its path shared by its children
  std::array<bool, 3> wanted{};
  for (const auto& [sid, entry] : observers_->entries)
    wanted[static_cast<unsigned>(entry.unit)] = true;
  for (const auto& [d, i] : order) {
    const ObjectId& id = changed[i];
    Object& o = *target(id);             // touched, so it exists
    std::array<std::size_t, 3> first{};  // where this object's events start, per unit
    for (unsigned u = 0; u < 3; ++u) first[u] = by_unit[u].size();
    auto add = [&](ChangeEvent e) {
      e.object = id;
      for (unsigned u = 0; u < 3; ++u) {
        if (wanted[u]) by_unit[u].add() = e;
      }
    };
    switch (o.kind()) {
      case ObjectKind::text:
      case ObjectKind::list: {
        auto steps_in = [&](const auto& steps) {
          for (unsigned u = 0; u < 3; ++u) {
            if (!wanted[u]) continue;
            append_sequence_events(by_unit[u], id, steps, u);
          }
        };
        if (o.kind() == ObjectKind::text) {
          steps_in(o.as<TextState>().steps());
        } else {
          steps_in(o.as<ListState>().steps());
        }
        break;
      }
      case ObjectKind::map: {
        ChangeEvent e;
        e.keys = o.as<MapState>().take_changes();
        if (!e.keys.empty()) add(std::move(e));
        break;
      }
      case ObjectKind::counter: {
        ChangeEvent e;
        e.counter_delta = o.as<CounterState>().take_change();
        if (e.counter_delta != 0) add(std::move(e));
        break;
      }
      case ObjectKind::lww_register:
      case ObjectKind::mv_register:
      case ObjectKind::set: {
        auto change = o.kind() == ObjectKind::set ? o.as<SetState>().take_change()
                                                  : o.as<RegisterState>().take_change();
        if (change) {
          ChangeEvent e;
          e.old_values = std::move(change->first);
          e.new_values = std::move(change->second);
          add(std::move(e));
        }
        break;
      }
    }
    for (unsigned u = 0; u < 3; ++u) {
      locate(id, o, by_unit[u].events().subspan(first[u]), located);
    }
    o.set_capture(false);
  }
  for (auto& buffer : by_unit) {
    for (ChangeEvent& e : buffer.events()) {
      e.local = local;
      e.origin = origin;
    }
  }

  // Copy the ids first: a callback may subscribe, unsubscribe or edit the
  // document again.
  boost::container::small_vector<std::uint64_t, 8> ids;
  for (const auto& [sid, entry] : observers_->entries) ids.push_back(sid);
  auto registry = observers_;  // keeps the registry alive if a callback destroys the doc
  for (std::uint64_t sid : ids) {
    auto it = registry->entries.find(sid);
    if (it == registry->entries.end()) continue;
    const ObjectId target = it->second.target;
    const bool deep = it->second.deep;
    const std::shared_ptr<const ObserverFn> fn = it->second.fn;
    const std::span<const ChangeEvent> all =
        by_unit[static_cast<unsigned>(it->second.unit)].events();
    std::optional<Ancestry> ancestry;
    if (deep) ancestry.emplace(*this, target);
    auto wanted_event = [&](const ChangeEvent& e) {
      return e.object == target || (ancestry && ancestry->below(e.object));
    };
    // Mostly a subscriber wants every event of the batch: no copy then.
    std::span<const ChangeEvent> mine = all;
    std::vector<ChangeEvent> some;
    if (!std::all_of(all.begin(), all.end(), wanted_event)) {
      std::copy_if(all.begin(), all.end(), std::back_inserter(some), wanted_event);
      mine = some;
    }
    if (mine.empty()) continue;
    try {
      (*fn)(mine);
    } catch (...) {
      ++observer_errors_;  // swallowed: weft's state is already final
    }
  }
  // The buffers back for the next batch, unless a callback's batch took them.
  if (touched_.empty()) {
    changed.clear();
    touched_.swap(changed);
  }
  // (A callback's own batch, if any, has ended and left its buffers there:
  // either set will do.)
  for (EventBuffer& b : by_unit) b.clear();
  by_unit.swap(event_buffers_);
}

}  // namespace detail::doc
}  // namespace weft

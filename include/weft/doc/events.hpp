#pragma once
// Change events of a weft::Doc, and the RAII handle of a subscription.
//
// Every commit and every apply_update that changes something produces one
// batch: one or more ChangeEvents per changed object, parents' before their
// children's. Each observer
// is called once per batch with the events it asked for (its object, or its
// object and everything nested below it for a deep subscription).
//
// What an event says:
//  - text / list: `delta`, retain/insert/erase steps in the subscriber's
//    PositionUnit (list: elements), reported by the sequence engine as each
//    insert or delete is integrated (O(log n) per change, no copy or diff of
//    the content). One event per forward run of changes: a change before the
//    end of the previous one starts a new event for the same object, which
//    applies to the content the previous event produced. Several edits in one
//    batch are several exact steps, local or remote;
//  - map: `keys`, each key whose visible value changed, with old and new value;
//  - counter: `counter_delta` (new value - old value);
//  - registers and sets: `old_values` and `new_values` (their full views).
// Every event says where (`root`, `path`) and by whom (`authors`).
// `local` tells a local commit from a remote update; `origin` is the tag given
// to transact() or apply_update().
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "weft/doc/event_path.hpp"
#include "weft/doc/value.hpp"
#include "weft/types/sequence/position.hpp"

namespace weft {

// One step of a text or list change: keep, insert or erase `length` units.
// (Not the catalogue's Delta<X>, which is a state to join.)
struct SequenceDelta {
  enum class Kind : std::uint8_t { retain, insert, erase };
  Kind kind = Kind::retain;
  std::uint64_t length = 0;   // in the subscriber's unit (list: elements)
  std::string text;           // text insert: the inserted UTF-8
  std::vector<Value> values;  // list insert: the inserted values
};

struct KeyChange {
  enum class Kind : std::uint8_t { added, updated, removed };
  std::string key;
  Kind kind = Kind::added;
  std::optional<Value> old_value;  // absent for added
  std::optional<Value> new_value;  // absent for removed
};

// (A field added here must also be reset in src/doc/event_buffer.hpp, which
// reuses events from batch to batch.)
struct ChangeEvent {
  ObjectId object;
  // Where it happened: the root `object` is nested in, and the steps from that
  // root down to `object` (empty when `object` is a root). A list index is the
  // element's position after the batch; a nested object whose element or key
  // was since removed keeps the step that held it.
  ObjectId root;
  EventPath path;  // path.steps(): root first (see event_path.hpp)
  // Whose operations made this change: this replica for a local commit, the
  // authors of the integrated records for an update (ascending, no repeats).
  std::vector<ReplicaId> authors;
  bool local = false;
  std::string origin;
  std::vector<SequenceDelta> delta;
  std::vector<KeyChange> keys;
  std::int64_t counter_delta = 0;
  std::vector<Value> old_values;
  std::vector<Value> new_values;
};

using ObserverFn = std::function<void(std::span<const ChangeEvent>)>;

namespace detail::doc {
struct Observers;
}

// Ends its subscription when destroyed or reset (safe after the Doc is gone).
class Subscription {
 public:
  Subscription() = default;
  Subscription(std::weak_ptr<detail::doc::Observers> registry, std::uint64_t id)
      : registry_(std::move(registry)), id_(id) {}
  Subscription(Subscription&& o) noexcept : registry_(std::move(o.registry_)), id_(o.id_) {
    o.id_ = 0;
  }
  Subscription& operator=(Subscription&& o) noexcept {
    if (this != &o) {
      reset();
      registry_ = std::move(o.registry_);
      id_ = o.id_;
      o.id_ = 0;
    }
    return *this;
  }
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  ~Subscription() { reset(); }

  void reset() noexcept;
  [[nodiscard]] bool active() const noexcept { return id_ != 0 && !registry_.expired(); }

 private:
  std::weak_ptr<detail::doc::Observers> registry_;
  std::uint64_t id_ = 0;
};

}  // namespace weft

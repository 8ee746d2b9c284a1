#pragma once
// The state behind weft::Doc (internal): history and causality (op_log.hpp,
// the pending buffer), the objects (one state class per kind, object.hpp), the
// open transaction, and the observers of the batch in progress.
#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "advanced_replicas.hpp"
#include "event_buffer.hpp"
#include "object.hpp"
#include "op_log.hpp"
#include "pending_index.hpp"
#include "record.hpp"
#include "record_is_new.hpp"
#include "weft/doc/doc.hpp"

namespace weft::detail::doc {

struct ObserverEntry {
  ObjectId target;
  bool deep = false;
  PositionUnit unit = PositionUnit::code_point;
  // Shared: a batch holds it while the callback runs, which may unsubscribe.
  std::shared_ptr<const ObserverFn> fn;
};

struct Observers {
  std::map<std::uint64_t, ObserverEntry> entries;
  std::uint64_t next = 1;
};

// The bounds of the pending buffer (Doc::set_max_pending_ops, _bytes).
struct PendingLimits {
  std::uint64_t ops = kMaxPendingOps;
  std::uint64_t bytes = kMaxPendingBytes;
};

// Where a changed object is: its root and the path down to it.
struct Located {
  ObjectId root;
  EventPath path;
};
using LocatedMemo = std::map<ObjectId, Located>;

class DocImpl {
 public:
  explicit DocImpl(ReplicaId r) : replica_(r) {}

  [[nodiscard]] ReplicaId replica() const noexcept { return replica_; }
  [[nodiscard]] const VersionVector& state_vector() const noexcept { return sv_; }
  [[nodiscard]] const OpLog& log() const noexcept { return log_; }

  // --- objects (objects.cpp)
  [[nodiscard]] const Object* find(const ObjectId& id) const;
  // Throws std::invalid_argument when a root of this name exists only with
  // another kind (a root name names one object).
  void check_root_kind(const ObjectId& id) const;
  [[nodiscard]] std::uint64_t digest() const;

  // --- the open transaction (transaction.cpp drives these)
  void begin_tx();
  [[nodiscard]] bool in_tx() const noexcept { return in_tx_; }
  // The object a local edit targets, created if it is a root; throws
  // std::invalid_argument for an unknown nested object or a root kind clash.
  Object& local_target(const ObjectId& id);
  // The first dot the next local op takes, and its Lamport time.
  [[nodiscard]] Dot next_dot() const noexcept { return {replica_, open_.first + open_.width}; }
  [[nodiscard]] std::uint64_t next_lamport() const noexcept {
    return open_.lamport_of(open_.first + open_.width);
  }
  // Applies a local op through the same path as a remote one, and records it.
  void apply_local(Op&& op);
  // Records an op a sequence state already applied.
  void record_local(Op&& op);
  // A nested object created at `dot` (by a local list insert, or any op whose
  // value is a new object); `key`: the map key holding it, if a map does.
  void create(const ObjectId& parent, const Dot& dot, ObjectKind kind, std::string_view key = {});
  // Starts capturing `o`'s changes if observers are waiting for this batch,
  // and notes `author` (this replica when not given) as one who changed it.
  void touch(const ObjectId& id, Object& o) { touch(id, o, replica_); }
  void touch(const ObjectId& id, Object& o, ReplicaId author);
  // Ends the transaction: its update (empty when nothing changed), events sent.
  Bytes commit_tx(const std::string& origin);

  // --- remote updates (apply.cpp)
  result<UpdateStatus> apply_update(std::span<const std::uint8_t> update, std::string_view origin);
  [[nodiscard]] std::uint64_t pending_count() const noexcept { return pending_.ops(); }
  [[nodiscard]] std::uint64_t pending_bytes() const noexcept { return pending_.bytes(); }
  [[nodiscard]] std::uint64_t pending_woken() const noexcept { return pending_.woken(); }
  [[nodiscard]] Bytes encode_pending() const;
  [[nodiscard]] VersionVector missing() const;
  void set_max_pending_ops(std::uint64_t n) noexcept { pending_limits_.ops = n; }
  [[nodiscard]] std::uint64_t max_pending_ops() const noexcept { return pending_limits_.ops; }
  void set_max_pending_bytes(std::uint64_t n) noexcept { pending_limits_.bytes = n; }
  [[nodiscard]] std::uint64_t max_pending_bytes() const noexcept { return pending_limits_.bytes; }

  // --- observers (events.cpp)
  [[nodiscard]] Subscription observe(const ObjectId& id, ObserverFn fn, PositionUnit unit,
                                     bool deep);
  [[nodiscard]] std::uint64_t observer_errors() const noexcept { return observer_errors_; }
  void set_commit_hook(std::function<void(std::span<const std::uint8_t>)> hook) {
    commit_hook_ = std::move(hook);
  }
  // What survives adopting a snapshot: observers, hook, limits.
  void take_settings_from(DocImpl& other);

 private:
  // Objects (objects.cpp).
  Object* target(const ObjectId& id);  // roots created on demand; nullptr: unknown nested
  void apply_op(const Op& op, const Dot& dot, std::uint64_t lamport);
  // Every element and object `rec` names exists here or in `overlay` (which it
  // then extends by what `rec` inserts and creates).
  struct Overlay {
    std::map<ObjectId, DotSet> elements;
    std::set<ObjectId> created;  // nested objects earlier records create
  };
  // `last`: no record is validated after this one.
  result<void> validate(const TxRecord& rec, Overlay& overlay, bool last) const;
  // Integrates a ready, validated record and keeps its bytes.
  void integrate(const TxRecord& rec, std::span<const std::uint8_t> bytes);

  // Batches (events.cpp).
  void begin_batch();
  void end_batch(const std::string& origin, bool local);
  // Fills where `events` (all about `id`) happened and who made them; `memo`:
  // the objects this batch located, whose paths their children's extend.
  void locate(const ObjectId& id, const Object& o, std::span<ChangeEvent> events,
              LocatedMemo& memo) const;
  [[nodiscard]] const Located& where(const ObjectId& id, LocatedMemo& memo) const;
  [[nodiscard]] PathStep step_into(const Object& parent, const Object& child,
                                   const ObjectId& child_id) const;

  ReplicaId replica_;
  VersionVector sv_;
  std::uint64_t max_lamport_ = 0;
  OpLog log_;
  std::map<ObjectId, Object> objects_;
  // The object looked up last (edits and reads mostly repeat one): objects
  // are never destroyed, so the pointer stays valid.
  mutable const ObjectId* last_id_ = nullptr;
  mutable const Object* last_object_ = nullptr;

  // The records of the update being applied, their storage kept between
  // updates (apply.cpp lends it to one apply_update at a time).
  std::vector<Received> decoded_;
  PendingIndex pending_;
  PendingLimits pending_limits_;

  bool in_tx_ = false;
  TxRecord open_;
  // The replicas (not this one) whose entries rose since this replica's previous
  // commit: a record's deps are what changed since (its previous record carries the rest).
  AdvancedReplicas advanced_;

  std::shared_ptr<Observers> observers_ = std::make_shared<Observers>();
  std::uint64_t observer_errors_ = 0;
  std::function<void(std::span<const std::uint8_t>)> commit_hook_;
  bool capture_ = false;                      // this batch has observers
  std::vector<ObjectId> touched_;             // objects changed in this batch, in first-touch order
  std::array<EventBuffer, 3> event_buffers_;  // by PositionUnit; kept between batches
};

}  // namespace weft::detail::doc

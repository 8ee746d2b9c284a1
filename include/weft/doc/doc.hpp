#pragma once
// Doc: one replica of a replicated document of nested typed objects.
//
// History. Every committed transaction is one record {replica, first doc
// counter, ops, lamport, deps}: doc counters are contiguous per replica across
// the whole document, so one VersionVector (state_vector()) names everything a
// replica has. `deps` is the state vector when the transaction began. A record
// is integrated only after its deps and the previous record of its replica
// (causal delivery), so every object sees its operations in causal order; the
// others wait in a pending buffer (at most max_pending_ops() operations and
// max_pending_bytes() encoded bytes; kMaxPendingOps and kMaxPendingBytes unless
// set otherwise). A waiting record is looked at again only when a dot it needs
// arrives, so what waits does not slow the updates that do not complete it.
// missing() says which dots the waiting records need, to ask a peer for.
//
// Updates. encode_update_since(vv) holds exactly the records a replica at `vv`
// lacks (removals and deletions are records like any other). apply_update()
// accepts updates in any order and any number of times. It decodes and checks
// the whole update first: malformed bytes return an error and change nothing.
// Snapshots are canonical: records sorted by (lamport, replica, counter), a
// topological order, each in one canonical encoding, so replicas with equal
// state produce byte-identical snapshots, and load -> snapshot is identity.
// Pending records are not part of a snapshot.
//
// Reads go through views (views.hpp): doc.text("body").to_string(),
// doc.map("state").list("todo").values(). An untouched root or an unknown
// nested id reads as empty. A read of the wrong kind throws
// std::invalid_argument.
//
// Observers: observe() an object, or observe_deep() an object and everything
// nested below it (see events.hpp). An exception thrown by an observer is
// caught and counted (observer_errors()); the other observers still run and the
// document is unaffected.
//
// Complexity: local edits O(log n) for sequences, O(k) for a map key with k
// concurrent writes; apply O(ops log pending), plus the records it completes;
// encode_update_since O(history).
// Memory: every record is kept (the history), plus the objects' state.
// Thread safety: none; use one Doc from one thread at a time.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "weft/doc/events.hpp"
#include "weft/doc/state_vector.hpp"
#include "weft/doc/transaction.hpp"
#include "weft/doc/value.hpp"
#include "weft/doc/views.hpp"
#include "weft/sync/sync_document.hpp"

namespace weft {

namespace detail::doc {
class DocImpl;
}

// Pending-buffer bound: an update that would leave more operations waiting
// fails with errc::limit_exceeded (and changes nothing).
inline constexpr std::uint64_t kMaxPendingOps = 1u << 20;
// The same in bytes (the waiting records' encoded size; in memory they take a
// small multiple of it): a few large ops must not hold gigabytes.
inline constexpr std::uint64_t kMaxPendingBytes = std::uint64_t{64} << 20;

class Doc final : public SyncDocument {
 public:
  // Throws std::invalid_argument for a nil replica id.
  explicit Doc(ReplicaId replica);
  ~Doc() override;
  Doc(Doc&&) noexcept;
  Doc& operator=(Doc&&) noexcept;

  // A replica `replica` holding `snapshot` (or any update). Malformed: an error.
  [[nodiscard]] static result<Doc> load(std::span<const std::uint8_t> snapshot, ReplicaId replica);

  [[nodiscard]] ReplicaId replica() const noexcept;
  // Starts a transaction. Throws std::logic_error while another is open.
  [[nodiscard]] Transaction transact(std::string origin = {});

  // --- reads: views (views.hpp) ---
  // Root objects by name, nested objects by id; the names Transaction uses.
  // Throws std::invalid_argument for an id of another kind, or a root name that
  // exists as another kind.
  [[nodiscard]] MapView map(std::string_view root) const;
  [[nodiscard]] MapView map(const ObjectId& id) const;
  [[nodiscard]] TextView text(std::string_view root) const;
  [[nodiscard]] TextView text(const ObjectId& id) const;
  [[nodiscard]] ListView list(std::string_view root) const;
  [[nodiscard]] ListView list(const ObjectId& id) const;
  [[nodiscard]] CounterView counter(std::string_view root) const;
  [[nodiscard]] CounterView counter(const ObjectId& id) const;
  [[nodiscard]] RegisterView lww_register(std::string_view root) const;
  [[nodiscard]] RegisterView mv_register(std::string_view root) const;
  [[nodiscard]] RegisterView register_at(const ObjectId& id) const;
  [[nodiscard]] SetView set(std::string_view root) const;
  [[nodiscard]] SetView set(const ObjectId& id) const;
  // True for roots and for nested objects this replica has integrated.
  [[nodiscard]] bool contains(const ObjectId& id) const;

  // --- updates (SyncDocument) ---
  [[nodiscard]] VersionVector state_vector() const override;
  [[nodiscard]] Bytes encode_update_since(const VersionVector& since) const override;
  // `applied` and `pending` count operations. Throws std::logic_error while a
  // transaction is open. Errors: any errc of a malformed update;
  // causality_violation for records contradicting this replica's history;
  // limit_exceeded when the pending buffer would overflow.
  result<UpdateStatus> apply_update(std::span<const std::uint8_t> update) override;
  result<UpdateStatus> apply_update(std::span<const std::uint8_t> update, std::string_view origin);
  [[nodiscard]] std::uint64_t pending_count() const override;
  // The pending-buffer bounds (default kMaxPendingOps, kMaxPendingBytes): an
  // update that would leave more waiting fails with limit_exceeded and changes
  // nothing. Lowering one below what already waits refuses the updates that
  // add to what waits; nothing is dropped.
  void set_max_pending_ops(std::uint64_t limit) noexcept;
  [[nodiscard]] std::uint64_t max_pending_ops() const noexcept;
  void set_max_pending_bytes(std::uint64_t limit) noexcept;
  [[nodiscard]] std::uint64_t max_pending_bytes() const noexcept;
  // The encoded size of the records waiting (what max_pending_bytes bounds).
  [[nodiscard]] std::uint64_t pending_bytes() const noexcept;
  // What the waiting records need and this replica lacks: for each replica,
  // the highest of its counters a waiting record depends on, when that is
  // above state_vector() (empty when nothing waits, or nothing is missing).
  // A peer whose state vector reaches it can complete them: ask it for
  // encode_update_since(state_vector()). No peer reaching it for long means
  // the records may never integrate; they stay until the bounds refuse more.
  // O(waiting records x their deps).
  [[nodiscard]] VersionVector missing() const;
  // Waiting records apply_update() has looked at again since this Doc was made
  // because a dot they needed arrived: a work counter (each costs O(log
  // pending)), for monitoring and for the tests that bound it.
  [[nodiscard]] std::uint64_t pending_woken() const noexcept;
  // The records waiting for dependencies, as an update (empty when none): what
  // a storage compaction must keep next to encode_snapshot(), which omits them.
  [[nodiscard]] Bytes encode_pending() const;
  // FNV-1a over the objects' state in ObjectId order (live entries with their dots).
  [[nodiscard]] std::uint64_t digest() const override;
  [[nodiscard]] Bytes encode_snapshot() const override;
  // Replaces the state with `snapshot` if it covers every op of this replica
  // (else invalid_value: adopting it would let this replica reuse counters).
  result<void> adopt_snapshot(std::span<const std::uint8_t> snapshot) override;

  // --- observers ---
  [[nodiscard]] Subscription observe(const ObjectId& id, ObserverFn fn,
                                     PositionUnit unit = PositionUnit::code_point);
  [[nodiscard]] Subscription observe_deep(const ObjectId& id, ObserverFn fn,
                                          PositionUnit unit = PositionUnit::code_point);
  [[nodiscard]] std::uint64_t observer_errors() const noexcept;

  // --- persistence hook ---
  // Called with the update of every local commit that changed something (by
  // commit() or by a transaction's destructor), after the record is integrated
  // and before observers run. A storage layer persists here, before the update
  // can reach a peer (storage::PersistentDoc installs it). Must not throw: an
  // exception is caught and counted in observer_errors(). Empty detaches.
  void set_commit_hook(std::function<void(std::span<const std::uint8_t>)> hook);

 private:
  friend class Transaction;
  friend class ObjectHandle;
  friend class ObjectView;
  std::unique_ptr<detail::doc::DocImpl> impl_;
};

// Merges updates into one (the union of their records, canonical order),
// without a Doc. Errors: those of a malformed update; causality_violation when
// two updates disagree about one replica's records.
[[nodiscard]] result<Bytes> merge_updates(std::span<const Bytes> updates);
// The version vector an update brings: for each replica, the highest c such
// that the update holds all of its ops 1..c.
[[nodiscard]] result<VersionVector> update_state_vector(std::span<const std::uint8_t> update);

}  // namespace weft

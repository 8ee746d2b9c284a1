#pragma once
// PersistentDoc: a weft::Doc bound to a Storage, so that a replica survives
// restarts and crashes with nothing acknowledged lost and no Dot reused.
//
//   auto store = storage::open_sqlite_storage("notes.db", {});
//   auto pdoc = storage::PersistentDoc::open(**store, "notes");
//   auto tx = (*pdoc)->transact();
//   tx.text("body").insert(0, "hello");
//   auto update = (*pdoc)->commit(tx);   // on disk (per durability) before it returns
//   if (update) host.publish("notes", *update);
//   SyncHost host(transport); host.add_document("notes", **pdoc);
//
// What is persisted, and when:
//  - every local commit (through commit(), or any transaction of doc(), even one
//    committed by its destructor) is appended to the store before the commit
//    returns, through Doc's commit hook;
//  - every remote update that brings something new (applied or pending) is
//    appended before apply_update() returns, so a SyncSession acknowledges it to
//    the peer only once it is stored;
//  - adopt_snapshot() (divergence repair) replaces the stored log atomically.
// The store's durability mode decides what "stored" means (see storage.hpp).
//
// Replica id and counters. The replica id is kept in the store's DocMeta and
// reused on reopen. In durable mode every acknowledged op is on disk, so the
// replica continues its counters where the log ends. In relaxed mode a power
// loss may drop ops that were already sent to peers: the high-water mark is
// leased ahead of use (counter_lease ops at a time, durably), a clean close
// records the exact mark, and an open that finds the mark above the log's
// last counter (an unclean relaxed session) continues under a fresh replica id.
// So does an open of a store that came back older than it acknowledged (a
// damaged SQLite WAL, an older copy put back: open_report().recovery.rolled_back).
// Either way no Dot is ever issued twice.
//
// Failure. When the store fails (an I/O error; the store is latched, see
// storage.hpp), the PersistentDoc fails too: commit() returns the error (the
// update must not be sent), apply_update() refuses, and encode_update_since()
// returns an empty update, so nothing that is not durable leaves this replica.
// Reopen the store to continue; it yields the acknowledged state.
//
// Compaction: set StorageOptions::compactor = PersistentDoc::compactor() to let
// the store replace its log by one merged update (see merge_updates).
//
// Thread safety: none (like Doc and Storage). The Storage must outlive this.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "weft/doc/doc.hpp"
#include "weft/storage/storage.hpp"

namespace weft::storage {

struct PersistentDocOptions {
  // Replica id of a document created by this open; nil = a random one.
  ReplicaId replica;
  // Relaxed mode: counters leased per durable metadata write.
  std::uint64_t counter_lease = 1024;
};

// What open() found.
struct OpenReport {
  bool created = false;          // no replica metadata existed: a new replica
  bool replica_rotated = false;  // an unclean relaxed session or a rollback: a new id
  std::uint64_t updates_replayed = 0;
  Recovery recovery;  // what the store's recovery dropped (torn tail), or rolled_back
};

class PersistentDoc final : public SyncDocument {
 public:
  // Loads document `name` of `store` (or creates it). Errors: the store's
  // errors; storage_errc::corrupted when stored bytes do not form a document.
  [[nodiscard]] static result<std::unique_ptr<PersistentDoc>> open(
      Storage& store, std::string name, PersistentDocOptions options = {});
  // A clean close: syncs and records the exact counter mark (errors ignored:
  // an unclean mark only costs a fresh replica id at the next open).
  ~PersistentDoc() override;
  PersistentDoc(const PersistentDoc&) = delete;
  PersistentDoc& operator=(const PersistentDoc&) = delete;

  // The document: reads, observers, and transactions (all commits persist).
  [[nodiscard]] Doc& doc() noexcept { return doc_; }
  [[nodiscard]] const Doc& doc() const noexcept { return doc_; }
  [[nodiscard]] Transaction transact(std::string origin = {}) {
    return doc_.transact(std::move(origin));
  }
  // Commits `tx`; returns its update once stored, or the storage error (then
  // the update must not be sent, and this PersistentDoc has failed).
  result<Bytes> commit(Transaction& tx);

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] const OpenReport& open_report() const noexcept { return report_; }
  [[nodiscard]] bool failed() const noexcept { return failure_.has_value(); }
  [[nodiscard]] std::optional<boost::system::error_code> failure() const noexcept {
    return failure_;
  }

  // SyncDocument, delegating to doc() and persisting what changes it.
  [[nodiscard]] VersionVector state_vector() const override { return doc_.state_vector(); }
  [[nodiscard]] Bytes encode_update_since(const VersionVector& since) const override;
  result<UpdateStatus> apply_update(std::span<const std::uint8_t> update) override;
  [[nodiscard]] std::uint64_t pending_count() const override { return doc_.pending_count(); }
  [[nodiscard]] std::uint64_t digest() const override { return doc_.digest(); }
  [[nodiscard]] Bytes encode_snapshot() const override;
  result<void> adopt_snapshot(std::span<const std::uint8_t> snapshot) override;

  // A Compactor for StorageOptions: merges a snapshot and updates into one update.
  [[nodiscard]] static Compactor compactor();

  // Optional: told of every local commit's update once it is stored (never one that
  // failed to store), so a sync client can publish it. Doc has one commit hook and this
  // PersistentDoc holds it; this is how a second party hears of local commits. Runs
  // inside the commit; must not throw (an exception is caught by Doc and counted).
  std::function<void(std::span<const std::uint8_t>)> on_stored_commit;

 private:
  PersistentDoc(Storage& store, std::string name, Doc doc, DocMeta meta, OpenReport report,
                std::uint64_t lease, std::uint64_t next_seq);
  void on_local_commit(std::span<const std::uint8_t> update);
  result<void> append(std::span<const std::uint8_t> update);
  result<void> fail(boost::system::error_code error);

  Storage& store_;
  std::string name_;
  Doc doc_;
  DocMeta meta_;
  OpenReport report_;
  std::uint64_t lease_;     // relaxed mode's counter lease; 0 in durable mode
  std::uint64_t next_seq_;  // the store's next sequence number for this document
  std::optional<boost::system::error_code> failure_;
};

}  // namespace weft::storage

#pragma once
// Storage: weft's pluggable persistence interface.
//
// A store holds many documents, each named by a non-empty byte string of at
// most kMaxDocNameBytes bytes. Per document it keeps
//   - an append-only log of opaque updates, numbered by a sequence number
//     (0, 1, 2, ... in append order, never reused),
//   - optionally a snapshot that replaces the log prefix [0, snapshot_seq),
//   - metadata (DocMeta: the replica id and a counter high-water mark) so that
//     a replica that restarts never reuses a Dot.
// Bytes are opaque here: the document layer produces updates and snapshots;
// the store never interprets them. Reopening yields exactly what was
// acknowledged (see Durability), after any crash.
//
// Durability (StorageOptions::durability):
//   durable  append()/put_meta()/replace_prefix() return success only after the
//            data is on stable storage (fdatasync / SQLite synchronous=FULL).
//   relaxed  group commit: append() returns once the bytes are handed to the
//            operating system (they survive a process crash); the sync to stable
//            storage is deferred until `relaxed_max_pending` appends or
//            `relaxed_window` time have accumulated (checked on each append),
//            or sync() / put_meta() / compaction / destruction. A power loss
//            loses at most the appends after the last sync; the store stays
//            consistent (a prefix of the log survives, never a gap).
// Failure latch: after any failed write, sync, rename, ... the store refuses
// every further operation with storage_errc::closed_after_failure until it is
// reopened (after an fsync error the kernel may have dropped the dirty pages,
// so retrying could acknowledge data that is not on disk).
//
// Automatic compaction: when a document's log (since its snapshot) exceeds
// `compact_threshold_bytes` and a compactor is set, append() loads the
// document, calls compactor(snapshot, updates) and atomically replaces the
// log prefix with the result. A crash at any point during compaction reopens
// as either the old or the new form, both of which denote the same document.
// A compaction failure never fails the append that triggered it (the update is
// already stored); it is reported by last_compaction_error() and retried after
// the log grows by another threshold.
//
// Rollback detection: a backend built with a mark directory (both built-in
// ones are) keeps, per document, what it has acknowledged as durable (the next
// sequence number and the metadata) in a file of its own, outside the data.
// A load that finds the document older than that (a damaged SQLite WAL, which
// SQLite replays only up to its first bad frame; an older copy of a file put
// back; a damaged mark) sets DocumentData::recovery.rolled_back. It stays set
// on every load until put_meta() records the state as seen. Durable mode writes
// the mark at each acknowledgement (one more small fdatasync per append);
// relaxed mode at each group commit or sync().
//
// Thread safety: none; use one Storage object from one thread at a time. Two
// Storage objects (in one or two processes) on one store: the second open
// fails with storage_errc::locked.
//
// Errors: every operation returns result<T> with storage_errc (io_error,
// corrupted, locked, closed_after_failure, ...). Stored bytes are untrusted:
// loading validates every length and checksum and never crashes.
// Caller mistakes throw: an empty or too long document name
// (std::invalid_argument), replace_prefix() with a sequence number outside
// [snapshot_seq, next_seq] (std::out_of_range).
//
// Writing a new backend: derive from Storage, pass StorageOptions (and, for
// rollback detection, a FileSystem and a marks directory) to its constructor,
// call close() from the destructor, and implement the protected do_* hooks
// below. The base class validates arguments, implements the failure latch,
// the relaxed group commit, the marks and automatic compaction; a backend only
// moves bytes. Contracts per hook are documented at each hook;
// docs/storage.md has the full checklist (atomicity of do_replace_prefix,
// durability per mode, typed errors, validation of stored bytes).
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "weft/core/replica_id.hpp"
#include "weft/encoding/error.hpp"
#include "weft/encoding/writer.hpp"
#include "weft/storage/error.hpp"

namespace weft::storage {

class FileSystem;
namespace detail {
class AckMarks;
}

inline constexpr std::size_t kMaxDocNameBytes = 120;

enum class Durability { durable, relaxed };

// Per-document metadata of the local replica. `counter_high_water` is an upper
// bound on every counter the replica has used or may use before storing a
// larger bound: persist it ahead of use (e.g. in leases of 1000), and on restart
// continue from it, so that no Dot is ever issued twice.
struct DocMeta {
  ReplicaId replica;
  std::uint64_t counter_high_water = 0;
  friend bool operator==(const DocMeta&, const DocMeta&) = default;
};

// What recovery did when it opened a document's log.
struct Recovery {
  // Bytes dropped from the end of the log because they did not form complete,
  // checksummed records (a torn write after a crash, or damage). 0 = nothing.
  std::uint64_t dropped_bytes = 0;
  // Offset in the log file where the dropped bytes began.
  std::uint64_t dropped_at = 0;
  [[nodiscard]] bool truncated() const noexcept { return dropped_bytes != 0; }
  // The document is older than the store had acknowledged: updates or
  // metadata it reported durable are missing (see "Rollback detection" above).
  // A replica must not continue under its id from here: it may have given out
  // Dots that are now unknown. PersistentDoc takes a fresh id.
  bool rolled_back = false;
};

// Everything stored for one document. The document is the snapshot (if any)
// followed by `updates` in order; updates[i] has sequence number
// snapshot_seq + i.
struct DocumentData {
  std::optional<Bytes> snapshot;
  std::uint64_t snapshot_seq = 0;  // updates [0, snapshot_seq) are inside the snapshot
  std::vector<Bytes> updates;
  std::optional<DocMeta> meta;
  Recovery recovery;
  [[nodiscard]] std::uint64_t next_seq() const noexcept { return snapshot_seq + updates.size(); }
};

struct AppendResult {
  std::uint64_t seq = 0;          // the sequence number given to the update
  std::uint64_t log_records = 0;  // updates in the log since the snapshot, this one included
  std::uint64_t log_bytes = 0;    // their payload bytes
};

// Produces a snapshot equivalent to `snapshot` (nullopt: the empty document)
// followed by `updates`. Must be deterministic in meaning: loading the result
// must yield the same document as replaying the inputs.
using Compactor = std::function<result<Bytes>(const std::optional<Bytes>& snapshot,
                                              std::span<const Bytes> updates)>;

struct StorageOptions {
  Durability durability = Durability::durable;
  // Group commit bounds of the relaxed mode.
  std::chrono::milliseconds relaxed_window{50};
  std::size_t relaxed_max_pending = 1024;
  // Automatic compaction; disabled while `compactor` is empty or the threshold is 0.
  Compactor compactor;
  std::uint64_t compact_threshold_bytes = 4u << 20;
  // Largest update or snapshot accepted; larger stored lengths count as damage.
  std::size_t max_record_bytes = 256u << 20;
  // Recovery of a damaged log tail: true drops it and reports it in
  // DocumentData::recovery; false fails the open with storage_errc::corrupted.
  bool repair_torn_tail = true;
};

class Storage {
 public:
  virtual ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  // Appends one update to `doc` (created on first use). Durable per the mode.
  // May trigger automatic compaction. O(size of update), plus compaction.
  result<AppendResult> append(std::string_view doc, std::span<const std::uint8_t> update);
  // Everything stored for `doc`; an unknown document loads as empty.
  // O(stored bytes of doc).
  result<DocumentData> load(std::string_view doc);
  // Atomically replaces updates [snapshot_seq, up_to_seq) and the old snapshot
  // by `snapshot`, which must denote the document up to (not including)
  // up_to_seq. Always durable. Throws std::out_of_range if up_to_seq is not in
  // [snapshot_seq, next_seq].
  result<void> replace_prefix(std::string_view doc, std::uint64_t up_to_seq,
                              std::span<const std::uint8_t> snapshot);
  // Compacts `doc` now with the configured compactor (no-op without one).
  result<void> compact(std::string_view doc);
  // Names of all stored documents, sorted.
  result<std::vector<std::string>> list_documents();
  // Stores `meta` for `doc` (created on first use); always durable, and makes
  // every earlier append durable too.
  result<void> put_meta(std::string_view doc, const DocMeta& meta);
  // Makes every acknowledged append durable (relaxed mode); cheap when nothing is pending.
  result<void> sync();

  [[nodiscard]] bool failed() const noexcept { return failed_; }
  [[nodiscard]] const std::optional<boost::system::error_code>& last_compaction_error()
      const noexcept {
    return compaction_error_;
  }
  [[nodiscard]] const StorageOptions& options() const noexcept { return options_; }

 protected:
  // `marks_dir` (on `fs`): where to keep the acknowledgement marks of rollback
  // detection, a directory the data's own damage or restoration does not
  // reach; without it there is no detection.
  explicit Storage(StorageOptions options, std::shared_ptr<FileSystem> fs = nullptr,
                   std::string marks_dir = {});
  // For derived destructors: syncs and records the marks (errors ignored).
  void close() noexcept;

  // Appends and, in durable mode, syncs before returning. Must not leave a
  // partially visible update after a crash.
  virtual result<AppendResult> do_append(std::string_view doc,
                                         std::span<const std::uint8_t> update) = 0;
  // Reads and validates everything of `doc`: damage is storage_errc::corrupted
  // (or a reported tail repair), never a crash or a silently skipped record.
  virtual result<DocumentData> do_load(std::string_view doc) = 0;
  // The next sequence number of `doc` (0 if unknown) and its snapshot_seq.
  virtual result<std::pair<std::uint64_t, std::uint64_t>> do_bounds(std::string_view doc) = 0;
  // All-or-nothing across crashes, durable on success.
  virtual result<void> do_replace_prefix(std::string_view doc, std::uint64_t up_to_seq,
                                         std::span<const std::uint8_t> snapshot) = 0;
  virtual result<std::vector<std::string>> do_list() = 0;
  virtual result<void> do_put_meta(std::string_view doc, const DocMeta& meta) = 0;
  virtual result<void> do_sync() = 0;

 private:
  template <class T>
  result<T> latch(result<T> r);
  result<void> maybe_compact(std::string_view doc, const AppendResult& appended);
  result<void> group_commit(std::string_view doc, std::uint64_t next_seq);
  result<void> synced();
  result<void> raise_mark(std::string_view doc, std::uint64_t next_seq);

  StorageOptions options_;
  bool failed_ = false;
  std::optional<boost::system::error_code> compaction_error_;
  std::map<std::string, std::uint64_t, std::less<>> compaction_retry_at_;
  std::unique_ptr<detail::AckMarks> marks_;
  // Relaxed mode: appends not yet synced, and each document's next_seq after
  // them (its mark is raised once they are durable).
  std::size_t unsynced_ = 0;
  std::chrono::steady_clock::time_point first_unsynced_{};
  std::map<std::string, std::uint64_t, std::less<>> unmarked_;
};

}  // namespace weft::storage

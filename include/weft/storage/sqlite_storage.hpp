#pragma once
// The SQLite backend, weft's default store: one database file in WAL mode.
//
// Schema (format version 1, recorded in table weft_store):
//   docs(name BLOB PRIMARY KEY, next_seq, snap_seq, replica, counter_hw, crc)
//   snapshots(doc BLOB PRIMARY KEY, seq, data BLOB, crc)
//   updates(doc BLOB, seq, data BLOB, crc, PRIMARY KEY(doc, seq)) WITHOUT ROWID
// Every row carries a CRC-32C over its document name and fields, because
// SQLite itself does not checksum pages: a flipped bit inside a blob would
// otherwise load silently. docs.next_seq is updated in the same transaction as
// each append, so loading detects a missing update anywhere in the log
// (storage_errc::corrupted), including at its end.
//
// Durability: durable = `PRAGMA synchronous=FULL` (each append's commit syncs
// the WAL); relaxed = `synchronous=NORMAL` (commits reach the WAL without a
// sync; a checkpoint, which syncs, runs at every group-commit boundary and at
// sync()). Compaction is one transaction, hence atomic.
// Locking: a sidecar file "<path>.lock" is flock'ed for the lifetime of the
// Storage (storage_errc::locked when held elsewhere); SQLite's own locks stay
// as they are.
// Rollback detection (storage.hpp): the marks live in the directory
// "<path>.marks", out of reach of the WAL, which SQLite replays only up to its
// first damaged frame. Move or delete it together with the database.
// Errors: SQLITE_CORRUPT / SQLITE_NOTADB and failed row checks are corrupted;
// SQLITE_BUSY / SQLITE_LOCKED are locked; everything else is io_error.
#include <memory>
#include <string>

#include "weft/storage/storage.hpp"

namespace weft::storage {

class SqliteStorage : public Storage {
 public:
  using Storage::Storage;
  // Runs `PRAGMA integrity_check` on the database: corrupted unless it says ok.
  virtual result<void> integrity_check() = 0;
};

// Opens (creating if missing) the database file `path`. `vfs` names a
// registered SQLite VFS (nullptr: the default one); tests pass a
// fault-injecting VFS. Errors: locked, corrupted (not a database or damaged
// schema), unsupported_version, io_error.
[[nodiscard]] result<std::unique_ptr<SqliteStorage>> open_sqlite_storage(const std::string& path,
                                                                         StorageOptions options,
                                                                         const char* vfs = nullptr);

}  // namespace weft::storage

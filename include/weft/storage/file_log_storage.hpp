#pragma once
// The file-log backend: one directory, plain files, checksums and fsync discipline.
//
// Layout of the directory:
//   LOCK                  flock'ed while a Storage is open (storage_errc::locked otherwise)
//   <hex>.mark            the document's acknowledgement mark (rollback detection, storage.hpp)
//   <hex>.<gen>.log       the document's update log of generation <gen>
//   <hex>.<gen>.snap      its snapshot (generations >= 1)
//   *.tmp                 files being written; removed by recovery
// where <hex> is the document name in lowercase hex.
//
// Every file starts with a 32-byte header: an 8-byte magic ("WEFTLOG\0" or
// "WEFTSNP\0"), a version byte and 3 zero bytes, the generation (u64 LE), the
// base sequence number (u64 LE: the first update of the log / the end of the
// prefix the snapshot covers) and a CRC-32C of the 28 bytes before it.
// A log record is  u32 LE length | u32 LE masked CRC-32C | payload  where the
// CRC covers the length bytes and the payload, and the payload is a kind byte
// (1 = update, 2 = metadata: replica u64 LE, counter high-water u64 LE)
// followed by the data. A snapshot file holds one u64 length, a CRC and the payload.
//
// Durability: new files are written as *.tmp, fdatasync'ed, renamed into
// place, and the directory is fsync'ed; appends are written in place and
// fdatasync'ed (durable mode) or group-committed (relaxed mode).
// Compaction writes generation g+1 (snapshot first, then a log holding the
// metadata and the updates after the compacted prefix); the rename of the new
// log is the commit point, after which generation g is removed.
//
// Recovery (lazily, when a document is first used): the highest generation
// with a log is current; leftovers of other generations and *.tmp files are
// removed. A log tail that does not form complete checksummed records (a torn
// write) is cut off and reported in DocumentData::recovery, or refused with
// storage_errc::corrupted when StorageOptions::repair_torn_tail is false. A
// damaged header or snapshot is storage_errc::corrupted.
#include <memory>
#include <string>

#include "weft/storage/file_system.hpp"
#include "weft/storage/storage.hpp"

namespace weft::storage {

// Opens (creating if missing) the file-log store in directory `dir`, whose
// parent must exist. Errors: locked, io_error.
[[nodiscard]] result<std::unique_ptr<Storage>> open_file_log_storage(
    const std::string& dir, StorageOptions options,
    std::shared_ptr<FileSystem> fs = posix_file_system());

}  // namespace weft::storage

#pragma once
// The file layer under the file-log backend, injectable so that tests can
// simulate power loss and fail any single operation.
//
// Semantics follow POSIX: File::write_at() reaches the operating system (it
// survives a process crash) but is durable only after File::sync()
// (fdatasync). Creating, renaming or removing a directory entry is durable
// only after FileSystem::sync_dir() of its directory. Every failure is
// reported as storage_errc::io_error (storage_errc::not_found for a missing
// file opened without `create`, storage_errc::locked by lock()).
//
// Thread safety: a FileSystem may be shared; a File is used by one thread.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "weft/encoding/error.hpp"
#include "weft/encoding/writer.hpp"
#include "weft/storage/error.hpp"

namespace weft::storage {

class File {
 public:
  virtual ~File() = default;
  [[nodiscard]] virtual result<std::uint64_t> size() = 0;
  // Reads exactly out.size() bytes at `offset`; io_error if the file is shorter.
  virtual result<void> read_at(std::uint64_t offset, std::span<std::uint8_t> out) = 0;
  // Writes all of `bytes` at `offset` (extending the file as needed).
  virtual result<void> write_at(std::uint64_t offset, std::span<const std::uint8_t> bytes) = 0;
  virtual result<void> truncate(std::uint64_t size) = 0;
  // Makes the file's data durable (fdatasync).
  virtual result<void> sync() = 0;
};

// Held while a store is open; the lock is released when it is destroyed (or
// when the process dies).
class FileLock {
 public:
  virtual ~FileLock() = default;
};

enum class OpenMode {
  read,        // existing file, read only
  read_write,  // existing file
  create,      // create or truncate, read-write
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  virtual result<std::unique_ptr<File>> open(const std::string& path, OpenMode mode) = 0;
  // Atomically replaces `to` by `from` (POSIX rename).
  virtual result<void> rename(const std::string& from, const std::string& to) = 0;
  virtual result<void> remove(const std::string& path) = 0;
  // Names (not paths) of the entries of `dir`, without "." and "..".
  virtual result<std::vector<std::string>> list(const std::string& dir) = 0;
  // Makes creations, renames and removals of entries in `dir` durable.
  virtual result<void> sync_dir(const std::string& dir) = 0;
  // Creates `dir` if it does not exist (its parent must exist); true if it
  // was created (the caller then syncs the parent directory).
  virtual result<bool> create_dir(const std::string& dir) = 0;
  // An exclusive advisory lock on `path` (created if missing): storage_errc::locked
  // if another holder has it, in this process or another.
  virtual result<std::unique_ptr<FileLock>> lock(const std::string& path) = 0;
};

// The real file system (POSIX open/pwrite/fdatasync/rename/flock).
[[nodiscard]] std::shared_ptr<FileSystem> posix_file_system();

}  // namespace weft::storage

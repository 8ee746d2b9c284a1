#pragma once
// What the storage benchmarks share: a scratch directory and a store of either backend.
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "weft/storage/file_log_storage.hpp"
#include "weft/storage/sqlite_storage.hpp"

namespace weft::bench {

// A fresh directory under /tmp, removed with its contents at scope exit.
class TempDir {
 public:
  TempDir() {
    char name[] = "/tmp/weft-bench-storage-XXXXXX";
    if (::mkdtemp(name) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = name;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Backend 0: the file log in dir/store; 1: SQLite in dir/store.db. Throws on failure.
inline std::unique_ptr<storage::Storage> open_store(int backend, const std::string& dir,
                                                    storage::StorageOptions options) {
  if (backend == 0) {
    auto s = storage::open_file_log_storage(dir + "/store", std::move(options));
    if (!s) throw std::runtime_error(s.error().message());
    return std::move(*s);
  }
  auto s = storage::open_sqlite_storage(dir + "/store.db", std::move(options));
  if (!s) throw std::runtime_error(s.error().message());
  return std::move(*s);
}

}  // namespace weft::bench

#pragma once
// The real backends, for tests that run the same checks over each.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "weft/storage/file_log_storage.hpp"
#include "weft/storage/sqlite_storage.hpp"

namespace weft::test {

struct Backend {
  std::string name;
  // Opens the store that lives at `location` (a directory or a database file).
  std::function<result<std::unique_ptr<storage::Storage>>(const std::string& location,
                                                          storage::StorageOptions)>
      open;
  // The location to use inside a temporary directory.
  std::function<std::string(const std::string& dir)> location;
};

inline std::vector<Backend> backends() {
  return {
      {"file_log",
       [](const std::string& at, storage::StorageOptions o) {
         return storage::open_file_log_storage(at, std::move(o));
       },
       [](const std::string& dir) { return dir + "/store"; }},
      {"sqlite",
       [](const std::string& at,
          storage::StorageOptions o) -> result<std::unique_ptr<storage::Storage>> {
         auto s = storage::open_sqlite_storage(at, std::move(o));
         if (!s) return s.error();
         return std::unique_ptr<storage::Storage>(std::move(*s));
       },
       [](const std::string& dir) { return dir + "/store.db"; }},
  };
}

// Opens the store of the backend called `name` ("file_log" or "sqlite") at
// `location`; an unknown name is storage_errc::not_found.
inline result<std::unique_ptr<storage::Storage>> open_backend(const std::string& name,
                                                              const std::string& location,
                                                              storage::StorageOptions options) {
  for (const auto& b : backends()) {
    if (b.name == name) return b.open(location, std::move(options));
  }
  return storage::storage_errc::not_found;
}

}  // namespace weft::test

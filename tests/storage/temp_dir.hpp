#pragma once
// A fresh directory under /tmp (mkdtemp), removed with its contents at scope exit.
#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace weft::test {

class TempDir {
 public:
  TempDir() {
    char name[] = "/tmp/weft-storage-XXXXXX";
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

}  // namespace weft::test

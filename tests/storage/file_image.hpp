#pragma once
// A store's files as bytes: to copy a store, damage the copy and put it back.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <string>

#include "weft/encoding/writer.hpp"

namespace weft::test {

using Files = std::map<std::string, Bytes>;  // by path relative to the store's directory

// Every regular file under `dir` (SQLite keeps its marks in a subdirectory),
// without lock files and SQLite's shared-memory index, which an open rebuilds.
inline Files read_files(const std::string& dir) {
  namespace fs = std::filesystem;
  Files out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    const std::string name = fs::relative(entry.path(), dir);
    if (!entry.is_regular_file() || name == "LOCK" || name.ends_with(".lock") ||
        name.ends_with("-shm")) {
      continue;
    }
    std::ifstream in(entry.path(), std::ios::binary);
    out[name] = Bytes(std::istreambuf_iterator<char>(in), {});
  }
  return out;
}

// Replaces everything in `dir` by `files`.
inline void write_files(const std::string& dir, const Files& files) {
  namespace fs = std::filesystem;
  for (const auto& entry : fs::directory_iterator(dir)) fs::remove_all(entry.path());
  for (const auto& [name, bytes] : files) {
    fs::create_directories(fs::path(dir + "/" + name).parent_path());
    std::ofstream out(dir + "/" + name, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
  }
}

// Damages non-empty `bytes`: bit flips, a truncation or a zeroed 512 B / 4 KiB
// block. Returns what it did.
inline std::string damage_bytes(Bytes& bytes, std::mt19937_64& rng) {
  switch (rng() % 3) {
    case 0: {
      const int flips = 1 + static_cast<int>(rng() % 3);
      for (int i = 0; i < flips; ++i) {
        bytes[rng() % bytes.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
      }
      return "bit flips";
    }
    case 1:
      bytes.resize(rng() % bytes.size());
      return "truncation";
    default: {
      const std::size_t block = (rng() % 2 == 0) ? 512 : 4096;
      const std::size_t blocks = (bytes.size() + block - 1) / block;
      const std::size_t at = (rng() % blocks) * block;
      const std::size_t end = std::min(bytes.size(), at + block);
      std::fill(bytes.begin() + static_cast<std::ptrdiff_t>(at),
                bytes.begin() + static_cast<std::ptrdiff_t>(end), 0);
      return "zeroed block";
    }
  }
}

}  // namespace weft::test

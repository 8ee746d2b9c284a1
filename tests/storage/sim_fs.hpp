#pragma once
// SimFs: an in-memory FileSystem for tests that can lose power and fail any
// single operation.
//
// Model (POSIX with a journaled directory, like ext4 data=ordered):
//  - each file (inode) has durable bytes plus the list of writes/truncates
//    since its last sync; File::sync makes them durable;
//  - creations, renames and removals of names are pending until sync_dir;
//    after a crash a random prefix of the pending name operations survives;
//  - at a crash each pending write is independently kept, dropped or garbled
//    (same length, random bytes), and each pending truncate kept or dropped.
// Faults: `power_off_after(n)` makes the n-th and every later operation fail
// (the machine is dead: nothing more reaches the disk); `fail_nth(kind, k)`
// fails only the k-th operation of one kind, doing nothing.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "weft/storage/file_system.hpp"

namespace weft::test {

enum class OpKind { write, sync, open, rename, other };

class SimFs final : public storage::FileSystem {
 public:
  SimFs() : state_(std::make_shared<State>()) {}

  // The file system as it would be found after a power loss now. With
  // `lose_all`, every unsynced write and name operation is lost (the harshest case).
  [[nodiscard]] std::shared_ptr<SimFs> crash(std::uint64_t seed, bool lose_all = false) const;

  void power_off_after(std::uint64_t ops) { state_->power_off_at = ops; }
  void fail_nth(OpKind kind, std::uint64_t k) {
    state_->fail_kind = kind;
    state_->fail_at = k;
  }
  [[nodiscard]] std::uint64_t ops() const { return state_->ops; }
  [[nodiscard]] std::uint64_t count(OpKind kind) const { return state_->per_kind[kind]; }
  // Op numbers (1-based, as counted by ops()) of every sync and sync_dir so far.
  [[nodiscard]] const std::vector<std::uint64_t>& sync_points() const {
    return state_->sync_points;
  }

  result<std::unique_ptr<storage::File>> open(const std::string& path,
                                              storage::OpenMode mode) override;
  result<void> rename(const std::string& from, const std::string& to) override;
  result<void> remove(const std::string& path) override;
  result<std::vector<std::string>> list(const std::string& dir) override;
  result<void> sync_dir(const std::string& dir) override;
  result<bool> create_dir(const std::string& dir) override;
  result<std::unique_ptr<storage::FileLock>> lock(const std::string& path) override;

  struct Op {
    bool truncate = false;
    std::uint64_t offset = 0;  // or the new size of a truncate
    Bytes data;
  };
  struct Inode {
    Bytes durable;
    Bytes current;
    std::vector<Op> pending;
  };
  struct NameOp {
    enum Kind { link_name, unlink_name, rename_name } kind;
    std::string from, to;
    int inode = 0;
  };
  struct State {
    std::map<int, Inode> inodes;
    int next_inode = 1;
    std::map<std::string, int> names, durable_names;
    std::vector<NameOp> pending_names;
    std::set<std::string> locks;
    std::set<std::string> dirs;  // directories are durable at once: the store's is made once
    std::uint64_t ops = 0;
    std::map<OpKind, std::uint64_t> per_kind;
    std::uint64_t power_off_at = 0;  // 0 = never
    std::optional<OpKind> fail_kind;
    std::uint64_t fail_at = 0;
    std::vector<std::uint64_t> sync_points;
    // Counts one operation; false if it must fail.
    bool begin(OpKind kind) {
      ++ops;
      const std::uint64_t nth = ++per_kind[kind];
      if (power_off_at != 0 && ops >= power_off_at) return false;
      if (fail_kind && *fail_kind == kind && fail_at == nth) return false;
      return true;
    }
  };

 private:
  explicit SimFs(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

}  // namespace weft::test

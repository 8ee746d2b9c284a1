#include "storage/sim_fs.hpp"

#include <algorithm>

namespace weft::test {
namespace {

using storage::storage_errc;

void apply_op(Bytes& bytes, const SimFs::Op& op) {
  if (op.truncate) {
    bytes.resize(static_cast<std::size_t>(op.offset));
    return;
  }
  const std::size_t end = static_cast<std::size_t>(op.offset) + op.data.size();
  if (bytes.size() < end) bytes.resize(end);
  std::copy(op.data.begin(), op.data.end(), bytes.begin() + static_cast<std::ptrdiff_t>(op.offset));
}

class SimFile final : public storage::File {
 public:
  SimFile(std::shared_ptr<SimFs::State> state, int inode, bool writable)
      : state_(std::move(state)), inode_(inode), writable_(writable) {}

  result<std::uint64_t> size() override {
    if (!state_->begin(OpKind::other)) return storage_errc::io_error;
    return node().current.size();
  }
  result<void> read_at(std::uint64_t offset, std::span<std::uint8_t> out) override {
    if (!state_->begin(OpKind::other)) return storage_errc::io_error;
    const auto& bytes = node().current;
    if (offset > bytes.size() || out.size() > bytes.size() - offset) return storage_errc::io_error;
    std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(offset), out.size(), out.begin());
    return {};
  }
  result<void> write_at(std::uint64_t offset, std::span<const std::uint8_t> bytes) override {
    if (!state_->begin(OpKind::write) || !writable_) return storage_errc::io_error;
    SimFs::Op op{false, offset, Bytes(bytes.begin(), bytes.end())};
    apply_op(node().current, op);
    node().pending.push_back(std::move(op));
    return {};
  }
  result<void> truncate(std::uint64_t size) override {
    if (!state_->begin(OpKind::write) || !writable_) return storage_errc::io_error;
    SimFs::Op op{true, size, {}};
    apply_op(node().current, op);
    node().pending.push_back(std::move(op));
    return {};
  }
  result<void> sync() override {
    const bool ok = state_->begin(OpKind::sync);
    state_->sync_points.push_back(state_->ops);
    // A failed sync leaves the writes pending: a crash may still lose them.
    if (!ok) return storage_errc::io_error;
    node().durable = node().current;
    node().pending.clear();
    return {};
  }

 private:
  SimFs::Inode& node() { return state_->inodes[inode_]; }
  std::shared_ptr<SimFs::State> state_;
  int inode_;
  bool writable_;
};

class SimLock final : public storage::FileLock {
 public:
  SimLock(std::shared_ptr<SimFs::State> state, std::string path)
      : state_(std::move(state)), path_(std::move(path)) {}
  ~SimLock() override { state_->locks.erase(path_); }

 private:
  std::shared_ptr<SimFs::State> state_;
  std::string path_;
};

}  // namespace

std::shared_ptr<SimFs> SimFs::crash(std::uint64_t seed, bool lose_all) const {
  std::mt19937_64 rng(seed);
  auto next = std::make_shared<State>();
  std::map<std::string, int> names = state_->durable_names;
  const auto& pending = state_->pending_names;
  const std::size_t survive = pending.empty() || lose_all ? 0 : rng() % (pending.size() + 1);
  for (std::size_t i = 0; i < survive; ++i) {
    const auto& op = pending[i];
    if (op.kind == NameOp::link_name) {
      names[op.to] = op.inode;
    } else if (op.kind == NameOp::unlink_name) {
      names.erase(op.from);
    } else {
      names[op.to] = op.inode;
      names.erase(op.from);
    }
  }
  for (const auto& [name, id] : names) {
    if (next->inodes.contains(id)) {
      next->names[name] = id;
      continue;
    }
    const Inode& old = state_->inodes.at(id);
    Bytes bytes = old.durable;
    for (const auto& op : old.pending) {
      const auto choice = lose_all ? 0 : rng() % 3;
      if (choice == 0) continue;  // dropped
      Op kept = op;
      if (choice == 2 && !op.truncate) {
        for (auto& b : kept.data) b = static_cast<std::uint8_t>(rng());
      }
      apply_op(bytes, kept);
    }
    next->inodes[id] = Inode{bytes, bytes, {}};
    next->names[name] = id;
  }
  next->durable_names = next->names;
  next->next_inode = state_->next_inode;
  next->dirs = state_->dirs;
  return std::shared_ptr<SimFs>(new SimFs(next));
}

result<std::unique_ptr<storage::File>> SimFs::open(const std::string& path,
                                                   storage::OpenMode mode) {
  if (!state_->begin(OpKind::open)) return storage_errc::io_error;
  auto it = state_->names.find(path);
  if (mode != storage::OpenMode::create) {
    if (it == state_->names.end()) return storage_errc::not_found;
    return std::unique_ptr<storage::File>(
        new SimFile(state_, it->second, mode == storage::OpenMode::read_write));
  }
  if (it == state_->names.end()) {
    const int id = state_->next_inode++;
    state_->inodes[id] = Inode{};
    state_->names[path] = id;
    state_->pending_names.push_back({NameOp::link_name, "", path, id});
    return std::unique_ptr<storage::File>(new SimFile(state_, id, true));
  }
  Inode& node = state_->inodes[it->second];
  Op op{true, 0, {}};
  apply_op(node.current, op);
  node.pending.push_back(op);
  return std::unique_ptr<storage::File>(new SimFile(state_, it->second, true));
}

result<void> SimFs::rename(const std::string& from, const std::string& to) {
  if (!state_->begin(OpKind::rename)) return storage_errc::io_error;
  auto it = state_->names.find(from);
  if (it == state_->names.end()) return storage_errc::io_error;
  const int id = it->second;
  state_->names.erase(it);
  state_->names[to] = id;
  state_->pending_names.push_back({NameOp::rename_name, from, to, id});
  return {};
}

result<void> SimFs::remove(const std::string& path) {
  if (!state_->begin(OpKind::other)) return storage_errc::io_error;
  if (state_->names.erase(path) != 0)
    state_->pending_names.push_back({NameOp::unlink_name, path, "", 0});
  return {};
}

result<std::vector<std::string>> SimFs::list(const std::string& dir) {
  if (!state_->begin(OpKind::other)) return storage_errc::io_error;
  std::vector<std::string> out;
  const std::string prefix = dir + "/";
  for (const auto& [name, id] : state_->names) {
    if (name.starts_with(prefix) && name.find('/', prefix.size()) == std::string::npos) {
      out.push_back(name.substr(prefix.size()));
    }
  }
  return out;
}

result<void> SimFs::sync_dir(const std::string&) {
  const bool ok = state_->begin(OpKind::sync);
  state_->sync_points.push_back(state_->ops);
  if (!ok) return storage_errc::io_error;
  state_->durable_names = state_->names;
  state_->pending_names.clear();
  return {};
}

result<bool> SimFs::create_dir(const std::string& dir) {
  if (!state_->begin(OpKind::other)) return storage_errc::io_error;
  return state_->dirs.insert(dir).second;
}

result<std::unique_ptr<storage::FileLock>> SimFs::lock(const std::string& path) {
  if (!state_->begin(OpKind::other)) return storage_errc::io_error;
  if (!state_->locks.insert(path).second) return storage_errc::locked;
  return std::unique_ptr<storage::FileLock>(new SimLock(state_, path));
}

}  // namespace weft::test

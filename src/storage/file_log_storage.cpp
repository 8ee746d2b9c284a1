#include "weft/storage/file_log_storage.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "file_log_format.hpp"

namespace weft::storage {
namespace {

using detail::FileKind;
using detail::kHeaderBytes;

// The files recovery found for one document.
struct Listing {
  std::set<std::uint64_t> logs;
  std::set<std::uint64_t> snaps;
  std::vector<std::string> temporaries;
};

// Parses "<hex>.<gen>.log", "<hex>.<gen>.snap" and "*.tmp" names.
void classify(const std::string& name, std::map<std::string, Listing, std::less<>>& out) {
  const bool tmp = name.size() > 4 && name.ends_with(".tmp");
  const std::string base = tmp ? name.substr(0, name.size() - 4) : name;
  const auto last = base.rfind('.');
  if (last == std::string::npos || last == 0) return;
  const auto mid = base.rfind('.', last - 1);
  if (mid == std::string::npos || mid == 0) return;
  const std::string hex = base.substr(0, mid);
  const std::string gen_text = base.substr(mid + 1, last - mid - 1);
  const std::string ext = base.substr(last + 1);
  if (!detail::unhex_name(hex) || gen_text.empty() || gen_text.size() > 18) return;
  if (!std::all_of(gen_text.begin(), gen_text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return;
  const std::uint64_t gen = std::stoull(gen_text);
  if (ext != "log" && ext != "snap") return;
  auto& entry = out[hex];
  if (tmp) {
    entry.temporaries.push_back(name);
  } else if (ext == "log") {
    entry.logs.insert(gen);
  } else {
    entry.snaps.insert(gen);
  }
}

result<Bytes> read_all(File& file) {
  auto size = file.size();
  if (!size) return size.error();
  Bytes bytes(static_cast<std::size_t>(*size));
  if (auto r = file.read_at(0, bytes); !r) return r.error();
  return bytes;
}

class FileLogStorage final : public Storage {
 public:
  FileLogStorage(std::string dir, StorageOptions options, std::shared_ptr<FileSystem> fs,
                 std::unique_ptr<FileLock> lock,
                 std::map<std::string, Listing, std::less<>> listing)
      : Storage(std::move(options), fs, dir),  // the marks sit beside the logs
        dir_(std::move(dir)),
        fs_(std::move(fs)),
        lock_(std::move(lock)),
        listing_(std::move(listing)) {}

  ~FileLogStorage() override { close(); }

 protected:
  result<AppendResult> do_append(std::string_view doc,
                                 std::span<const std::uint8_t> update) override {
    auto st = touch(doc, nullptr);
    if (!st) return st.error();
    Doc& d = **st;
    if (auto c = ensure_log(d); !c) return c.error();
    Writer record;
    detail::write_record(record, detail::RecordKind::update, update);
    if (auto w = d.log->write_at(d.log_end, record.view()); !w) return w.error();
    d.log_end += record.size();
    ++d.log_records;
    d.log_bytes += update.size();
    const AppendResult out{d.base_seq + d.log_records - 1, d.log_records, d.log_bytes};
    if (options().durability == Durability::durable) {
      if (auto s = d.log->sync(); !s) return s.error();
    } else {
      pending_.insert(d.hex);  // Storage decides when the group commits
    }
    return out;
  }

  result<DocumentData> do_load(std::string_view doc) override {
    DocumentData fresh;
    bool recovered = false;
    auto st = touch(doc, &fresh, &recovered);
    if (!st) return st.error();
    if (recovered) return fresh;
    return read_doc(**st);
  }

  result<std::pair<std::uint64_t, std::uint64_t>> do_bounds(std::string_view doc) override {
    auto st = touch(doc, nullptr);
    if (!st) return st.error();
    return std::pair{(*st)->base_seq + (*st)->log_records, (*st)->base_seq};
  }

  result<void> do_replace_prefix(std::string_view doc, std::uint64_t up_to_seq,
                                 std::span<const std::uint8_t> snapshot) override {
    auto st = touch(doc, nullptr);
    if (!st) return st.error();
    Doc& d = **st;
    if (auto c = ensure_log(d); !c) return c.error();
    auto current = read_doc(d);
    if (!current) return current.error();
    const std::uint64_t gen = d.gen + 1;
    const auto snap_bytes = detail::encode_snapshot_file(gen, up_to_seq, snapshot);
    if (auto w = write_new_file(path(d.hex, gen, "snap"), snap_bytes); !w) return w.error();
    Writer log;
    detail::write_header(log, {FileKind::log, gen, up_to_seq});
    if (d.meta) detail::write_meta_record(log, *d.meta);
    std::uint64_t records = 0;
    std::uint64_t bytes = 0;
    for (std::uint64_t i = up_to_seq - current->snapshot_seq; i < current->updates.size(); ++i) {
      detail::write_record(log, detail::RecordKind::update, current->updates[i]);
      ++records;
      bytes += current->updates[i].size();
    }
    // Commit point: once the new log's name is durable, generation `gen` is current.
    if (auto w = write_new_file(path(d.hex, gen, "log"), log.view()); !w) return w.error();
    auto file = fs_->open(path(d.hex, gen, "log"), OpenMode::read_write);
    if (!file) return io_error(file.error());
    const std::uint64_t old_gen = d.gen;
    d.log = std::move(*file);
    d.gen = gen;
    d.base_seq = up_to_seq;
    d.log_end = log.size();
    d.log_records = records;
    d.log_bytes = bytes;
    pending_.erase(d.hex);
    if (auto r = fs_->remove(path(d.hex, old_gen, "log")); !r) return r.error();
    if (old_gen > 0) {
      if (auto r = fs_->remove(path(d.hex, old_gen, "snap")); !r) return r.error();
    }
    return fs_->sync_dir(dir_);
  }

  result<std::vector<std::string>> do_list() override {
    std::set<std::string> names;
    for (const auto& [hex, entry] : listing_) {
      if (!entry.logs.empty()) names.insert(*detail::unhex_name(hex));
    }
    for (const auto& [hex, d] : docs_) {
      if (d.log) names.insert(*detail::unhex_name(hex));
    }
    return std::vector<std::string>(names.begin(), names.end());
  }

  result<void> do_put_meta(std::string_view doc, const DocMeta& meta) override {
    auto st = touch(doc, nullptr);
    if (!st) return st.error();
    Doc& d = **st;
    if (auto c = ensure_log(d); !c) return c.error();
    Writer record;
    detail::write_meta_record(record, meta);
    if (auto w = d.log->write_at(d.log_end, record.view()); !w) return w.error();
    d.log_end += record.size();
    if (auto s = d.log->sync(); !s) return s.error();
    d.meta = meta;
    return do_sync();
  }

  result<void> do_sync() override {
    for (auto it = pending_.begin(); it != pending_.end();) {
      auto d = docs_.find(*it);
      if (d != docs_.end() && d->second.log) {
        if (auto s = d->second.log->sync(); !s) return s.error();
      }
      it = pending_.erase(it);
    }
    return {};
  }

 private:
  struct Doc {
    std::string hex;
    std::uint64_t gen = 0;
    std::unique_ptr<File> log;  // null until the document's first log exists
    std::uint64_t base_seq = 0;
    std::uint64_t log_end = 0;
    std::uint64_t log_records = 0;
    std::uint64_t log_bytes = 0;
    std::optional<DocMeta> meta;
    Recovery recovery;
  };

  static boost::system::error_code io_error(boost::system::error_code e) {
    return e == storage_errc::not_found ? make_error_code(storage_errc::io_error) : e;
  }

  std::string path(const std::string& hex, std::uint64_t gen, const char* ext) const {
    return dir_ + "/" + hex + "." + std::to_string(gen) + "." + ext;
  }

  // tmp, sync, rename, sync dir: the name appears only with complete contents.
  result<void> write_new_file(const std::string& final_path, std::span<const std::uint8_t> bytes) {
    const std::string tmp = final_path + ".tmp";
    {
      auto file = fs_->open(tmp, OpenMode::create);
      if (!file) return io_error(file.error());
      if (auto w = (*file)->write_at(0, bytes); !w) return w.error();
      if (auto s = (*file)->sync(); !s) return s.error();
    }
    if (auto r = fs_->rename(tmp, final_path); !r) return r.error();
    return fs_->sync_dir(dir_);
  }

  result<void> ensure_log(Doc& d) {
    if (d.log) return {};
    Writer header;
    detail::write_header(header, {FileKind::log, 0, 0});
    if (auto w = write_new_file(path(d.hex, 0, "log"), header.view()); !w) return w.error();
    auto file = fs_->open(path(d.hex, 0, "log"), OpenMode::read_write);
    if (!file) return io_error(file.error());
    d.log = std::move(*file);
    d.log_end = kHeaderBytes;
    return {};
  }

  // The document's in-memory state, recovering it from disk on first use. When
  // recovery runs and `out` is given, the loaded document is stored there.
  result<Doc*> touch(std::string_view doc, DocumentData* out, bool* recovered = nullptr) {
    std::string hex = detail::hex_name(doc);
    if (auto it = docs_.find(hex); it != docs_.end()) return &it->second;
    Doc d;
    d.hex = hex;
    DocumentData data;
    if (auto it = listing_.find(hex); it != listing_.end()) {
      if (auto r = recover(d, it->second, data); !r) return r.error();
      listing_.erase(it);
    }
    if (out != nullptr) *out = std::move(data);
    if (recovered != nullptr) *recovered = true;
    auto [it, inserted] = docs_.emplace(std::move(hex), std::move(d));
    (void)inserted;
    return &it->second;
  }

  result<void> recover(Doc& d, const Listing& files, DocumentData& data) {
    bool removed = false;
    for (const auto& tmp : files.temporaries) {
      if (auto r = fs_->remove(dir_ + "/" + tmp); !r) return r.error();
      removed = true;
    }
    if (files.logs.empty()) {
      // Only a snapshot whose log never got its name: an interrupted first compaction
      // cannot produce this, so a log went missing.
      if (!files.snaps.empty()) return storage_errc::corrupted;
      if (removed) return fs_->sync_dir(dir_);
      return {};
    }
    const std::uint64_t gen = *files.logs.rbegin();
    std::optional<Bytes> snapshot;
    std::uint64_t base = 0;
    if (gen > 0) {
      if (!files.snaps.contains(gen)) return storage_errc::corrupted;
      auto file = fs_->open(path(d.hex, gen, "snap"), OpenMode::read);
      if (!file) return io_error(file.error());
      auto bytes = read_all(**file);
      if (!bytes) return bytes.error();
      auto snap = detail::decode_snapshot_file(*bytes, options().max_record_bytes);
      if (!snap) return snap.error();
      if (snap->generation != gen) return storage_errc::corrupted;
      base = snap->covers_seq;
      snapshot.emplace(snap->payload.begin(), snap->payload.end());
    }
    auto file = fs_->open(path(d.hex, gen, "log"), OpenMode::read_write);
    if (!file) return io_error(file.error());
    auto bytes = read_all(**file);
    if (!bytes) return bytes.error();
    auto header = detail::read_header(*bytes, FileKind::log);
    if (!header) return header.error();
    if (header->generation != gen || header->base_seq != base) return storage_errc::corrupted;
    const auto scan = detail::scan_log(*bytes, options().max_record_bytes);
    if (scan.valid_end < bytes->size()) {
      if (!options().repair_torn_tail) return storage_errc::corrupted;
      d.recovery = {bytes->size() - scan.valid_end, scan.valid_end};
      if (auto t = (*file)->truncate(scan.valid_end); !t) return t.error();
      if (auto s = (*file)->sync(); !s) return s.error();
    }
    // Older generations are leftovers of a committed compaction; newer
    // snapshots without a log are leftovers of an uncommitted one.
    for (const auto g : files.logs) {
      if (g == gen) continue;
      if (auto r = fs_->remove(path(d.hex, g, "log")); !r) return r.error();
      removed = true;
    }
    for (const auto g : files.snaps) {
      if (g == gen) continue;
      if (auto r = fs_->remove(path(d.hex, g, "snap")); !r) return r.error();
      removed = true;
    }
    if (removed) {
      if (auto s = fs_->sync_dir(dir_); !s) return s.error();
    }
    d.gen = gen;
    d.base_seq = base;
    d.log_end = scan.valid_end;
    d.log_records = scan.updates.size();
    d.log_bytes = 0;
    data.updates.reserve(scan.updates.size());
    for (const auto u : scan.updates) {
      d.log_bytes += u.size();
      data.updates.emplace_back(u.begin(), u.end());
    }
    d.meta = scan.meta;
    d.log = std::move(*file);
    data.snapshot = std::move(snapshot);
    data.snapshot_seq = base;
    data.meta = d.meta;
    data.recovery = d.recovery;
    return {};
  }

  // Rereads a recovered document from its files.
  result<DocumentData> read_doc(const Doc& d) {
    DocumentData data;
    data.snapshot_seq = d.base_seq;
    data.meta = d.meta;
    data.recovery = d.recovery;
    if (!d.log) return data;
    if (d.gen > 0) {
      auto file = fs_->open(path(d.hex, d.gen, "snap"), OpenMode::read);
      if (!file) return io_error(file.error());
      auto bytes = read_all(**file);
      if (!bytes) return bytes.error();
      auto snap = detail::decode_snapshot_file(*bytes, options().max_record_bytes);
      if (!snap) return snap.error();
      data.snapshot.emplace(snap->payload.begin(), snap->payload.end());
    }
    Bytes bytes(static_cast<std::size_t>(d.log_end));
    if (auto r = d.log->read_at(0, bytes); !r) return r.error();
    const auto scan = detail::scan_log(bytes, options().max_record_bytes);
    // Everything up to log_end was validated or written by us: damage now is corruption.
    if (scan.valid_end != d.log_end || scan.updates.size() != d.log_records) {
      return storage_errc::corrupted;
    }
    data.updates.reserve(scan.updates.size());
    for (const auto u : scan.updates) data.updates.emplace_back(u.begin(), u.end());
    return data;
  }

  std::string dir_;
  std::shared_ptr<FileSystem> fs_;
  std::unique_ptr<FileLock> lock_;
  std::map<std::string, Listing, std::less<>> listing_;  // documents not yet recovered
  std::map<std::string, Doc, std::less<>> docs_;         // keyed by hex name
  std::set<std::string> pending_;                        // hex names with unsynced appends
};

}  // namespace

result<std::unique_ptr<Storage>> open_file_log_storage(const std::string& dir,
                                                       StorageOptions options,
                                                       std::shared_ptr<FileSystem> fs) {
  auto created = fs->create_dir(dir);
  if (!created) return created.error();
  if (*created) {
    // The new directory's own name must be durable before anything in it is.
    const auto slash = dir.find_last_of('/');
    const std::string parent =
        slash == std::string::npos ? "." : (slash == 0 ? "/" : dir.substr(0, slash));
    if (auto s = fs->sync_dir(parent); !s) return s.error();
  }
  auto lock = fs->lock(dir + "/LOCK");
  if (!lock) return lock.error();
  auto names = fs->list(dir);
  if (!names)
    return names.error() == storage_errc::not_found ? make_error_code(storage_errc::io_error)
                                                    : names.error();
  std::map<std::string, Listing, std::less<>> listing;
  for (const auto& name : *names) classify(name, listing);
  return std::unique_ptr<Storage>(new FileLogStorage(dir, std::move(options), std::move(fs),
                                                     std::move(*lock), std::move(listing)));
}

}  // namespace weft::storage

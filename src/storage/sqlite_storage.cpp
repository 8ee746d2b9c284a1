#include "weft/storage/sqlite_storage.hpp"

#include <sqlite3.h>

#include <bit>
#include <map>

#include "weft/encoding/crc32c.hpp"
#include "weft/storage/file_system.hpp"

namespace weft::storage {
namespace {

constexpr std::int64_t kSqliteFormatVersion = 1;

boost::system::error_code map_error(int rc) {
  switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return storage_errc::corrupted;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return storage_errc::locked;
    default:
      return storage_errc::io_error;
  }
}

std::int64_t to_i64(std::uint64_t v) {
  return std::bit_cast<std::int64_t>(v);
}
std::uint64_t to_u64(std::int64_t v) {
  return std::bit_cast<std::uint64_t>(v);
}

// One prepared statement, reset and unbound after each use.
class Stmt {
 public:
  Stmt() = default;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() { sqlite3_finalize(stmt_); }

  int prepare(sqlite3* db, const char* sql) {
    return sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  }
  sqlite3_stmt* get() const noexcept { return stmt_; }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  void bind(int i, std::int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void bind(int i, std::span<const std::uint8_t> b) {
    // A zero-length blob must still be a blob, not NULL: pass a valid pointer.
    static const std::uint8_t empty = 0;
    sqlite3_bind_blob64(stmt_, i, b.empty() ? &empty : b.data(), b.size(), SQLITE_STATIC);
  }
  void bind_null(int i) { sqlite3_bind_null(stmt_, i); }
  std::int64_t i64(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::span<const std::uint8_t> blob(int col) const {
    const void* p = sqlite3_column_blob(stmt_, col);
    const int n = sqlite3_column_bytes(stmt_, col);
    if (p == nullptr || n <= 0) return {};
    return {static_cast<const std::uint8_t*>(p), static_cast<std::size_t>(n)};
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

std::span<const std::uint8_t> name_bytes(std::string_view doc) {
  return {reinterpret_cast<const std::uint8_t*>(doc.data()), doc.size()};
}

struct DocRow {
  std::uint64_t next_seq = 0;
  std::uint64_t snap_seq = 0;
  bool has_snap = false;
  std::optional<DocMeta> meta;
};

std::uint32_t row_crc(std::string_view doc, const DocRow& row) {
  Writer w;
  w.string(doc);
  w.u64_le(row.next_seq);
  w.u64_le(row.snap_seq);
  w.u8(row.has_snap ? 1 : 0);
  w.u8(row.meta ? 1 : 0);
  w.u64_le(row.meta ? row.meta->replica.value() : 0);
  w.u64_le(row.meta ? row.meta->counter_high_water : 0);
  return crc32c(w.view());
}

std::uint32_t blob_crc(std::string_view doc, std::uint64_t seq,
                       std::span<const std::uint8_t> data) {
  Writer w;
  w.string(doc);
  w.u64_le(seq);
  return crc32c(data, crc32c(w.view()));
}

class SqliteStorageImpl final : public SqliteStorage {
 public:
  SqliteStorageImpl(StorageOptions options, sqlite3* db, std::unique_ptr<FileLock> lock,
                    const std::string& marks_dir)
      : SqliteStorage(std::move(options), posix_file_system(), marks_dir),
        lock_(std::move(lock)),
        handle_(db),
        db_(db) {}

  ~SqliteStorageImpl() override { close(); }

  result<void> prepare() {
    const std::pair<Stmt*, const char*> all[] = {
        {&get_doc_,
         "SELECT next_seq, snap_seq, has_snap, replica, counter_hw, crc FROM docs WHERE name=?1"},
        {&put_doc_,
         "INSERT OR REPLACE INTO docs(name, next_seq, snap_seq, has_snap, replica, counter_hw, "
         "crc) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
        {&put_update_, "INSERT INTO updates(doc, seq, data, crc) VALUES(?1, ?2, ?3, ?4)"},
        {&get_updates_, "SELECT seq, data, crc FROM updates WHERE doc=?1 ORDER BY seq"},
        {&get_snapshot_, "SELECT seq, data, crc FROM snapshots WHERE doc=?1"},
        {&put_snapshot_,
         "INSERT OR REPLACE INTO snapshots(doc, seq, data, crc) VALUES(?1, ?2, ?3, ?4)"},
        {&delete_prefix_, "DELETE FROM updates WHERE doc=?1 AND seq<?2"},
        {&list_, "SELECT name FROM docs ORDER BY name"},
        {&begin_, "BEGIN IMMEDIATE"},
        {&commit_, "COMMIT"},
        {&rollback_, "ROLLBACK"},
    };
    for (const auto& [stmt, sql] : all) {
      if (int rc = stmt->prepare(db_, sql); rc != SQLITE_OK) return map_error(rc);
    }
    return {};
  }

  result<void> integrity_check() override {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, "PRAGMA integrity_check", -1, &stmt, nullptr);
    if (rc != SQLITE_OK) return map_error(rc);
    bool ok = false;
    int rows = 0;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      const auto* text = sqlite3_column_text(stmt, 0);
      ok = rows == 0 && text != nullptr &&
           std::string_view(reinterpret_cast<const char*>(text)) == "ok";
      ++rows;
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) return map_error(rc);
    if (!ok || rows != 1) return storage_errc::corrupted;
    return {};
  }

 protected:
  result<AppendResult> do_append(std::string_view doc,
                                 std::span<const std::uint8_t> update) override {
    auto row = cached_row(doc);
    if (!row) return row.error();
    DocRow next = *row;
    ++next.next_seq;
    const std::uint64_t seq = row->next_seq;
    auto cached = cache_.find(doc);
    const std::uint64_t log_bytes =
        (cached == cache_.end() ? 0 : cached->second.log_bytes) + update.size();
    auto r = transaction([&]() -> result<void> {
      put_update_.bind(1, name_bytes(doc));
      put_update_.bind(2, to_i64(seq));
      put_update_.bind(3, update);
      put_update_.bind(4, static_cast<std::int64_t>(blob_crc(doc, seq, update)));
      if (auto s = step_done(put_update_); !s) return s;
      return write_row(doc, next);
    });
    if (!r) return r.error();
    auto& entry = cache_[std::string(doc)];
    entry.row = next;
    entry.log_bytes = log_bytes;
    if (options().durability == Durability::relaxed) ++pending_;  // Storage group-commits
    return AppendResult{seq, next.next_seq - next.snap_seq, log_bytes};
  }

  result<DocumentData> do_load(std::string_view doc) override {
    auto row = read_row(doc);
    if (!row) return row.error();
    DocumentData data;
    data.snapshot_seq = row->snap_seq;
    data.meta = row->meta;
    if (row->has_snap) {
      get_snapshot_.bind(1, name_bytes(doc));
      int rc = sqlite3_step(get_snapshot_.get());
      if (rc == SQLITE_ROW) {
        const auto seq = to_u64(get_snapshot_.i64(0));
        const auto blob = get_snapshot_.blob(1);
        const auto crc = to_u64(get_snapshot_.i64(2));
        if (seq != row->snap_seq || crc != blob_crc(doc, seq, blob) ||
            blob.size() > options().max_record_bytes) {
          rc = SQLITE_CORRUPT;
        } else {
          data.snapshot.emplace(blob.begin(), blob.end());
        }
      } else if (rc == SQLITE_DONE) {
        rc = SQLITE_CORRUPT;  // the docs row promises a snapshot
      }
      get_snapshot_.reset();
      if (rc != SQLITE_ROW) return map_error(rc);
    }
    get_updates_.bind(1, name_bytes(doc));
    std::uint64_t expected = row->snap_seq;
    std::uint64_t log_bytes = 0;
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(get_updates_.get())) == SQLITE_ROW) {
      const auto seq = to_u64(get_updates_.i64(0));
      const auto blob = get_updates_.blob(1);
      const auto crc = to_u64(get_updates_.i64(2));
      // A gap, a reordering or a changed byte is damage, never skipped.
      if (seq != expected || crc != blob_crc(doc, seq, blob) ||
          blob.size() > options().max_record_bytes || expected >= row->next_seq) {
        rc = SQLITE_CORRUPT;
        break;
      }
      data.updates.emplace_back(blob.begin(), blob.end());
      log_bytes += blob.size();
      ++expected;
    }
    get_updates_.reset();
    if (rc != SQLITE_DONE) return map_error(rc);
    if (expected != row->next_seq) return storage_errc::corrupted;
    auto& entry = cache_[std::string(doc)];
    entry.row = *row;
    entry.log_bytes = log_bytes;
    return data;
  }

  result<std::pair<std::uint64_t, std::uint64_t>> do_bounds(std::string_view doc) override {
    auto row = cached_row(doc);
    if (!row) return row.error();
    return std::pair{row->next_seq, row->snap_seq};
  }

  result<void> do_replace_prefix(std::string_view doc, std::uint64_t up_to_seq,
                                 std::span<const std::uint8_t> snapshot) override {
    auto row = cached_row(doc);
    if (!row) return row.error();
    DocRow next = *row;
    next.snap_seq = up_to_seq;
    next.has_snap = true;
    // Compaction always syncs, whatever the mode: it is rare and must be atomic and durable.
    auto r = transaction([&]() -> result<void> {
      put_snapshot_.bind(1, name_bytes(doc));
      put_snapshot_.bind(2, to_i64(up_to_seq));
      put_snapshot_.bind(3, snapshot);
      put_snapshot_.bind(4, static_cast<std::int64_t>(blob_crc(doc, up_to_seq, snapshot)));
      if (auto s = step_done(put_snapshot_); !s) return s;
      delete_prefix_.bind(1, name_bytes(doc));
      delete_prefix_.bind(2, to_i64(up_to_seq));
      if (auto s = step_done(delete_prefix_); !s) return s;
      return write_row(doc, next);
    });
    if (!r) return r;
    cache_.erase(std::string(doc));  // log_bytes is recounted on the next load
    pending_ = std::max<std::size_t>(pending_, 1);
    return do_sync();
  }

  result<std::vector<std::string>> do_list() override {
    std::vector<std::string> names;
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(list_.get())) == SQLITE_ROW) {
      const auto blob = list_.blob(0);
      names.emplace_back(reinterpret_cast<const char*>(blob.data()), blob.size());
    }
    list_.reset();
    if (rc != SQLITE_DONE) return map_error(rc);
    return names;
  }

  result<void> do_put_meta(std::string_view doc, const DocMeta& meta) override {
    auto row = cached_row(doc);
    if (!row) return row.error();
    DocRow next = *row;
    next.meta = meta;
    auto r = transaction([&] { return write_row(doc, next); });
    if (!r) return r;
    cache_[std::string(doc)].row = next;
    pending_ = std::max<std::size_t>(pending_, 1);
    return do_sync();
  }

  result<void> do_sync() override {
    if (options().durability == Durability::durable || pending_ == 0) return {};
    // With synchronous=NORMAL a checkpoint syncs the WAL before copying it
    // into the database and syncs the database afterwards.
    const int rc =
        sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    if (rc != SQLITE_OK) return storage_errc::io_error;
    pending_ = 0;
    return {};
  }

 private:
  struct Cached {
    DocRow row;
    std::uint64_t log_bytes = 0;
  };

  result<void> step_done(Stmt& stmt) {
    const int rc = sqlite3_step(stmt.get());
    stmt.reset();
    if (rc != SQLITE_DONE) return map_error(rc);
    return {};
  }

  template <class F>
  result<void> transaction(F&& body) {
    if (auto b = step_done(begin_); !b) return b;
    auto r = body();
    if (r) r = step_done(commit_);
    if (!r) {
      if (!sqlite3_get_autocommit(db_)) (void)step_done(rollback_);
      // A failed commit may or may not have reached the disk; the latch in
      // Storage refuses further work, which is all that is safe.
      if (r.error() != storage_errc::corrupted) return storage_errc::io_error;
    }
    return r;
  }

  result<void> write_row(std::string_view doc, const DocRow& row) {
    put_doc_.bind(1, name_bytes(doc));
    put_doc_.bind(2, to_i64(row.next_seq));
    put_doc_.bind(3, to_i64(row.snap_seq));
    put_doc_.bind(4, row.has_snap ? 1 : 0);
    if (row.meta) {
      put_doc_.bind(5, to_i64(row.meta->replica.value()));
      put_doc_.bind(6, to_i64(row.meta->counter_high_water));
    } else {
      put_doc_.bind_null(5);
      put_doc_.bind_null(6);
    }
    put_doc_.bind(7, static_cast<std::int64_t>(row_crc(doc, row)));
    return step_done(put_doc_);
  }

  result<DocRow> read_row(std::string_view doc) {
    get_doc_.bind(1, name_bytes(doc));
    const int rc = sqlite3_step(get_doc_.get());
    DocRow row;
    boost::system::error_code error;
    if (rc == SQLITE_ROW) {
      row.next_seq = to_u64(get_doc_.i64(0));
      row.snap_seq = to_u64(get_doc_.i64(1));
      row.has_snap = get_doc_.i64(2) != 0;
      if (!get_doc_.is_null(3)) {
        row.meta = DocMeta{ReplicaId(to_u64(get_doc_.i64(3))), to_u64(get_doc_.i64(4))};
      }
      const auto crc = to_u64(get_doc_.i64(5));
      if (crc != row_crc(doc, row) || row.snap_seq > row.next_seq) error = storage_errc::corrupted;
    } else if (rc != SQLITE_DONE) {
      error = map_error(rc);
    }
    get_doc_.reset();
    if (error) return error;
    return row;
  }

  result<DocRow> cached_row(std::string_view doc) {
    if (auto it = cache_.find(doc); it != cache_.end()) return it->second.row;
    // log_bytes of an uncached document is computed by a full load, so that
    // the compaction threshold sees what is really in the log.
    auto data = do_load(doc);
    if (!data) return data.error();
    return cache_.find(doc)->second.row;
  }

  // Closes the connection after the statements (declared later) are finalized,
  // and before the lock (declared earlier) is released.
  struct Handle {
    sqlite3* db;
    ~Handle() { sqlite3_close_v2(db); }
  };
  std::unique_ptr<FileLock> lock_;
  Handle handle_;
  sqlite3* db_;
  std::map<std::string, Cached, std::less<>> cache_;
  std::size_t pending_ = 0;
  Stmt get_doc_, put_doc_, put_update_, get_updates_, get_snapshot_, put_snapshot_, delete_prefix_,
      list_, begin_, commit_, rollback_;
};

result<void> exec(sqlite3* db, const char* sql) {
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return map_error(rc);
  return {};
}

// Runs a one-row, one-column text query.
result<std::string> query_text(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return map_error(rc);
  std::string out;
  rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) {
    const auto* text = sqlite3_column_text(stmt, 0);
    if (text != nullptr) out = reinterpret_cast<const char*>(text);
    rc = SQLITE_OK;
  } else if (rc == SQLITE_DONE) {
    rc = SQLITE_OK;
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_OK) return map_error(rc);
  return out;
}

result<void> setup(sqlite3* db, Durability durability) {
  auto mode = query_text(db, "PRAGMA journal_mode=WAL");
  if (!mode) return mode.error();
  if (*mode != "wal") return storage_errc::io_error;
  if (auto r = exec(db, durability == Durability::durable ? "PRAGMA synchronous=FULL"
                                                          : "PRAGMA synchronous=NORMAL");
      !r) {
    return r;
  }
  if (auto r = exec(db,
                    "BEGIN IMMEDIATE;"
                    "CREATE TABLE IF NOT EXISTS weft_store(key TEXT PRIMARY KEY, value INTEGER);"
                    "INSERT OR IGNORE INTO weft_store(key, value) VALUES('format', 1);"
                    "CREATE TABLE IF NOT EXISTS docs(name BLOB PRIMARY KEY, next_seq INTEGER "
                    "NOT NULL, snap_seq INTEGER NOT NULL, has_snap INTEGER NOT NULL, replica "
                    "INTEGER, counter_hw INTEGER, crc INTEGER NOT NULL);"
                    "CREATE TABLE IF NOT EXISTS snapshots(doc BLOB PRIMARY KEY, seq INTEGER NOT "
                    "NULL, data BLOB NOT NULL, crc INTEGER NOT NULL);"
                    "CREATE TABLE IF NOT EXISTS updates(doc BLOB NOT NULL, seq INTEGER NOT NULL, "
                    "data BLOB NOT NULL, crc INTEGER NOT NULL, PRIMARY KEY(doc, seq)) WITHOUT "
                    "ROWID;"
                    "COMMIT;");
      !r) {
    (void)exec(db, "ROLLBACK");
    return r;
  }
  auto version = query_text(db, "SELECT value FROM weft_store WHERE key='format'");
  if (!version) return version.error();
  if (*version != std::to_string(kSqliteFormatVersion)) return storage_errc::unsupported_version;
  return {};
}

}  // namespace

result<std::unique_ptr<SqliteStorage>> open_sqlite_storage(const std::string& path,
                                                           StorageOptions options,
                                                           const char* vfs) {
  auto lock = posix_file_system()->lock(path + ".lock");
  if (!lock) return lock.error();
  // Acknowledgement marks: beside the database, out of reach of its WAL.
  const std::string marks_dir = path + ".marks";
  auto created = posix_file_system()->create_dir(marks_dir);
  if (!created) return storage_errc::io_error;
  if (*created) {
    const auto slash = path.find_last_of('/');
    const std::string parent =
        slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    if (auto s = posix_file_system()->sync_dir(parent); !s) return s.error();
  }
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, vfs);
  if (rc != SQLITE_OK) {
    sqlite3_close_v2(db);
    return map_error(rc);
  }
  sqlite3_extended_result_codes(db, 1);
  if (auto s = setup(db, options.durability); !s) {
    sqlite3_close_v2(db);
    return s.error();
  }
  auto store =
      std::make_unique<SqliteStorageImpl>(std::move(options), db, std::move(*lock), marks_dir);
  if (auto p = store->prepare(); !p) return p.error();
  return std::unique_ptr<SqliteStorage>(std::move(store));
}

}  // namespace weft::storage

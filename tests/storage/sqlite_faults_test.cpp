// I/O error injection under the SQLite backend: a VFS shim over SQLite's
// default VFS fails the k-th write, sync or open, for every k a scripted
// workload reaches. The error must be typed, latch the store, and every
// acknowledged append must be in the database when it is reopened normally.
// (SQLite has no rename; its own power-loss testing covers the journal.)
#include <sqlite3.h>

#include <cstring>

#include "storage/id_set.hpp"
#include "storage/temp_dir.hpp"
#include "support/catch.hpp"
#include "weft/storage/sqlite_storage.hpp"

using namespace weft;
using namespace weft::storage;

namespace {

enum class Kind { write, sync, open };

struct Faults {
  std::uint64_t count[3] = {0, 0, 0};
  std::optional<Kind> kind;
  std::uint64_t at = 0;
  // Counts one operation; true if it must fail.
  bool hit(Kind k) {
    const auto n = ++count[static_cast<int>(k)];
    return kind == k && at == n;
  }
};
Faults faults;
sqlite3_vfs* real_vfs = nullptr;

struct FaultFile {
  sqlite3_file base;
  sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};
static_assert(sizeof(FaultFile) % 8 == 0);

FaultFile* ff(sqlite3_file* f) {
  return reinterpret_cast<FaultFile*>(f);
}
const sqlite3_io_methods* rm(sqlite3_file* f) {
  return ff(f)->real()->pMethods;
}

int f_close(sqlite3_file* f) {
  return rm(f)->xClose(ff(f)->real());
}
int f_read(sqlite3_file* f, void* b, int n, sqlite3_int64 o) {
  return rm(f)->xRead(ff(f)->real(), b, n, o);
}
int f_write(sqlite3_file* f, const void* b, int n, sqlite3_int64 o) {
  if (faults.hit(Kind::write)) return SQLITE_IOERR_WRITE;
  return rm(f)->xWrite(ff(f)->real(), b, n, o);
}
int f_truncate(sqlite3_file* f, sqlite3_int64 s) {
  return rm(f)->xTruncate(ff(f)->real(), s);
}
// Counted but not performed: this test checks error handling, not power loss,
// and hundreds of real fsyncs per run would make it slow.
int f_sync(sqlite3_file*, int) {
  if (faults.hit(Kind::sync)) return SQLITE_IOERR_FSYNC;
  return SQLITE_OK;
}
int f_size(sqlite3_file* f, sqlite3_int64* s) {
  return rm(f)->xFileSize(ff(f)->real(), s);
}
int f_lock(sqlite3_file* f, int l) {
  return rm(f)->xLock(ff(f)->real(), l);
}
int f_unlock(sqlite3_file* f, int l) {
  return rm(f)->xUnlock(ff(f)->real(), l);
}
int f_check(sqlite3_file* f, int* r) {
  return rm(f)->xCheckReservedLock(ff(f)->real(), r);
}
int f_control(sqlite3_file* f, int op, void* a) {
  return rm(f)->xFileControl(ff(f)->real(), op, a);
}
int f_sector(sqlite3_file* f) {
  return rm(f)->xSectorSize(ff(f)->real());
}
int f_device(sqlite3_file* f) {
  return rm(f)->xDeviceCharacteristics(ff(f)->real());
}
int f_shm_map(sqlite3_file* f, int p, int s, int e, void volatile** out) {
  return rm(f)->xShmMap(ff(f)->real(), p, s, e, out);
}
int f_shm_lock(sqlite3_file* f, int o, int n, int fl) {
  return rm(f)->xShmLock(ff(f)->real(), o, n, fl);
}
void f_shm_barrier(sqlite3_file* f) {
  rm(f)->xShmBarrier(ff(f)->real());
}
int f_shm_unmap(sqlite3_file* f, int d) {
  return rm(f)->xShmUnmap(ff(f)->real(), d);
}
int f_fetch(sqlite3_file* f, sqlite3_int64 o, int n, void** p) {
  return rm(f)->xFetch(ff(f)->real(), o, n, p);
}
int f_unfetch(sqlite3_file* f, sqlite3_int64 o, void* p) {
  return rm(f)->xUnfetch(ff(f)->real(), o, p);
}

const sqlite3_io_methods fault_methods = {
    3,          f_close,       f_read,      f_write,   f_truncate, f_sync,   f_size,
    f_lock,     f_unlock,      f_check,     f_control, f_sector,   f_device, f_shm_map,
    f_shm_lock, f_shm_barrier, f_shm_unmap, f_fetch,   f_unfetch};

int v_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out) {
  f->pMethods = nullptr;
  if (faults.hit(Kind::open)) return SQLITE_CANTOPEN;
  const int rc = real_vfs->xOpen(real_vfs, name, ff(f)->real(), flags, out);
  if (rc == SQLITE_OK) f->pMethods = &fault_methods;
  return rc;
}
int v_delete(sqlite3_vfs*, const char* n, int d) {
  return real_vfs->xDelete(real_vfs, n, d);
}
int v_access(sqlite3_vfs*, const char* n, int fl, int* r) {
  return real_vfs->xAccess(real_vfs, n, fl, r);
}
int v_full(sqlite3_vfs*, const char* n, int len, char* out) {
  return real_vfs->xFullPathname(real_vfs, n, len, out);
}
void* v_dlopen(sqlite3_vfs*, const char* n) {
  return real_vfs->xDlOpen(real_vfs, n);
}
void v_dlerror(sqlite3_vfs*, int n, char* m) {
  real_vfs->xDlError(real_vfs, n, m);
}
void (*v_dlsym(sqlite3_vfs*, void* h, const char* s))(void) {
  return real_vfs->xDlSym(real_vfs, h, s);
}
void v_dlclose(sqlite3_vfs*, void* h) {
  real_vfs->xDlClose(real_vfs, h);
}
int v_random(sqlite3_vfs*, int n, char* out) {
  return real_vfs->xRandomness(real_vfs, n, out);
}
int v_sleep(sqlite3_vfs*, int us) {
  return real_vfs->xSleep(real_vfs, us);
}
int v_time(sqlite3_vfs*, double* t) {
  return real_vfs->xCurrentTime(real_vfs, t);
}
int v_error(sqlite3_vfs*, int n, char* m) {
  return real_vfs->xGetLastError(real_vfs, n, m);
}
int v_time64(sqlite3_vfs*, sqlite3_int64* t) {
  return real_vfs->xCurrentTimeInt64(real_vfs, t);
}

const char* register_fault_vfs() {
  static sqlite3_vfs vfs;
  if (real_vfs == nullptr) {
    real_vfs = sqlite3_vfs_find(nullptr);
    std::memset(&vfs, 0, sizeof vfs);
    vfs.iVersion = 2;
    vfs.szOsFile = static_cast<int>(sizeof(FaultFile)) + real_vfs->szOsFile;
    vfs.mxPathname = real_vfs->mxPathname;
    vfs.zName = "weft-faults";
    vfs.xOpen = v_open;
    vfs.xDelete = v_delete;
    vfs.xAccess = v_access;
    vfs.xFullPathname = v_full;
    vfs.xDlOpen = v_dlopen;
    vfs.xDlError = v_dlerror;
    vfs.xDlSym = v_dlsym;
    vfs.xDlClose = v_dlclose;
    vfs.xRandomness = v_random;
    vfs.xSleep = v_sleep;
    vfs.xCurrentTime = v_time;
    vfs.xGetLastError = v_error;
    vfs.xCurrentTimeInt64 = v_time64;
    REQUIRE(sqlite3_vfs_register(&vfs, 0) == SQLITE_OK);
  }
  return vfs.zName;
}

StorageOptions options_for(Durability mode) {
  StorageOptions options;
  options.durability = mode;
  options.compactor = test::id_set_compactor();
  options.compact_threshold_bytes = 300;
  options.relaxed_max_pending = 1000;
  options.relaxed_window = std::chrono::hours(1);
  return options;
}

struct Run {
  std::uint64_t acked = 0;
  std::optional<boost::system::error_code> first_error;
  bool refused_after = false;
};

Run run_workload(const std::string& path, Durability mode) {
  Run run;
  auto store = open_sqlite_storage(path, options_for(mode), register_fault_vfs());
  if (!store) {
    run.first_error = store.error();
    return run;
  }
  auto note = [&](const boost::system::error_code& e) {
    run.first_error = e;
    auto again = (*store)->append("doc", test::make_update(1000));
    run.refused_after = !again && again.error() == storage_errc::closed_after_failure;
  };
  for (std::uint64_t i = 0; i < 30; ++i) {
    if (i % 8 == 0) {
      if (auto m = (*store)->put_meta("doc", DocMeta{ReplicaId(3), i + 8}); !m) {
        note(m.error());
        return run;
      }
    }
    if (auto a = (*store)->append("doc", test::make_update(i)); !a) {
      note(a.error());
      return run;
    }
    ++run.acked;
    if (mode == Durability::relaxed && i % 5 == 4) {
      if (auto s = (*store)->sync(); !s) {
        note(s.error());
        return run;
      }
    }
    if ((*store)->failed()) {
      note(make_error_code(storage_errc::io_error));
      return run;
    }
  }
  return run;
}

}  // namespace

TEST_CASE("SQLite: every injected I/O failure is typed, latches and loses nothing acked",
          "[storage][faults]") {
  for (const auto mode : {Durability::durable, Durability::relaxed}) {
    std::uint64_t totals[3] = {0, 0, 0};
    {
      test::TempDir dir;
      faults = Faults{};
      const auto clean = run_workload(dir.path() + "/s.db", mode);
      REQUIRE_FALSE(clean.first_error);
      REQUIRE(clean.acked == 30);
      for (int k = 0; k < 3; ++k) totals[k] = faults.count[k];
    }
    for (const auto kind : {Kind::write, Kind::sync, Kind::open}) {
      REQUIRE(totals[static_cast<int>(kind)] > 0);
      for (std::uint64_t k = 1; k <= totals[static_cast<int>(kind)]; ++k) {
        INFO("mode " << static_cast<int>(mode) << " kind " << static_cast<int>(kind) << " k " << k);
        test::TempDir dir;
        const std::string path = dir.path() + "/s.db";
        faults = Faults{};
        faults.kind = kind;
        faults.at = k;
        const auto run = run_workload(path, mode);
        faults = Faults{};
        if (!run.first_error) {
          // Some failures land in SQLite's own clean-up, after the last write
          // of the workload (closing the WAL); nothing acknowledged may be lost.
          CHECK(run.acked == 30);
        } else {
          CHECK((*run.first_error == storage_errc::io_error ||
                 *run.first_error == storage_errc::closed_after_failure));
          if (run.acked > 0) CHECK(run.refused_after);
        }
        auto store = open_sqlite_storage(path, options_for(Durability::durable));
        REQUIRE(store);
        CHECK((*store)->integrity_check());
        auto data = (*store)->load("doc");
        REQUIRE(data);
        auto doc = test::decode_doc(*data);
        REQUIRE(doc);
        CHECK(test::is_prefix_set(doc->ids));
        CHECK(doc->ids.size() >= run.acked);
        CHECK(doc->ids.size() <= run.acked + 1);
      }
    }
  }
}

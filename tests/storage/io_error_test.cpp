// I/O error injection under the file-log backend: the k-th write, sync, open
// or rename fails, for every k a scripted workload reaches.
#include <random>

#include "storage/id_set.hpp"
#include "storage/sim_fs.hpp"
#include "support/catch.hpp"
#include "weft/storage/file_log_storage.hpp"

using namespace weft;
using namespace weft::storage;

namespace {

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
  std::uint64_t durable = 0;
  std::optional<boost::system::error_code> first_error;
  bool refused_after = false;  // the store refused work after its first failure
};

bool typed_io(const boost::system::error_code& e) {
  return e == storage_errc::io_error || e == storage_errc::closed_after_failure;
}

Run run_workload(const std::shared_ptr<test::SimFs>& fs, Durability mode) {
  Run run;
  auto store = open_file_log_storage("/s", options_for(mode), fs);
  if (!store) {
    run.first_error = store.error();
    return run;
  }
  auto note = [&](const boost::system::error_code& e) {
    run.first_error = e;
    // One failure poisons the store: the next write must be refused, not retried.
    auto again = (*store)->append("doc", test::make_update(1000));
    run.refused_after = !again && again.error() == storage_errc::closed_after_failure;
  };
  for (std::uint64_t i = 0; i < 30; ++i) {
    if (i % 8 == 0) {
      if (auto m = (*store)->put_meta("doc", DocMeta{ReplicaId(3), i + 8}); !m) {
        note(m.error());
        return run;
      }
      run.durable = run.acked;
    }
    if (auto a = (*store)->append("doc", test::make_update(i)); !a) {
      note(a.error());
      return run;
    }
    ++run.acked;
    if (mode == Durability::durable) run.durable = run.acked;
    if (mode == Durability::relaxed && i % 5 == 4) {
      if (auto s = (*store)->sync(); !s) {
        note(s.error());
        return run;
      }
      run.durable = run.acked;
    }
    // An I/O failure inside an automatic compaction latches the store too.
    if ((*store)->failed()) {
      note(make_error_code(storage_errc::io_error));
      return run;
    }
  }
  return run;
}

void check_reopened(const std::shared_ptr<test::SimFs>& fs, std::uint64_t at_least,
                    std::uint64_t at_most) {
  auto store = open_file_log_storage("/s", options_for(Durability::durable), fs);
  REQUIRE(store);
  auto data = (*store)->load("doc");
  REQUIRE(data);
  auto doc = test::decode_doc(*data);
  REQUIRE(doc);
  CHECK(test::is_prefix_set(doc->ids));
  CHECK(doc->ids.size() >= at_least);
  CHECK(doc->ids.size() <= at_most);
}

}  // namespace

TEST_CASE("every injected I/O failure is typed, latches the store and loses nothing acked",
          "[storage][faults]") {
  for (const auto mode : {Durability::durable, Durability::relaxed}) {
    auto clean = std::make_shared<test::SimFs>();
    const auto clean_run = run_workload(clean, mode);
    REQUIRE_FALSE(clean_run.first_error);
    REQUIRE(clean_run.acked == 30);
    for (const auto kind :
         {test::OpKind::write, test::OpKind::sync, test::OpKind::open, test::OpKind::rename}) {
      const std::uint64_t total = clean->count(kind);
      REQUIRE(total > 0);
      for (std::uint64_t k = 1; k <= total; ++k) {
        INFO("mode " << static_cast<int>(mode) << " kind " << static_cast<int>(kind) << " k " << k);
        auto fs = std::make_shared<test::SimFs>();
        fs->fail_nth(kind, k);
        const auto run = run_workload(fs, mode);
        REQUIRE(run.first_error);
        CHECK(typed_io(*run.first_error));
        if (run.acked > 0 || run.durable > 0) CHECK(run.refused_after);
        fs->fail_nth(kind, 0);
        // Power loss that keeps nothing unsynced, or a random part of it: every
        // durable append is there.
        const auto harsh = fs->crash(k, /*lose_all=*/true);
        const auto random = fs->crash(k, /*lose_all=*/false);
        check_reopened(harsh, run.durable, run.acked + 1);
        check_reopened(random, run.durable, run.acked + 1);
        // The process restarts without a power loss: every acknowledged append is there.
        check_reopened(fs, run.acked, run.acked + 1);
      }
    }
  }
}

TEST_CASE("a failed open of the store is a typed error", "[storage][faults]") {
  auto fs = std::make_shared<test::SimFs>();
  {
    auto store = open_file_log_storage("/s", options_for(Durability::durable), fs);
    REQUIRE(store);
    REQUIRE((*store)->append("doc", test::make_update(0)));
  }
  fs->fail_nth(test::OpKind::open, fs->count(test::OpKind::open) + 1);
  auto store = open_file_log_storage("/s", options_for(Durability::durable), fs);
  REQUIRE(store);                     // opening the store lists the directory only
  auto data = (*store)->load("doc");  // the document's files are opened lazily
  REQUIRE_FALSE(data);
  CHECK(data.error() == storage_errc::io_error);
  CHECK((*store)->failed());
}

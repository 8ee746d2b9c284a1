// Simulated power loss under the file-log backend: SimFs keeps, drops or
// garbles every write that was not synced when the power went out.
#include <random>
#include <set>

#include "storage/id_set.hpp"
#include "storage/sim_fs.hpp"
#include "support/catch.hpp"
#include "support/seeds.hpp"
#include "weft/storage/file_log_storage.hpp"

using namespace weft;
using namespace weft::storage;

namespace {

constexpr std::uint64_t kUpdates = 50;

struct Outcome {
  std::uint64_t acked = 0;         // appends acknowledged (ids 0 .. acked-1)
  std::uint64_t durable = 0;       // appends that must survive a power loss
  std::uint64_t meta_durable = 0;  // the last acknowledged counter high-water mark
};

StorageOptions workload_options(Durability mode) {
  StorageOptions options;
  options.durability = mode;
  options.compactor = test::id_set_compactor();
  options.compact_threshold_bytes = 400;  // several compactions in 50 updates
  options.relaxed_max_pending = 1000;     // only explicit syncs in relaxed mode
  options.relaxed_window = std::chrono::hours(1);
  return options;
}

// 50 appends with metadata leases and (relaxed mode) explicit syncs; stops at
// the first failure, as an application whose store failed would.
Outcome run_workload(const std::shared_ptr<test::SimFs>& fs, Durability mode) {
  Outcome out;
  auto store = open_file_log_storage("/s", workload_options(mode), fs);
  if (!store) return out;
  for (std::uint64_t i = 0; i < kUpdates; ++i) {
    if (i % 8 == 0) {
      if (!(*store)->put_meta("doc", DocMeta{ReplicaId(77), i + 8})) return out;
      out.meta_durable = i + 8;
      out.durable = out.acked;
    }
    if (!(*store)->append("doc", test::make_update(i))) return out;
    ++out.acked;
    if (mode == Durability::durable) out.durable = out.acked;
    if (mode == Durability::relaxed && i % 5 == 4) {
      if (!(*store)->sync()) return out;
      out.durable = out.acked;
    }
  }
  return out;
}

// Reopens the crashed image and checks what survived.
void check_recovered(const std::shared_ptr<test::SimFs>& image, const Outcome& out) {
  auto store = open_file_log_storage("/s", workload_options(Durability::durable), image);
  REQUIRE(store);
  auto data = (*store)->load("doc");
  REQUIRE(data);  // a power loss never corrupts what was synced
  auto doc = test::decode_doc(*data);
  REQUIRE(doc);
  // A causally complete prefix: ids 0..n-1 and nothing else, in log order.
  CHECK(test::is_prefix_set(doc->ids));
  CHECK(doc->ids.size() >= out.durable);
  CHECK(doc->ids.size() <= out.acked + 1);  // at most the append in flight beyond the acked
  for (std::size_t k = 1; k < doc->log_order.size(); ++k) {
    CHECK(doc->log_order[k] == doc->log_order[k - 1] + 1);
  }
  CHECK(data->next_seq() == doc->ids.size());
  // Marks are written only once what they cover is durable: never a false alarm.
  CHECK_FALSE(data->recovery.rolled_back);
  if (out.meta_durable > 0) {
    REQUIRE(data->meta);
    CHECK(data->meta->replica == ReplicaId(77));
    CHECK(data->meta->counter_high_water >= out.meta_durable);
  }
  // The recovered store accepts more appends, which survive the next reopen.
  auto next = (*store)->append("doc", test::make_update(doc->ids.size()));
  REQUIRE(next);
  CHECK(next->seq == doc->ids.size());
  store->reset();
  auto again = open_file_log_storage("/s", workload_options(Durability::durable), image);
  REQUIRE(again);
  auto reloaded = (*again)->load("doc");
  REQUIRE(reloaded);
  CHECK(reloaded->next_seq() == doc->ids.size() + 1);
  CHECK_FALSE(reloaded->recovery.truncated());
  CHECK_FALSE(reloaded->recovery.rolled_back);
}

}  // namespace

TEST_CASE("power loss at random moments loses nothing synced", "[storage][power]") {
  for (const auto mode : {Durability::durable, Durability::relaxed}) {
    auto clean = std::make_shared<test::SimFs>();
    run_workload(clean, mode);
    const std::uint64_t total_ops = clean->ops();
    for (const auto seed : test::seeds(1000)) {
      INFO("seed " << seed << " mode " << static_cast<int>(mode));
      std::mt19937_64 rng(seed);
      auto fs = std::make_shared<test::SimFs>();
      fs->power_off_after(1 + rng() % (total_ops + 1));
      const auto out = run_workload(fs, mode);
      check_recovered(fs->crash(rng()), out);
    }
  }
}

TEST_CASE("power loss just before and just after every sync point", "[storage][power]") {
  for (const auto mode : {Durability::durable, Durability::relaxed}) {
    auto clean = std::make_shared<test::SimFs>();
    run_workload(clean, mode);
    const auto points = clean->sync_points();
    REQUIRE(points.size() > 30);  // appends, metadata, compactions
    for (const auto point : points) {
      for (const std::uint64_t at : {point, point + 1}) {
        for (const auto seed : test::seeds(3)) {
          INFO("op " << at << " seed " << seed << " mode " << static_cast<int>(mode));
          auto fs = std::make_shared<test::SimFs>();
          fs->power_off_after(at);
          const auto out = run_workload(fs, mode);
          check_recovered(fs->crash(seed), out);
        }
      }
    }
  }
}

TEST_CASE("relaxed mode syncs at its group-commit bound", "[storage][power]") {
  auto fs = std::make_shared<test::SimFs>();
  StorageOptions options;
  options.durability = Durability::relaxed;
  options.relaxed_max_pending = 10;
  options.relaxed_window = std::chrono::hours(1);
  auto store = open_file_log_storage("/s", options, fs);
  REQUIRE(store);
  REQUIRE((*store)->append("doc", test::make_update(0)));  // creates the log (synced)
  const auto syncs_after_create = fs->sync_points().size();
  for (std::uint64_t i = 1; i < 9; ++i) REQUIRE((*store)->append("doc", test::make_update(i)));
  CHECK(fs->sync_points().size() == syncs_after_create);
  REQUIRE((*store)->append("doc", test::make_update(9)));
  CHECK(fs->sync_points().size() > syncs_after_create);  // the 10th pending append
  for (std::uint64_t i = 10; i < 25; ++i) REQUIRE((*store)->append("doc", test::make_update(i)));
  // Power loss that keeps nothing unsynced: the windows up to append 20 survive.
  auto image = fs->crash(1, /*lose_all=*/true);
  auto reopened = open_file_log_storage("/s", options, image);
  REQUIRE(reopened);
  auto data = (*reopened)->load("doc");
  REQUIRE(data);
  CHECK(data->updates.size() == 20);
  CHECK_FALSE(data->recovery.truncated());
}

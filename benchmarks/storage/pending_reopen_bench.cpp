// Reopening a PersistentDoc while records wait for a withheld dependency
// (issue 14 item 2): the log holds one update of W attacker records behind a
// withheld first record, then 1000 ordinary live updates of an honest peer.
// Reopen = open the store, load, rebuild the Doc (replaying every update).
//
//   weft-bench-pending-reopen
#include <benchmark/benchmark.h>

#include <chrono>
#include <stdexcept>

#include "bench_store.hpp"
#include "weft/doc/transaction.hpp"
#include "weft/storage/persistent_doc.hpp"

using namespace weft;
using namespace weft::storage;

namespace {

const ObjectId kBody = ObjectId::named("body", ObjectKind::text);
constexpr int kLiveUpdates = 1000;

Bytes withheld_chain(std::uint64_t waiting) {
  Doc attacker(ReplicaId{0xA77AC});
  for (std::uint64_t i = 0; i <= waiting; ++i) {
    auto tx = attacker.transact();
    tx.counter("c").add(1);
    tx.commit();
  }
  VersionVector first;
  first.advance(ReplicaId{0xA77AC}, 1);
  return attacker.encode_update_since(first);
}

void PendingReopen(benchmark::State& state) {
  const auto waiting = static_cast<std::uint64_t>(state.range(0));
  bench::TempDir dir;
  StorageOptions options;
  options.durability = Durability::relaxed;
  {
    auto store = bench::open_store(0, dir.path(), options);
    auto pdoc = PersistentDoc::open(*store, "doc", {});
    if (!pdoc) throw std::runtime_error(pdoc.error().message());
    if (waiting != 0 && !(*pdoc)->apply_update(withheld_chain(waiting))) {
      state.SkipWithError("the withheld chain was refused");
      return;
    }
    Doc honest(ReplicaId{2});
    for (int i = 0; i < kLiveUpdates; ++i) {
      auto tx = honest.transact();
      tx.text(kBody).insert(0, "x");
      if (!(*pdoc)->apply_update(tx.commit())) throw std::runtime_error("live update refused");
    }
  }
  for (auto _ : state) {
    auto store = bench::open_store(0, dir.path(), options);
    auto pdoc = PersistentDoc::open(*store, "doc", {});
    if (!pdoc || (*pdoc)->pending_count() != waiting) state.SkipWithError("reopen failed");
  }
}

}  // namespace

BENCHMARK(PendingReopen)->Arg(0)->Arg(100'000)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();

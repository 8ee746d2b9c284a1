// Storage benchmarks: append throughput and reopen time per backend and
// durability mode, and reopening a document with a large snapshot.
//
//   weft-bench-storage [--benchmark_filter=...]
//
// Durable appends pay one fdatasync (file log) or one WAL sync (SQLite) per
// update, a few milliseconds on ordinary disks, so durable sizes are capped at
// 10k updates; relaxed mode runs 10k, 100k and 1M. Each run uses a fresh
// directory under /tmp; items_per_second is updates appended (or loaded) per
// second. Sizes run once each (Iterations(1)): the store grows with every
// iteration, so repeating inside one directory would measure something else.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>

#include "bench_store.hpp"

using namespace weft;
using namespace weft::storage;

namespace {

// A small update, about the size of one typed character with its metadata.
Bytes small_update(std::uint64_t i) {
  Bytes b(24);
  for (std::size_t k = 0; k < b.size(); ++k) b[k] = static_cast<std::uint8_t>(i * 131 + k);
  return b;
}

StorageOptions options_for(std::int64_t mode) {
  StorageOptions o;
  o.durability = mode == 0 ? Durability::durable : Durability::relaxed;
  return o;
}

// Args: backend (0 file log, 1 sqlite), mode (0 durable, 1 relaxed), updates.
void BM_Append(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(2));
  for (auto _ : state) {
    state.PauseTiming();
    bench::TempDir dir;
    auto store = bench::open_store(static_cast<int>(state.range(0)), dir.path(),
                                   options_for(state.range(1)));
    state.ResumeTiming();
    for (std::uint64_t i = 0; i < n; ++i) {
      if (!store->append("doc", small_update(i))) state.SkipWithError("append failed");
    }
    if (!store->sync()) state.SkipWithError("sync failed");
    state.PauseTiming();
    store.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

// Args: backend, updates. Open the store and load the document.
void BM_Reopen(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(1));
  const int backend = static_cast<int>(state.range(0));
  bench::TempDir dir;
  {
    auto store = bench::open_store(backend, dir.path(), options_for(1));
    for (std::uint64_t i = 0; i < n; ++i) {
      if (!store->append("doc", small_update(i))) state.SkipWithError("append failed");
    }
  }
  for (auto _ : state) {
    auto store = bench::open_store(backend, dir.path(), options_for(1));
    auto data = store->load("doc");
    if (!data || data->updates.size() != n) state.SkipWithError("load failed");
    benchmark::DoNotOptimize(data);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

// Args: backend. A ~260 KB snapshot (about the automerge-paper document with
// its metadata) plus 100 updates after it.
void BM_ReopenSnapshot(benchmark::State& state) {
  const int backend = static_cast<int>(state.range(0));
  bench::TempDir dir;
  Bytes snapshot(260 * 1024);
  std::mt19937_64 rng(7);
  for (auto& b : snapshot) b = static_cast<std::uint8_t>(rng());
  {
    auto store = bench::open_store(backend, dir.path(), options_for(1));
    for (std::uint64_t i = 0; i < 100; ++i) (void)store->append("doc", small_update(i));
    if (!store->replace_prefix("doc", 100, snapshot)) state.SkipWithError("compaction failed");
    for (std::uint64_t i = 100; i < 200; ++i) (void)store->append("doc", small_update(i));
  }
  for (auto _ : state) {
    auto store = bench::open_store(backend, dir.path(), options_for(1));
    auto data = store->load("doc");
    if (!data || !data->snapshot || data->snapshot->size() != snapshot.size()) {
      state.SkipWithError("load failed");
    }
    benchmark::DoNotOptimize(data);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(snapshot.size()));
}

void append_args(benchmark::internal::Benchmark* b) {
  b->ArgNames({"backend", "relaxed", "updates"});
  for (std::int64_t backend : {0, 1}) {
    for (std::int64_t n : {1'000, 10'000}) b->Args({backend, 0, n});
    for (std::int64_t n : {10'000, 100'000, 1'000'000}) b->Args({backend, 1, n});
  }
}

void reopen_args(benchmark::internal::Benchmark* b) {
  b->ArgNames({"backend", "updates"});
  for (std::int64_t backend : {0, 1}) {
    for (std::int64_t n : {10'000, 100'000, 1'000'000}) b->Args({backend, n});
  }
}

}  // namespace

BENCHMARK(BM_Append)
    ->Apply(append_args)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_Reopen)
    ->Apply(reopen_args)
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_ReopenSnapshot)
    ->ArgName("backend")
    ->Arg(0)
    ->Arg(1)
    ->Iterations(20)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

BENCHMARK_MAIN();

// Throughput, encoded size and memory of the state/delta CRDT catalogue.
//
// Counters reported per element: `enc_B/elem` (bytes of the framed
// encoding) and `mem_B/elem` (heap bytes held by the state, measured by the
// counting allocator below, malloc's own rounding included).
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <cstdint>
#include <cstdlib>
#include <new>

#include "weft/types/crdts.hpp"

// ---- heap accounting: every allocation of the process is counted ----------
namespace {
std::int64_t g_live_bytes = 0;  // benchmarks run on one thread
}  // namespace

void* operator new(std::size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  g_live_bytes += static_cast<std::int64_t>(malloc_usable_size(p));
  return p;
}
void operator delete(void* p) noexcept {
  if (p == nullptr) return;
  g_live_bytes -= static_cast<std::int64_t>(malloc_usable_size(p));
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  operator delete(p);
}

namespace {

using weft::ReplicaId;

const ReplicaId alice{0xA11CE5EED};
const ReplicaId bob{0xB0B5EED};

// Distinct, well-spread 64-bit elements (an odd multiplier is a bijection),
// so their encodings are as long as a random id's (9-10 bytes).
std::uint64_t element(std::uint64_t i) {
  return (i + 1) * 0x9E3779B97F4A7C15ull;
}

template <class F>
auto measure_heap(F&& build) {
  const std::int64_t before = g_live_bytes;
  auto value = build();
  return std::pair{std::move(value), g_live_bytes - before};
}

void report(benchmark::State& state, std::size_t n, std::size_t encoded, std::int64_t heap) {
  state.counters["elems"] = static_cast<double>(n);
  state.counters["enc_B/elem"] = static_cast<double>(encoded) / static_cast<double>(n);
  state.counters["mem_B/elem"] = static_cast<double>(heap) / static_cast<double>(n);
}

weft::AwSet<std::uint64_t> aw_set(ReplicaId r, std::uint64_t first, std::uint64_t n) {
  weft::AwSet<std::uint64_t> s;
  for (std::uint64_t i = first; i < first + n; ++i) (void)s.add(r, element(i));
  return s;
}

// ---- AwSet<uint64_t> -----------------------------------------------------

void BM_AwSetAdd(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) {
    weft::AwSet<std::uint64_t> s;
    for (std::uint64_t i = 0; i < n; ++i) benchmark::DoNotOptimize(s.add(alice, element(i)));
    benchmark::DoNotOptimize(s);
  }
  auto [s, heap] = measure_heap([&] { return aw_set(alice, 0, n); });
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  report(state, n, s.encode().size(), heap);
}

// Joins two full states of n elements each, from different replicas.
void BM_AwSetJoin(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  const auto a = aw_set(alice, 0, n);
  const auto b = aw_set(bob, n / 2, n);  // half the elements overlap
  for (auto _ : state) {
    state.PauseTiming();
    auto x = a;
    state.ResumeTiming();
    x.join(b);
    benchmark::DoNotOptimize(x);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 2 * n));
  auto [joined, heap] = measure_heap([&] { return weft::join(a, b); });
  report(state, joined.size(), joined.encode().size(), heap);
}

// The sync path: a replica applying n add-deltas one by one.
void BM_AwSetApplyDeltas(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  weft::AwSet<std::uint64_t> source;
  std::vector<weft::Delta<weft::AwSet<std::uint64_t>>> deltas;
  deltas.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) deltas.push_back(source.add(alice, element(i)));
  for (auto _ : state) {
    weft::AwSet<std::uint64_t> replica;
    for (const auto& d : deltas) replica.join(d);
    benchmark::DoNotOptimize(replica);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}

void BM_AwSetEncode(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  const auto s = aw_set(alice, 0, n);
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto out = s.encode();
    bytes = out.size();
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}

void BM_AwSetDecode(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  const auto bytes = aw_set(alice, 0, n).encode();
  for (auto _ : state) {
    auto s = weft::AwSet<std::uint64_t>::decode(bytes);
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}

// ---- OrMap<uint64_t, MvRegister<uint64_t>> --------------------------------

using Map = weft::OrMap<std::uint64_t, weft::MvRegister<std::uint64_t>>;

Map or_map(ReplicaId r, std::uint64_t first, std::uint64_t n) {
  Map m;
  for (std::uint64_t i = first; i < first + n; ++i) {
    (void)m.update(r, element(i),
                   [&](weft::MvRegister<std::uint64_t>& v) { return v.assign(r, i); });
  }
  return m;
}

void BM_OrMapUpdate(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(or_map(alice, 0, n));
  auto [m, heap] = measure_heap([&] { return or_map(alice, 0, n); });
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  report(state, n, m.encode().size(), heap);
}

void BM_OrMapJoin(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  const auto a = or_map(alice, 0, n);
  const auto b = or_map(bob, n / 2, n);
  for (auto _ : state) {
    state.PauseTiming();
    auto x = a;
    state.ResumeTiming();
    x.join(b);
    benchmark::DoNotOptimize(x);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 2 * n));
}

// ---- counters: an "element" is one replica's entry -----------------------

weft::GCounter gcounter(std::uint64_t first, std::uint64_t n) {
  weft::GCounter c;
  for (std::uint64_t i = first; i < first + n; ++i) (void)c.increment(ReplicaId{i + 1}, i + 1);
  return c;
}

void BM_GCounterIncrement(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) {
    weft::GCounter c;
    for (std::uint64_t i = 0; i < n; ++i) benchmark::DoNotOptimize(c.increment(alice));
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}

// Joins two counters with n replica entries each (ids interleave).
void BM_GCounterJoin(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  const auto a = gcounter(0, n);
  const auto b = gcounter(n / 2, n);
  for (auto _ : state) {
    auto x = a;
    x.join(b);
    benchmark::DoNotOptimize(x);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 2 * n));
  auto [c, heap] = measure_heap([&] { return gcounter(0, n); });
  report(state, n, c.encode().size(), heap);
}

void BM_PNCounterMixed(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) {
    weft::PNCounter c;
    for (std::uint64_t i = 0; i < n; ++i) {
      benchmark::DoNotOptimize((i & 1) != 0 ? c.increment(alice, 2) : c.decrement(bob));
    }
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}

#define WEFT_SIZES Arg(1'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond)

BENCHMARK(BM_AwSetAdd)->WEFT_SIZES;
BENCHMARK(BM_AwSetJoin)->WEFT_SIZES;
BENCHMARK(BM_AwSetApplyDeltas)->WEFT_SIZES;
BENCHMARK(BM_AwSetEncode)->WEFT_SIZES;
BENCHMARK(BM_AwSetDecode)->WEFT_SIZES;
BENCHMARK(BM_OrMapUpdate)->WEFT_SIZES;
BENCHMARK(BM_OrMapJoin)->WEFT_SIZES;
BENCHMARK(BM_GCounterIncrement)->WEFT_SIZES;
BENCHMARK(BM_GCounterJoin)->WEFT_SIZES;
BENCHMARK(BM_PNCounterMixed)->WEFT_SIZES;

}  // namespace

BENCHMARK_MAIN();

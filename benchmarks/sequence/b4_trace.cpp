// B4: the automerge-paper trace, each edit applied locally and sent as its own
// update to a second replica. B4x100: the trace replayed 100 times in a row
// into one document (26M edits, a ~10.5M-character document and its history);
// opt-in with WEFT_BENCH_B4X100=1 because one iteration takes many seconds and
// several hundred MB (see benchmarks/README.md).
#include <cstdlib>
#include <optional>
#include <string>

#include "common.hpp"
#include "trace.hpp"
#include "weft/types/text.hpp"

namespace {

using weft::ReplicaId;
using weft::Text;
using weft::VersionVector;
using weft::bench::UpdateStats;

// The trace, loaded once; nullptr (and an error message) when it is absent.
const weft::bench::Trace* automerge_paper(std::string& error) {
  static std::optional<weft::bench::Trace> trace;
  static std::string load_error;
  static bool loaded = false;
  if (!loaded) {
    loaded = true;
    const char* dir = std::getenv("WEFT_TRACES_DIR");
    const std::string path =
        std::string(dir != nullptr ? dir : WEFT_TRACES_DIR_DEFAULT) + "/automerge-paper.json.gz";
    weft::bench::Trace t;
    if (weft::bench::load_trace(path, t, load_error)) trace = std::move(t);
  }
  error = load_error;
  return trace ? &*trace : nullptr;
}

void apply_patch(Text& t, const weft::bench::Patch& p) {
  if (p.del > 0) static_cast<void>(t.erase(p.pos, p.del));
  if (!p.ins.empty()) static_cast<void>(t.insert(p.pos, p.ins));
}

void B4_automerge_paper(benchmark::State& state) {
  std::string error;
  const auto* trace = automerge_paper(error);
  if (trace == nullptr) {
    state.SkipWithError(("trace unavailable: " + error).c_str());
    return;
  }
  UpdateStats stats;
  std::optional<Text> last_a;
  std::optional<Text> last_b;
  bool failed = false;
  for (auto _ : state) {
    Text a(ReplicaId{1});
    Text b(ReplicaId{2});
    stats = {};
    for (const auto& txn : trace->txns) {
      const VersionVector before = a.version();
      for (const auto& p : txn.patches) apply_patch(a, p);
      const weft::Bytes update = a.encode_update_since(before);
      stats.add(update.size());
      failed |= !b.apply_update(update).has_value();
    }
    state.PauseTiming();
    last_a.emplace(std::move(a));
    last_b.emplace(std::move(b));
    state.ResumeTiming();
  }
  if (failed || last_a->to_string() != trace->end_content ||
      last_b->to_string() != trace->end_content) {
    state.SkipWithError("final text differs from endContent");
  }
  state.counters["edits"] = static_cast<double>(trace->patch_count());
  weft::bench::report(state, stats, *last_a);
}

void B4x100_automerge_paper(benchmark::State& state) {
  std::string error;
  const auto* trace = automerge_paper(error);
  if (trace == nullptr) {
    state.SkipWithError(("trace unavailable: " + error).c_str());
    return;
  }
  std::optional<Text> last;
  for (auto _ : state) {
    Text a(ReplicaId{1});
    for (int k = 0; k < 100; ++k) {
      for (const auto& txn : trace->txns) {
        for (const auto& p : txn.patches) apply_patch(a, p);
      }
    }
    state.PauseTiming();
    last.emplace(std::move(a));
    state.ResumeTiming();
  }
  state.counters["edits"] = static_cast<double>(trace->patch_count() * 100);
  state.counters["final_size"] = static_cast<double>(last->size());
  weft::bench::report(state, UpdateStats{}, *last);
}

}  // namespace

BENCHMARK(B4_automerge_paper)->Unit(benchmark::kMillisecond);

// Registered from main() only when asked for.
void register_b4x100() {
  benchmark::RegisterBenchmark("B4x100_automerge_paper", B4x100_automerge_paper)
      ->Unit(benchmark::kMillisecond)
      ->Iterations(1);
}

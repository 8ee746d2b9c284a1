// Reopening a real document: the automerge-paper editing trace, typed into a
// weft::Doc one transaction per trace transaction (as an editor commits each
// keystroke), persisted through storage::PersistentDoc, then reopened.
//
//   weft-bench-reopen-doc [--benchmark_filter=...]
//
// Forms: 0 = compacted (one snapshot, as automatic compaction leaves it);
// 1 = a snapshot of the first 90% of the edits plus the last 10% as separate
// updates in the log (a store between two compactions). Reopen = open the
// store, load, rebuild the Doc. Reads the trace from WEFT_TRACES_DIR (or
// ../shared/traces) at run time; skips when it is absent.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "bench_store.hpp"
#include "trace.hpp"
#include "weft/storage/persistent_doc.hpp"

using namespace weft;
using namespace weft::storage;

namespace {

const ObjectId kText = ObjectId::named("text", ObjectKind::text);

struct Typed {
  std::vector<Bytes> updates;  // one per trace transaction
  std::string content;
  bool ok = false;
  std::string error;
};

const Typed& automerge_paper() {
  static const Typed typed = [] {
    Typed t;
    const char* dir = std::getenv("WEFT_TRACES_DIR");
    const std::string path =
        std::string(dir ? dir : WEFT_TRACES_DIR_DEFAULT) + "/automerge-paper.json.gz";
    bench::Trace trace;
    if (!bench::load_trace(path, trace, t.error)) return t;
    Doc doc(ReplicaId(1));
    for (const auto& txn : trace.txns) {
      auto tx = doc.transact();
      for (const auto& p : txn.patches) {
        if (p.del != 0) tx.text(kText).erase(p.pos, p.del);
        if (!p.ins.empty()) tx.text(kText).insert(p.pos, p.ins);
      }
      t.updates.push_back(tx.commit());
    }
    t.content = doc.text(kText).to_string();
    t.ok = t.content == trace.end_content;
    if (!t.ok) t.error = "replay did not reach the trace's end content";
    return t;
  }();
  return typed;
}

std::unique_ptr<Storage> open_store(int backend, const std::string& dir) {
  StorageOptions o;
  o.durability = Durability::relaxed;  // setup speed; reopening is the same in both modes
  return bench::open_store(backend, dir, o);
}

// Args: backend (0 file log, 1 sqlite), form (0 compacted, 1 snapshot + 10% log).
void BM_ReopenAutomergePaper(benchmark::State& state) {
  const Typed& typed = automerge_paper();
  if (!typed.ok) {
    state.SkipWithError(typed.error.c_str());
    return;
  }
  const int backend = static_cast<int>(state.range(0));
  const std::size_t in_snapshot =
      state.range(1) == 0 ? typed.updates.size() : typed.updates.size() * 9 / 10;
  bench::TempDir dir;
  std::uint64_t stored_bytes = 0;
  {
    auto store = open_store(backend, dir.path());
    std::vector<Bytes> head(typed.updates.begin(),
                            typed.updates.begin() + static_cast<std::ptrdiff_t>(in_snapshot));
    auto snapshot = merge_updates(head);
    if (!snapshot || !store->append("doc", *snapshot) ||
        !store->replace_prefix("doc", 1, *snapshot)) {
      state.SkipWithError("writing the snapshot failed");
      return;
    }
    stored_bytes = snapshot->size();
    for (std::size_t i = in_snapshot; i < typed.updates.size(); ++i) {
      if (!store->append("doc", typed.updates[i])) state.SkipWithError("append failed");
      stored_bytes += typed.updates[i].size();
    }
  }
  for (auto _ : state) {
    auto store = open_store(backend, dir.path());
    auto pdoc = PersistentDoc::open(*store, "doc");
    if (!pdoc || (*pdoc)->doc().text(kText).size() != bench::count_code_points(typed.content)) {
      state.SkipWithError("reopen failed");
      return;
    }
    benchmark::DoNotOptimize(pdoc);
  }
  state.counters["stored_bytes"] = static_cast<double>(stored_bytes);
  state.counters["log_updates"] = static_cast<double>(typed.updates.size() - in_snapshot);
}

}  // namespace

BENCHMARK(BM_ReopenAutomergePaper)
    ->ArgNames({"backend", "form"})
    ->Args({0, 0})
    ->Args({1, 0})
    ->Args({0, 1})
    ->Args({1, 1})
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();

// The cost of an ordinary update while records wait for a dependency that
// never arrives (issue 14 item 2): a replica holds W records of an attacker
// whose first record is withheld; each iteration applies one fresh live update
// of an honest peer (one text insert), unrelated to what waits.
//
//   weft-bench-doc --benchmark_filter=PendingApply
//
// Counter: waiting (operations pending after setup).
#include <cstdint>
#include <vector>

#include "common.hpp"
#include "weft/doc/transaction.hpp"

namespace {

using weft::Bytes;
using weft::Doc;
using weft::ObjectId;
using weft::ObjectKind;
using weft::ReplicaId;
using weft::VersionVector;

const ObjectId kBody = ObjectId::named("body", ObjectKind::text);

// `waiting` records of one op each, all behind a withheld first record.
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

void PendingApply(benchmark::State& state) {
  const auto waiting = static_cast<std::uint64_t>(state.range(0));
  Doc victim(ReplicaId{1});
  victim.set_max_pending_ops(waiting + 1);
  if (waiting != 0 && !victim.apply_update(withheld_chain(waiting))) {
    state.SkipWithError("the withheld chain was refused");
    return;
  }
  // One live update per iteration, prepared outside the timing.
  Doc honest(ReplicaId{2});
  std::vector<Bytes> updates;
  for (benchmark::IterationCount i = 0; i < state.max_iterations; ++i) {
    auto tx = honest.transact();
    tx.text(kBody).insert(0, "x");
    updates.push_back(tx.commit());
  }
  std::size_t next = 0;
  for (auto _ : state) {
    auto status = victim.apply_update(updates[next++]);
    if (!status || status->applied != 1) state.SkipWithError("the live update was not applied");
  }
  state.counters["waiting"] = static_cast<double>(victim.pending_count());
}

}  // namespace

BENCHMARK(PendingApply)->Arg(0)->Iterations(2000)->Unit(benchmark::kMicrosecond);
BENCHMARK(PendingApply)->Arg(10'000)->Iterations(200)->Unit(benchmark::kMicrosecond);
BENCHMARK(PendingApply)->Arg(100'000)->Iterations(50)->Unit(benchmark::kMicrosecond);
BENCHMARK(PendingApply)->Arg(1'000'000)->Iterations(10)->Unit(benchmark::kMicrosecond);

// Sync catch-up: replica A holds a root text of N characters; B started from a
// copy of it and then made N/100 characters of random inserts and deletes over
// max(1, N/1000) transactions. A real SyncSession pair, pumped in memory until
// quiet, brings both to the same text. Measured: from start() until quiet.
// Counters: wire_bytes (sum of every message both ways), messages,
// diff_update_bytes (B's edits as one update, the floor for wire_bytes),
// setup_s (building and loading the replicas once, outside the timing), chars.
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common.hpp"
#include "weft/doc/transaction.hpp"
#include "weft/sync/sync_session.hpp"

namespace {

using weft::Bytes;
using weft::Doc;
using weft::ObjectId;
using weft::ObjectKind;
using weft::ReplicaId;
using weft::SyncSession;
using weft::bench::doc::kSeed;
using weft::bench::doc::random_string;

const ObjectId kBody = ObjectId::named("body", ObjectKind::text);

// Carries every queued message to the other side until both are quiet.
struct Wire {
  std::size_t bytes = 0;
  std::size_t messages = 0;
  bool failed = false;

  void pump(SyncSession& a, SyncSession& b) {
    SyncSession* side[2] = {&a, &b};
    for (bool moved = true; moved;) {
      moved = false;
      for (int from = 0; from < 2; ++from) {
        for (const auto& message : side[from]->take_outgoing()) {
          moved = true;
          bytes += message.size();
          ++messages;
          failed |= !side[1 - from]->receive(message).has_value();
        }
      }
    }
  }
};

// A's text: N characters in ten large inserts at random positions.
Bytes build_a(std::size_t chars, std::mt19937_64& rng) {
  Doc a(ReplicaId{1});
  const std::size_t chunk = (chars + 9) / 10;
  for (std::size_t done = 0; done < chars;) {
    const std::size_t len = std::min(chunk, chars - done);
    auto tx = a.transact();
    auto text = tx.text("body");
    // Separate statements: argument evaluation order is unspecified, and the
    // same seed must give the same document under every compiler.
    const std::size_t pos = rng() % (text.size() + 1);
    text.insert(pos, random_string(rng, len));
    static_cast<void>(tx.commit());
    done += len;
  }
  return a.encode_snapshot();
}

// B: A's snapshot plus N/100 characters of random edits in max(1, N/1000) transactions.
Bytes build_b(const Bytes& a_snapshot, std::size_t chars, std::mt19937_64& rng) {
  auto loaded = Doc::load(a_snapshot, ReplicaId{2});
  if (!loaded) return {};
  Doc b = std::move(*loaded);
  const std::size_t budget = std::max<std::size_t>(1, chars / 100);
  const std::size_t transactions = std::max<std::size_t>(1, chars / 1000);
  for (std::size_t t = 0; t < transactions; ++t) {
    std::size_t left = budget / transactions + (t < budget % transactions ? 1 : 0);
    auto tx = b.transact();
    auto text = tx.text("body");
    while (left > 0) {
      const std::size_t len = std::min<std::size_t>(left, 1 + rng() % 8);
      const std::size_t size = text.size();
      if (size == 0 || rng() % 2 == 0) {
        const std::size_t pos = rng() % (size + 1);
        text.insert(pos, random_string(rng, len));
        left -= len;
      } else {
        const std::size_t pos = rng() % size;
        const std::size_t count = std::min(len, size - pos);
        text.erase(pos, count);
        left -= count;
      }
    }
    static_cast<void>(tx.commit());
  }
  return b.encode_snapshot();
}

void Sync_catch_up(benchmark::State& state) {
  const auto chars = static_cast<std::size_t>(state.range(0));
  const auto setup_start = std::chrono::steady_clock::now();
  std::mt19937_64 rng(kSeed);
  const Bytes a_snapshot = build_a(chars, rng);
  const Bytes b_snapshot = build_b(a_snapshot, chars, rng);
  Bytes diff;
  if (auto a = Doc::load(a_snapshot, ReplicaId{1}); a) {
    if (auto b = Doc::load(b_snapshot, ReplicaId{2}); b) {
      diff = b->encode_update_since(a->state_vector());
    }
  }
  const double setup_s = weft::bench::doc::elapsed_ms(setup_start) / 1000.0;
  if (b_snapshot.empty() || diff.empty()) {
    state.SkipWithError("could not build the replicas");
    return;
  }

  Wire wire;
  bool equal = true;
  for (auto _ : state) {
    state.PauseTiming();
    auto a = Doc::load(a_snapshot, ReplicaId{1});
    auto b = Doc::load(b_snapshot, ReplicaId{2});
    if (!a || !b) {
      state.SkipWithError("a snapshot did not load");
      return;
    }
    SyncSession sa;
    SyncSession sb;
    sa.add_document("doc", *a);
    sb.add_document("doc", *b);
    wire = {};
    state.ResumeTiming();
    sa.start();
    sb.start();
    wire.pump(sa, sb);
    state.PauseTiming();
    equal = equal && !wire.failed && a->text(kBody).to_string() == b->text(kBody).to_string() &&
            a->digest() == b->digest() && !a->text(kBody).to_string().empty();
    state.ResumeTiming();
  }
  if (!equal) {
    state.SkipWithError("the replicas differ after sync, or a message was refused");
    return;
  }
  state.counters["chars"] = static_cast<double>(chars);
  state.counters["wire_bytes"] = static_cast<double>(wire.bytes);
  state.counters["messages"] = static_cast<double>(wire.messages);
  state.counters["diff_update_bytes"] = static_cast<double>(diff.size());
  state.counters["setup_s"] = setup_s;
}

}  // namespace

// Fixed iteration counts: the untimed per-iteration setup (loading two
// snapshots) dwarfs the timed sync, so automatic iteration counts would run long.
BENCHMARK(Sync_catch_up)->Arg(1'000)->Iterations(20)->Unit(benchmark::kMillisecond);
BENCHMARK(Sync_catch_up)->Arg(100'000)->Iterations(5)->Unit(benchmark::kMillisecond);
BENCHMARK(Sync_catch_up)->Arg(10'000'000)->Iterations(3)->Unit(benchmark::kMillisecond);

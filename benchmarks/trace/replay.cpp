#include "replay.hpp"

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "clock.hpp"
#include "gap_buffer.hpp"
#include "heap_counter.hpp"
#include "weft/types/text.hpp"

namespace weft::bench {
namespace {

void apply_patch(Text& text, const Patch& p) {
  if (p.del > 0) static_cast<void>(text.erase(p.pos, p.del));
  if (!p.ins.empty()) static_cast<void>(text.insert(p.pos, p.ins));
}

void expect_text(RunFigures& f, const Text& text, const std::string& want, const char* who) {
  if (!f.failure.empty()) return;
  if (text.to_string() != want) f.failure = std::string(who) + " differs from the expected text";
}

bool apply_update(Text& text, const Bytes& update, RunFigures& f, const char* who) {
  auto r = text.apply_update(update);
  if (!r) {
    if (f.failure.empty()) f.failure = std::string(who) + ": apply failed: " + r.error().message();
    return false;
  }
  if (r->pending != 0 && f.failure.empty()) f.failure = std::string(who) + ": updates left pending";
  return true;
}

// Encodes the history of `source` and decodes it; expects `want` back.
void measure_encoding(RunFigures& f, const Text& source, const std::string& want,
                      ReplicaId decode_id) {
  double cpu = cpu_now_ms();
  auto start = Clock::now();
  Bytes encoded = source.encode();
  f.encode_ms = ms_since(start);
  f.encode_cpu_ms = cpu_now_ms() - cpu;
  f.encoded_bytes = encoded.size();

  cpu = cpu_now_ms();
  start = Clock::now();
  auto decoded = Text::decode(encoded, decode_id);
  f.decode_ms = ms_since(start);
  f.decode_cpu_ms = cpu_now_ms() - cpu;
  if (!decoded) {
    if (f.failure.empty()) f.failure = "decode failed: " + decoded.error().message();
  } else {
    expect_text(f, *decoded, want, "decoded replica");
  }
}

}  // namespace

RunFigures run_sequential(const Trace& trace, std::size_t repeat, bool verify_all) {
  RunFigures f;

  GapBuffer floor;
  double cpu = cpu_now_ms();
  auto start = Clock::now();
  for (std::size_t k = 0; k < repeat; ++k) {
    for (const auto& txn : trace.txns) {
      for (const auto& p : txn.patches) floor.splice(p.pos, p.del, p.ins);
    }
  }
  f.floor_ms = ms_since(start);
  f.floor_cpu_ms = cpu_now_ms() - cpu;
  const std::string want = repeat == 1 ? trace.end_content : floor.to_utf8();
  if (repeat == 1 && floor.to_utf8() != want) f.failure = "the gap buffer floor differs";

  const std::size_t heap_before = live_heap_bytes();
  Text text(ReplicaId{1});
  cpu = cpu_now_ms();
  start = Clock::now();
  for (std::size_t k = 0; k < repeat; ++k) {
    for (const auto& txn : trace.txns) {
      for (const auto& p : txn.patches) apply_patch(text, p);
    }
  }
  f.replay_ms = ms_since(start);
  f.replay_cpu_ms = cpu_now_ms() - cpu;
  if (heap_counting_enabled()) f.heap_bytes = live_heap_bytes() - heap_before;
  f.memory_bytes = text.memory_bytes();
  expect_text(f, text, want, "replayed replica");
  if (verify_all) text.check_invariants();

  measure_encoding(f, text, want, ReplicaId{2});
  {
    Bytes encoded = text.encode();
    Text merged(ReplicaId{3});
    cpu = cpu_now_ms();
    start = Clock::now();
    const bool ok = apply_update(merged, encoded, f, "merge");
    f.merge_ms = ms_since(start);
    f.merge_cpu_ms = cpu_now_ms() - cpu;
    if (ok) expect_text(f, merged, want, "merged replica");
    if (verify_all) merged.check_invariants();
  }
  f.final_ok = f.failure.empty();
  return f;
}

RunFigures run_concurrent(const Trace& trace, bool verify_all) {
  RunFigures f;
  const std::size_t n = trace.txns.size();

  // Trace metadata, not CRDT work: the ancestor set of every txn, as bitsets.
  const std::size_t words = (n + 63) / 64;
  std::vector<std::uint64_t> ancestors(n * words, 0);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t* mine = &ancestors[i * words];
    for (std::size_t p : trace.txns[i].parents) {
      const std::uint64_t* theirs = &ancestors[p * words];
      for (std::size_t w = 0; w < words; ++w) mine[w] |= theirs[w];
      mine[p / 64] |= std::uint64_t{1} << (p % 64);
    }
  }

  std::vector<Text> replicas;
  replicas.reserve(trace.num_agents);
  for (std::size_t a = 0; a < trace.num_agents; ++a) replicas.emplace_back(ReplicaId{a + 1});
  std::vector<std::uint64_t> has(trace.num_agents * words, 0);  // txns each replica holds
  std::vector<Bytes> updates(n);
  std::vector<VersionVector> versions(n);

  double cpu = cpu_now_ms();
  auto start = Clock::now();
  for (std::size_t i = 0; i < n && f.failure.empty(); ++i) {
    const Txn& txn = trace.txns[i];
    Text& replica = replicas[txn.agent];
    std::uint64_t* held = &has[txn.agent * words];
    const std::uint64_t* need = &ancestors[i * words];
    // Catch up to exactly the parents' version, in list (= causal) order.
    for (std::size_t w = 0; w < words; ++w) {
      std::uint64_t missing = need[w] & ~held[w];
      while (missing != 0) {
        const std::size_t j = w * 64 + static_cast<std::size_t>(__builtin_ctzll(missing));
        missing &= missing - 1;
        if (!apply_update(replica, updates[j], f, "catch-up")) break;
      }
      held[w] |= need[w];
    }
    VersionVector target;
    for (std::size_t p : txn.parents) target.join(versions[p]);
    if (replica.version() != target && f.failure.empty()) {
      f.failure = "txn " + std::to_string(i) + ": replica not at its parents' version";
    }
    const VersionVector before = replica.version();
    for (const auto& p : txn.patches) apply_patch(replica, p);
    updates[i] = replica.encode_update_since(before);
    versions[i] = replica.version();
    held[i / 64] |= std::uint64_t{1} << (i % 64);
  }
  f.replay_ms = ms_since(start);
  f.replay_cpu_ms = cpu_now_ms() - cpu;
  if (!f.failure.empty()) return f;
  // The last txn descends from all others: its replica already holds the final text.
  expect_text(f, replicas[trace.txns.back().agent], trace.end_content, "last txn's replica");

  const std::size_t heap_before = live_heap_bytes();
  Text merged(ReplicaId{trace.num_agents + 1});
  cpu = cpu_now_ms();
  start = Clock::now();
  for (const Bytes& u : updates) apply_update(merged, u, f, "merge");
  f.merge_ms = ms_since(start);
  f.merge_cpu_ms = cpu_now_ms() - cpu;
  if (heap_counting_enabled()) f.heap_bytes = live_heap_bytes() - heap_before;
  f.memory_bytes = merged.memory_bytes();
  expect_text(f, merged, trace.end_content, "merged replica");
  measure_encoding(f, merged, trace.end_content, ReplicaId{trace.num_agents + 2});

  if (verify_all) {
    merged.check_invariants();
    for (auto& r : replicas) {
      if (r.version().empty()) continue;  // an agent with no txns takes no part
      apply_update(r, merged.encode_update_since(r.version()), f, "agent catch-up");
      expect_text(f, r, trace.end_content, "an agent's replica");
      r.check_invariants();
    }
  }
  f.final_ok = f.failure.empty();
  return f;
}

}  // namespace weft::bench

// B2: two users share a 100-character text, each makes N changes in one batch
// concurrently, then they exchange one update each. B3.4: 20*sqrt(N) users
// each insert a short string at position 0 of one list; one replica applies
// every update. B3.4 scaling: the same at several user counts, timing only
// the receiver's apply, with updates arriving by ascending id (each new
// sibling sorts last) or in a random order.
#include <algorithm>
#include <cmath>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common.hpp"
#include "weft/types/list.hpp"
#include "weft/types/text.hpp"

namespace {

using weft::List;
using weft::ReplicaId;
using weft::Text;
using weft::VersionVector;
using weft::bench::kN;
using weft::bench::kSeed;
using weft::bench::UpdateStats;

// `edits(doc, rng)` runs on both replicas (different seeds) from a shared
// 100-character start; then each applies the other's one update.
template <class Edits>
void run_b2(benchmark::State& state, Edits edits) {
  UpdateStats stats;
  std::optional<Text> last_a;
  std::optional<Text> last_b;
  bool failed = false;
  for (auto _ : state) {
    std::mt19937_64 rng(kSeed);
    Text a(ReplicaId{1});
    Text b(ReplicaId{2});
    static_cast<void>(a.insert(0, weft::bench::random_string(rng, 100)));
    static_cast<void>(b.apply_update(a.encode()));
    const VersionVector start = a.version();
    std::mt19937_64 rng_a(kSeed + 1);
    std::mt19937_64 rng_b(kSeed + 2);
    edits(a, rng_a);
    edits(b, rng_b);
    const weft::Bytes ua = a.encode_update_since(start);
    const weft::Bytes ub = b.encode_update_since(start);
    failed |= !a.apply_update(ub).has_value();
    failed |= !b.apply_update(ua).has_value();
    state.PauseTiming();
    stats = {};
    stats.add(ua.size());
    stats.add(ub.size());
    last_a.emplace(std::move(a));
    last_b.emplace(std::move(b));
    state.ResumeTiming();
  }
  if (failed || last_a->to_string() != last_b->to_string()) {
    state.SkipWithError("replicas differ or an update was rejected");
  }
  state.counters["final_size"] = static_cast<double>(last_a->size());
  weft::bench::report(state, stats, *last_a);
}

void B2_1_insert_string(benchmark::State& state) {
  run_b2(state, [](Text& t, auto& rng) {
    static_cast<void>(t.insert(0, weft::bench::random_string(rng, kN)));
  });
}

void B2_2_random_chars(benchmark::State& state) {
  run_b2(state, [](Text& t, auto& rng) {
    for (std::size_t i = 0; i < kN; ++i) {
      const char c = static_cast<char>('a' + rng() % 26);
      static_cast<void>(t.insert(rng() % (t.size() + 1), std::string_view(&c, 1)));
    }
  });
}

void B2_3_random_words(benchmark::State& state) {
  run_b2(state, [](Text& t, auto& rng) {
    for (std::size_t i = 0; i < kN; ++i) {
      // Separate statements: argument evaluation order is unspecified.
      const std::size_t at = rng() % (t.size() + 1);
      const std::string word = weft::bench::random_word(rng);
      static_cast<void>(t.insert(at, word));
    }
  });
}

void B2_4_random_edits(benchmark::State& state) {
  run_b2(state, [](Text& t, auto& rng) {
    for (std::size_t i = 0; i < kN; ++i) {
      weft::bench::random_edit(t, rng);
    }
  });
}

void B3_4_many_users_insert(benchmark::State& state) {
  using StrList = List<std::string>;
  const auto users = static_cast<std::size_t>(20.0 * std::sqrt(static_cast<double>(kN)));
  UpdateStats stats;
  std::optional<StrList> last;
  std::vector<weft::Bytes> updates;
  bool failed = false;
  for (auto _ : state) {
    std::mt19937_64 rng(kSeed);
    updates.clear();
    for (std::size_t u = 0; u < users; ++u) {
      StrList user(ReplicaId{u + 10});
      static_cast<void>(user.insert(0, weft::bench::random_word(rng)));
      updates.push_back(user.encode());
    }
    StrList target(ReplicaId{1});
    for (const auto& update : updates) failed |= !target.apply_update(update).has_value();
    state.PauseTiming();
    last.emplace(std::move(target));
    state.ResumeTiming();
  }
  stats = {};
  for (const auto& update : updates) stats.add(update.size());
  // Another replica receiving the same updates in reverse order must agree.
  StrList other(ReplicaId{2});
  for (auto it = updates.rbegin(); it != updates.rend(); ++it)
    static_cast<void>(other.apply_update(*it));
  if (failed || other.values() != last->values() || last->size() != users) {
    state.SkipWithError("replicas differ");
  }
  state.counters["users"] = static_cast<double>(users);
  weft::bench::report(state, stats, *last);
}

// Args: users, order (0: ascending replica id, 1: shuffled).
void B3_4_scaling(benchmark::State& state) {
  using StrList = List<std::string>;
  const auto users = static_cast<std::size_t>(state.range(0));
  std::mt19937_64 rng(kSeed);
  std::vector<weft::Bytes> updates;
  for (std::size_t u = 0; u < users; ++u) {
    StrList user(ReplicaId{u + 10});
    static_cast<void>(user.insert(0, weft::bench::random_word(rng)));
    updates.push_back(user.encode());
  }
  if (state.range(1) == 1) std::shuffle(updates.begin(), updates.end(), rng);
  std::optional<StrList> last;
  bool failed = false;
  for (auto _ : state) {
    StrList target(ReplicaId{1});
    for (const auto& update : updates) failed |= !target.apply_update(update).has_value();
    state.PauseTiming();
    last.emplace(std::move(target));
    state.ResumeTiming();
  }
  if (failed || last->size() != users) state.SkipWithError("an update was rejected");
  UpdateStats stats;
  for (const auto& update : updates) stats.add(update.size());
  state.counters["users"] = static_cast<double>(users);
  weft::bench::report(state, stats, *last);
}

}  // namespace

BENCHMARK(B2_1_insert_string)->Unit(benchmark::kMillisecond);
BENCHMARK(B2_2_random_chars)->Unit(benchmark::kMillisecond);
BENCHMARK(B2_3_random_words)->Unit(benchmark::kMillisecond);
BENCHMARK(B2_4_random_edits)->Unit(benchmark::kMillisecond);
BENCHMARK(B3_4_many_users_insert)->Unit(benchmark::kMillisecond);
BENCHMARK(B3_4_scaling)
    ->ArgsProduct({{500, 1549, 5000, 15000}, {0, 1}})
    ->ArgNames({"users", "shuffled"})
    ->Unit(benchmark::kMillisecond);

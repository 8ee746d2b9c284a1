// B1: one user edits; every edit is sent at once, as its own update, to a
// second replica. B1.1-B1.7 on Text, B1.8-B1.11 on List<std::int64_t>.
#include <cstdint>
#include <optional>
#include <random>
#include <type_traits>
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
using NumList = List<std::int64_t>;

// Runs `edits(doc, rng, send)` where send() ships what changed since the last
// send to a second replica; checks both replicas agree at the end.
template <class Doc, class Edits>
void run_b1(benchmark::State& state, Edits edits) {
  UpdateStats stats;
  std::optional<Doc> last_a;
  std::optional<Doc> last_b;
  bool failed = false;
  for (auto _ : state) {
    Doc a(ReplicaId{1});
    Doc b(ReplicaId{2});
    stats = {};
    std::mt19937_64 rng(kSeed);
    VersionVector sent;
    auto send = [&] {
      const weft::Bytes update = a.encode_update_since(sent);
      sent = a.version();
      stats.add(update.size());
      failed |= !b.apply_update(update).has_value();
    };
    edits(a, rng, send);
    state.PauseTiming();  // keep the replicas; free the previous ones untimed
    last_a.emplace(std::move(a));
    last_b.emplace(std::move(b));
    state.ResumeTiming();
  }
  bool equal = false;
  if constexpr (std::is_same_v<Doc, Text>) {
    equal = last_a->to_string() == last_b->to_string();
  } else {
    equal = last_a->values() == last_b->values();
  }
  if (!equal || failed) state.SkipWithError("replicas differ or an update was rejected");
  state.counters["final_size"] = static_cast<double>(last_a->size());
  weft::bench::report(state, stats, *last_a);
}

void B1_1_append_chars(benchmark::State& state) {
  run_b1<Text>(state, [](Text& t, auto& rng, auto& send) {
    for (std::size_t i = 0; i < kN; ++i) {
      const char c = static_cast<char>('a' + rng() % 26);
      static_cast<void>(t.insert(i, std::string_view(&c, 1)));
      send();
    }
  });
}

void B1_2_insert_string(benchmark::State& state) {
  run_b1<Text>(state, [](Text& t, auto& rng, auto& send) {
    static_cast<void>(t.insert(0, weft::bench::random_string(rng, kN)));
    send();
  });
}

void B1_3_prepend_chars(benchmark::State& state) {
  run_b1<Text>(state, [](Text& t, auto& rng, auto& send) {
    for (std::size_t i = 0; i < kN; ++i) {
      const char c = static_cast<char>('a' + rng() % 26);
      static_cast<void>(t.insert(0, std::string_view(&c, 1)));
      send();
    }
  });
}

void B1_4_random_chars(benchmark::State& state) {
  run_b1<Text>(state, [](Text& t, auto& rng, auto& send) {
    for (std::size_t i = 0; i < kN; ++i) {
      const char c = static_cast<char>('a' + rng() % 26);
      static_cast<void>(t.insert(rng() % (i + 1), std::string_view(&c, 1)));
      send();
    }
  });
}

void B1_5_random_words(benchmark::State& state) {
  run_b1<Text>(state, [](Text& t, auto& rng, auto& send) {
    for (std::size_t i = 0; i < kN; ++i) {
      const std::string word = weft::bench::random_word(rng);
      static_cast<void>(t.insert(rng() % (t.size() + 1), word));
      send();
    }
  });
}

void B1_6_insert_then_delete(benchmark::State& state) {
  run_b1<Text>(state, [](Text& t, auto& rng, auto& send) {
    static_cast<void>(t.insert(0, weft::bench::random_string(rng, kN)));
    send();
    static_cast<void>(t.erase(0, kN));
    send();
  });
}

void B1_7_random_edits(benchmark::State& state) {
  run_b1<Text>(state, [](Text& t, auto& rng, auto& send) {
    for (std::size_t i = 0; i < kN; ++i) {
      weft::bench::random_edit(t, rng);
      send();
    }
  });
}

void B1_8_append_numbers(benchmark::State& state) {
  run_b1<NumList>(state, [](NumList& l, auto& rng, auto& send) {
    for (std::size_t i = 0; i < kN; ++i) {
      static_cast<void>(l.insert(i, static_cast<std::int64_t>(rng() % 1000000)));
      send();
    }
  });
}

void B1_9_insert_numbers(benchmark::State& state) {
  run_b1<NumList>(state, [](NumList& l, auto& rng, auto& send) {
    std::vector<std::int64_t> values(kN);
    for (auto& v : values) v = static_cast<std::int64_t>(rng() % 1000000);
    static_cast<void>(l.insert(0, std::span<const std::int64_t>(values)));
    send();
  });
}

void B1_10_prepend_numbers(benchmark::State& state) {
  run_b1<NumList>(state, [](NumList& l, auto& rng, auto& send) {
    for (std::size_t i = 0; i < kN; ++i) {
      static_cast<void>(l.insert(0, static_cast<std::int64_t>(rng() % 1000000)));
      send();
    }
  });
}

void B1_11_random_numbers(benchmark::State& state) {
  run_b1<NumList>(state, [](NumList& l, auto& rng, auto& send) {
    for (std::size_t i = 0; i < kN; ++i) {
      const std::size_t pos = rng() % (i + 1);
      static_cast<void>(l.insert(pos, static_cast<std::int64_t>(rng() % 1000000)));
      send();
    }
  });
}

}  // namespace

BENCHMARK(B1_1_append_chars)->Unit(benchmark::kMillisecond);
BENCHMARK(B1_2_insert_string)->Unit(benchmark::kMillisecond);
BENCHMARK(B1_3_prepend_chars)->Unit(benchmark::kMillisecond);
BENCHMARK(B1_4_random_chars)->Unit(benchmark::kMillisecond);
BENCHMARK(B1_5_random_words)->Unit(benchmark::kMillisecond);
BENCHMARK(B1_6_insert_then_delete)->Unit(benchmark::kMillisecond);
BENCHMARK(B1_7_random_edits)->Unit(benchmark::kMillisecond);
BENCHMARK(B1_8_append_numbers)->Unit(benchmark::kMillisecond);
BENCHMARK(B1_9_insert_numbers)->Unit(benchmark::kMillisecond);
BENCHMARK(B1_10_prepend_numbers)->Unit(benchmark::kMillisecond);
BENCHMARK(B1_11_random_numbers)->Unit(benchmark::kMillisecond);

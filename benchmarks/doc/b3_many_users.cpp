// B3 through weft::Doc: 20*sqrt(6000) (about 1,549) users, each its own Doc
// replica (ReplicaId 1..n), make one concurrent change; one receiver applies
// every user's commit bytes. A second receiver applies them in reverse order
// and must end with a byte-identical snapshot and the same digest.
// B3.4 also runs at 500, 5,000 and 15,000 users, to show how it scales.
// Counters: update_bytes (total), update_avg, doc_bytes (receiver's
// encode_snapshot()), parse_ms (Doc::load of it, median of 5), users.
#include <cmath>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common.hpp"
#include "weft/doc/transaction.hpp"

namespace {

using weft::Bytes;
using weft::Doc;
using weft::ObjectId;
using weft::ObjectKind;
using weft::ReplicaId;
using weft::Transaction;
using weft::bench::doc::kSeed;
using weft::bench::doc::random_word;

const std::size_t kUsers = static_cast<std::size_t>(20.0 * std::sqrt(6000.0));
const ObjectId kRootMap = ObjectId::named("state", ObjectKind::map);
const ObjectId kRootList = ObjectId::named("items", ObjectKind::list);

// `change(tx, rng)` is each user's one transaction; `check(receiver, users)`
// says whether the receiver shows every user's change.
template <class Change, class Check>
void run_b3(benchmark::State& state, std::size_t users, Change change, Check check) {
  std::vector<Bytes> updates;
  std::optional<Doc> last;
  bool failed = false;
  for (auto _ : state) {
    std::mt19937_64 rng(kSeed);
    updates.clear();
    for (std::size_t u = 1; u <= users; ++u) {
      Doc user(ReplicaId{u});
      auto tx = user.transact();
      change(tx, rng);
      updates.push_back(tx.commit());
    }
    Doc receiver(ReplicaId{users + 1});
    for (const auto& update : updates) failed |= !receiver.apply_update(update).has_value();
    state.PauseTiming();
    last.emplace(std::move(receiver));
    state.ResumeTiming();
  }
  Doc other(ReplicaId{users + 2});
  for (auto it = updates.rbegin(); it != updates.rend(); ++it) {
    failed |= !other.apply_update(*it).has_value();
  }
  const Bytes snapshot = last->encode_snapshot();
  if (failed || last->pending_count() != 0 || other.encode_snapshot() != snapshot ||
      other.digest() != last->digest() || !check(*last, users)) {
    state.SkipWithError("receivers differ, an update was rejected or a change is missing");
    return;
  }
  std::size_t total = 0;
  for (const auto& update : updates) total += update.size();
  state.counters["users"] = static_cast<double>(users);
  state.counters["update_bytes"] = static_cast<double>(total);
  state.counters["update_avg"] = static_cast<double>(total) / static_cast<double>(updates.size());
  state.counters["doc_bytes"] = static_cast<double>(snapshot.size());
  state.counters["parse_ms"] = weft::bench::doc::load_ms(snapshot);
}

// Every concurrent write to the key survives (get_all) and get() picks one.
bool all_writes_kept(const Doc& doc, std::size_t users) {
  return doc.map(kRootMap).get_all("user").size() == users &&
         doc.map(kRootMap).get("user").has_value();
}

void B3_1_set_number(benchmark::State& state) {
  run_b3(
      state, kUsers,
      [](Transaction& tx, std::mt19937_64& rng) {
        tx.map("state").set("user", static_cast<std::int64_t>(rng() % 1'000'000));
      },
      all_writes_kept);
}

void B3_2_set_nested_map(benchmark::State& state) {
  run_b3(
      state, kUsers,
      [](Transaction& tx, std::mt19937_64& rng) {
        const ObjectId nested = tx.map("state").set_new("user", ObjectKind::map);
        auto map = tx.map(nested);
        map.set("name", random_word(rng));
        // Two statements: the operands of + are evaluated in unspecified order.
        const std::string street = random_word(rng);
        map.set("address", street + " " + random_word(rng));
      },
      [](const Doc& doc, std::size_t users) {
        if (!all_writes_kept(doc, users)) return false;
        const auto winner = doc.map(kRootMap).get("user");
        if (!winner->is<weft::ObjectRef>()) return false;
        const auto entries = doc.map(ObjectId::nested(winner->as<weft::ObjectRef>())).entries();
        return entries.size() == 2 && entries.contains("name") && entries.contains("address");
      });
}

void B3_3_set_string(benchmark::State& state) {
  run_b3(
      state, kUsers,
      [](Transaction& tx, std::mt19937_64& rng) { tx.map("state").set("user", random_word(rng)); },
      all_writes_kept);
}

void B3_4_insert_at_start(benchmark::State& state) {
  run_b3(
      state, static_cast<std::size_t>(state.range(0)),
      [](Transaction& tx, std::mt19937_64& rng) { tx.list("items").insert(0, random_word(rng)); },
      [](const Doc& doc, std::size_t users) { return doc.list(kRootList).size() == users; });
}

}  // namespace

BENCHMARK(B3_1_set_number)->Unit(benchmark::kMillisecond);
BENCHMARK(B3_2_set_nested_map)->Unit(benchmark::kMillisecond);
BENCHMARK(B3_3_set_string)->Unit(benchmark::kMillisecond);
BENCHMARK(B3_4_insert_at_start)
    ->Arg(static_cast<std::int64_t>(kUsers))
    ->Arg(500)
    ->Arg(5000)
    ->Arg(15000)
    ->Unit(benchmark::kMillisecond);

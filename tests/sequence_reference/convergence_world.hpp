#pragma once
// The randomized convergence harness shared by the Text and List<T> tests: an
// engine against the reference FugueMax model, under random editing and random
// delivery (out of causal order, duplicated, as single-op updates, as catch-up
// deltas from encode_since and as whole histories from encode).
//
// Every engine replica is shadowed by a reference replica holding exactly the
// ops the engine's version vector covers. Local edits are made on the engine,
// replayed on the shadow (which computes the origins the engine should have
// chosen), and after every step the two must hold the same elements. At the end
// every replica, a decoded copy of it, and a reference fed all ops in
// generation order must hold the same sequence.
//
// `Kind` adapts one engine type:
//   using Engine, Elem;                  the engine and its element type
//   static Elem random_elem(Rng&);
//   static Edit pick_edit(Rng&);         how one local edit addresses positions,
//     Edit::describe() -> std::string    for the failure message,
//     Edit::insert(Engine&, before, pos, run) -> OpRange  (pos, run in elements)
//     Edit::erase(Engine&, before, pos, len) -> OpRange
//   static void expect_holds(const Engine&, const std::vector<Elem>&, Rng&);
#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "reference_fugue.hpp"
#include "support/catch.hpp"
#include "support/seeds.hpp"
#include "weft/core/dot.hpp"
#include "weft/core/version_vector.hpp"
#include "weft/encoding/writer.hpp"

namespace weft::test::convergence {

using weft::Dot;
using weft::ReplicaId;
using weft::VersionVector;
using Rng = std::mt19937_64;

// The origin convention the engine documents (engine.hpp): left origin = the
// element before the insertion point, tombstones included; right origin = the
// visible element at it. Getting this wrong makes the test fail.
constexpr auto kPolicy = OriginPolicy::visible_right;

struct Update {
  std::size_t source = 0;
  weft::Bytes bytes;
};

template <class Kind>
class World {
  using Engine = typename Kind::Engine;
  using Elem = typename Kind::Elem;
  using Ref = ReferenceSequence<Elem>;
  using RefInsert = weft::test::RefInsert<Elem>;
  // The ops of one local edit: inserts (in order) or delete targets, and its dots.
  struct Group {
    ReplicaId replica;
    std::uint64_t last = 0;  // last counter of the edit's dots
    std::vector<RefInsert> inserts;
    std::vector<Dot> deletes;
  };

 public:
  World(std::uint64_t seed, std::size_t replicas) : rng_(seed) {
    for (std::size_t i = 0; i < replicas; ++i) {
      // Random ids, so that the tie-break between replicas varies by seed.
      const ReplicaId id{(rng_() >> 1) | 1};
      ids_.push_back(id);
      engines_.emplace_back(id);
      shadows_.emplace_back(kPolicy);
      integrated_.emplace_back();
      complete_prefix_.push_back(0);
      delivered_.emplace_back();
    }
  }

  void local_edit(std::size_t s) {
    Engine& engine = engines_[s];
    Ref& shadow = shadows_[s];
    const typename Kind::Edit how = Kind::pick_edit(rng_);
    INFO("local edit on replica " << s << how.describe());
    const std::vector<Elem> before = shadow.values();
    const VersionVector version_before = engine.version();
    const ReplicaId id = ids_[s];
    const std::uint64_t next = version_before.get(id) + 1;
    Group g{id, 0, {}, {}};
    if (before.empty() || rng_() % 5 < 3) {
      const std::size_t pos = rng_() % (before.size() + 1);
      const std::size_t len = rng_() % 2 == 0 ? 1 : 2 + rng_() % 7;
      std::vector<Elem> run;
      for (std::size_t i = 0; i < len; ++i) run.push_back(Kind::random_elem(rng_));
      const auto range = how.insert(engine, before, pos, run);
      REQUIRE(range.replica == id);
      REQUIRE(range.first == next);
      REQUIRE(range.count == len);
      for (std::size_t i = 0; i < len; ++i) {
        g.inserts.push_back(shadow.local_insert(pos + i, run[i], Dot{id, next + i}));
      }
    } else {
      const std::size_t pos = rng_() % before.size();
      const std::size_t len =
          std::min(before.size() - pos, rng_() % 2 == 0 ? std::size_t{1} : 1 + rng_() % 8);
      const auto range = how.erase(engine, before, pos, len);
      REQUIRE(range.replica == id);
      REQUIRE(range.first == next);
      REQUIRE(range.count == len);
      for (std::size_t i = 0; i < len; ++i) g.deletes.push_back(shadow.local_erase(pos));
    }
    g.last = engine.version().get(id);
    REQUIRE(g.last == next + (g.inserts.size() + g.deletes.size()) - 1);
    const std::size_t ops = g.inserts.size() + g.deletes.size();
    for (std::size_t k = 0; k < engines_.size(); ++k) integrated_[k].push_back(k == s ? ops : 0);
    groups_.push_back(std::move(g));
    updates_.push_back(Update{s, engine.encode_update_since(version_before)});
    delivered_[s].push_back(updates_.size() - 1);
    expect_same(s);
  }

  // One random delivery to replica t.
  void deliver(std::size_t t) {
    const std::size_t mode = rng_() % 20;
    if (mode < 12 && !updates_.empty()) {  // any update, causally ready or not
      const std::size_t u = rng_() % updates_.size();
      apply(t, updates_[u].bytes, "a single update");
      delivered_[t].push_back(u);
    } else if (mode < 15 && !delivered_[t].empty()) {  // a duplicate
      apply(t, updates_[delivered_[t][rng_() % delivered_[t].size()]].bytes, "a duplicate");
    } else if (mode < 19) {  // what t lacks from u
      const std::size_t u = rng_() % engines_.size();
      apply(t, engines_[u].encode_update_since(engines_[t].version()), "a catch-up delta");
    } else {  // u's whole history
      apply(t, engines_[rng_() % engines_.size()].encode(), "a whole history");
    }
  }

  // Delivers every update to every replica, in random orders, until all converge.
  void finish() {
    for (std::size_t t = 0; t < engines_.size(); ++t) {
      std::vector<std::size_t> order(updates_.size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::shuffle(order.begin(), order.end(), rng_);
      for (std::size_t u : order) apply(t, updates_[u].bytes, "final delivery", false);
      INFO("replica " << t);
      expect_same(t);
      REQUIRE(engines_[t].pending_count() == 0);
    }
    Ref all(kPolicy);
    for (const Group& g : groups_) integrate(all, g);
    const std::vector<Elem> want = all.values();
    for (std::size_t t = 0; t < engines_.size(); ++t) {
      INFO("replica " << t);
      engines_[t].check_invariants();
      REQUIRE(engines_[t].version() == engines_[0].version());
      Kind::expect_holds(engines_[t], want, rng_);
      auto copy = Engine::decode(engines_[t].encode(), ReplicaId{12345});
      REQUIRE(copy.has_value());
      Kind::expect_holds(*copy, want, rng_);
    }
  }

  [[nodiscard]] std::size_t replicas() const { return engines_.size(); }
  std::mt19937_64& rng() { return rng_; }

 private:
  static void integrate(Ref& ref, const Group& g) {
    for (const auto& op : g.inserts) ref.integrate(op);
    for (const auto& d : g.deletes) ref.integrate_delete(d);
  }

  void apply(std::size_t t, const weft::Bytes& bytes, const char* what, bool compare = true) {
    INFO("delivering " << what << " to replica " << t);
    auto r = engines_[t].apply_update(bytes);
    REQUIRE(r.has_value());
    sync_shadow(t);
    if (compare) expect_same(t);
  }

  // Brings t's shadow to exactly the ops t's engine version covers. The engine
  // may hold a prefix of one local edit's dots (a delete whose later targets
  // wait for their inserts), so this goes dot by dot: the i-th dot of an edit
  // is its i-th inserted character, or the i-th deleted one from the left.
  void sync_shadow(std::size_t t) {
    const VersionVector& v = engines_[t].version();
    bool complete_so_far = true;
    for (std::size_t g = complete_prefix_[t]; g < groups_.size(); ++g) {
      const Group& group = groups_[g];
      const std::size_t ops = group.inserts.size() + group.deletes.size();
      std::size_t& done = integrated_[t][g];
      if (done == ops) {
        if (complete_so_far) complete_prefix_[t] = g + 1;
        continue;
      }
      const std::uint64_t first = group.last - ops + 1;
      const std::uint64_t have = v.get(group.replica);
      while (done < ops && first + done <= have) {
        if (!group.inserts.empty()) {
          shadows_[t].integrate(group.inserts[done]);
        } else {
          shadows_[t].integrate_delete(group.deletes[done]);
        }
        ++done;
      }
      complete_so_far = complete_so_far && done == ops;
      if (complete_so_far) complete_prefix_[t] = g + 1;
    }
  }

  void expect_same(std::size_t t) { Kind::expect_holds(engines_[t], shadows_[t].values(), rng_); }

  std::mt19937_64 rng_;
  std::vector<Engine> engines_;
  std::vector<Ref> shadows_;
  std::vector<ReplicaId> ids_;
  std::vector<std::size_t> complete_prefix_;  // [replica]: groups below are fully integrated
  std::vector<std::vector<std::size_t>> integrated_;  // [replica][group] -> ops integrated
  std::vector<std::vector<std::size_t>> delivered_;   // [replica] -> update indexes
  std::vector<Group> groups_;
  std::vector<Update> updates_;
};

// Per seed: 3-5 replicas, `edits_per_replica` local edits each, as many random
// deliveries, then everything delivered everywhere.
template <class Kind>
void run(std::size_t seeds, std::size_t edits_per_replica) {
  for (auto seed : weft::test::seeds(seeds)) {
    INFO("seed " << seed << " (rerun with WEFT_TEST_SEED=" << seed << ")");
    World<Kind> world(seed, 3 + seed % 3);
    const std::size_t n = world.replicas();
    std::size_t edits = 0;
    while (edits < n * edits_per_replica) {
      const std::size_t s = world.rng()() % n;
      if (world.rng()() % 2 == 0) {
        world.local_edit(s);
        ++edits;
      } else {
        world.deliver(s);
      }
    }
    world.finish();
  }
}

}  // namespace weft::test::convergence

// The reference FugueMax model checked on its own: hand-derived outcomes,
// non-interleaving of concurrent runs, and convergence under random causal
// delivery. The engine is checked against this model in convergence_test.cpp.
#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "reference_fugue.hpp"
#include "support/catch.hpp"
#include "support/seeds.hpp"
#include "weft/core/version_vector.hpp"

using weft::Dot;
using weft::ReplicaId;
using weft::VersionVector;
using weft::test::OriginPolicy;
using weft::test::RefInsert;
using Ref = weft::test::ReferenceSequence<char>;

namespace {

std::string text(const Ref& r) {
  auto v = r.values();
  return {v.begin(), v.end()};
}

Dot dot(std::uint64_t replica, std::uint64_t counter) {
  return Dot{ReplicaId{replica}, counter};
}

const OriginPolicy kPolicies[] = {OriginPolicy::visible_left, OriginPolicy::visible_right};

}  // namespace

TEST_CASE("reference: concurrent inserts at one place order by replica id") {
  for (auto policy : kPolicies) {
    Ref a(policy), b(policy);
    auto x = a.local_insert(0, 'x', dot(7, 1));
    auto y = b.local_insert(0, 'y', dot(3, 1));
    a.integrate(y);
    b.integrate(x);
    // Replica 3 < replica 7: its element goes first on both sides.
    CHECK(text(a) == "yx");
    CHECK(text(b) == "yx");
  }
}

TEST_CASE("reference: a backward run and a concurrent insert (derived by hand)") {
  // Replica 2 types "c" then "d" before it; replica 1 concurrently types "a".
  // Integrating "a" at replica 2 scans past d (its origin_right c lies before the
  // end), meets c (same origins as a: a conflict that replica 1 wins) and goes
  // before the whole run: "adc" on both sides.
  for (auto policy : kPolicies) {
    Ref one(policy), two(policy);
    auto c = two.local_insert(0, 'c', dot(2, 1));
    auto d = two.local_insert(0, 'd', dot(2, 2));
    auto a = one.local_insert(0, 'a', dot(1, 1));
    CHECK(d.origin_right == c.id);
    two.integrate(a);
    one.integrate(c);
    one.integrate(d);
    CHECK(text(one) == "adc");
    CHECK(text(two) == "adc");
  }
}

TEST_CASE("reference: the two origin policies differ only in tombstone placement") {
  // "ab", b deleted, then insert at the end: visible_left puts the new element
  // right after a (before the tombstone b), visible_right after b.
  for (auto policy : kPolicies) {
    Ref r(policy);
    auto a = r.local_insert(0, 'a', dot(1, 1));
    auto b = r.local_insert(1, 'b', dot(1, 2));
    r.local_erase(1);
    auto c = r.local_insert(1, 'c', dot(1, 3));
    CHECK(text(r) == "ac");
    if (policy == OriginPolicy::visible_left) {
      CHECK(c.origin_left == a.id);
      CHECK(c.origin_right == b.id);
    } else {
      CHECK(c.origin_left == b.id);
      CHECK(c.origin_right.is_nil());
    }
  }
}

namespace {

// One replica's concurrent run: its ops in generation order.
struct Run {
  std::uint64_t replica = 0;
  std::string chars;
  std::vector<RefInsert<char>> ops;
};

// Integrates every run's ops into copies of `base`, interleaving the runs in a
// random order that keeps each run's own order (a causal order).
std::string merge_in_random_order(const Ref& base, const std::vector<Run>& runs,
                                  std::mt19937_64& rng) {
  Ref r = base;
  std::vector<std::size_t> next(runs.size(), 0);
  std::size_t left = 0;
  for (const auto& run : runs) left += run.ops.size();
  while (left > 0) {
    const std::size_t k = rng() % runs.size();
    if (next[k] == runs[k].ops.size()) continue;
    r.integrate(runs[k].ops[next[k]++]);
    --left;
  }
  return text(r);
}

}  // namespace

TEST_CASE("reference: concurrent runs at one place never interleave") {
  for (auto seed : weft::test::seeds(200)) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    for (auto policy : kPolicies) {
      INFO("policy " << static_cast<int>(policy));
      // Base text "<>" from replica 1000; everyone types between < and >.
      Ref base(policy);
      base.local_insert(0, '<', dot(1000, 1));
      base.local_insert(1, '>', dot(1000, 2));
      if (rng() % 2 == 0) {  // sometimes with a tombstone at the spot
        base.local_insert(1, '#', dot(1000, 3));
        base.local_erase(1);
      }
      const std::size_t n = 2 + rng() % 3;
      std::vector<Run> runs(n);
      for (std::size_t k = 0; k < n; ++k) {
        Run& run = runs[k];
        run.replica = 1 + rng() % 50 + 50 * k;  // distinct, random order of ids
        Ref local = base;
        const std::size_t len = 1 + rng() % 6;
        const int style = static_cast<int>(rng() % 3);  // forward, backward, random inside
        std::string typed;                              // the run as it reads
        for (std::size_t i = 0; i < len; ++i) {
          const char c = static_cast<char>('a' + (k * 7 + i) % 26);
          std::size_t at = style == 0 ? i : style == 1 ? 0 : rng() % (i + 1);
          typed.insert(at, 1, c);
          run.ops.push_back(local.local_insert(1 + at, c, dot(run.replica, i + 1)));
        }
        run.chars = typed;
        REQUIRE(text(local) == "<" + typed + ">");
      }
      const std::string first = merge_in_random_order(base, runs, rng);
      for (int again = 0; again < 4; ++again) {
        REQUIRE(merge_in_random_order(base, runs, rng) == first);
      }
      // Every run appears whole, and the runs fill exactly the gap.
      REQUIRE(first.front() == '<');
      REQUIRE(first.back() == '>');
      std::size_t total = 2;
      for (const auto& run : runs) {
        INFO("run " << run.chars << " in " << first);
        CHECK(first.find(run.chars) != std::string::npos);
        total += run.chars.size();
      }
      CHECK(first.size() == total);
    }
  }
}

namespace {

// A randomly generated op with the version its replica had seen.
struct LoggedOp {
  Dot id;
  VersionVector deps;
  bool is_insert = true;
  RefInsert<char> insert{};
  Dot target;
};

}  // namespace

TEST_CASE("reference: random edits converge under random causal delivery") {
  for (auto seed : weft::test::seeds(60)) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    for (auto policy : kPolicies) {
      const std::size_t n = 3;
      std::vector<Ref> replicas(n, Ref(policy));
      std::vector<VersionVector> seen(n);
      std::vector<LoggedOp> log;
      auto deliverable = [&](std::size_t s, const LoggedOp& op) {
        return !seen[s].contains(op.id) && seen[s].get(op.id.replica) + 1 == op.id.counter &&
               op.deps.dominated_by(seen[s]);
      };
      auto deliver = [&](std::size_t s, const LoggedOp& op) {
        if (op.is_insert) {
          replicas[s].integrate(op.insert);
        } else {
          replicas[s].integrate_delete(op.target);
        }
        seen[s].advance(op.id);
      };
      for (int step = 0; step < 150; ++step) {
        const std::size_t s = rng() % n;
        if (rng() % 3 == 0) {  // deliver a few random ready ops
          for (const auto& op : log) {
            if (rng() % 2 == 0 && deliverable(s, op)) deliver(s, op);
          }
          continue;
        }
        LoggedOp op;
        op.id = Dot{ReplicaId{s + 1}, seen[s].get(ReplicaId{s + 1}) + 1};
        op.deps = seen[s];
        const std::size_t size = replicas[s].size();
        if (size > 0 && rng() % 3 == 0) {
          op.is_insert = false;
          op.target = replicas[s].local_erase(rng() % size);
        } else {
          op.insert = replicas[s].local_insert(rng() % (size + 1),
                                               static_cast<char>('a' + rng() % 26), op.id);
        }
        seen[s].advance(op.id);
        log.push_back(op);
      }
      // Deliver everything, in log order (which is causal).
      for (std::size_t s = 0; s < n; ++s) {
        for (const auto& op : log) {
          if (!seen[s].contains(op.id)) {
            REQUIRE(deliverable(s, op));
            deliver(s, op);
          }
        }
      }
      for (std::size_t s = 1; s < n; ++s) CHECK(text(replicas[s]) == text(replicas[0]));
    }
  }
}

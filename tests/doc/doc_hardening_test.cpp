// Hardening regressions for the Doc (the "Hardening" issue, items 1, 4, 6, 7):
// each reproduces an attack or an unlucky load through the public API and
// asserts the bound. Costs are asserted as bytes allocated, never as time.
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <new>

#include "../../src/doc/record.hpp"  // white-box: crafted records
#include "doc/doc_test_util.hpp"
#include "support/catch.hpp"
#include "weft/encoding/frame.hpp"

namespace {
std::atomic<std::uint64_t> g_allocated{0};
}  // namespace

// Counts every allocation of this test program. Not under the sanitizers,
// whose own operator new must pair with their delete: the bounds below are
// asserted by the optimised build, the scenarios run in both.
#ifndef WEFT_SANITIZED
void* operator new(std::size_t n) {
  g_allocated.fetch_add(n, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
#endif

using namespace weft;
using weft::test::root_map;
using weft::test::root_text;

namespace {

std::uint64_t allocated_by(const auto& f) {
  const std::uint64_t before = g_allocated.load();
  f();
  return g_allocated.load() - before;
}

// One record of replica `who` setting map "m" key "k", with Lamport offset
// `lamport_minus_first` written raw (so that values no encoder makes can be sent).
Bytes map_set_record(std::uint64_t who, std::int64_t lamport_minus_first) {
  Writer w = begin_frame(TypeTag::doc_update);
  w.varint(1);                          // one record
  w.u8(2), w.varint(who);               // header: Lamport time apart; the author
  w.varint(1);                          // first counter
  w.zigzag(lamport_minus_first);        // Lamport time - first; no deps, one op:
  w.u8(0), w.u8(0), w.string("m");      // map_set on root map "m"
  w.string("k"), w.u8(3), w.zigzag(7);  // key "k" = 7
  w.varint(0);                          // supersedes nothing
  return finish_frame(std::move(w));
}

}  // namespace

TEST_CASE("hardening 1: a record with a huge Lamport time is refused; the maximum cannot poison",
          "[doc][hardening]") {
  Doc a(ReplicaId{1});
  Doc b(ReplicaId{2});
  // Beyond the maximum: refused with a typed error, nothing changes.
  auto r = a.apply_update(map_set_record(9, INT64_MAX));
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::clock_overflow);
  CHECK(a.state_vector().empty());

  // Exactly the maximum: accepted everywhere, and every replica can still edit:
  // each later update is accepted by its peers and by a reload of itself.
  const Bytes attack = map_set_record(9, static_cast<std::int64_t>(detail::doc::kMaxClock) - 1);
  REQUIRE(a.apply_update(attack));
  REQUIRE(b.apply_update(attack));
  for (int round = 0; round < 5; ++round) {
    Bytes ua;
    Bytes ub;
    {
      auto tx = a.transact();
      tx.map("m").set("k", round);
      tx.text("t").insert(0, "a");
      ua = tx.commit();
    }
    {
      auto tx = b.transact();
      tx.map("m").set("k", 100 + round);  // concurrent with a's write
      ub = tx.commit();
    }
    REQUIRE(b.apply_update(ua));
    REQUIRE(a.apply_update(ub));
    CHECK(a.digest() == b.digest());
    CHECK(a.map(root_map()).get("k") == b.map(root_map()).get("k"));
  }
  auto reloaded = Doc::load(a.encode_snapshot(), ReplicaId{1});
  REQUIRE(reloaded);
  CHECK(reloaded->digest() == a.digest());
  CHECK(a.text(root_text()).to_string() == "aaaaa");
}

TEST_CASE("hardening 4: an edit's update and cost do not grow with the replicas ever seen",
          "[doc][hardening]") {
  Doc target(ReplicaId{1});
  constexpr std::uint64_t kReplicas = 3000;
  for (std::uint64_t i = 0; i < kReplicas; ++i) {
    Doc peer(ReplicaId{1000 + i});
    auto tx = peer.transact();
    tx.counter("c").add(1);
    REQUIRE(target.apply_update(tx.commit()));
  }
  auto edit = [&] {
    auto tx = target.transact();
    tx.text("t").insert(0, "x");
    return tx.commit();
  };
  const Bytes first = edit();  // names what changed since its last edit: all of them
  const Bytes second = edit();
  const Bytes third = edit();
  CHECK(first.size() > kReplicas);
  CHECK(second.size() < 40);
  CHECK(third.size() < 40);
  // Nor does its cost: after one more replica's edit arrives, the next commit
  // looks at that replica alone (it used to walk, and copy, the whole state
  // vector: 16 bytes a replica).
  {
    Doc newcomer(ReplicaId{999'999});
    auto tx = newcomer.transact();
    tx.counter("c").add(1);
    REQUIRE(target.apply_update(tx.commit()));
  }
  Bytes fourth;
  const std::uint64_t bytes = allocated_by([&] { fourth = edit(); });
  CHECK(fourth.size() < 50);
  CHECK(bytes < 4096);
  Doc check(ReplicaId{2});
  REQUIRE(check.apply_update(target.encode_snapshot()));
  CHECK(check.digest() == target.digest());
}

TEST_CASE("hardening 7: an observer's cost follows the change, not the document",
          "[doc][hardening]") {
  Doc a(ReplicaId{1});
  Doc b(ReplicaId{2});
  {
    auto tx = a.transact();
    tx.text("t").insert(0, std::string(1 << 20, 'x'));  // 1 MiB of text
  }
  REQUIRE(b.apply_update(a.encode_snapshot()));
  std::size_t seen_a = 0;
  std::size_t seen_b = 0;
  auto sa = a.observe(root_text(), [&](auto events) { seen_a += events.size(); });
  auto sb = b.observe(root_text(), [&](auto events) { seen_b += events.size(); });
  auto sm = a.observe_deep(root_map(), [](auto) {});  // another, elsewhere
  auto type = [&](std::size_t at) {
    auto tx = a.transact();
    tx.text("t").insert(at, "y");
    return tx.commit();
  };
  // A first edit grows the content arenas (amortised: once per 25% of growth).
  REQUIRE(b.apply_update(type(1 << 18)));
  Bytes u;
  const std::uint64_t local = allocated_by([&] { u = type(1 << 19); });
  const std::uint64_t remote = allocated_by([&] { REQUIRE(b.apply_update(u)); });
  CHECK(seen_a == 2);
  CHECK(seen_b == 2);
  // A copy of the text would be 1 MiB; an event is a few hundred bytes.
  CHECK(local < 16 * 1024);
  CHECK(remote < 16 * 1024);
}

TEST_CASE("hardening 6: deep observers are linear in the depth of what changed",
          "[doc][hardening]") {
  Doc a(ReplicaId{1});
  Doc b(ReplicaId{2});
  constexpr int kDepth = 20000;
  std::vector<ObjectId> chain;
  Bytes u;
  {
    auto tx = a.transact();
    ObjectId at = root_map();
    for (int i = 0; i < kDepth; ++i) {
      at = tx.map(at).set_new("child", ObjectKind::map);
      chain.push_back(at);
    }
    tx.map(at).set("leaf", true);
    u = tx.commit();
  }
  std::vector<ObjectId> order;
  std::vector<EventPath> paths;
  auto sub = b.observe_deep(root_map(), [&](std::span<const ChangeEvent> events) {
    for (const ChangeEvent& e : events) {
      order.push_back(e.object);
      paths.push_back(e.path);
    }
  });
  // Linear: a few KiB per level (quadratic paths allocated ~10 GB here).
  const std::uint64_t bytes = allocated_by([&] { REQUIRE(b.apply_update(u)); });
  CHECK(bytes < std::uint64_t{kDepth} * 4096);
  // Every map changed once, parents before children, each with its whole path
  // (shared with its parent's: 20,000 steps held, not 200 million).
  REQUIRE(order.size() == kDepth + 1);
  CHECK(order[0] == root_map());
  for (int i = 0; i < kDepth; ++i)
    CHECK(order[static_cast<std::size_t>(i) + 1] == chain[static_cast<std::size_t>(i)]);
  for (std::size_t i = 0; i < paths.size(); ++i) {
    REQUIRE(paths[i].size() == i);
    if (i > 0) CHECK(paths[i].back() == PathStep{PathStep::Kind::key, "child", 0});
  }
  const std::vector<PathStep> deepest = paths.back().steps();
  CHECK(deepest.size() == kDepth);
  CHECK(std::all_of(deepest.begin(), deepest.end(), [](const PathStep& s) {
    return s == PathStep{PathStep::Kind::key, "child", 0};
  }));
}

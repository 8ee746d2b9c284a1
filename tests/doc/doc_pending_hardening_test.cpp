// Hardening issue, item 2: records whose dependencies never arrive must not
// make later applies slower, must be bounded in bytes as well as ops, and
// must be reported. Work is counted with Doc::pending_woken() (the waiting
// records an apply looked at again), never timed.
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "weft/doc/doc.hpp"

using namespace weft;

namespace {

const ReplicaId kAttacker{0xA77AC};
const ObjectId kBody = ObjectId::named("body", ObjectKind::text);

#ifdef WEFT_SANITIZED
constexpr std::uint64_t kSmall = 200;
constexpr std::uint64_t kLarge = 4'000;
#else
constexpr std::uint64_t kSmall = 1'000;
constexpr std::uint64_t kLarge = 100'000;
#endif

// An attacker's history of `waiting` + 1 one-op records: the first (withheld)
// and the update of all the others, which wait for it.
struct WithheldChain {
  Bytes first;
  Bytes rest;
};

WithheldChain withheld_chain(std::uint64_t waiting) {
  Doc attacker(kAttacker);
  {
    auto tx = attacker.transact();
    tx.counter("c").add(1);
  }
  for (std::uint64_t i = 0; i < waiting; ++i) {
    auto tx = attacker.transact();
    tx.counter("c").add(1);
  }
  const VersionVector after_first = [] {
    VersionVector v;
    v.advance(kAttacker, 1);
    return v;
  }();
  return {attacker.encode_update_since({}), attacker.encode_update_since(after_first)};
}

// Records woken by applying `updates` (each must apply exactly one op).
std::uint64_t woken_by_ordinary_updates(Doc& victim, const std::vector<Bytes>& updates) {
  const std::uint64_t before = victim.pending_woken();
  for (const Bytes& u : updates) {
    auto status = victim.apply_update(u);
    REQUIRE(status);
    CHECK(status->applied == 1);
  }
  return victim.pending_woken() - before;
}

std::vector<Bytes> honest_edits(int n) {
  Doc honest(ReplicaId{2});
  std::vector<Bytes> out;
  for (int i = 0; i < n; ++i) {
    auto tx = honest.transact();
    tx.text(kBody).insert(0, "x");
    out.push_back(tx.commit());
  }
  return out;
}

}  // namespace

TEST_CASE("hardening 2: records waiting for a withheld dot do not slow ordinary updates",
          "[doc][hardening]") {
  const std::vector<Bytes> edits = honest_edits(20);
  std::vector<std::uint64_t> woken;
  for (const std::uint64_t waiting : {kSmall, kLarge}) {
    const WithheldChain chain = withheld_chain(waiting);
    Doc victim(ReplicaId{1});
    auto held = victim.apply_update(chain.rest);
    REQUIRE(held);
    CHECK(held->applied == 0);
    REQUIRE(victim.pending_count() == waiting);

    // The waiting records report what they need: the attacker's history up to
    // the last record's predecessor, nothing of anyone else.
    const VersionVector missing = victim.missing();
    CHECK(missing.size() == 1);
    CHECK(missing.get(kAttacker) == waiting);

    // Ordinary updates look at none of the waiting records, at any size.
    woken.push_back(woken_by_ordinary_updates(victim, edits));
    CHECK(victim.pending_count() == waiting);
    CHECK(victim.text(kBody).to_string() == std::string(edits.size(), 'x'));

    // The withheld record wakes each waiting one once: linear, not quadratic.
    const std::uint64_t before = victim.pending_woken();
    auto released = victim.apply_update(chain.first);
    REQUIRE(released);
    CHECK(released->applied == waiting + 1);
    CHECK(victim.pending_woken() - before == waiting);
    CHECK(victim.pending_count() == 0);
    CHECK(victim.pending_bytes() == 0);
    CHECK(victim.missing().empty());
    CHECK(victim.counter("c").value() == static_cast<std::int64_t>(waiting + 1));
  }
  CHECK(woken[0] == 0);
  CHECK(woken[1] == woken[0]);
}

TEST_CASE("hardening 2: the pending buffer is bounded in bytes; a refused update changes nothing",
          "[doc][hardening]") {
  CHECK(Doc(ReplicaId{1}).max_pending_bytes() == kMaxPendingBytes);

  // A few large ops behind a withheld record: few ops, many bytes.
  Doc attacker(kAttacker);
  {
    auto tx = attacker.transact();
    tx.counter("c").add(1);
  }
  const VersionVector after_first = attacker.state_vector();
  {
    auto tx = attacker.transact();
    for (int i = 0; i < 4; ++i) tx.text(kBody).insert(0, std::string(4096, 'a'));
  }
  const Bytes large = attacker.encode_update_since(after_first);

  Doc victim(ReplicaId{1});
  victim.set_max_pending_bytes(8192);
  const Bytes state_before = victim.encode_snapshot();
  auto refused = victim.apply_update(large);
  REQUIRE_FALSE(refused);
  CHECK(refused.error() == errc::limit_exceeded);
  CHECK(victim.pending_count() == 0);
  CHECK(victim.pending_bytes() == 0);
  CHECK(victim.missing().empty());
  CHECK(victim.encode_snapshot() == state_before);

  // Under a bound that fits it waits, counted in bytes as held (the update
  // itself is deflated, far smaller); the op bound is not what refused it.
  victim.set_max_pending_bytes(std::uint64_t{1} << 20);
  REQUIRE(victim.apply_update(large));
  const std::uint64_t held_ops = victim.pending_count();
  CHECK(held_ops >= 1);
  CHECK(held_ops <= 4);  // far below the op bound
  CHECK(victim.pending_bytes() > 4 * 4096);

  // Lowered below what waits: updates that add to it are refused, the others
  // still apply, and nothing waiting is dropped.
  victim.set_max_pending_bytes(1);
  auto edits = honest_edits(1);
  REQUIRE(victim.apply_update(edits[0]));
  CHECK(victim.pending_count() == held_ops);
  REQUIRE(victim.apply_update(attacker.encode_update_since({})));
  CHECK(victim.pending_count() == 0);
  CHECK(victim.text(kBody).to_string().size() == 1 + 4 * 4096);
}

TEST_CASE("hardening 2: a record waiting on this replica's own dot is woken once it commits it",
          "[doc][hardening]") {
  // `peer` saw replica 1's first op; a fresh replica 1 that lost it (it
  // reuses its id) receives the peer's record, which waits for that dot.
  Doc original(ReplicaId{1});
  {
    auto tx = original.transact();
    tx.counter("c").add(1);
  }
  Doc peer(ReplicaId{3});
  REQUIRE(peer.apply_update(original.encode_update_since({})));
  const VersionVector seen = peer.state_vector();
  {
    auto tx = peer.transact();
    tx.counter("c").add(10);
  }
  const Bytes from_peer = peer.encode_update_since(seen);

  Doc reborn(ReplicaId{1});
  REQUIRE(reborn.apply_update(from_peer));
  CHECK(reborn.pending_count() == 1);
  CHECK(reborn.missing().get(ReplicaId{1}) == 1);
  {
    auto tx = reborn.transact();  // covers dot (1, 1) without an apply
    tx.counter("c").add(100);
  }
  // The next apply, of anything, finds the record ready.
  REQUIRE(reborn.apply_update(honest_edits(1)[0]));
  CHECK(reborn.pending_count() == 0);
  CHECK(reborn.counter("c").value() == 110);
}

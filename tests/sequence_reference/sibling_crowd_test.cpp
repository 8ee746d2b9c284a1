// Crowds of concurrent siblings (hundreds of inserts with the same origins) are
// placed exactly as the reference FugueMax model places them. The engine takes
// a shortcut past such crowds (sibling_index.hpp); these tests decide that the
// shortcut changes no order:
// - through the engine's integration alone, with origins drawn at random from a
//   few crowded spots, from adjacent elements and (in half the seeds) from any
//   two elements in order, which no real author names but a crafted update can;
// - through List updates from hundreds of users, applied one at a time in
//   ascending, descending and random replica order, and in merged batches.
#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "reference_fugue.hpp"
#include "support/catch.hpp"
#include "support/seeds.hpp"
#include "weft/types/list.hpp"

namespace {

using weft::Dot;
using weft::ReplicaId;
using weft::test::OriginPolicy;
using Rng = std::mt19937_64;
using Value = std::int64_t;
using Store = weft::detail::seq::ListStore<Value>;
using Engine = weft::detail::seq::Engine<Store>;
using Reference = weft::test::ReferenceSequence<Value>;
using RefInsert = weft::test::RefInsert<Value>;

std::vector<Value> engine_values(const Engine& e) {
  std::vector<Value> out;
  e.for_each_visible([&](const Store::Arena& arena, std::uint32_t offset, std::uint32_t units) {
    out.insert(out.end(), arena.begin() + offset, arena.begin() + offset + units);
  });
  return out;
}

// One engine fed ops directly (as a Doc feeds it), and the reference fed the
// same elements.
class Feed {
 public:
  Feed(std::uint64_t seed, std::size_t replicas) : rng_(seed), engine_(ReplicaId{1}) {
    for (std::size_t i = 0; i < replicas; ++i) ids_.push_back(ReplicaId{(rng_() >> 1) | 2});
    next_.assign(replicas, 1);
  }

  // A run of `len` elements by replica `who` between raw elements `left` and
  // `right` (indexes into the reference's raw order; -1 start, size() end).
  void insert(std::size_t who, std::ptrdiff_t left, std::ptrdiff_t right, std::uint32_t len) {
    const auto raw = ref_.raw_elements();
    const Dot l = left < 0 ? Dot{} : raw[static_cast<std::size_t>(left)].id;
    const Dot r = right == static_cast<std::ptrdiff_t>(raw.size())
                      ? Dot{}
                      : raw[static_cast<std::size_t>(right)].id;
    insert_between(who, l, r, len);
  }

  void insert_between(std::size_t who, Dot l, Dot r, std::uint32_t len) {
    const ReplicaId id = ids_[who];
    weft::detail::seq::WireOp op;
    op.replica = id;
    op.counter = next_[who];
    op.len = len;
    op.kind = weft::detail::seq::kInsert;
    op.left = l;
    op.right = r;
    op.units = len;
    Store::Batch content;
    for (std::uint32_t k = 0; k < len; ++k) {
      content.push_back(++value_);
      ref_.integrate(
          RefInsert{Dot{id, op.counter + k}, k == 0 ? l : Dot{id, op.counter + k - 1}, r, value_});
    }
    engine_.integrate_hosted(op, content);
    next_[who] += len;
  }

  void erase(std::size_t who, std::size_t raw_index) {
    const Dot target = ref_.raw_elements()[raw_index].id;
    weft::detail::seq::WireOp op;
    op.replica = ids_[who];
    op.counter = next_[who]++;
    op.len = 1;
    op.kind = weft::detail::seq::kDelete;
    op.target = target;
    engine_.integrate_hosted(op, Store::Batch{});
    ref_.integrate_delete(target);
  }

  void expect_same() const {
    REQUIRE(engine_values(engine_) == ref_.values());
    engine_.check_invariants();
  }

  [[nodiscard]] std::size_t raw_size() const { return ref_.raw_size(); }
  [[nodiscard]] Dot raw_id(std::size_t i) const { return ref_.raw_elements()[i].id; }
  [[nodiscard]] std::size_t replicas() const { return ids_.size(); }
  Rng& rng() { return rng_; }

 private:
  Rng rng_;
  Engine engine_;
  Reference ref_;
  std::vector<ReplicaId> ids_;
  std::vector<std::uint64_t> next_;
  Value value_ = 0;
};

}  // namespace

TEST_CASE("Crowds of siblings integrate in the reference model's order, whatever the origins") {
  for (auto seed : weft::test::seeds(12)) {
    INFO("seed " << seed << " (rerun with WEFT_TEST_SEED=" << seed << ")");
    Feed feed(seed, 40 + seed % 3 * 120);
    Rng& rng = feed.rng();
    const bool crafted = seed % 2 == 0;
    // A few elements to crowd around.
    for (std::uint32_t i = 0; i < 6; ++i) {
      feed.insert(0, static_cast<std::ptrdiff_t>(feed.raw_size()) - 1,
                  static_cast<std::ptrdiff_t>(feed.raw_size()), 1 + i % 2);
    }
    // Crowded spots: origins fixed once, adjacent when chosen.
    std::vector<std::pair<Dot, Dot>> spots;
    spots.emplace_back(Dot{}, feed.raw_id(0));
    for (int s = 0; s < 3; ++s) {
      const std::size_t i = rng() % (feed.raw_size() - 1);
      spots.emplace_back(feed.raw_id(i), feed.raw_id(i + 1));
    }
    spots.emplace_back(feed.raw_id(feed.raw_size() - 1), Dot{});
    for (int step = 0; step < 900; ++step) {
      const std::size_t who = rng() % feed.replicas();
      const auto len = static_cast<std::uint32_t>(rng() % 4 == 0 ? 2 + rng() % 3 : 1);
      const std::size_t what = rng() % 20;
      const auto n = static_cast<std::ptrdiff_t>(feed.raw_size());
      if (what < 13) {
        const auto& [l, r] = spots[rng() % spots.size()];
        feed.insert_between(who, l, r, len);
      } else if (what < 17) {
        const std::ptrdiff_t left = static_cast<std::ptrdiff_t>(rng() % (n + 1)) - 1;
        feed.insert(who, left, left + 1, len);
      } else if (what < 19 && crafted) {
        const std::ptrdiff_t left = static_cast<std::ptrdiff_t>(rng() % (n + 1)) - 1;
        const std::ptrdiff_t right = left + 1 + static_cast<std::ptrdiff_t>(rng() % (n - left));
        feed.insert(who, left, right, len);
      } else {
        feed.erase(who, rng() % feed.raw_size());
      }
      if (step % 100 == 99) feed.expect_same();
    }
    feed.expect_same();
  }
}

namespace {

using List = weft::List<Value>;

// Users who each copy one shared start and insert at a few crowded positions;
// the reference gives the order their updates must produce.
struct Crowd {
  std::vector<ReplicaId> ids;
  std::vector<weft::Bytes> updates;  // [user]
  Reference all{OriginPolicy::visible_right};

  Crowd(Rng& rng, std::size_t users) {
    List start(ReplicaId{1});
    Reference start_ref{OriginPolicy::visible_right};
    for (std::uint64_t i = 0; i < 4; ++i) {
      static_cast<void>(start.insert(i, static_cast<Value>(i)));
      all.integrate(start_ref.local_insert(i, static_cast<Value>(i), Dot{ReplicaId{1}, i + 1}));
    }
    const weft::Bytes shared = start.encode();
    Value value = 100;
    for (std::size_t u = 0; u < users; ++u) {
      const ReplicaId id{(rng() >> 1) | 2};
      auto user = List::decode(shared, id);
      REQUIRE(user.has_value());
      Reference shadow = start_ref;
      std::uint64_t counter = 1;
      // Mostly at the start or at one spot in the middle, sometimes twice.
      const int edits = rng() % 4 == 0 ? 2 : 1;
      for (int e = 0; e < edits; ++e) {
        const std::size_t pos = rng() % 3 == 0 ? 2 : rng() % 8 == 0 ? rng() % 5 : 0;
        const std::size_t len = rng() % 3 == 0 ? 2 : 1;
        for (std::size_t k = 0; k < len; ++k, ++value) {
          static_cast<void>(user->insert(pos + k, value));
          all.integrate(shadow.local_insert(pos + k, value, Dot{id, counter++}));
        }
      }
      ids.push_back(id);
      updates.push_back(user->encode_update_since(start.version()));
    }
  }
};

void expect_order(const List& list, const Reference& ref) {
  REQUIRE(list.values() == ref.values());
  list.check_invariants();
}

}  // namespace

TEST_CASE("Crowds of users inserting at one spot converge in any delivery order and in batches") {
  for (auto seed : weft::test::seeds(4)) {
    INFO("seed " << seed << " (rerun with WEFT_TEST_SEED=" << seed << ")");
    Rng rng(seed);
    const Crowd crowd(rng, 300 + seed % 2 * 200);
    const auto shared_start = [&] {
      List start(ReplicaId{1});
      for (std::uint64_t i = 0; i < 4; ++i) static_cast<void>(start.insert(i, Value(i)));
      return start.encode();
    }();
    std::vector<std::size_t> order(crowd.updates.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;

    auto receive_one_by_one = [&](const char* how) {
      INFO(how);
      auto receiver = List::decode(shared_start, ReplicaId{7});
      REQUIRE(receiver.has_value());
      for (std::size_t u : order) REQUIRE(receiver->apply_update(crowd.updates[u]).has_value());
      expect_order(*receiver, crowd.all);
    };
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return crowd.ids[a] < crowd.ids[b]; });
    receive_one_by_one("ascending replica ids");
    std::reverse(order.begin(), order.end());
    receive_one_by_one("descending replica ids");
    std::shuffle(order.begin(), order.end(), rng);
    receive_one_by_one("random order");

    // Batches: relays each merge a random share of the users, then forward
    // everything new as one update; the receiver takes the relays' updates.
    std::vector<weft::Bytes> batches;
    for (std::size_t start = 0; start < order.size();) {
      const std::size_t size = 1 + rng() % 120;
      auto relay = List::decode(shared_start, ReplicaId{8});
      REQUIRE(relay.has_value());
      const weft::VersionVector before = relay->version();
      for (std::size_t i = start; i < std::min(order.size(), start + size); ++i) {
        REQUIRE(relay->apply_update(crowd.updates[order[i]]).has_value());
      }
      batches.push_back(relay->encode_update_since(before));
      start += size;
    }
    std::shuffle(batches.begin(), batches.end(), rng);
    auto receiver = List::decode(shared_start, ReplicaId{9});
    REQUIRE(receiver.has_value());
    for (const auto& batch : batches) REQUIRE(receiver->apply_update(batch).has_value());
    expect_order(*receiver, crowd.all);
    // And the whole history as one update.
    auto copy = List::decode(receiver->encode(), ReplicaId{10});
    REQUIRE(copy.has_value());
    expect_order(*copy, crowd.all);
  }
}

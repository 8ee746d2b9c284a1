// Convergence of every catalogue type under a hostile network: each operation's
// delta is sent to every other replica, but deliveries are reordered,
// duplicated and partly dropped; at the end the replicas exchange full states.
// All replicas must then be equal, and equal to the type's reference model
// computed from the operations and their causal histories (catalogue_traits).
#include <cstdint>
#include <memory>
#include <vector>

#include "laws/catalogue_traits.hpp"
#include "support/catch.hpp"
#include "support/seeds.hpp"

namespace {

using namespace weft;
using weft::test::chance;
using weft::test::OpLog;
using weft::test::pick;
using weft::test::Rng;
using weft::test::Traits;

constexpr int kReplicas = 5;
constexpr int kOpsPerReplica = 300;

template <class X>
struct Message {
  int to;
  std::size_t op;
  std::shared_ptr<const Delta<X>> delta;  // shared by all its deliveries
};

template <class X>
void run_seed(std::uint64_t seed) {
  using T = Traits<X>;
  Rng rng(seed);
  std::vector<X> replicas(kReplicas);
  std::vector<ReplicaId> ids;
  std::vector<LamportClock> clocks(kReplicas);
  for (int i = 0; i < kReplicas; ++i) {
    ids.push_back(ReplicaId{1000 + rng() % 1000 * 10 + static_cast<std::uint64_t>(i)});
  }
  OpLog<typename T::Op> log(kReplicas, T::tracks_causality);
  std::vector<Message<X>> in_flight;

  auto deliver_one = [&] {
    const std::size_t k = rng() % in_flight.size();
    std::swap(in_flight[k], in_flight.back());
    Message<X> m = std::move(in_flight.back());
    in_flight.pop_back();
    replicas[static_cast<std::size_t>(m.to)].join(*m.delta);
    log.deliver(static_cast<std::size_t>(m.to), m.op);
  };

  for (int step = 0; step < kReplicas * kOpsPerReplica; ++step) {
    const auto i = static_cast<std::size_t>(pick(rng, kReplicas));
    auto op = T::random_op(rng);
    const std::size_t index = log.record(op, i, ids[i]);
    const auto delta =
        std::make_shared<const Delta<X>>(T::apply(replicas[i], ids[i], log.op(index), clocks[i]));
    for (int j = 0; j < kReplicas; ++j) {
      if (static_cast<std::size_t>(j) == i || chance(rng, 15)) continue;  // dropped
      in_flight.push_back({j, index, delta});
      if (chance(rng, 10)) in_flight.push_back({j, index, delta});  // duplicated
    }
    for (int n = pick(rng, 4); n > 0 && !in_flight.empty(); --n) deliver_one();
    // Now and then a replica sends its full state, repairing earlier drops.
    if (chance(rng, 4)) {
      const auto from = static_cast<std::size_t>(pick(rng, kReplicas));
      const auto to = static_cast<std::size_t>(pick(rng, kReplicas));
      replicas[to].join(replicas[from]);
      log.merge(to, from);
    }
  }
  while (!in_flight.empty()) deliver_one();
  // Anti-entropy: full states, in a random order, until everyone has everything.
  for (int round = 0; round < 2; ++round) {
    for (int n = 0; n < kReplicas * kReplicas; ++n) {
      const auto from = static_cast<std::size_t>(pick(rng, kReplicas));
      const auto to = static_cast<std::size_t>(pick(rng, kReplicas));
      replicas[to].join(replicas[from]);
      log.merge(to, from);
    }
    for (std::size_t from = 0; from < replicas.size(); ++from) {
      for (std::size_t to = 0; to < replicas.size(); ++to) {
        replicas[to].join(replicas[from]);
        log.merge(to, from);
      }
    }
  }

  INFO("seed " << seed << " (rerun with WEFT_TEST_SEED=" << seed << ")");
  for (std::size_t r = 1; r < replicas.size(); ++r) {
    INFO("replica " << r);
    REQUIRE(T::view(replicas[r]) == T::view(replicas[0]));
    REQUIRE(replicas[r] == replicas[0]);
  }
  REQUIRE(T::view(replicas[0]) == T::model(log));
}

}  // namespace

TEMPLATE_TEST_CASE("catalogue types converge to their reference model", "[convergence]",
                   weft::GCounter, weft::PNCounter, weft::LwwRegister<std::string>,
                   weft::MvRegister<int>, weft::GSet<int>, weft::TwoPSet<int>, weft::AwSet<int>,
                   weft::RwSet<int>, weft::EwFlag, weft::DwFlag,
                   (weft::OrMap<int, weft::AwSet<int>>), (weft::OrMap<int, weft::GCounter>)) {
  for (std::uint64_t seed : weft::test::seeds(200)) run_seed<TestType>(seed);
}

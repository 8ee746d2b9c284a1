#pragma once
// Random replica states of any catalogue type: a few replicas perform random
// operations (catalogue_traits.hpp) and deliver some of their deltas to each
// other, so the states share part of their history and diverge in the rest.
#include <vector>

#include "laws/catalogue_traits.hpp"

namespace weft::test {

template <class X>
class World {
 public:
  World(Rng& rng, std::size_t replicas) : rng_(&rng), clocks_(replicas) {
    for (std::size_t i = 0; i < replicas; ++i) ids_.push_back(ReplicaId{1 + rng() % 1'000'000});
    states_.resize(replicas);
  }

  // One random operation at replica i; returns its delta.
  Delta<X> act(std::size_t i) {
    auto op = Traits<X>::random_op(*rng_);
    return Traits<X>::apply(states_[i], ids_[i], op, clocks_[i]);
  }
  // `ops` random operations at random replicas; each delta reaches each other
  // replica with probability `deliver_percent`.
  void run(int ops, int deliver_percent) {
    for (int n = 0; n < ops; ++n) {
      const auto i = static_cast<std::size_t>(pick(*rng_, static_cast<int>(states_.size())));
      const auto delta = act(i);
      for (std::size_t j = 0; j < states_.size(); ++j) {
        if (j != i && chance(*rng_, deliver_percent)) states_[j].join(delta);
      }
    }
  }

  [[nodiscard]] X& state(std::size_t i) { return states_[i]; }
  [[nodiscard]] const std::vector<X>& states() const { return states_; }

 private:
  Rng* rng_;
  std::vector<LamportClock> clocks_;
  std::vector<ReplicaId> ids_;
  std::vector<X> states_;
};

}  // namespace weft::test

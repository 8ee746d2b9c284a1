#pragma once
// Checks of caller arguments shared by every mutator of the catalogue.
#include <stdexcept>

#include "weft/core/replica_id.hpp"

namespace weft::detail {

// Mutators name the acting replica; a nil id would mint dots that collide
// with every other careless caller, so it is rejected loudly.
inline void require_replica(ReplicaId replica) {
  if (replica.is_nil()) throw std::invalid_argument("weft: mutator called with a nil ReplicaId");
}

}  // namespace weft::detail

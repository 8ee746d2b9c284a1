#include "weft/core/replica_id.hpp"

#include <random>

namespace weft {

ReplicaId ReplicaId::random() {
  std::random_device entropy;
  for (;;) {
    const std::uint64_t value = (static_cast<std::uint64_t>(entropy()) << 32) ^ entropy();
    if (value != 0) return ReplicaId{value};
  }
}

}  // namespace weft

#pragma once
// The sequence engine's decoded op (internal; not API).
#include <cstdint>

#include "weft/core/dot.hpp"

namespace weft::detail::seq {

// A decoded remote op, named by replica ids (not table indexes).
struct WireOp {
  ReplicaId replica;
  std::uint64_t counter = 0;
  std::uint64_t len = 0;
  std::uint8_t kind = 0;  // kInsert, kInsertGc, kDelete
  Dot left;               // insert: origins (counter 0 = none)
  Dot right;
  Dot target;                     // delete: first target
  std::int32_t dir = 1;           // delete: direction of targets
  std::uint64_t content_off = 0;  // insert: content in the batch arena
  std::uint64_t units = 0;
};
inline constexpr std::uint8_t kInsert = 0;
inline constexpr std::uint8_t kInsertGc = 1;
inline constexpr std::uint8_t kDelete = 2;

}  // namespace weft::detail::seq

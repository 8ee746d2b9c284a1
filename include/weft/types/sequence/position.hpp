#pragma once
// Vocabulary shared by weft's sequence types (Text, List<T>).
#include <cstdint>

#include "weft/core/replica_id.hpp"

namespace weft {

// How a position or a length is counted. Text accepts all three; List<T>
// counts elements (code_point is "one element").
//  - code_point: Unicode scalar values;
//  - utf16: UTF-16 code units (characters above U+FFFF count 2), as JS editors count;
//  - utf8: bytes of the UTF-8 encoding.
enum class PositionUnit : std::uint8_t { code_point = 0, utf16 = 1, utf8 = 2 };

// The dots a local edit minted: (replica, first), ..., (replica, first + count - 1).
// A plain value; the update itself is produced on demand by encode_since().
struct OpRange {
  ReplicaId replica;
  std::uint64_t first = 0;
  std::uint64_t count = 0;
  friend constexpr bool operator==(const OpRange&, const OpRange&) noexcept = default;
};

// What apply() did, counted in dots (one per inserted or deleted element):
// `applied` were integrated by this call (including buffered ones it released),
// `pending` wait, after this call, for dependencies that have not arrived.
struct ApplyResult {
  std::uint64_t applied = 0;
  std::uint64_t pending = 0;
  friend constexpr bool operator==(const ApplyResult&, const ApplyResult&) noexcept = default;
};

}  // namespace weft

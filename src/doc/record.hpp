#pragma once
// Transaction records and their wire format (internal; see docs/doc.md).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "weft/core/version_vector.hpp"
#include "weft/doc/value.hpp"
#include "weft/encoding/reader.hpp"
#include "weft/encoding/writer.hpp"

namespace weft::detail::doc {

enum class OpKind : std::uint8_t {
  map_set = 0,
  map_remove = 1,
  seq_edit = 2,
  counter_add = 3,
  reg_set = 4,
  set_add = 5,
  set_remove = 6,
};
inline constexpr std::uint8_t kOpKindCount = 7;

struct Op {
  OpKind kind = OpKind::map_set;
  ObjectId target;
  std::string key;                    // map_set, map_remove
  Value value;                        // map_set, reg_set, set_add, set_remove
  std::vector<Dot> supersedes;        // map_set, map_remove, reg_set, set_remove
  Bytes engine;                       // seq_edit: the sequence engine's update
  std::int64_t delta = 0;             // counter_add
  std::optional<ObjectKind> creates;  // this op's dot names a new object of this kind
};

struct TxRecord {
  ReplicaId replica;
  std::uint64_t first = 0;
  std::uint64_t lamport = 0;
  VersionVector deps;  // without the replica's own entry (implied: first - 1)
  std::vector<Op> ops;

  [[nodiscard]] std::uint64_t last() const noexcept { return first + ops.size() - 1; }
  [[nodiscard]] Dot dot(std::size_t i) const noexcept { return {replica, first + i}; }
};

// Canonical order of records: a topological order, since a record's lamport
// exceeds those of everything it depends on.
struct TxKey {
  std::uint64_t lamport = 0;
  ReplicaId replica;
  std::uint64_t first = 0;
  friend auto operator<=>(const TxKey&, const TxKey&) = default;
};
[[nodiscard]] inline TxKey key_of(const TxRecord& t) {
  return {t.lamport, t.replica, t.first};
}

// One record, canonical and self-delimiting.
void encode_record(Writer& w, const TxRecord& t);
// Decodes and validates one record (structure, kinds, causal sanity of every
// referenced dot, sequence engine bytes). Never throws on input.
result<TxRecord> decode_record(Reader& r);

// A whole framed update: the records in the order given.
[[nodiscard]] Bytes frame_update(std::span<const Bytes> encoded_records);
result<std::vector<TxRecord>> decode_update(std::span<const std::uint8_t> bytes);

}  // namespace weft::detail::doc

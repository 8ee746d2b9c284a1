#pragma once
// Transaction records and their wire format (internal; see docs/doc.md).
#include <cstdint>
#include <span>
#include <vector>

#include "ops.hpp"
#include "weft/core/version_vector.hpp"
#include "weft/encoding/reader.hpp"
#include "weft/encoding/writer.hpp"

namespace weft::detail::doc {

// Counters and Lamport clocks stay below this: a record reaching it is refused
// (errc::clock_overflow), so an accepted record always leaves room for 2^62
// more local edits and no clock can wrap.
inline constexpr std::uint64_t kMaxClock = std::uint64_t{1} << 62;

struct TxRecord {
  ReplicaId replica;
  std::uint64_t first = 0;    // counter of the first dot
  std::uint64_t lamport = 0;  // Lamport time of the first dot; dot first + i has lamport + i
  // What the record depends on besides its replica's previous record: the
  // entries of the author's state vector that changed since that record, plus
  // those of every replica whose dots the ops name (so each named dot is
  // provably in the record's causal past).
  VersionVector deps;
  std::vector<Op> ops;
  std::uint64_t width = 0;  // dots consumed, the sum of the ops' widths

  [[nodiscard]] std::uint64_t last() const noexcept { return first + width - 1; }
  [[nodiscard]] std::uint64_t lamport_of(std::uint64_t counter) const noexcept {
    return lamport + (counter - first);
  }
};

// Canonical order of records: a topological order, since a record's Lamport
// time exceeds that of every dot it depends on.
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

// A decoded record and its canonical bytes inside the update it came in.
struct Received {
  TxRecord record;
  std::span<const std::uint8_t> bytes;
};

// A whole framed update: the records in the order given.
[[nodiscard]] Bytes frame_update(std::span<const std::span<const std::uint8_t>> records);
// Decodes and validates a framed update: structure, kinds, UTF-8, clocks, and
// that every dot a record names is in its causal past. Never throws on input.
// `inflated` keeps a deflated payload alive: the records' bytes point into it
// or into `bytes`.
result<std::vector<Received>> decode_update(std::span<const std::uint8_t> bytes, Bytes& inflated);

}  // namespace weft::detail::doc

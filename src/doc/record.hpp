#pragma once
// Transaction records and their wire format (internal; see docs/doc.md).
#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "ops.hpp"
#include "weft/core/version_vector.hpp"
#include "weft/encoding/reader.hpp"
#include "weft/encoding/writer.hpp"

namespace weft::detail::doc {

// Counters stay below this, Lamport times at or below it: a record past it is
// refused (errc::clock_overflow). A counter is its author's own, so no peer can
// push it there. A Lamport time can be pushed by any peer, so it saturates
// here instead of growing past it: a peer that sends the maximum leaves every
// replica able to edit, with its later writes ordered by dot (Lamport times
// only order concurrent writes; a write supersedes what it saw by name).
inline constexpr std::uint64_t kMaxClock = std::uint64_t{1} << 62;

struct TxRecord {
  ReplicaId replica;
  std::uint64_t first = 0;  // counter of the first dot
  // Lamport time of the first dot; dot first + i has lamport + i, saturating
  // at kMaxClock.
  std::uint64_t lamport = 0;
  // What the record depends on besides its replica's previous record: the
  // entries of the author's state vector that changed since that record, plus
  // those of every replica whose dots the ops name (so each named dot is
  // provably in the record's causal past).
  VersionVector deps;
  std::vector<Op> ops;
  std::uint64_t width = 0;  // dots consumed, the sum of the ops' widths

  [[nodiscard]] std::uint64_t last() const noexcept { return first + width - 1; }
  [[nodiscard]] std::uint64_t lamport_of(std::uint64_t counter) const noexcept {
    return std::min(lamport + (counter - first), kMaxClock);
  }
};

// Canonical order of records: a topological order, since a record's Lamport
// time exceeds that of every dot it depends on (until times saturate, when
// ties are possible: causal delivery does not rely on this order).
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
// The key of a record's canonical bytes, read from its header alone. Only for
// bytes this library encoded or validated (the history): no checks.
[[nodiscard]] TxKey read_key(std::span<const std::uint8_t> record);

// A decoded record and its canonical bytes inside the update it came in.
struct Received {
  TxRecord record;
  std::span<const std::uint8_t> bytes;
};

// Whether an update payload this large is deflated (when that makes it smaller).
[[nodiscard]] bool deflates(std::size_t payload_bytes) noexcept;
// A whole framed update: the records in the order given.
[[nodiscard]] Bytes frame_update(std::span<const std::span<const std::uint8_t>> records);
// Decodes and validates a framed update: structure, kinds, UTF-8, clocks, and
// that every dot a record names is in its causal past. Never throws on input.
// `inflated` keeps a deflated payload alive: the records' bytes point into it
// or into `bytes`.
result<std::vector<Received>> decode_update(std::span<const std::uint8_t> bytes, Bytes& inflated);
// The same into `out`, whose records' storage is reused (a replica applying
// one keystroke after another allocates nothing for them). On an error `out`
// holds partly decoded records: only for reuse.
result<void> decode_update(std::span<const std::uint8_t> bytes, Bytes& inflated,
                           std::vector<Received>& out);

}  // namespace weft::detail::doc

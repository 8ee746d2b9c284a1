#pragma once
// The history of a Doc (internal): every integrated record's canonical bytes,
// in arrival order (a topological order), each behind its length. A record
// received in canonical form is kept exactly as received; a local one is
// encoded once, at commit.
//
// Why no per-record index: an index entry (key and place) cost more than the
// record itself (40 bytes against ~17 for a keystroke). A record's key is read
// back from its header when an update is encoded, and records are sorted into
// canonical order (lamport, replica, first) only if some arrived out of it.
//
// Why chunks, compressed: records go into chunks of at most 64 KiB, so the
// history grows without moving more than one chunk; a full chunk is sealed and zstd-compressed
// (keystroke records repeat themselves: ~8x smaller), which keeps a long
// history in a fraction of the memory of the state it describes. Each sealed
// chunk remembers the newest counter it holds per replica, so encoding what a
// peer lacks inflates only the chunks holding something the peer has not seen.
#include <span>
#include <vector>

#include "record.hpp"
#include "weft/core/version_vector.hpp"

namespace weft::detail::doc {

class OpLog {
 public:
  void append(const TxRecord& rec, std::span<const std::uint8_t> bytes);
  // The records a replica at `since` lacks, in canonical order, as one update.
  [[nodiscard]] Bytes encode_since(const VersionVector& since) const;

 private:
  static constexpr std::size_t kChunkBytes = 64 * 1024;

  struct Chunk {
    Bytes bytes;  // records (length-prefixed), zstd-packed if raw_size != 0
    std::size_t raw_size = 0;
    VersionVector newest;  // per replica, the last counter of its records here
  };
  // Seals the open chunk (when it has records) into chunks_.
  void seal();
  // Appends `raw` as a sealed chunk, packed when that pays.
  void push_sealed(std::span<const std::uint8_t> raw, VersionVector newest);

  std::vector<Chunk> chunks_;  // sealed, in arrival order
  // The open chunk: it grows with the history (a small document stays small)
  // up to kChunkBytes, and its buffer is reused after each seal, so a long
  // history allocates only the packed chunks.
  Bytes open_;
  VersionVector open_newest_;
  std::size_t count_ = 0;
  TxKey last_{};
  bool canonical_ = true;  // arrival order is canonical order
};

}  // namespace weft::detail::doc

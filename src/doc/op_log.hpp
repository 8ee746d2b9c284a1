#pragma once
// The history of a Doc (internal): every integrated record's canonical bytes,
// back to back, indexed in canonical order (lamport, replica, first). A record
// received in canonical form is kept exactly as received; a local one is
// encoded once, at commit.
#include <algorithm>
#include <span>
#include <vector>

#include "record.hpp"

namespace weft::detail::doc {

class OpLog {
 public:
  void append(const TxKey& key, std::span<const std::uint8_t> bytes) {
    const Entry e{key, bytes_.size(), static_cast<std::uint32_t>(bytes.size())};
    bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
    // Records mostly arrive in canonical order; a concurrent one may sort earlier.
    if (entries_.empty() || entries_.back().key < key) {
      entries_.push_back(e);
    } else {
      entries_.insert(std::upper_bound(entries_.begin(), entries_.end(), key,
                                       [](const TxKey& k, const Entry& x) { return k < x.key; }),
                      e);
    }
  }
  // The records a replica at `since` lacks, in canonical order, as one update.
  [[nodiscard]] Bytes encode_since(const VersionVector& since) const {
    std::vector<std::span<const std::uint8_t>> parts;
    for (const Entry& e : entries_) {
      if (since.get(e.key.replica) < e.key.first) {
        parts.emplace_back(bytes_.data() + e.offset, e.size);
      }
    }
    return frame_update(parts);
  }

 private:
  struct Entry {
    TxKey key;
    std::size_t offset;
    std::uint32_t size;
  };
  Bytes bytes_;
  std::vector<Entry> entries_;
};

}  // namespace weft::detail::doc

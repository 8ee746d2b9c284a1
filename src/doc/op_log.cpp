#include "op_log.hpp"

#include "weft/encoding/compress.hpp"

namespace weft::detail::doc {

void OpLog::seal(Chunk& c) {
  Bytes packed = zstd_compress(c.bytes, kZstdFast);
  // Kept raw when packing gains little, or beyond what our own decompressor
  // accepts (a history of one repeated character).
  if (packed.size() + packed.size() / 4 >= c.bytes.size() ||
      !decompress_allowed(packed.size(), c.bytes.size())) {
    c.bytes.shrink_to_fit();
    return;
  }
  packed.shrink_to_fit();
  c.raw_size = c.bytes.size();
  c.bytes = std::move(packed);
}

OpLog::Chunk& OpLog::room_for(std::size_t bytes) {
  if (chunks_.empty() || chunks_.back().bytes.capacity() - chunks_.back().bytes.size() < bytes) {
    if (!chunks_.empty()) seal(chunks_.back());
    // A record larger than a chunk gets a chunk of its own size.
    chunks_.emplace_back().bytes.reserve(std::max(kChunkBytes, bytes));
  }
  return chunks_.back();
}

void OpLog::append(const TxRecord& rec, std::span<const std::uint8_t> bytes) {
  const TxKey key = key_of(rec);
  Chunk& c = room_for(varint_size(bytes.size()) + bytes.size());
  Writer w(std::move(c.bytes));
  w.bytes(bytes);  // within the reserved capacity: no reallocation
  c.bytes = std::move(w).take();
  c.newest.advance(rec.replica, rec.last());
  // Records mostly arrive in canonical order; a concurrent one may sort earlier.
  if (count_ > 0 && !(last_ < key)) canonical_ = false;
  last_ = std::max(last_, key);
  ++count_;
}

Bytes OpLog::encode_since(const VersionVector& since) const {
  std::vector<Bytes> inflated;  // keeps the spans below alive
  std::vector<std::pair<TxKey, std::span<const std::uint8_t>>> parts;
  for (const Chunk& c : chunks_) {
    if (c.newest.dominated_by(since)) continue;  // the peer has all of it
    std::span<const std::uint8_t> raw = c.bytes;
    if (c.raw_size != 0) {
      // Our own bytes, packed by seal() under the decompression bound.
      raw = inflated.emplace_back(*zstd_decompress(c.bytes, c.raw_size));
    }
    Reader r(raw);
    while (!r.empty()) {
      const std::span<const std::uint8_t> record = *r.bytes();
      const TxKey key = read_key(record);
      if (since.get(key.replica) < key.first) parts.emplace_back(key, record);
    }
  }
  if (!canonical_) {
    std::sort(parts.begin(), parts.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  std::vector<std::span<const std::uint8_t>> records;
  records.reserve(parts.size());
  for (const auto& p : parts) records.push_back(p.second);
  return frame_update(records);
}

}  // namespace weft::detail::doc

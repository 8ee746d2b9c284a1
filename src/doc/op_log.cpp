#include "op_log.hpp"

#include "weft/encoding/compress.hpp"

namespace weft::detail::doc {

void OpLog::push_sealed(std::span<const std::uint8_t> raw, VersionVector newest) {
  Chunk& c = chunks_.emplace_back();
  c.newest = std::move(newest);
  // One buffer per thread, not per document: a service holds many Docs.
  thread_local Bytes scratch;
  scratch.resize(zstd_bound(raw.size()));
  const std::size_t packed = zstd_compress_into(scratch, raw, kZstdFast);
  // Kept raw when packing gains little, or beyond what our own decompressor
  // accepts (a history of one repeated character).
  if (packed + packed / 4 >= raw.size() || !decompress_allowed(packed, raw.size())) {
    c.bytes.assign(raw.begin(), raw.end());
  } else {
    c.bytes.assign(scratch.begin(), scratch.begin() + static_cast<std::ptrdiff_t>(packed));
    c.raw_size = raw.size();
  }
}

void OpLog::seal() {
  if (open_.empty()) return;
  push_sealed(open_, std::move(open_newest_));
  open_.clear();  // keeps its capacity
  open_newest_ = VersionVector{};
}

void OpLog::append(const TxRecord& rec, std::span<const std::uint8_t> bytes) {
  const std::size_t need = varint_size(bytes.size()) + bytes.size();
  if (kChunkBytes - open_.size() < need) seal();
  if (need > kChunkBytes) {
    // A record larger than a chunk is a chunk of its own.
    Writer w;
    w.bytes(bytes);
    VersionVector newest;
    newest.advance(rec.replica, rec.last());
    push_sealed(w.view(), std::move(newest));
  } else {
    Writer w(std::move(open_));
    w.bytes(bytes);  // grows to kChunkBytes at most, then is reused
    open_ = std::move(w).take();
    open_newest_.advance(rec.replica, rec.last());
  }
  // Records mostly arrive in canonical order; a concurrent one may sort earlier.
  const TxKey key = key_of(rec);
  if (count_ > 0 && !(last_ < key)) canonical_ = false;
  last_ = std::max(last_, key);
  ++count_;
}

Bytes OpLog::encode_since(const VersionVector& since) const {
  std::vector<Bytes> inflated;  // keeps the spans below alive
  std::vector<std::pair<TxKey, std::span<const std::uint8_t>>> parts;
  // Reads the records of one chunk the peer lacks something from.
  auto take = [&](std::span<const std::uint8_t> raw) {
    Reader r(raw);
    while (!r.empty()) {
      const std::span<const std::uint8_t> record = *r.bytes();  // our own bytes
      const TxKey key = read_key(record);
      if (since.get(key.replica) < key.first) parts.emplace_back(key, record);
    }
  };
  for (const Chunk& c : chunks_) {
    if (c.newest.dominated_by(since)) continue;  // the peer has all of it
    // Packed by push_sealed under the decompression bound.
    take(c.raw_size == 0 ? std::span<const std::uint8_t>(c.bytes)
                         : inflated.emplace_back(*zstd_decompress(c.bytes, c.raw_size)));
  }
  if (!open_newest_.dominated_by(since)) take(open_);
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

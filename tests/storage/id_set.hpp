#pragma once
// A small real document model for storage tests: the document is a set of
// update ids. Update i is its id (u64 LE) followed by filler derived from i,
// so a damaged or misplaced update is detected. A snapshot is the sorted id
// list; the compactor is set union, whose result must be exact.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <vector>

#include "weft/encoding/reader.hpp"
#include "weft/encoding/writer.hpp"
#include "weft/storage/storage.hpp"

namespace weft::test {

inline Bytes make_update(std::uint64_t id) {
  Writer w;
  w.u64_le(id);
  const std::size_t filler = 1 + (id * 7919) % 61;
  for (std::size_t k = 0; k < filler; ++k) w.u8(static_cast<std::uint8_t>(id * 31 + k));
  return std::move(w).take();
}

// The id of a well-formed update, or nullopt.
inline std::optional<std::uint64_t> parse_update(std::span<const std::uint8_t> bytes) {
  Reader r(bytes);
  auto id = r.u64_le();
  if (!id) return std::nullopt;
  if (Bytes(bytes.begin(), bytes.end()) != make_update(*id)) return std::nullopt;
  return *id;
}

inline Bytes encode_ids(const std::set<std::uint64_t>& ids) {
  Writer w;
  w.varint(ids.size());
  for (auto id : ids) w.u64_le(id);
  return std::move(w).take();
}

inline std::optional<std::set<std::uint64_t>> decode_ids(std::span<const std::uint8_t> bytes) {
  Reader r(bytes);
  auto n = r.count(8);
  if (!n) return std::nullopt;
  std::set<std::uint64_t> ids;
  for (std::size_t i = 0; i < *n; ++i) ids.insert(*r.u64_le());
  if (!r.expect_end() || ids.size() != *n) return std::nullopt;
  return ids;
}

inline storage::Compactor id_set_compactor() {
  return [](const std::optional<Bytes>& snapshot, std::span<const Bytes> updates) -> result<Bytes> {
    std::set<std::uint64_t> ids;
    if (snapshot) {
      auto s = decode_ids(*snapshot);
      if (!s) return errc::invalid_value;
      ids = std::move(*s);
    }
    for (const auto& u : updates) {
      auto id = parse_update(u);
      if (!id) return errc::invalid_value;
      ids.insert(*id);
    }
    return encode_ids(ids);
  };
}

// The ids a loaded document holds, in log order, or nullopt if any part is
// malformed or an id repeats.
struct IdDoc {
  std::set<std::uint64_t> ids;
  std::vector<std::uint64_t> log_order;
};
inline std::optional<IdDoc> decode_doc(const storage::DocumentData& data) {
  IdDoc doc;
  if (data.snapshot) {
    auto s = decode_ids(*data.snapshot);
    if (!s) return std::nullopt;
    doc.ids = std::move(*s);
  }
  for (const auto& u : data.updates) {
    auto id = parse_update(u);
    if (!id || !doc.ids.insert(*id).second) return std::nullopt;
    doc.log_order.push_back(*id);
  }
  return doc;
}

// True if `ids` is exactly {0, ..., n-1}.
inline bool is_prefix_set(const std::set<std::uint64_t>& ids) {
  return ids.empty() || (*ids.rbegin() + 1 == ids.size());
}

}  // namespace weft::test

#pragma once
// ReplicaTable: the replicas of a causal context, numbered 0..n-1, so that a
// dot inside a store is written as (index, counter) instead of repeating the
// 8-10 byte replica id for every element.
#include <algorithm>
#include <vector>

#include "weft/core/dot_context.hpp"
#include "weft/encoding/error.hpp"
#include "weft/encoding/reader.hpp"
#include "weft/encoding/writer.hpp"

namespace weft::detail {

class ReplicaTable {
 public:
  explicit ReplicaTable(const DotContext& ctx) {
    for (const auto& e : ctx.version().entries()) ids_.push_back(e.replica);
    for (const auto& rr : ctx.cloud().replicas()) ids_.push_back(rr.replica);
    std::sort(ids_.begin(), ids_.end());
    ids_.erase(std::unique(ids_.begin(), ids_.end()), ids_.end());
  }

  // Every dot of a valid store is covered by its context, so its replica is listed.
  void encode_dot(Writer& w, const Dot& d) const {
    const auto it = std::lower_bound(ids_.begin(), ids_.end(), d.replica);
    w.varint(static_cast<std::uint64_t>(it - ids_.begin()));
    w.varint(d.counter);
  }

  // Reads a dot and checks that `ctx` covers it (a dot outside the context
  // would claim an event the state says it never saw).
  [[nodiscard]] result<Dot> decode_dot(Reader& r, const DotContext& ctx) const {
    auto index = r.varint();
    if (!index) return index.error();
    if (*index >= ids_.size()) return errc::invalid_value;
    auto counter = r.varint();
    if (!counter) return counter.error();
    if (*counter == 0) return errc::invalid_value;
    const Dot d{ids_[static_cast<std::size_t>(*index)], *counter};
    if (!ctx.contains(d)) return errc::causality_violation;
    return d;
  }

 private:
  std::vector<ReplicaId> ids_;
};

}  // namespace weft::detail

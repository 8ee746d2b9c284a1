#pragma once
// Whether a received record is new to a replica (internal): one rule for
// apply_update and merge_updates.
#include <map>

#include "record.hpp"

namespace weft::detail::doc {

using PendingKey = std::pair<ReplicaId, std::uint64_t>;

[[nodiscard]] inline const TxRecord& record_of(const TxRecord* r) noexcept {
  return *r;
}
[[nodiscard]] inline const TxRecord& record_of(const Received* r) noexcept {
  return r->record;
}

[[nodiscard]] inline result<bool> causality_violation() {
  return result<bool>(boost::system::in_place_error, errc::causality_violation);
}

// Checks `rec` against the records of its replica in `known` (a map by
// (replica, first counter) to anything record_of() reads): the neighbours
// around its place are the only ones it can overlap, since known records never
// overlap each other. False: a duplicate (covered).
template <class Known>
[[nodiscard]] result<bool> new_among(const TxRecord& rec, const Known& known) {
  auto it = known.lower_bound({rec.replica, rec.first});
  if (it != known.end() && it->first.first == rec.replica) {
    const TxRecord& next = record_of(it->second);
    if (next.first == rec.first && next.last() == rec.last()) return false;  // duplicate
    if (next.first <= rec.last()) return causality_violation();
  }
  if (it != known.begin()) {
    const auto& prev = *std::prev(it);
    if (prev.first.first == rec.replica && record_of(prev.second).last() >= rec.first) {
      return causality_violation();
    }
  }
  return true;
}

// Checks `rec` against the ops of its replica already known (integrated up to
// `have`, or in one of the `known` maps, which never overlap each other):
// covered records are dropped, overlapping ones are a causality violation (a
// replica id reused). True when `rec` is new. Costs O(log) per map.
template <class... Known>
[[nodiscard]] result<bool> is_new(const TxRecord& rec, std::uint64_t have, const Known&... known) {
  if (have >= rec.last()) return false;
  if (have >= rec.first) return causality_violation();
  result<bool> verdict = true;
  // Stops at the first map that finds a duplicate or a violation.
  (void)((verdict = new_among(rec, known), verdict && *verdict) && ...);
  return verdict;
}

}  // namespace weft::detail::doc

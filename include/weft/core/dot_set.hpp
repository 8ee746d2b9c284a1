#pragma once
// DotSet: a set of dots stored as run-length ranges per replica.
//
// Each replica's dots are kept as sorted, disjoint, non-adjacent inclusive
// ranges [first, last], so a contiguous run of n events costs one range.
// contains is O(log r + log k); insert of a range is O(k) in the worst case
// (k ranges of that replica) and O(log k) amortised for appends; join is
// linear in the total number of ranges. Equal sets have equal representations.
#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "weft/core/dot.hpp"

namespace weft {

class DotSet {
 public:
  struct Range {
    std::uint64_t first = 0;  // inclusive, >= 1
    std::uint64_t last = 0;   // inclusive, >= first
    friend constexpr bool operator==(const Range&, const Range&) noexcept = default;
  };
  struct ReplicaRanges {
    ReplicaId replica;
    std::vector<Range> ranges;
    friend bool operator==(const ReplicaRanges&, const ReplicaRanges&) = default;
  };

  DotSet() = default;

  [[nodiscard]] bool contains(const Dot& dot) const noexcept {
    const auto* rr = find(dot.replica);
    if (rr == nullptr || dot.counter == 0) return false;
    auto it = std::upper_bound(rr->ranges.begin(), rr->ranges.end(), dot.counter,
                               [](std::uint64_t c, const Range& r) { return c < r.first; });
    return it != rr->ranges.begin() && std::prev(it)->last >= dot.counter;
  }

  void insert(const Dot& dot) { insert(dot.replica, dot.counter, dot.counter); }

  // Inserts every dot (replica, first..last). Requires 1 <= first <= last.
  void insert(ReplicaId replica, std::uint64_t first, std::uint64_t last) {
    if (first == 0 || last < first) return;
    auto& ranges = slot(replica).ranges;
    // Fast path: appending after the last range (the common case of in-order delivery).
    if (ranges.empty() || ranges.back().last + 1 < first) {
      ranges.push_back({first, last});
      return;
    }
    // First range that could touch [first, last] (its end reaches first - 1).
    auto lo = std::lower_bound(ranges.begin(), ranges.end(), first,
                               [](const Range& r, std::uint64_t f) { return r.last + 1 < f; });
    auto hi = lo;
    Range merged{first, last};
    while (hi != ranges.end() && hi->first <= last + 1) {
      merged.first = std::min(merged.first, hi->first);
      merged.last = std::max(merged.last, hi->last);
      ++hi;
    }
    if (lo == hi) {
      ranges.insert(lo, merged);
    } else {
      *lo = merged;
      ranges.erase(lo + 1, hi);
    }
  }

  // Removes every dot of `replica` with counter <= `counter`.
  void erase_through(ReplicaId replica, std::uint64_t counter) {
    auto it = std::lower_bound(sets_.begin(), sets_.end(), replica,
                               [](const ReplicaRanges& s, ReplicaId r) { return s.replica < r; });
    if (it == sets_.end() || it->replica != replica) return;
    auto& ranges = it->ranges;
    auto keep = std::find_if(ranges.begin(), ranges.end(),
                             [&](const Range& r) { return r.last > counter; });
    ranges.erase(ranges.begin(), keep);
    if (!ranges.empty() && ranges.front().first <= counter) ranges.front().first = counter + 1;
    if (ranges.empty()) sets_.erase(it);
  }

  void join(const DotSet& other) {
    for (const auto& rr : other.sets_) {
      for (const auto& r : rr.ranges) insert(rr.replica, r.first, r.last);
    }
  }

  // Number of dots in the set.
  [[nodiscard]] std::uint64_t size() const noexcept {
    std::uint64_t n = 0;
    for (const auto& rr : sets_) {
      for (const auto& r : rr.ranges) n += r.last - r.first + 1;
    }
    return n;
  }
  [[nodiscard]] bool empty() const noexcept { return sets_.empty(); }
  [[nodiscard]] std::span<const ReplicaRanges> replicas() const noexcept { return sets_; }
  // The ranges of one replica (empty if none).
  [[nodiscard]] std::span<const Range> ranges(ReplicaId replica) const noexcept {
    const auto* rr = find(replica);
    return rr == nullptr ? std::span<const Range>{} : std::span<const Range>{rr->ranges};
  }

  friend bool operator==(const DotSet&, const DotSet&) = default;

 private:
  [[nodiscard]] const ReplicaRanges* find(ReplicaId replica) const noexcept {
    auto it = std::lower_bound(sets_.begin(), sets_.end(), replica,
                               [](const ReplicaRanges& s, ReplicaId r) { return s.replica < r; });
    return it != sets_.end() && it->replica == replica ? &*it : nullptr;
  }
  ReplicaRanges& slot(ReplicaId replica) {
    auto it = std::lower_bound(sets_.begin(), sets_.end(), replica,
                               [](const ReplicaRanges& s, ReplicaId r) { return s.replica < r; });
    if (it == sets_.end() || it->replica != replica) it = sets_.insert(it, {replica, {}});
    return *it;
  }

  std::vector<ReplicaRanges> sets_;  // sorted by replica; no empty entries
};

}  // namespace weft

#pragma once
// VersionVector: for each replica, the highest counter c such that every dot
// (replica, 1..c) has been seen.
//
// Ordered partially: a <= b when every entry of a is <= the matching entry of b.
// Entries are kept sorted by replica in a flat vector, so lookups are
// O(log r) and joins O(r + s) for r and s replicas. Replicas absent from the
// vector have counter 0; zero entries are never stored, so == is structural.
// Thread safety: none beyond the standard value-type guarantees.
#include <algorithm>
#include <compare>
#include <cstdint>
#include <span>
#include <vector>

#include "weft/core/dot.hpp"

namespace weft {

class VersionVector {
 public:
  struct Entry {
    ReplicaId replica;
    std::uint64_t counter = 0;
    friend constexpr bool operator==(const Entry&, const Entry&) noexcept = default;
  };

  VersionVector() = default;

  // The highest contiguous counter seen from `replica` (0 if none).
  [[nodiscard]] std::uint64_t get(ReplicaId replica) const noexcept {
    auto it = find(replica);
    return it != entries_.end() && it->replica == replica ? it->counter : 0;
  }

  // True when `dot` is covered: dot.counter <= get(dot.replica). Nil dots are covered.
  [[nodiscard]] bool contains(const Dot& dot) const noexcept {
    return dot.counter <= get(dot.replica);
  }

  // Raises the entry of `replica` to at least `counter`; never lowers it.
  void advance(ReplicaId replica, std::uint64_t counter) {
    if (counter == 0) return;
    auto it = find(replica);
    if (it != entries_.end() && it->replica == replica) {
      it->counter = std::max(it->counter, counter);
    } else {
      entries_.insert(it, Entry{replica, counter});
    }
  }
  void advance(const Dot& dot) { advance(dot.replica, dot.counter); }
  // advance() for a caller that raises one replica's entry again and again (a
  // replica counting its own edits): `hint` is the index this returned last time
  // (any value at first). O(1) while the hint holds, else as advance(). Returns
  // the hint for the next call (the entry's index; checked on use, so a stale
  // or made-up hint only costs the lookup).
  std::size_t advance_at(std::size_t hint, ReplicaId replica, std::uint64_t counter) {
    if (hint < entries_.size() && entries_[hint].replica == replica) {
      entries_[hint].counter = std::max(entries_[hint].counter, counter);
      return hint;
    }
    return advance_index(replica, counter);
  }

  // Pointwise maximum.
  void join(const VersionVector& other) {
    std::vector<Entry> merged;
    merged.reserve(entries_.size() + other.entries_.size());
    auto a = entries_.begin();
    auto b = other.entries_.begin();
    while (a != entries_.end() || b != other.entries_.end()) {
      if (b == other.entries_.end() || (a != entries_.end() && a->replica < b->replica)) {
        merged.push_back(*a++);
      } else if (a == entries_.end() || b->replica < a->replica) {
        merged.push_back(*b++);
      } else {
        merged.push_back({a->replica, std::max(a->counter, b->counter)});
        ++a, ++b;
      }
    }
    entries_ = std::move(merged);
  }

  // The entries above `other`'s (what this vector adds to it), in one merge pass:
  // other.join(above(other)) equals other.join(*this).
  [[nodiscard]] VersionVector above(const VersionVector& other) const {
    VersionVector out;
    auto b = other.entries_.begin();
    for (const Entry& e : entries_) {
      while (b != other.entries_.end() && b->replica < e.replica) ++b;
      const bool shared = b != other.entries_.end() && b->replica == e.replica;
      if (!shared || e.counter > b->counter) out.entries_.push_back(e);
    }
    return out;
  }

  // Partial order: less/greater when one strictly dominates, equivalent when
  // equal, unordered when concurrent.
  [[nodiscard]] std::partial_ordering compare(const VersionVector& other) const noexcept {
    bool some_less = false;
    bool some_greater = false;
    auto a = entries_.begin();
    auto b = other.entries_.begin();
    while (a != entries_.end() || b != other.entries_.end()) {
      if (b == other.entries_.end() || (a != entries_.end() && a->replica < b->replica)) {
        some_greater = true, ++a;
      } else if (a == entries_.end() || b->replica < a->replica) {
        some_less = true, ++b;
      } else {
        some_less |= a->counter < b->counter;
        some_greater |= a->counter > b->counter;
        ++a, ++b;
      }
    }
    if (some_less && some_greater) return std::partial_ordering::unordered;
    if (some_less) return std::partial_ordering::less;
    if (some_greater) return std::partial_ordering::greater;
    return std::partial_ordering::equivalent;
  }
  // a <= b: every event a has seen, b has seen.
  [[nodiscard]] bool dominated_by(const VersionVector& other) const noexcept {
    auto order = compare(other);
    return order == std::partial_ordering::less || order == std::partial_ordering::equivalent;
  }

  [[nodiscard]] std::span<const Entry> entries() const noexcept { return entries_; }
  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }
  // Sum of all counters: the number of events covered.
  [[nodiscard]] std::uint64_t total() const noexcept {
    std::uint64_t sum = 0;
    for (const auto& e : entries_) sum += e.counter;
    return sum;
  }

  friend bool operator==(const VersionVector&, const VersionVector&) = default;

 private:
  using Iter = std::vector<Entry>::iterator;
  using ConstIter = std::vector<Entry>::const_iterator;
  [[nodiscard]] ConstIter find(ReplicaId replica) const noexcept {
    return std::lower_bound(entries_.begin(), entries_.end(), replica,
                            [](const Entry& e, ReplicaId r) { return e.replica < r; });
  }
  Iter find(ReplicaId replica) noexcept {
    return std::lower_bound(entries_.begin(), entries_.end(), replica,
                            [](const Entry& e, ReplicaId r) { return e.replica < r; });
  }

  // advance_at() without a hint; out of line so that advance_at() inlines.
  [[gnu::noinline]] std::size_t advance_index(ReplicaId replica, std::uint64_t counter) {
    advance(replica, counter);
    return static_cast<std::size_t>(find(replica) - entries_.begin());
  }

  std::vector<Entry> entries_;  // sorted by replica, counters > 0
};

}  // namespace weft

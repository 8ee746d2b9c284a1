#pragma once
// The Doc's pending buffer (internal): records waiting for their causal past,
// each registered under ONE dot it needs and this replica lacks (its replica's
// previous record, else the first unmet entry of its deps). When the state
// vector advances, only the records registered under dots now covered are
// looked at again (woken), so an apply costs O(log P) in the P records waiting,
// plus the work on the records it wakes, whatever waits.
//
// Invariant (kept by apply.cpp): every registration names a dot the state
// vector lacks, except dots of this replica itself, which local commits cover
// without going through apply (apply wakes those first).
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "record.hpp"
#include "record_is_new.hpp"
#include "weft/core/dot.hpp"

namespace weft::detail::doc {

// A record waiting for its causal past, with its canonical bytes and the dot
// it is registered under.
struct Waiting {
  TxRecord record;
  Bytes bytes;
  Dot need;
};
[[nodiscard]] inline const TxRecord& record_of(const Waiting& w) noexcept {
  return w.record;
}

// Calls f(dot) for each dot `rec` needs integrated before it: the previous
// record of its replica (when it has one), then its deps in replica order.
// Stops when f returns true; returns whether it did.
template <class F>
bool any_need(const TxRecord& rec, F&& f) {
  if (rec.first > 1 && f(Dot{rec.replica, rec.first - 1})) return true;
  for (const auto& e : rec.deps.entries()) {
    if (f(Dot{e.replica, e.counter})) return true;
  }
  return false;
}

// The first dot `rec` needs that `have` lacks, or nothing when `rec` is ready.
// `have`: anything with get(ReplicaId) -> counter.
template <class StateVector>
[[nodiscard]] std::optional<Dot> first_unmet(const TxRecord& rec, const StateVector& have) {
  std::optional<Dot> unmet;
  any_need(rec, [&](const Dot& d) {
    if (have.get(d.replica) >= d.counter) return false;
    unmet = d;
    return true;
  });
  return unmet;
}

class PendingIndex {
 public:
  [[nodiscard]] bool empty() const noexcept { return records_.empty(); }
  // Operations, and canonical bytes, of the records waiting.
  [[nodiscard]] std::uint64_t ops() const noexcept { return ops_; }
  [[nodiscard]] std::uint64_t bytes() const noexcept { return bytes_; }
  // By (replica, first counter): what is_new looks neighbours up in.
  [[nodiscard]] const std::map<PendingKey, Waiting>& records() const noexcept { return records_; }
  [[nodiscard]] const Waiting& at(const PendingKey& k) const { return records_.at(k); }
  // Records woken so far: the work counter the hardening tests bound.
  [[nodiscard]] std::uint64_t woken() const noexcept { return woken_; }

  // Adds a record that lacks `need`.
  void add(TxRecord record, Bytes bytes, Dot need);
  // Registers a waiting record under another dot it lacks.
  void wait_for(const PendingKey& k, Dot need);
  // Removes a record (integrated or dropped).
  void erase(const PendingKey& k);

  // Calls f(key) for every record registered under a dot of `replica` in
  // (from, to]: those a state vector raised from `from` to `to` wakes.
  template <class F>
  void wake(ReplicaId replica, std::uint64_t from, std::uint64_t to, F&& f) const {
    if (to <= from) return;
    const auto end = needs_.lower_bound({Dot{replica, to + 1}, PendingKey{}});
    for (auto it = needs_.lower_bound({Dot{replica, from + 1}, PendingKey{}}); it != end; ++it) {
      ++woken_;
      f(it->second);
    }
  }

 private:
  std::map<PendingKey, Waiting> records_;
  // (need, record): one entry per record. PendingKey{} sorts first (no
  // record has a nil replica), so the bounds above take every key of a dot.
  std::set<std::pair<Dot, PendingKey>> needs_;
  std::uint64_t ops_ = 0;
  std::uint64_t bytes_ = 0;
  mutable std::uint64_t woken_ = 0;
};

}  // namespace weft::detail::doc

#include "delivery_plan.hpp"

#include <algorithm>
#include <functional>
#include <set>

namespace weft::detail::doc {
namespace {

// A state vector raised by the records a plan integrates, over the real one
// (which it never copies: it may be large, the raises are few).
class RaisedVector {
 public:
  explicit RaisedVector(const VersionVector& base) : base_(base) {}
  [[nodiscard]] std::uint64_t get(ReplicaId r) const {
    auto it = raised_.find(r);
    return it != raised_.end() ? it->second : base_.get(r);
  }
  void raise(ReplicaId r, std::uint64_t counter) { raised_[r] = counter; }

 private:
  const VersionVector& base_;
  std::map<ReplicaId, std::uint64_t> raised_;
};

}  // namespace

DeliveryPlan plan_delivery(const VersionVector& sv, ReplicaId self, const PendingIndex& pending,
                           const FreshRecords& fresh) {
  DeliveryPlan plan;
  plan.waiting_ops = pending.ops();
  plan.waiting_bytes = pending.bytes();
  RaisedVector sim(sv);
  // Registrations made while planning (the index itself stays untouched): the
  // fresh records that wait, and waiting records woken that still wait.
  std::set<std::pair<Dot, PendingKey>> waits;
  std::vector<PendingKey> queue;

  auto wake = [&](ReplicaId r, std::uint64_t from, std::uint64_t to) {
    pending.wake(r, from, to, [&](const PendingKey& k) { queue.push_back(k); });
    const auto first = waits.lower_bound({Dot{r, from + 1}, PendingKey{}});
    const auto last = waits.lower_bound({Dot{r, to + 1}, PendingKey{}});
    for (auto it = first; it != last; ++it) queue.push_back(it->second);
    waits.erase(first, last);
  };

  // Local commits raised this replica's entry without waking anything.
  wake(self, 0, sv.get(self));
  // Fresh records are examined in canonical order (a topological one until
  // Lamport times saturate), so an update that arrives complete plans each
  // record at once, in the order its snapshot lists them.
  std::vector<std::pair<TxKey, PendingKey>> arrivals;
  arrivals.reserve(fresh.size());
  for (const auto& [k, r] : fresh) arrivals.emplace_back(key_of(r->record), k);
  std::sort(arrivals.begin(), arrivals.end(), std::greater<>());
  for (const auto& [canonical, k] : arrivals) queue.push_back(k);  // popped from the back
  while (!queue.empty()) {
    const PendingKey k = queue.back();
    queue.pop_back();
    const auto f = fresh.find(k);
    const bool is_fresh = f != fresh.end();
    const TxRecord& rec = is_fresh ? f->second->record : pending.at(k).record;
    if (sim.get(rec.replica) >= rec.first) {
      // Only a waiting record of this replica gets here (is_new keeps the
      // others from overlapping what is known).
      plan.overtaken.push_back(k);
      plan.waiting_ops -= rec.ops.size();
      plan.waiting_bytes -= pending.at(k).bytes.size();
      continue;
    }
    if (auto need = first_unmet(rec, sim)) {
      waits.emplace(*need, k);
      continue;
    }
    plan.order.push_back(k);
    if (!is_fresh) {
      plan.waiting_ops -= rec.ops.size();
      plan.waiting_bytes -= pending.at(k).bytes.size();
    }
    const std::uint64_t from = sim.get(rec.replica);
    sim.raise(rec.replica, rec.last());
    wake(rec.replica, from, rec.last());
  }

  plan.still_waiting.reserve(waits.size());
  for (const auto& [need, k] : waits) {
    plan.still_waiting.emplace_back(k, need);
    if (const auto f = fresh.find(k); f != fresh.end()) {
      plan.waiting_ops += f->second->record.ops.size();
      plan.waiting_bytes += f->second->bytes.size();
    }
  }
  return plan;
}

}  // namespace weft::detail::doc

#pragma once
// Causal delivery, planned before anything changes (internal): which of the
// records an update brings, and of those waiting, become ready, in an order
// that integrates each after its past. Read-only: apply.cpp validates the plan
// and only then carries it out.
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "pending_index.hpp"
#include "record.hpp"

namespace weft::detail::doc {

// The new records of an update, by (replica, first counter).
using FreshRecords = std::map<PendingKey, const Received*>;

struct DeliveryPlan {
  // Ready records, fresh or waiting, in an order that respects causality.
  std::vector<PendingKey> order;
  // Records that wait after the plan (fresh ones, and waiting ones it woke),
  // with the dot each now needs.
  std::vector<std::pair<PendingKey, Dot>> still_waiting;
  // Waiting records of this replica's own history that local commits overtook:
  // they contradict it (a replica id reused) and are dropped.
  std::vector<PendingKey> overtaken;
  // What waits once the plan is carried out.
  std::uint64_t waiting_ops = 0;
  std::uint64_t waiting_bytes = 0;
};

// Plans on a simulated state vector (`sv` raised by what the plan integrates),
// waking only the waiting records registered under dots it covers: O((fresh +
// woken) log P) for P records waiting. `self`: this replica, whose local
// commits cover dots without waking anything.
[[nodiscard]] DeliveryPlan plan_delivery(const VersionVector& sv, ReplicaId self,
                                         const PendingIndex& pending, const FreshRecords& fresh);

}  // namespace weft::detail::doc

#pragma once
// The replicas whose state-vector entries rose since this replica's previous
// commit (internal): a commit names exactly those in its record's deps, so its
// cost follows what changed, not every replica the document has seen.
#include <algorithm>
#include <cstddef>
#include <vector>

#include "weft/core/replica_id.hpp"

namespace weft::detail::doc {

class AdvancedReplicas {
 public:
  void note(ReplicaId r) {
    if (!ids_.empty() && ids_.back() == r) return;  // records come in runs
    ids_.push_back(r);
    // Deduplicated once it doubles: at most twice the distinct replicas, O(1) amortised.
    if (ids_.size() >= 2 * std::max<std::size_t>(distinct_, 512)) distinct_ = dedup();
  }
  // The distinct replicas noted, ascending; clears the set.
  template <class F>
  void drain(F&& each) {
    dedup();
    for (ReplicaId r : ids_) each(r);
    ids_.clear();
    distinct_ = 0;
  }

 private:
  std::size_t dedup() {
    std::sort(ids_.begin(), ids_.end());
    ids_.erase(std::unique(ids_.begin(), ids_.end()), ids_.end());
    return ids_.size();
  }

  std::vector<ReplicaId> ids_;  // perhaps repeated
  std::size_t distinct_ = 0;    // ids_.size() after the last dedup
};

}  // namespace weft::detail::doc

// The sibling index's map operations (see sibling_index.hpp).
#include "weft/types/sequence/detail/sibling_index.hpp"

namespace weft::detail::seq {

SiblingIndex::SiblingIndex() = default;
SiblingIndex::SiblingIndex(const SiblingIndex&) = default;
SiblingIndex::SiblingIndex(SiblingIndex&&) noexcept = default;
SiblingIndex& SiblingIndex::operator=(const SiblingIndex&) = default;
SiblingIndex& SiblingIndex::operator=(SiblingIndex&&) noexcept = default;
SiblingIndex::~SiblingIndex() = default;

void SiblingIndex::remember(const Origin& left, const Origin& right, ReplicaId id,
                            const Origin& member) {
  if (!intact_) return;
  // A later member with the same id lies after the earlier one: keep it.
  members_.insert_or_assign(Key{left, right, id}, member);
}

std::optional<Origin> SiblingIndex::start_for(const Origin& left, const Origin& right,
                                              ReplicaId id) const {
  if (members_.empty()) return std::nullopt;
  auto it = members_.upper_bound(Key{left, right, id});
  if (it == members_.begin()) return std::nullopt;
  --it;
  if (!(it->first.left == left && it->first.right == right)) return std::nullopt;
  return it->second;
}

void SiblingIndex::forget_all() {
  intact_ = false;
  members_.clear();
}

std::size_t SiblingIndex::memory_bytes() const noexcept {
  return members_.size() * (sizeof(Key) + sizeof(Origin) + 4 * sizeof(void*));
}

}  // namespace weft::detail::seq

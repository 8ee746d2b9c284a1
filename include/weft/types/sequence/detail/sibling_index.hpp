#pragma once
// SiblingIndex: where the FugueMax scan may start when many concurrent inserts
// share both origins (internal; not API).
//
// Inserts with the same left and right origins form a sibling group: every
// user typing at one spot of one shared state. The scan that places one more
// of them (Engine::order_among_siblings) walks every earlier sibling from the
// left origin on, so k such inserts cost O(k^2) (B3.4: 1,549 users insert at
// position 0 of one list). Yet in a document built by that scan, a group lies
// in ascending replica id (ties in arrival order), and the scan passes any
// member whose replica id is at most the new insert's without stopping, leaving
// no state behind it but the position. So it may start at such a member
// instead of at the left origin, with the same result. engine_remote.hpp has
// the argument, and what it assumes of the document (`intact`).
//
// Members are remembered only after a scan walked far among siblings: the index
// is a set of shortcuts, never complete, and the paths without many siblings
// (every insert of a history made without concurrency) never touch it.
// Remembering one member or looking one up is O(log m), m the members kept.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <tuple>

#include "weft/core/replica_id.hpp"
#include "weft/types/sequence/detail/origin.hpp"

namespace weft::detail::seq {

class SiblingIndex {
 public:
  // Members are remembered after a scan walked at least this many siblings:
  // a map insert costs about as much as walking a few.
  static constexpr std::uint32_t kWalkedToRemember = 8;

  // Out of line (src/sequence/sibling_index.cpp), as are the map operations:
  // every translation unit holding an engine would otherwise compile them.
  SiblingIndex();
  SiblingIndex(const SiblingIndex&);
  SiblingIndex(SiblingIndex&&) noexcept;
  SiblingIndex& operator=(const SiblingIndex&);
  SiblingIndex& operator=(SiblingIndex&&) noexcept;
  ~SiblingIndex();

  // `member` (an element: the first of an insert placed by the scan) has
  // origins (left, right) and was inserted by replica `id`.
  void remember(const Origin& left, const Origin& right, ReplicaId id, const Origin& member);

  // The remembered member of group (left, right) with the greatest replica id
  // at most `id`, the last one that the scan for an insert of `id` passes; none
  // when there is none, or when the document is no longer intact.
  [[nodiscard]] std::optional<Origin> start_for(const Origin& left, const Origin& right,
                                                ReplicaId id) const;

  // The document no longer has the shape the shortcuts rely on (only a crafted
  // update can do this): forget them, and remember none from now on.
  void forget_all();
  [[nodiscard]] bool intact() const noexcept { return intact_; }

  // Approximate: the map's nodes (key, value, three pointers and a colour).
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

 private:
  struct Key {
    Origin left;
    Origin right;
    ReplicaId id;
    friend bool operator<(const Key& a, const Key& b) noexcept {
      return std::tie(a.left.counter, a.left.replica, a.right.counter, a.right.replica, a.id) <
             std::tie(b.left.counter, b.left.replica, b.right.counter, b.right.replica, b.id);
    }
  };

  std::map<Key, Origin> members_;
  bool intact_ = true;
};

}  // namespace weft::detail::seq

#pragma once
// ReferenceSequence: a deliberately simple FugueMax list CRDT that the real
// sequence engine is checked against. Quadratic and proud of it.
//
// Every element is kept forever in one flat vector, in document order, with its
// id (a Dot), its two origins and a deleted flag. A new element is integrated by
// the FugueMax rule, which equals "YjsMod" of Gentle's reference-crdts
// (Weidner, Gentle, Kleppmann, "The Art of the Fugue", 2023):
//
//   start just right of origin_left and scan towards origin_right; for each
//   element `o` met, with origins at indexes (oleft, oright):
//     oleft <  left                      -> stop, insert here
//     oleft == left, oright <  right     -> maybe insert after o: keep scanning,
//                                           remember the spot before o
//     oleft == left, oright == right     -> true conflict: the smaller replica id
//                                           goes first; if ours is smaller stop,
//                                           else insert after o
//     oleft == left, oright >  right     -> insert after o
//     oleft >  left                      -> o is inside a subtree we skip
//   A missing origin_left is index -1; a missing origin_right is the end.
//
// Which elements a local insert names as origins is a convention every replica
// must share; the reference offers both that are in use (see OriginPolicy), and
// the engine's choice is pinned by the convergence test.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "weft/core/dot.hpp"

namespace weft::test {

enum class OriginPolicy : std::uint8_t {
  // origin_left = the last visible element before the position; origin_right =
  // the element right after origin_left, deleted or not (Yjs, Fugue's tree).
  visible_left,
  // origin_right = the first visible element at or after the position;
  // origin_left = the element right before it, deleted or not (reference-crdts).
  visible_right,
};

template <class T>
struct RefInsert {
  Dot id;
  Dot origin_left;   // nil: start of the document
  Dot origin_right;  // nil: end of the document
  T value;
};

template <class T>
class ReferenceSequence {
 public:
  explicit ReferenceSequence(OriginPolicy policy = OriginPolicy::visible_right) : policy_(policy) {}

  // The insert op that puts `value` at visible position `pos`, named `id`; it is
  // integrated here too. Throws std::out_of_range past the end.
  RefInsert<T> local_insert(std::size_t pos, const T& value, Dot id) {
    RefInsert<T> op{id, {}, {}, value};
    if (policy_ == OriginPolicy::visible_left) {
      const std::ptrdiff_t left = pos == 0 ? -1 : raw_index_of_visible(pos - 1);
      const auto next = static_cast<std::size_t>(left + 1);
      if (left >= 0) op.origin_left = elems_[static_cast<std::size_t>(left)].id;
      if (next < elems_.size()) op.origin_right = elems_[next].id;
    } else {
      const std::size_t right = pos == size() ? elems_.size() : raw_index_of_visible(pos);
      if (right > 0) op.origin_left = elems_[right - 1].id;
      if (right < elems_.size()) op.origin_right = elems_[right].id;
    }
    integrate(op);
    return op;
  }

  // Deletes the visible element at `pos` and returns its id.
  Dot local_erase(std::size_t pos) {
    Element& e = elems_[raw_index_of_visible(pos)];
    e.deleted = true;
    return e.id;
  }

  // Integrates a remote insert. Its origins must be present and its id new
  // (causal delivery is the caller's job); throws std::logic_error otherwise.
  void integrate(const RefInsert<T>& op) {
    if (index_of(op.id) >= 0) throw std::logic_error("reference: duplicate id");
    const std::ptrdiff_t left = op.origin_left.is_nil() ? -1 : must_find(op.origin_left);
    const std::ptrdiff_t right = op.origin_right.is_nil() ? end() : must_find(op.origin_right);
    if (right <= left) throw std::logic_error("reference: origins out of order");
    std::ptrdiff_t dest = left + 1;
    bool scanning = false;
    for (std::ptrdiff_t i = left + 1;; ++i) {
      if (!scanning) dest = i;
      if (i == end() || i == right) break;
      const Element& o = elems_[static_cast<std::size_t>(i)];
      const std::ptrdiff_t oleft = o.origin_left.is_nil() ? -1 : must_find(o.origin_left);
      const std::ptrdiff_t oright = o.origin_right.is_nil() ? end() : must_find(o.origin_right);
      if (oleft < left) break;
      if (oleft > left) continue;
      if (oright < right) {
        scanning = true;
      } else if (oright == right) {
        if (op.id.replica < o.id.replica) break;
        scanning = false;
      } else {
        scanning = false;
      }
    }
    elems_.insert(elems_.begin() + dest,
                  Element{op.id, op.origin_left, op.origin_right, op.value, false});
    hint_ = dest;
  }

  // Marks `target` deleted (idempotent). Throws std::logic_error if unknown.
  void integrate_delete(Dot target) {
    elems_[static_cast<std::size_t>(must_find(target))].deleted = true;
  }

  [[nodiscard]] bool contains(Dot id) const { return index_of(id) >= 0; }
  [[nodiscard]] std::size_t size() const {
    std::size_t n = 0;
    for (const auto& e : elems_) n += !e.deleted;
    return n;
  }
  [[nodiscard]] std::vector<T> values() const {
    std::vector<T> out;
    for (const auto& e : elems_) {
      if (!e.deleted) out.push_back(e.value);
    }
    return out;
  }
  // Ids of the visible elements, in document order.
  [[nodiscard]] std::vector<Dot> visible_ids() const {
    std::vector<Dot> out;
    for (const auto& e : elems_) {
      if (!e.deleted) out.push_back(e.id);
    }
    return out;
  }
  // Elements including tombstones.
  [[nodiscard]] std::size_t raw_size() const noexcept { return elems_.size(); }
  // Every element in document order, tombstones included.
  struct RawElement {
    Dot id;
    T value;
    bool deleted = false;
  };
  [[nodiscard]] std::vector<RawElement> raw_elements() const {
    std::vector<RawElement> out;
    out.reserve(elems_.size());
    for (const auto& e : elems_) out.push_back({e.id, e.value, e.deleted});
    return out;
  }

 private:
  struct Element {
    Dot id;
    Dot origin_left;
    Dot origin_right;
    T value;
    bool deleted = false;
  };

  [[nodiscard]] std::ptrdiff_t end() const noexcept {
    return static_cast<std::ptrdiff_t>(elems_.size());
  }

  [[nodiscard]] std::size_t raw_index_of_visible(std::size_t pos) const {
    for (std::size_t i = 0; i < elems_.size(); ++i) {
      if (elems_[i].deleted) continue;
      if (pos == 0) return i;
      --pos;
    }
    throw std::out_of_range("reference: position past the end");
  }

  // Linear search, tried first next to the last integration: runs of one
  // replica integrate left to right, so this keeps the model fast enough for
  // thousands of randomized runs without changing what it computes.
  [[nodiscard]] std::ptrdiff_t index_of(Dot id) const {
    for (std::ptrdiff_t k = hint_ - 2; k <= hint_ + 2; ++k) {
      if (k >= 0 && k < end() && elems_[static_cast<std::size_t>(k)].id == id) return k;
    }
    for (std::size_t i = 0; i < elems_.size(); ++i) {
      if (elems_[i].id == id) return static_cast<std::ptrdiff_t>(i);
    }
    return -1;
  }
  [[nodiscard]] std::ptrdiff_t must_find(Dot id) const {
    const std::ptrdiff_t i = index_of(id);
    if (i < 0) throw std::logic_error("reference: unknown origin or target");
    return i;
  }

  OriginPolicy policy_;
  std::vector<Element> elems_;
  std::ptrdiff_t hint_ = 0;
};

}  // namespace weft::test

// Structural parts of the sequence B+tree: splits, root growth, invariant check.
#include "weft/types/sequence/detail/tree.hpp"

namespace weft::detail::seq {

void Tree::link_after(std::uint32_t id, std::uint32_t r) {
  Leaf& l = *leaves_[id];
  Leaf& nl = *leaves_[r];
  nl.prev = id;
  nl.next = l.next;
  if (l.next != kNone) {
    leaves_[l.next]->prev = r;
  } else {
    last_ = r;
  }
  l.next = r;
  if (l.parent == kNone) {
    grow_root(id, r, true);
  } else {
    insert_child(l.parent, l.slot + 1, r, nl.w);
  }
  // Splits above may have recorded stale sums on these two paths; everything off
  // them kept its children and so its widths.
  refresh_up(id);
  refresh_up(r);
}

void Tree::grow_root(std::uint32_t left, std::uint32_t right, bool leaf_children) {
  const auto root = static_cast<std::uint32_t>(inner_.size());
  inner_.push_back(std::make_unique<Inner>());
  Inner& in = *inner_[root];
  in.leaf_children = leaf_children;
  in.n = 2;
  in.child[0] = left;
  in.child[1] = right;
  in.cw[0] = leaf_children ? leaves_[left]->w : inner_sum(*inner_[left]);
  in.cw[1] = leaf_children ? leaves_[right]->w : inner_sum(*inner_[right]);
  set_parent(left, leaf_children, root, 0);
  set_parent(right, leaf_children, root, 1);
  root_ = root;
  root_is_leaf_ = false;
}

void Tree::insert_child(std::uint32_t parent, std::uint32_t slot, std::uint32_t child,
                        const Widths& w) {
  std::uint32_t p = parent;
  const bool leafc = inner_[p]->leaf_children;
  if (inner_[p]->n == kFan) {
    const auto q = static_cast<std::uint32_t>(inner_.size());
    inner_.push_back(std::make_unique<Inner>());
    Inner& pn = *inner_[p];
    Inner& qn = *inner_[q];
    qn.leaf_children = leafc;
    const std::uint32_t half = kFan / 2;
    qn.n = pn.n - half;
    for (std::uint32_t i = 0; i < qn.n; ++i) {
      qn.child[i] = pn.child[half + i];
      qn.cw[i] = pn.cw[half + i];
      set_parent(qn.child[i], leafc, q, i);
    }
    pn.n = half;
    if (pn.parent == kNone) {
      grow_root(p, q, false);
    } else {
      inner_[pn.parent]->cw[pn.slot] = inner_sum(pn);
      insert_child(pn.parent, pn.slot + 1, q, inner_sum(qn));
    }
    if (slot > half) {
      p = q;
      slot -= half;
    }
  }
  Inner& in = *inner_[p];
  for (std::uint32_t i = in.n; i > slot; --i) {
    in.child[i] = in.child[i - 1];
    in.cw[i] = in.cw[i - 1];
  }
  in.child[slot] = child;
  in.cw[slot] = w;
  ++in.n;
  for (std::uint32_t i = slot; i < in.n; ++i) set_parent(in.child[i], leafc, p, i);
}

void Tree::refresh_up(std::uint32_t id) noexcept {
  std::uint32_t p = leaves_[id]->parent;
  if (p == kNone) return;
  inner_[p]->cw[leaves_[id]->slot] = leaves_[id]->w;
  while (inner_[p]->parent != kNone) {
    const Inner& in = *inner_[p];
    inner_[in.parent]->cw[in.slot] = inner_sum(in);
    p = in.parent;
  }
}

void Tree::check_node(std::uint32_t id, bool is_leaf, const Widths& expect, std::uint32_t parent,
                      std::uint32_t slot, std::vector<std::uint32_t>& leaf_order) const {
  auto fail = [](const std::string& what) { throw std::logic_error("sequence tree: " + what); };
  if (is_leaf) {
    const Leaf& l = *leaves_[id];
    if (l.parent != parent || (parent != kNone && l.slot != slot)) fail("leaf parent link");
    if (l.n > kLeafCap || (l.n == 0 && parent != kNone)) fail("leaf item count");
    Widths s;
    for (std::uint32_t i = 0; i < l.n; ++i) {
      if (l.items[i].len == 0) fail("empty item");
      if ((l.items[i].flags & kNoContent) != 0 && !l.items[i].deleted()) {
        fail("content dropped from a visible item");
      }
      s += l.items[i].widths();
    }
    if (!(s == l.w) || !(s == expect)) fail("leaf widths");
    leaf_order.push_back(id);
    return;
  }
  const Inner& in = *inner_[id];
  if (in.parent != parent || (parent != kNone && in.slot != slot)) fail("inner parent link");
  if (in.n == 0 || in.n > kFan) fail("inner child count");
  if (!(inner_sum(in) == expect)) fail("inner widths");
  for (std::uint32_t i = 0; i < in.n; ++i) {
    check_node(in.child[i], in.leaf_children, in.cw[i], id, i, leaf_order);
  }
}

void Tree::check() const {
  if (lazy_leaf_ != kNone) {
    Tree flushed(*this);
    flushed.flush();
    flushed.check();
    return;
  }
  std::vector<std::uint32_t> order;
  check_node(root_, root_is_leaf_, total_, kNone, 0, order);
  if (order.size() != leaves_.size()) throw std::logic_error("sequence tree: unreachable leaf");
  if (order.front() != first_ || order.back() != last_) {
    throw std::logic_error("sequence tree: first/last leaf");
  }
  for (std::size_t i = 0; i < order.size(); ++i) {
    const Leaf& l = *leaves_[order[i]];
    const std::uint32_t want_prev = i == 0 ? kNone : order[i - 1];
    const std::uint32_t want_next = i + 1 == order.size() ? kNone : order[i + 1];
    if (l.prev != want_prev || l.next != want_next) {
      throw std::logic_error("sequence tree: leaf chain");
    }
  }
}

}  // namespace weft::detail::seq

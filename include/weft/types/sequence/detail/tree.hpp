#pragma once
// The sequence engine's storage: a B+tree of run-length items in document order.
//
// Internal nodes keep, per child, its widths in four units: visible code points
// (elements), visible UTF-16 units, visible UTF-8 bytes (content units) and all
// elements including tombstones. Position lookups descend by one unit, O(log n);
// abs_index() walks up by the fourth. Leaves are linked so a scan runs in document
// order. Nodes are addressed by 32-bit ids into owned pools, so copying the tree
// is a plain element-wise copy and ids held elsewhere (run hints) stay valid.
// Leaves never merge and items only move right (when a leaf splits), which the
// engine's Dot index relies on.
//
// Width changes reach the inner nodes lazily: the changes of the leaf edited
// last wait in `lazy_` and are added along its path only when another leaf
// changes or the structure does. Typing changes one leaf thousands of times in
// a row, so most edits touch only their leaf; readers of inner widths add the
// pending change where it belongs.
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace weft::detail::seq {

inline constexpr std::uint32_t kNone = 0xFFFFFFFFu;
inline constexpr std::uint32_t kLeafCap = 32;
inline constexpr std::uint32_t kFan = 16;
// Far more levels than 2^32 leaves need at fan-out >= 8 (nodes split in halves).
inline constexpr std::uint32_t kMaxDepth = 12;

// Unit indexes into Widths: 0..2 match PositionUnit; 3 counts every element.
inline constexpr unsigned kAll = 3;

struct Widths {
  std::array<std::uint64_t, 4> w{};
  // Modular arithmetic: adding (new - old) applies a change even when it shrinks.
  Widths& operator+=(const Widths& o) noexcept {
    for (int i = 0; i < 4; ++i) w[i] += o.w[i];
    return *this;
  }
  Widths& operator-=(const Widths& o) noexcept {
    for (int i = 0; i < 4; ++i) w[i] -= o.w[i];
    return *this;
  }
  friend Widths operator-(Widths a, const Widths& b) noexcept { return a -= b; }
  friend bool operator==(const Widths&, const Widths&) = default;
};

inline constexpr std::uint32_t kDeleted = 1;    // a tombstone
inline constexpr std::uint32_t kNoContent = 2;  // content dropped by gc (always deleted)
inline constexpr std::uint32_t kHead = 4;       // holds the first element of its insert run
inline constexpr std::uint32_t kStateFlags = kDeleted | kNoContent;

// A run of consecutive elements inserted by one replica with consecutive counters
// and contiguous content. 32 bytes.
struct Item {
  std::uint64_t counter = 0;  // dot counter of the first element
  std::uint32_t replica = 0;  // index into the engine's replica table
  std::uint32_t len = 0;      // elements
  std::uint32_t offset = 0;   // content offset in the replica's arena (units)
  std::uint32_t units = 0;    // content units: UTF-8 bytes (Text) or elements (List)
  std::uint32_t u16 = 0;      // UTF-16 code units (Text) or elements (List)
  std::uint32_t flags = 0;

  [[nodiscard]] bool deleted() const noexcept { return (flags & kDeleted) != 0; }
  [[nodiscard]] Widths widths() const noexcept {
    if (deleted()) return Widths{{0, 0, 0, len}};
    return Widths{{len, u16, units, len}};
  }
  [[nodiscard]] bool contains(std::uint32_t r, std::uint64_t c) const noexcept {
    return replica == r && c >= counter && c - counter < len;
  }
};

struct Leaf {
  std::uint32_t parent = kNone;
  std::uint32_t slot = 0;  // index in parent
  std::uint32_t prev = kNone;
  std::uint32_t next = kNone;
  std::uint32_t n = 0;
  Widths w;  // sum over items
  std::array<Item, kLeafCap> items;
};

struct Inner {
  std::uint32_t parent = kNone;
  std::uint32_t slot = 0;
  std::uint32_t n = 0;
  bool leaf_children = true;
  std::array<std::uint32_t, kFan> child{};
  std::array<Widths, kFan> cw{};
};

class Tree {
 public:
  struct Pos {
    std::uint32_t leaf = 0;
    std::uint32_t idx = 0;
    friend bool operator==(const Pos&, const Pos&) = default;
  };
  struct Found {
    Pos pos;
    Widths before;      // widths of everything before the item
    Widths leaf_start;  // widths of everything before the item's leaf
  };

  Tree() { leaves_.push_back(std::make_unique<Leaf>()); }
  Tree(const Tree& o)
      : root_(o.root_),
        root_is_leaf_(o.root_is_leaf_),
        first_(o.first_),
        last_(o.last_),
        total_(o.total_),
        lazy_leaf_(o.lazy_leaf_),
        lazy_(o.lazy_) {
    leaves_.reserve(o.leaves_.size());
    for (const auto& l : o.leaves_) leaves_.push_back(std::make_unique<Leaf>(*l));
    inner_.reserve(o.inner_.size());
    for (const auto& i : o.inner_) inner_.push_back(std::make_unique<Inner>(*i));
  }
  Tree& operator=(const Tree& o) {
    if (this != &o) *this = Tree(o);
    return *this;
  }
  Tree(Tree&&) noexcept = default;
  Tree& operator=(Tree&&) noexcept = default;
  ~Tree() = default;

  [[nodiscard]] const Widths& total() const noexcept { return total_; }
  [[nodiscard]] Leaf& leaf(std::uint32_t id) noexcept { return *leaves_[id]; }
  [[nodiscard]] const Leaf& leaf(std::uint32_t id) const noexcept { return *leaves_[id]; }
  [[nodiscard]] Item& at(Pos p) noexcept { return leaves_[p.leaf]->items[p.idx]; }
  [[nodiscard]] const Item& at(Pos p) const noexcept { return leaves_[p.leaf]->items[p.idx]; }
  [[nodiscard]] bool is_end(Pos p) const noexcept { return p.idx >= leaves_[p.leaf]->n; }
  [[nodiscard]] Pos begin() const noexcept { return {first_, 0}; }
  [[nodiscard]] Pos end() const noexcept { return {last_, leaves_[last_]->n}; }
  [[nodiscard]] std::uint32_t last_leaf() const noexcept { return last_; }
  [[nodiscard]] std::size_t leaf_count() const noexcept { return leaves_.size(); }

  [[nodiscard]] Pos next(Pos p) const noexcept {
    const Leaf& l = *leaves_[p.leaf];
    if (p.idx + 1 < l.n || l.next == kNone) return {p.leaf, p.idx + 1};
    return {l.next, 0};
  }
  // The item before p (p may be end()); false at the beginning.
  [[nodiscard]] bool prev(Pos p, Pos& out) const noexcept {
    if (p.idx > 0) {
      out = {p.leaf, p.idx - 1};
      return true;
    }
    const std::uint32_t pl = leaves_[p.leaf]->prev;
    if (pl == kNone) return false;
    out = {pl, leaves_[pl]->n - 1};
    return true;
  }

  // The item holding visible unit `pos` of unit `u` (requires pos < total().w[u]).
  [[nodiscard]] Found find(unsigned u, std::uint64_t pos) const noexcept {
    // Dispatched to a constant unit, so that the running widths stay in
    // registers instead of being indexed through the stack.
    switch (u) {
      case 0:
        return find_unit<0>(pos);
      case 1:
        return find_unit<1>(pos);
      default:
        return find_unit<2>(pos);
    }
  }
  template <unsigned U>
  [[nodiscard]] Found find_unit(std::uint64_t pos) const noexcept {
    constexpr unsigned u = U;
    // The lazy leaf's ancestors, root last, with the slot leading down to it.
    std::array<std::uint32_t, kMaxDepth> up_node{};
    std::array<std::uint32_t, kMaxDepth> up_slot{};
    std::uint32_t depth = 0;
    if (lazy_leaf_ != kNone) {
      std::uint32_t slot = leaves_[lazy_leaf_]->slot;
      for (std::uint32_t q = leaves_[lazy_leaf_]->parent; q != kNone; q = inner_[q]->parent) {
        up_node[depth] = q;
        up_slot[depth++] = slot;
        slot = inner_[q]->slot;
      }
    }
    Widths before;
    std::uint32_t node = root_;
    bool is_leaf = root_is_leaf_;
    bool on_path = depth > 0;
    while (!is_leaf) {
      const Inner& in = *inner_[node];
      const std::uint32_t lazy_slot = on_path ? up_slot[--depth] : kNone;
      std::uint32_t i = 0;
      for (; i + 1 < in.n; ++i) {
        Widths w = in.cw[i];
        if (i == lazy_slot) w += lazy_;
        if (pos < before.w[u] + w.w[u]) break;
        before += w;
      }
      on_path = on_path && i == lazy_slot;
      node = in.child[i];
      is_leaf = in.leaf_children;
    }
    return find_in_leaf_unit<U>(node, before, pos);
  }
  // Scans one leaf whose start widths are `before`.
  [[nodiscard]] Found find_in_leaf(std::uint32_t id, Widths before, unsigned u,
                                   std::uint64_t pos) const noexcept {
    switch (u) {
      case 0:
        return find_in_leaf_unit<0>(id, before, pos);
      case 1:
        return find_in_leaf_unit<1>(id, before, pos);
      default:
        return find_in_leaf_unit<2>(id, before, pos);
    }
  }
  template <unsigned U>
  [[nodiscard]] Found find_in_leaf_unit(std::uint32_t id, Widths before,
                                        std::uint64_t pos) const noexcept {
    constexpr unsigned u = U;
    const Leaf& l = *leaves_[id];
    const Widths start = before;
    std::uint32_t i = 0;
    for (; i + 1 < l.n; ++i) {
      const Widths iw = l.items[i].widths();
      if (pos < before.w[u] + iw.w[u]) break;
      before += iw;
    }
    return {{id, i}, before, start};
  }

  // Widths of everything before leaf `id`.
  [[nodiscard]] Widths leaf_start(std::uint32_t id) const noexcept {
    Widths s;
    std::uint32_t slot = leaves_[id]->slot;
    std::uint32_t p = leaves_[id]->parent;
    // Walks up the lazy leaf's path alongside (all leaves are equally deep).
    const bool lazy = lazy_leaf_ != kNone;
    std::uint32_t lslot = lazy ? leaves_[lazy_leaf_]->slot : 0;
    std::uint32_t lp = lazy ? leaves_[lazy_leaf_]->parent : kNone;
    while (p != kNone) {
      const Inner& in = *inner_[p];
      for (std::uint32_t i = 0; i < slot; ++i) s += in.cw[i];
      if (lp == p && lslot < slot) s += lazy_;
      slot = in.slot;
      p = in.parent;
      if (lp != kNone) {
        lslot = inner_[lp]->slot;
        lp = inner_[lp]->parent;
      }
    }
    return s;
  }
  // Widths of everything before item p.
  [[nodiscard]] Widths widths_before(Pos p) const noexcept {
    Widths s = leaf_start(p.leaf);
    const Leaf& l = *leaves_[p.leaf];
    for (std::uint32_t i = 0; i < p.idx; ++i) s += l.items[i].widths();
    return s;
  }
  // Number of elements (tombstones included) before item p.
  [[nodiscard]] std::uint64_t abs_index(Pos p) const noexcept {
    std::uint64_t s = leaf_start(p.leaf).w[kAll];
    const Leaf& l = *leaves_[p.leaf];
    for (std::uint32_t i = 0; i < p.idx; ++i) s += l.items[i].len;
    return s;
  }

  // Applies a width change of leaf `id` (new - old, modular): to the leaf and
  // the total now, to the inner nodes when another leaf changes (flush()).
  void propagate(std::uint32_t id, const Widths& delta) noexcept {
    add(id, delta.w[0], delta.w[1], delta.w[2], delta.w[3]);
  }
  // The same, one unit at a time (c: code points, h: UTF-16, b: bytes, a: all).
  // Scalar on purpose: a Widths built from registers goes through the stack, and
  // gcc's 16-byte reloads of it stall on store forwarding in the typing loop.
  void add(std::uint32_t id, std::uint64_t c, std::uint64_t h, std::uint64_t b,
           std::uint64_t a) noexcept {
    if (id != lazy_leaf_) {
      flush();
      lazy_leaf_ = id;
    }
    for (Widths* w : {&leaves_[id]->w, &total_, &lazy_}) {
      w->w[0] += c;
      w->w[1] += h;
      w->w[2] += b;
      w->w[3] += a;
    }
  }
  // Adds the pending width change to the inner nodes above its leaf.
  void flush() noexcept {
    if (lazy_leaf_ == kNone) return;
    const Leaf& l = *leaves_[lazy_leaf_];
    std::uint32_t slot = l.slot;
    for (std::uint32_t p = l.parent; p != kNone; p = inner_[p]->parent) {
      inner_[p]->cw[slot] += lazy_;
      slot = inner_[p]->slot;
    }
    lazy_leaf_ = kNone;
    lazy_ = Widths{};
  }
  // Replaces item p, keeping the widths consistent.
  void set(Pos p, const Item& it) noexcept {
    Item& cur = at(p);
    const bool was = !cur.deleted();
    const bool is = !it.deleted();
    const std::uint64_t c = (is ? it.len : 0) - (was ? cur.len : 0);
    const std::uint64_t h = (is ? it.u16 : 0) - (was ? cur.u16 : 0);
    const std::uint64_t b = (is ? it.units : 0) - (was ? cur.units : 0);
    const std::uint64_t a = std::uint64_t{it.len} - cur.len;
    cur = it;
    add(p.leaf, c, h, b, a);
  }
  // Marks visible item p deleted in place.
  void hide(Pos p) noexcept {
    Item& it = at(p);
    it.flags |= kDeleted;
    add(p.leaf, -std::uint64_t{it.len}, -std::uint64_t{it.u16}, -std::uint64_t{it.units}, 0);
  }
  // Merges item p + 1 (same leaf, same state, contiguous) into item p: the
  // leaf's widths do not change.
  void absorb_next(Pos p) noexcept {
    Leaf& l = *leaves_[p.leaf];
    Item& a = l.items[p.idx];
    const Item& b = l.items[p.idx + 1];
    a.len += b.len;
    a.units += b.units;
    a.u16 += b.u16;
    std::memmove(static_cast<void*>(&l.items[p.idx + 1]), &l.items[p.idx + 2],
                 (l.n - p.idx - 2) * sizeof(Item));
    --l.n;
  }

  // Grows item p by n elements (units content units, u16 UTF-16 units) in place.
  // Cheaper than set(): no whole-item copies (typing calls this per keystroke).
  void extend(Pos p, std::uint32_t n, std::uint32_t units, std::uint32_t u16) noexcept {
    Item& it = at(p);
    it.len += n;
    it.units += units;
    it.u16 += u16;
    if (it.deleted()) {
      add(p.leaf, 0, 0, 0, n);
    } else {
      add(p.leaf, n, u16, units, n);
    }
  }

  // Inserts `it` before slot `at` (at.idx <= n). Splits a full leaf first; calls
  // on_move(item, new_leaf) for every item the split moved. Returns where it landed.
  template <class OnMove>
  Pos insert(Pos at, const Item& it, OnMove&& on_move) {
    if (leaves_[at.leaf]->n == kLeafCap) {
      // Edits mostly move rightwards (typing), so a split near the end keeps the
      // left leaf fuller than half; elsewhere it halves.
      const std::uint32_t keep = at.idx >= kLeafCap * 3 / 4 ? kLeafCap * 3 / 4 : kLeafCap / 2;
      const std::uint32_t r = split_leaf(at.leaf, keep, on_move);
      if (at.idx > keep) at = {r, at.idx - keep};
    }
    Leaf& l = *leaves_[at.leaf];
    std::memmove(static_cast<void*>(&l.items[at.idx + 1]), &l.items[at.idx],
                 (l.n - at.idx) * sizeof(Item));
    l.items[at.idx] = it;
    ++l.n;
    propagate(at.leaf, it.widths());
    return at;
  }
  // Removes item p; its leaf must keep at least one item.
  void erase(Pos p) noexcept {
    Leaf& l = *leaves_[p.leaf];
    const Widths w = l.items[p.idx].widths();
    std::memmove(static_cast<void*>(&l.items[p.idx]), &l.items[p.idx + 1],
                 (l.n - p.idx - 1) * sizeof(Item));
    --l.n;
    propagate(p.leaf, Widths{} - w);
  }

  [[nodiscard]] std::size_t memory_bytes() const noexcept {
    return leaves_.capacity() * sizeof(void*) + leaves_.size() * sizeof(Leaf) +
           inner_.capacity() * sizeof(void*) + inner_.size() * sizeof(Inner);
  }
  // Throws std::logic_error when a structural invariant fails.
  void check() const;

 private:
  template <class OnMove>
  std::uint32_t split_leaf(std::uint32_t id, std::uint32_t keep, OnMove& on_move);
  // Links new leaf r after leaf id (in the chain and in id's parent) and
  // recomputes the recorded widths on both paths to the root.
  void link_after(std::uint32_t id, std::uint32_t r);
  void insert_child(std::uint32_t parent, std::uint32_t slot, std::uint32_t child, const Widths& w);
  // Rewrites the widths recorded for leaf id and each of its ancestors.
  void refresh_up(std::uint32_t id) noexcept;
  void grow_root(std::uint32_t left, std::uint32_t right, bool leaf_children);
  [[nodiscard]] Widths inner_sum(const Inner& in) const noexcept {
    Widths s;
    for (std::uint32_t i = 0; i < in.n; ++i) s += in.cw[i];
    return s;
  }
  void set_parent(std::uint32_t child, bool is_leaf, std::uint32_t parent, std::uint32_t slot) {
    if (is_leaf) {
      leaves_[child]->parent = parent;
      leaves_[child]->slot = slot;
    } else {
      inner_[child]->parent = parent;
      inner_[child]->slot = slot;
    }
  }
  void check_node(std::uint32_t id, bool is_leaf, const Widths& expect, std::uint32_t parent,
                  std::uint32_t slot, std::vector<std::uint32_t>& leaf_order) const;

  std::vector<std::unique_ptr<Leaf>> leaves_;
  std::vector<std::unique_ptr<Inner>> inner_;
  std::uint32_t root_ = 0;
  bool root_is_leaf_ = true;
  std::uint32_t first_ = 0;
  std::uint32_t last_ = 0;
  Widths total_;
  std::uint32_t lazy_leaf_ = kNone;  // the leaf whose width change is pending
  Widths lazy_;                      // that change, not yet in the inner nodes
};

template <class OnMove>
std::uint32_t Tree::split_leaf(std::uint32_t id, std::uint32_t keep, OnMove& on_move) {
  flush();  // the structure below recomputes and moves recorded widths
  const auto r = static_cast<std::uint32_t>(leaves_.size());
  leaves_.push_back(std::make_unique<Leaf>());
  Leaf& l = *leaves_[id];
  Leaf& nl = *leaves_[r];
  nl.n = l.n - keep;
  std::memcpy(static_cast<void*>(nl.items.data()), &l.items[keep], nl.n * sizeof(Item));
  l.n = keep;
  Widths lw;
  for (std::uint32_t i = 0; i < l.n; ++i) lw += l.items[i].widths();
  nl.w = l.w - lw;
  l.w = lw;
  for (std::uint32_t i = 0; i < nl.n; ++i) on_move(nl.items[i], r);
  link_after(id, r);
  return r;
}

}  // namespace weft::detail::seq

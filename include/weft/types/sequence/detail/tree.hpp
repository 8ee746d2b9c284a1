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
        total_(o.total_) {
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
    Widths before;
    std::uint32_t node = root_;
    bool is_leaf = root_is_leaf_;
    while (!is_leaf) {
      const Inner& in = *inner_[node];
      std::uint32_t i = 0;
      for (; i + 1 < in.n; ++i) {
        if (pos < before.w[u] + in.cw[i].w[u]) break;
        before += in.cw[i];
      }
      node = in.child[i];
      is_leaf = in.leaf_children;
    }
    return find_in_leaf(node, before, u, pos);
  }
  // Scans one leaf whose start widths are `before`.
  [[nodiscard]] Found find_in_leaf(std::uint32_t id, Widths before, unsigned u,
                                   std::uint64_t pos) const noexcept {
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
    while (p != kNone) {
      const Inner& in = *inner_[p];
      for (std::uint32_t i = 0; i < slot; ++i) s += in.cw[i];
      slot = in.slot;
      p = in.parent;
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

  // Applies a width change of leaf `id` (new - old, modular) up to the root.
  void propagate(std::uint32_t id, const Widths& delta) noexcept {
    Leaf& l = *leaves_[id];
    l.w += delta;
    std::uint32_t slot = l.slot;
    std::uint32_t p = l.parent;
    while (p != kNone) {
      Inner& in = *inner_[p];
      in.cw[slot] += delta;
      slot = in.slot;
      p = in.parent;
    }
    total_ += delta;
  }
  // Replaces item p, keeping the widths consistent.
  void set(Pos p, const Item& it) noexcept {
    Item& cur = at(p);
    const Widths delta = it.widths() - cur.widths();
    cur = it;
    propagate(p.leaf, delta);
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
};

template <class OnMove>
std::uint32_t Tree::split_leaf(std::uint32_t id, std::uint32_t keep, OnMove& on_move) {
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

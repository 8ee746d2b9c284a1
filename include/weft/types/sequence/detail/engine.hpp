#pragma once
// The sequence engine shared by Text and List<T> (internal; not API).
//
// State: a B+tree of run-length items in document order (tree.hpp); per replica
// an append-only content arena and its op log (insert runs with their origins,
// delete runs with their targets) sorted by counter; the version vector; and the
// pending buffer of remote ops waiting for dependencies.
//
// Integration rule: FugueMax, in the scan form of Gentle's "YjsMod": an item goes
// after its left origin, and among concurrent items sharing that left origin it
// is ordered by its right origin (later right origins first), ties broken by
// ascending replica id. Local inserts take as left origin the element just before
// the insertion point (tombstones included) and as right origin the visible
// element at the insertion point, exactly as the reference model does.
//
// Dot index: each insert run records a hint leaf at or before the leaf of its
// first piece; pieces of a run never precede their head and items only move
// right, so a lookup scans forward from the hint.
#include <algorithm>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "weft/core/version_vector.hpp"
#include "weft/encoding/error.hpp"
#include "weft/types/sequence/detail/change_sink.hpp"
#include "weft/types/sequence/detail/origin.hpp"
#include "weft/types/sequence/detail/sibling_index.hpp"
#include "weft/types/sequence/detail/store.hpp"
#include "weft/types/sequence/detail/tree.hpp"
#include "weft/types/sequence/detail/update_reader.hpp"
#include "weft/types/sequence/detail/wire_op.hpp"
#include "weft/types/sequence/position.hpp"

namespace weft::detail::seq {

inline constexpr std::uint32_t kNoOffset = 0xFFFFFFFFu;  // run content dropped by gc

// 48 bytes: origins are stored split so that the counters pack together.
struct Run {
  std::uint64_t counter = 0;
  std::uint64_t left_counter = 0;
  std::uint64_t right_counter = 0;
  std::uint32_t left_replica = 0;
  std::uint32_t right_replica = 0;
  std::uint32_t len = 0;
  std::uint32_t offset = 0;  // arena offset of the first element, or kNoOffset
  std::uint32_t hint = 0;    // leaf at or before the run's first piece

  Run() = default;
  Run(std::uint64_t c, Origin l, Origin r, std::uint32_t n, std::uint32_t off, std::uint32_t h)
      : counter(c),
        left_counter(l.counter),
        right_counter(r.counter),
        left_replica(l.replica),
        right_replica(r.replica),
        len(n),
        offset(off),
        hint(h) {}
  [[nodiscard]] Origin left() const noexcept { return {left_counter, left_replica}; }
  [[nodiscard]] Origin right() const noexcept { return {right_counter, right_replica}; }
};
static_assert(sizeof(Run) == 48);

// Element k of the run (counter + k) deletes target + dir * k of target_replica.
struct DelRun {
  std::uint64_t counter = 0;
  std::uint64_t target = 0;
  std::uint32_t len = 0;
  // The target replica's index in the low 31 bits, the top bit set for dir -1.
  // One plain word, not bitfields: gcc writes bitfields a byte at a time, and a
  // wider load of them right after stalls on store forwarding.
  std::uint32_t rep_dir = 0;

  DelRun() = default;
  DelRun(std::uint64_t c, std::uint64_t t, std::uint32_t n, std::uint32_t replica, int d)
      : counter(c), target(t), len(n), rep_dir(replica | (d < 0 ? kBack : 0u)) {}
  [[nodiscard]] std::uint32_t target_replica() const noexcept { return rep_dir & ~kBack; }
  [[nodiscard]] int dir() const noexcept { return (rep_dir & kBack) != 0 ? -1 : 1; }  // +1 or -1
  void set_dir(int d) noexcept { rep_dir = target_replica() | (d < 0 ? kBack : 0u); }

 private:
  static constexpr std::uint32_t kBack = 0x80000000u;
};
static_assert(sizeof(DelRun) == 24);

// Bounds of the pending buffer: beyond them apply() fails with limit_exceeded.
inline constexpr std::uint64_t kMaxPendingOps = 1u << 16;
inline constexpr std::uint64_t kMaxPendingDots = 1u << 24;

// The last index i < n with start(i) <= v, or n when there is none; start()
// ascends. Gallops back from the end: ops mostly name recent elements, so this
// takes O(log distance) probes instead of O(log n) spread over the whole array.
template <class Start>
std::size_t last_starting_at_or_before(std::size_t n, std::uint64_t v, Start&& start) {
  std::size_t hi = n;  // start(i) > v for all i >= hi
  std::size_t step = 1;
  while (hi > 0) {
    const std::size_t probe = hi > step ? hi - step : 0;
    if (start(probe) <= v) {
      // Binary search in (probe, hi): start(probe) <= v < start(hi).
      std::size_t lo = probe;
      while (hi - lo > 1) {
        const std::size_t mid = lo + (hi - lo) / 2;
        (start(mid) <= v ? lo : hi) = mid;
      }
      return lo;
    }
    hi = probe;
    step *= 2;
  }
  return n;
}

template <class Store>
class Engine {
 public:
  using Arena = typename Store::Arena;
  using Batch = typename Store::Batch;
  using Pos = Tree::Pos;

  explicit Engine(ReplicaId local) {
    if (local.is_nil()) throw std::invalid_argument("weft: nil replica id");
    reps_.push_back(ReplicaLog{local, {}, {}, {}});
    index_.push_back({local, 0});
  }

  [[nodiscard]] ReplicaId replica() const noexcept { return reps_[0].id; }
  [[nodiscard]] const VersionVector& version() const noexcept { return vv_; }
  [[nodiscard]] std::uint64_t size(unsigned u) const noexcept { return tree_.total().w[u]; }
  [[nodiscard]] std::uint64_t pending_dots() const noexcept { return pending_dots_; }

  // Local edits; positions in unit u. Throw std::out_of_range (state unchanged)
  // for a position past the end or inside a character.
  using Elem = typename Arena::value_type;
  OpRange insert(unsigned u, std::uint64_t pos, const Elem* src, std::uint32_t units,
                 std::uint32_t n, std::uint32_t u16) {
    if (typing_ && pos == typing_end_.w[u] && n != 0 && pos <= tree_.total().w[u] &&
        typing_pos_.leaf == cursor_leaf_ && reps_[0].arena.size() + units <= kMaxArena) {
      // Typing on right after the previous insert. While typing_ holds, nothing
      // has changed since that insert (every other edit, apply() and gc() reset
      // it), so its item still ends the local run and the arena, and is still
      // followed by the run's right origin: extend both in place. (Its leaf is
      // the cursor leaf unless a failed erase moved the cursor: then the slow
      // path, so that locate's cached leaf start stays right.)
      ReplicaLog& me = reps_[0];
      const OpRange range{me.id, next_, n};
      const auto offset = static_cast<std::uint32_t>(me.arena.size());
      if (units == 1 && me.arena.size() < me.arena.capacity()) {
        me.arena.push_back(*src);  // a keystroke
      } else {
        append_raw(me.arena, src, units);
      }
      if (sink_ != nullptr) [[unlikely]] {
        sink_->inserted(typing_end_, Widths{{n, u16, units, n}}, me.arena, offset, units);
      }
      tree_.extend(typing_pos_, n, units, u16);
      me.runs.back().len += n;
      next_ += n;
      advance_local();
      // One unit at a time: a Widths built from registers goes through the stack
      // and its 16-byte reloads stall on store forwarding (see Tree::add).
      typing_end_.w[0] += n;
      typing_end_.w[1] += u16;
      typing_end_.w[2] += units;
      typing_end_.w[3] += n;
      return range;
    }
    return insert_at(u, pos, src, units, n, u16);
  }
  OpRange erase(unsigned u, std::uint64_t pos, std::uint64_t count);

  // Visits visible content in order: f(arena, offset, units).
  template <class F>
  void for_each_visible(F&& f) const {
    for (Pos p = tree_.begin(); !tree_.is_end(p); p = tree_.next(p)) {
      const Item& it = tree_.at(p);
      if (!it.deleted()) f(reps_[it.replica].arena, it.offset, it.units);
    }
  }
  // The element at visible index i (elements), as (arena, offset).
  [[nodiscard]] std::pair<const Arena*, std::uint32_t> element(std::uint64_t i) const {
    const auto f = tree_.find(0, i);
    const Item& it = tree_.at(f.pos);
    return {&reps_[it.replica].arena, it.offset + static_cast<std::uint32_t>(i - f.before.w[0])};
  }

  // Anchors (see position.hpp). anchor_at throws std::out_of_range for a position
  // past the end or inside a character; resolve returns errc::unknown_dot for an
  // element this replica has not seen. Both O(log n) plus one leaf scan.
  [[nodiscard]] Anchor anchor_at(unsigned u, std::uint64_t pos, Bias bias) const;
  [[nodiscard]] result<std::uint64_t> resolve(const Anchor& a, unsigned u) const;

  // Hosted by a weft::Doc (engine_hosted.hpp). The Doc owns the dots and
  // delivers ops causally, so these bypass the version checks and the pending
  // buffer: the caller validates first (has_elements, room_for), then integrates.
  // The counter the next local edit takes: the Doc's next dot, so this
  // replica's counters here have gaps where its other ops went.
  void set_next_counter(std::uint64_t c) noexcept {
    if (c != next_) typing_ = false;  // the typing path extends the run at next_
    next_ = c;
  }
  // The first counter in [lo, hi] of replica `id` that names no element here
  // (visible or deleted), or hi + 1 when all do. Requires 1 <= lo <= hi.
  [[nodiscard]] std::uint64_t first_missing(ReplicaId id, std::uint64_t lo, std::uint64_t hi) const;
  // True when replica `id`'s content arena can take `units` more units.
  [[nodiscard]] bool room_for(ReplicaId id, std::uint64_t units) const noexcept;
  // Integrates one op (origins and targets are elements, its dots are new);
  // its content is at op.content_off in `content`.
  template <class Content>
  void integrate_hosted(const WireOp& op, const Content& content);
  // The delete runs of this replica's own counters from `lo` on, oldest first,
  // as fn(target, len, backward): the tail of its log, so a local erase reads
  // back what it just made in O(runs made), with no search and no allocation.
  template <class F>
  void for_each_local_delete_since(std::uint64_t lo, F&& fn) const {
    const auto& dels = reps_[0].dels;
    std::size_t i = dels.size();
    while (i > 0 && dels[i - 1].counter + dels[i - 1].len > lo) --i;
    for (; i < dels.size(); ++i) {
      const DelRun& d = dels[i];
      const std::uint64_t skip = lo > d.counter ? lo - d.counter : 0;  // a run merged into
      const std::uint64_t target = d.dir() == 1 ? d.target + skip : d.target - skip;
      const std::uint64_t len = d.len - skip;
      fn(Dot{reps_[d.target_replica()].id, target}, len, len > 1 && d.dir() < 0);
    }
  }
  // The origins of this replica's element `counter` (an element it inserted):
  // what a local insert starting there was placed between.
  [[nodiscard]] std::pair<Dot, Dot> local_origins(std::uint64_t counter) const {
    const Run* run = find_run(0, counter);
    auto dot = [&](const Origin& o) {
      return o.counter == 0 ? Dot{} : Dot{reps_[o.replica].id, o.counter};
    };
    const Dot left = run->counter == counter ? dot(run->left()) : Dot{reps_[0].id, counter - 1};
    return {left, dot(run->right())};
  }
  // Every later change of the visible content, local or remote, is reported to
  // `sink` (nullptr: none) with its position: O(log n) per change, only while set.
  void set_change_sink(ChangeSink<Store>* sink) noexcept { sink_ = sink; }

  // Remote side (engine_remote.hpp).
  // Applies decoded ops: validates and orders all of them (buffered ones
  // included) before integrating any.
  result<ApplyResult> apply(std::vector<WireOp>&& ops, Batch&& content);
  // Decodes and applies an update (engine_fresh.hpp); the same result as
  // decode_ops and apply, faster for one replica's ops applied to a replica
  // that has seen nothing (decoding a single author's document).
  result<ApplyResult> apply_encoded(std::span<const std::uint8_t> update);
  void gc();
  void check_invariants() const;
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

  // Encoding (engine_codec.hpp).
  [[nodiscard]] Bytes encode_since(const VersionVector& since) const;
  static result<std::pair<std::vector<WireOp>, Batch>> decode_ops(
      std::span<const std::uint8_t> bytes);
  // The rest of an opened update's ops, and its content.
  static result<std::pair<std::vector<WireOp>, Batch>> read_all(UpdateReader<Store>& reader);

 private:
  struct ReplicaLog {
    ReplicaId id;
    std::vector<Run> runs;
    std::vector<DelRun> dels;
    Arena arena;
  };

  // --- lookups
  [[nodiscard]] std::uint32_t find_replica(ReplicaId id) const noexcept {
    auto it = std::lower_bound(index_.begin(), index_.end(), id,
                               [](const auto& e, ReplicaId r) { return e.first < r; });
    return it != index_.end() && it->first == id ? it->second : kNone;
  }
  std::uint32_t intern(ReplicaId id) {
    // Updates name few replicas, mostly the same one op after op.
    return reps_[last_interned_].id == id ? last_interned_ : intern_lookup(id);
  }
  std::uint32_t intern_lookup(ReplicaId id) {
    auto it = std::lower_bound(index_.begin(), index_.end(), id,
                               [](const auto& e, ReplicaId r) { return e.first < r; });
    if (it != index_.end() && it->first == id) return last_interned_ = it->second;
    const auto idx = static_cast<std::uint32_t>(reps_.size());
    reps_.push_back(ReplicaLog{id, {}, {}, {}});
    index_.insert(it, {id, idx});
    return last_interned_ = idx;
  }
  // The insert run of replica r holding counter c, or nullptr.
  [[nodiscard]] const Run* find_run(std::uint32_t r, std::uint64_t c) const noexcept {
    const auto& runs = reps_[r].runs;
    const std::size_t k =
        last_starting_at_or_before(runs.size(), c, [&](std::size_t i) { return runs[i].counter; });
    return k != runs.size() && c - runs[k].counter < runs[k].len ? &runs[k] : nullptr;
  }
  Run* find_run(std::uint32_t r, std::uint64_t c) noexcept {
    return const_cast<Run*>(std::as_const(*this).find_run(r, c));
  }
  // The item holding element (r, c) and the element's offset in it; leaf kNone
  // when (r, c) names no inserted element.
  // Inline: remote ops mostly name what the previous one touched, found in the
  // hot slot's leaf; and a call returning the pair builds it on the stack and
  // reloads it whole, a store-forwarding stall.
  [[nodiscard]] std::pair<Pos, std::uint32_t> locate_dot(std::uint32_t r, std::uint64_t c) {
    if (hot_.leaf < tree_.leaf_count()) {
      // The slot may be stale, but an item containing the dot is its only home.
      const Leaf& l = tree_.leaf(hot_.leaf);
      const std::uint32_t lo = hot_.idx > 0 ? hot_.idx - 1 : 0;
      const std::uint32_t hi = std::min(l.n, hot_.idx + 2);
      for (std::uint32_t i = lo; i < hi; ++i) {
        if (l.items[i].contains(r, c)) return found_dot(hot_.leaf, i, l.items[i], c);
      }
      for (std::uint32_t i = 0; i < l.n; ++i) {
        if (l.items[i].contains(r, c)) return found_dot(hot_.leaf, i, l.items[i], c);
      }
    }
    return locate_dot_indexed(r, c);
  }
  std::pair<Pos, std::uint32_t> found_dot(std::uint32_t leaf, std::uint32_t i, const Item& it,
                                          std::uint64_t c) {
    hot_ = {leaf, i};
    return {Pos{leaf, i}, static_cast<std::uint32_t>(c - it.counter)};
  }
  // locate_dot through the run's hint leaf.
  [[nodiscard]] std::pair<Pos, std::uint32_t> locate_dot_indexed(std::uint32_t r, std::uint64_t c);
  // The same without touching hints (queries); requires that (r, c) was inserted.
  [[nodiscard]] Pos find_dot(std::uint32_t r, std::uint64_t c) const;
  // Visible elements before visible unit `pos` of unit u (pos <= size(u)); throws
  // std::out_of_range when pos falls inside a character.
  [[nodiscard]] std::uint64_t elements_before(unsigned u, std::uint64_t pos) const;
  [[nodiscard]] std::uint64_t key_of(const Origin& o) {
    const auto [p, off] = locate_dot(o.replica, o.counter);
    return tree_.abs_index(p) + off + 1;
  }
  [[nodiscard]] Origin origin_left_of(const Item& o) const noexcept {
    const Run* run = find_run(o.replica, o.counter);
    if (run->counter == o.counter) return run->left();
    return {o.counter - 1, o.replica};
  }

  // --- tree edits
  static constexpr std::uint64_t kMaxArena = 0xFFFFFFF0u;  // units per replica arena
  // insert() off the typing fast path.
  OpRange insert_at(unsigned u, std::uint64_t pos, const Elem* src, std::uint32_t units,
                    std::uint32_t n, std::uint32_t u16);
  // vv_ catches up with next_ (local edits); O(1) with the remembered entry.
  void advance_local() { vv_local_ = vv_.advance_at(vv_local_, reps_[0].id, next_ - 1); }
  Tree::Found locate(unsigned u, std::uint64_t pos);
  // locate(0, pos) for callers that need only the item and the visible elements
  // before it: in the cursor leaf, a scan that adds one unit instead of four.
  std::pair<Pos, std::uint64_t> locate_elem(std::uint64_t pos) {
    if (cursor_leaf_ != kNone) {
      const Leaf& l = tree_.leaf(cursor_leaf_);
      std::uint64_t before = cursor_start_.w[0];
      if (pos >= before && pos - before < l.w.w[0]) {
        std::uint32_t i = 0;
        for (; i + 1 < l.n; ++i) {
          const std::uint64_t v = l.items[i].deleted() ? 0 : l.items[i].len;
          if (pos - before < v) break;
          before += v;
        }
        return {Pos{cursor_leaf_, i}, before};
      }
    }
    const auto f = locate(0, pos);
    return {f.pos, f.before.w[0]};
  }
  [[nodiscard]] std::uint64_t elems_at(const Item& it, unsigned u, std::uint64_t unit_off) const {
    if ((it.flags & kNoContent) != 0) return unit_off;
    return Store::elems_at(reps_[it.replica].arena, it.offset, it.len, it.units, u, unit_off);
  }
  [[nodiscard]] std::uint64_t to_elements(unsigned u, std::uint64_t pos);
  auto mover() {
    return [this](const Item& it, std::uint32_t leaf) {
      if ((it.flags & kHead) != 0) find_run(it.replica, it.counter)->hint = leaf;
    };
  }
  // Splits item p after k elements (0 < k < len); returns the right part's slot.
  Pos split(Pos p, std::uint32_t k);
  // Marks item p deleted and merges it with deleted neighbours of the same run.
  void mark_deleted(Pos p);
  // Items merge only inside one run, so an item's elements after its first have
  // the previous element as left origin (the integration scan relies on it).
  [[nodiscard]] bool mergeable(const Item& a, const Item& b) const noexcept {
    return a.replica == b.replica && a.counter + a.len == b.counter && (b.flags & kHead) == 0 &&
           (a.flags & kStateFlags) == (b.flags & kStateFlags) &&
           ((a.flags & kNoContent) != 0 || a.offset + a.units == b.offset);
  }
  // Deletes n visible elements starting at visible element pos (elements); `hot`:
  // the erase cursor is valid.
  void delete_visible(std::uint64_t pos, std::uint64_t n, bool hot);
  void log_delete(std::uint32_t r, DelRun d);
  // log_delete(0, DelRun{next_, target, 1, replica, 1}), the common cases inline.
  void log_delete_one(std::uint64_t target, std::uint32_t replica) {
    auto& dels = reps_[0].dels;
    if (!dels.empty()) {
      DelRun& b = dels.back();
      if (b.counter + b.len == next_ && b.target_replica() == replica) {
        if ((b.dir() == 1 || b.len == 1) && b.target + b.len == target) {
          b.set_dir(1);
          ++b.len;
          return;
        }
        if ((b.dir() == -1 || b.len == 1) && b.target >= b.len && target == b.target - b.len) {
          b.set_dir(-1);
          ++b.len;
          return;
        }
      }
    }
    log_delete(0, DelRun{next_, target, 1, replica, 1});
  }
  // Grows by 1.25x rather than the library's 2x: these logs and arenas are most
  // of a replica's memory, and appends stay amortised O(1).
  template <class V>
  static void reserve_for(V& v, std::size_t extra) {
    if (v.size() + extra > v.capacity()) {
      v.reserve(std::max(v.size() + extra, v.capacity() + v.capacity() / 4 + 16));
    }
  }
  static void append_raw(Arena& a, const Elem* src, std::uint32_t units) {
    reserve_for(a, units);
    if (units == 1) {
      a.push_back(*src);  // a keystroke: no range insert
    } else {
      a.insert(a.end(), src, src + units);
    }
  }
  void set_cursor(std::uint32_t leaf) {
    cursor_leaf_ = leaf;
    cursor_start_ = tree_.leaf_start(leaf);
  }

  // --- remote (engine_remote.hpp)
  // Both return false, having changed the state only partly, when an origin or
  // target is not an element of this replica (checked up front by apply, and
  // relied on by apply_fresh, whose caller then starts over).
  bool integrate_insert(std::uint32_t r, std::uint64_t counter, std::uint32_t n, Origin left,
                        Origin right, std::uint32_t offset, std::uint32_t units, std::uint32_t u16,
                        std::uint32_t flags);
  bool integrate_delete(std::uint32_t r, const DelRun& d);
  // Integrates one remote op whose dependencies are integrated; its content
  // is at op.content_off (+ what trim skips) in `content`.
  template <class Content>
  bool integrate_op(const WireOp& op, std::uint64_t trim, const Content& content);
  // apply_encoded of one replica's ops (`shape`) on a replica that has seen
  // nothing (engine_fresh.hpp); false when the update must go the general way
  // (the replica is then half-built).
  bool apply_fresh(UpdateReader<Store>& reader,
                   const typename UpdateReader<Store>::BlockShape& shape, ApplyResult& res);
  // Where insert `self` of replica r goes among the concurrent items after its
  // left origin (the FugueMax scan); `scan` is the item right after left_pos.
  Pos order_among_siblings(Pos left_pos, Pos scan, const Origin& left, const Origin& right,
                           std::uint32_t r, const Origin& self);
  // The scan stops right before the right origin (item `at`), not scanning.
  void stopped_at_right(Pos at, const Origin& left, std::uint64_t left_key);
  void place(Pos dest, const Item& it, const Origin& left, const Origin& right);

  Tree tree_;
  SiblingIndex siblings_;         // shortcuts for the scan past many siblings
  std::vector<ReplicaLog> reps_;  // [0] is the local replica
  std::vector<std::pair<ReplicaId, std::uint32_t>> index_;  // sorted by id
  VersionVector vv_;
  std::uint64_t next_ = 1;     // next local counter
  std::size_t vv_local_ = 0;   // the local replica's index in vv_ (a hint)
  std::size_t vv_remote_ = 0;  // the entry the last remote op raised (a hint)
  std::uint32_t last_interned_ = 0;
  std::uint32_t cursor_leaf_ = kNone;
  Widths cursor_start_;
  // The slot locate_dot tries first (a hint, checked on use): the last one it
  // found, or the last item a remote insert placed.
  Pos hot_{kNone, 0};
  // typing_: the last edit was local and left a cursor; any other edit, apply()
  // and gc() reset it. Typing cursor (!erasing_): the local item the last insert
  // ended in, and the visible widths at its end (all ones after a delete, so that
  // no insert position matches).
  bool typing_ = false;
  Pos typing_pos_;
  Widths typing_end_;
  // Erase cursor: when typing_ and erasing_ hold, the last edit was a delete that
  // moved one element of visible item erase_pos_ into a neighbouring tombstone;
  // erase_start_ is the number of visible elements before that item. A backspace
  // or forward delete next to it finds its item without a leaf scan.
  bool erasing_ = false;
  Pos erase_pos_;
  std::uint64_t erase_start_ = 0;
  std::vector<WireOp> pending_;
  ChangeSink<Store>* sink_ = nullptr;
  Batch pending_content_;
  std::uint64_t pending_dots_ = 0;
};

// ---------------------------------------------------------------------------
// Local edits

template <class Store>
Tree::Found Engine<Store>::locate(unsigned u, std::uint64_t pos) {
  if (cursor_leaf_ != kNone) {
    const std::uint64_t s = cursor_start_.w[u];
    if (pos >= s && pos < s + tree_.leaf(cursor_leaf_).w.w[u]) {
      return tree_.find_in_leaf(cursor_leaf_, cursor_start_, u, pos);
    }
  }
  const auto f = tree_.find(u, pos);
  cursor_leaf_ = f.pos.leaf;
  cursor_start_ = f.leaf_start;
  return f;
}

template <class Store>
std::uint64_t Engine<Store>::to_elements(unsigned u, std::uint64_t pos) {
  if (u == 0) return pos;
  if (pos == tree_.total().w[u]) return tree_.total().w[0];
  const auto f = locate(u, pos);
  const std::uint64_t k = elems_at(tree_.at(f.pos), u, pos - f.before.w[u]);
  if (k == kMidChar) throw std::out_of_range("weft: position inside a character");
  return f.before.w[0] + k;
}

template <class Store>
typename Engine<Store>::Pos Engine<Store>::split(Pos p, std::uint32_t k) {
  // In place: the left part shrinks, the right part is inserted after it.
  Item& left = tree_.at(p);
  std::uint32_t lu = 0;
  std::uint32_t l16 = 0;
  if (left.units == left.len) {
    lu = l16 = (left.flags & kNoContent) == 0 ? k : 0;  // one unit per element (ASCII, List)
  } else if ((left.flags & kNoContent) == 0) {
    Store::measure(reps_[left.replica].arena, left.offset, k, lu, l16);
  }
  Item right = left;
  right.flags &= ~kHead;
  right.counter += k;
  right.len -= k;
  right.offset += lu;
  right.units -= lu;
  right.u16 -= l16;
  left.len = k;
  left.units = lu;
  left.u16 = l16;
  if (right.deleted()) {
    tree_.add(p.leaf, 0, 0, 0, -std::uint64_t{right.len});
  } else {
    tree_.add(p.leaf, -std::uint64_t{right.len}, -std::uint64_t{right.u16},
              -std::uint64_t{right.units}, -std::uint64_t{right.len});
  }
  return tree_.insert({p.leaf, p.idx + 1}, right, mover());
}

template <class Store>
OpRange Engine<Store>::insert_at(unsigned u, std::uint64_t pos, const Elem* src,
                                 std::uint32_t units, std::uint32_t n, std::uint32_t u16) {
  const Widths& total = tree_.total();
  if (pos > total.w[u]) throw std::out_of_range("weft: insert position past the end");
  const OpRange range{reps_[0].id, next_, n};
  if (n == 0) return range;
  ReplicaLog& me = reps_[0];
  if (me.arena.size() + units > kMaxArena) throw std::length_error("weft: content too large");
  const Widths added{{n, u16, units, n}};
  typing_ = false;
  Widths at_point = total;  // visible widths before the insertion point
  Origin right;
  Pos slot = tree_.end();
  if (pos < total.w[u]) {
    const auto f = locate(u, pos);
    const Item& it = tree_.at(f.pos);
    const std::uint64_t k = elems_at(it, u, pos - f.before.w[u]);
    if (k == kMidChar) throw std::out_of_range("weft: position inside a character");
    slot = k > 0 ? split(f.pos, static_cast<std::uint32_t>(k)) : f.pos;
    at_point = f.before;
    if (k > 0) {
      Pos lpart;
      [[maybe_unused]] const bool has = tree_.prev(slot, lpart);
      at_point += tree_.at(lpart).widths();
    }
    const Item& r = tree_.at(slot);
    right = {r.counter, r.replica};
  }
  Origin left;
  Pos lp;
  const bool has_left = tree_.prev(slot, lp);
  if (has_left) {
    const Item& l = tree_.at(lp);
    left = {l.counter + l.len - 1, l.replica};
    // Typing on: extend the run (and its item) in place.
    if (l.replica == 0 && (l.flags & kStateFlags) == 0 && l.counter + l.len == next_ &&
        l.offset + l.units == me.arena.size() && !me.runs.empty() &&
        me.runs.back().counter + me.runs.back().len == next_ && me.runs.back().right() == right) {
      const auto offset = static_cast<std::uint32_t>(me.arena.size());
      append_raw(me.arena, src, units);
      if (sink_ != nullptr) sink_->inserted(at_point, added, me.arena, offset, units);
      tree_.extend(lp, n, units, u16);
      me.runs.back().len += n;
      next_ += n;
      advance_local();
      if (lp.leaf != cursor_leaf_) set_cursor(lp.leaf);
      typing_ = true;
      erasing_ = false;
      typing_pos_ = lp;
      typing_end_ = at_point;
      typing_end_ += added;
      return range;
    }
  }
  const Item it{next_, 0, n, static_cast<std::uint32_t>(me.arena.size()), units, u16, kHead};
  append_raw(me.arena, src, units);
  if (sink_ != nullptr) sink_->inserted(at_point, added, me.arena, it.offset, units);
  reserve_for(me.runs, 1);
  me.runs.push_back(Run{next_, left, right, n, it.offset, 0});
  const Pos at = tree_.insert(has_left ? Pos{lp.leaf, lp.idx + 1} : slot, it, mover());
  me.runs.back().hint = at.leaf;
  next_ += n;
  advance_local();
  if (at.leaf != cursor_leaf_) set_cursor(at.leaf);
  typing_ = true;
  erasing_ = false;
  typing_pos_ = at;
  typing_end_ = at_point;
  typing_end_ += added;
  return range;
}

template <class Store>
OpRange Engine<Store>::erase(unsigned u, std::uint64_t pos, std::uint64_t count) {
  const Widths& total = tree_.total();
  if (pos > total.w[u] || count > total.w[u] - pos) {
    throw std::out_of_range("weft: erase range past the end");
  }
  // (Code points are elements: no lookup.)
  const std::uint64_t first = u == 0 ? pos : to_elements(u, pos);
  const std::uint64_t last = u == 0 ? pos + count : to_elements(u, pos + count);
  const bool hot = typing_ && erasing_;
  typing_ = false;
  const OpRange range{reps_[0].id, next_, last - first};
  delete_visible(first, last - first, hot);
  if (range.count > 0) advance_local();
  return range;
}

template <class Store>
void Engine<Store>::delete_visible(std::uint64_t pos, std::uint64_t n, bool hot) {
  while (n > 0) {
    Pos p;
    std::uint64_t start;  // visible elements before item p
    // The edit below changes the widths of its leaf, which must be the cursor
    // leaf (locate's cached start of a later leaf would go stale); to_elements
    // may have moved the cursor since the erase cursor was set.
    if (hot && erase_pos_.leaf == cursor_leaf_ && pos >= erase_start_ &&
        pos - erase_start_ < tree_.at(erase_pos_).len) {
      p = erase_pos_;  // at the erase cursor: no leaf scan
      start = erase_start_;
    } else {
      std::tie(p, start) = locate_elem(pos);
    }
    hot = false;
    const auto off = static_cast<std::uint32_t>(pos - start);
    {
      Leaf& l = tree_.leaf(p.leaf);
      Item& x = l.items[p.idx];
      // Backspacing: the last element of an item moves into the tombstone after
      // it. Deleting forward: the first one moves into the tombstone before it.
      // The item stays visible and in place, so it becomes the erase cursor.
      const bool back = off + 1 == x.len && p.idx + 1 < l.n;
      const bool fwd = off == 0 && p.idx > 0;
      if (x.len > 1 && (back || fwd)) {
        Item& y = l.items[back ? p.idx + 1 : p.idx - 1];
        const bool joins = back ? y.counter == x.counter + x.len && (y.flags & kHead) == 0 &&
                                      x.offset + x.units == y.offset
                                : x.counter == y.counter + y.len && (x.flags & kHead) == 0 &&
                                      y.offset + y.units == x.offset;
        if (joins && y.replica == x.replica && (y.flags & kStateFlags) == kDeleted) {
          std::uint32_t du = 1;  // units and UTF-16 units of the moved element
          std::uint32_t d16 = 1;
          if (x.units != x.len) {
            std::uint32_t pu = 0;
            std::uint32_t p16 = 0;
            if (back) {
              Store::measure(reps_[x.replica].arena, x.offset, x.len - 1, pu, p16);
              du = x.units - pu;
              d16 = x.u16 - p16;
            } else {
              Store::measure(reps_[x.replica].arena, x.offset, 1, du, d16);
            }
          }
          const std::uint64_t target = back ? x.counter + x.len - 1 : x.counter;
          if (back) {
            y.counter -= 1;
            y.offset -= du;
          } else {
            x.counter += 1;
            x.offset += du;
          }
          x.len -= 1;
          x.units -= du;
          x.u16 -= d16;
          y.len += 1;
          y.units += du;
          y.u16 += d16;
          tree_.add(p.leaf, -std::uint64_t{1}, -std::uint64_t{d16}, -std::uint64_t{du}, 0);
          if (sink_ != nullptr) {
            // Backspace: the element was x's last; forward: x's first.
            Widths at = tree_.widths_before(p);
            if (back) at += x.widths();
            sink_->erased(at, Widths{{1, d16, du, 1}});
          }
          log_delete_one(target, x.replica);
          ++next_;
          --n;
          hot = true;
          erase_pos_ = p;
          erase_start_ = start;
          continue;
        }
      }
    }
    if (off > 0) p = split(p, off);
    const std::uint32_t len = tree_.at(p).len;
    const auto take = static_cast<std::uint32_t>(std::min<std::uint64_t>(n, len));
    if (take < len) {
      const Pos right = split(p, take);
      [[maybe_unused]] const bool ok = tree_.prev(right, p);
    }
    const Item& it = tree_.at(p);
    if (sink_ != nullptr) sink_->erased(tree_.widths_before(p), it.widths());
    if (take == 1) {
      log_delete_one(it.counter, it.replica);
    } else {
      log_delete(0, DelRun{next_, it.counter, take, it.replica, 1});
    }
    next_ += take;
    n -= take;
    mark_deleted(p);
  }
  if (hot) {
    // The last element went by an in-place move: keep the erase cursor.
    typing_ = true;
    erasing_ = true;
    typing_end_.w.fill(~std::uint64_t{0});  // no insert position matches
  }
}

template <class Store>
void Engine<Store>::log_delete(std::uint32_t r, DelRun d) {
  auto& dels = reps_[r].dels;
  if (!dels.empty()) {
    DelRun& b = dels.back();
    if (b.counter + b.len == d.counter && b.target_replica() == d.target_replica()) {
      const bool b_fwd = b.dir() == 1 || b.len == 1;
      const bool b_bwd = b.dir() == -1 || b.len == 1;
      const bool d_fwd = d.dir() == 1 || d.len == 1;
      const bool d_bwd = d.dir() == -1 || d.len == 1;
      if (b_fwd && d_fwd && b.target + b.len == d.target) {
        b.set_dir(1);
        b.len += d.len;
        return;
      }
      // Backspacing: each target precedes the previous one.
      const std::uint64_t d_top = d.dir() == -1 ? d.target : d.target + d.len - 1;
      if (b_bwd && d_bwd && b.target >= b.len && d_top == b.target - b.len) {
        b.set_dir(-1);
        b.len += d.len;
        return;
      }
    }
  }
  if (d.len == 1) d.set_dir(1);
  reserve_for(dels, 1);
  dels.push_back(d);
}

template <class Store>
void Engine<Store>::mark_deleted(Pos p) {
  if (tree_.at(p).deleted()) return;
  tree_.hide(p);
  const Leaf& l = tree_.leaf(p.leaf);
  if (p.idx + 1 < l.n && mergeable(l.items[p.idx], l.items[p.idx + 1])) tree_.absorb_next(p);
  if (p.idx > 0 && mergeable(l.items[p.idx - 1], l.items[p.idx])) {
    tree_.absorb_next({p.leaf, p.idx - 1});
  }
}

template <class Store>
std::pair<typename Engine<Store>::Pos, std::uint32_t> Engine<Store>::locate_dot_indexed(
    std::uint32_t r, std::uint64_t c) {
  Run* run = r == kNone ? nullptr : find_run(r, c);
  if (run == nullptr) return {Pos{kNone, 0}, 0};
  std::uint32_t walked = 0;
  for (std::uint32_t leaf = run->hint; leaf != kNone; leaf = tree_.leaf(leaf).next, ++walked) {
    Leaf& l = tree_.leaf(leaf);
    for (std::uint32_t i = 0; i < l.n; ++i) {
      Item& it = l.items[i];
      if (!it.contains(r, c)) continue;
      if (it.counter == run->counter) {
        run->hint = leaf;  // the head moved on
      } else if (walked > 2) {
        // Far from its run's head: split the run in the log at this piece so the
        // piece gets a hint of its own. Equivalent: inside a run every element's
        // left origin is its predecessor and all share the right origin.
        auto& runs = reps_[r].runs;
        const std::uint64_t k = it.counter - run->counter;
        std::uint32_t offset = kNoOffset;
        if (run->offset != kNoOffset) {
          std::uint32_t units = 0;
          std::uint32_t u16 = 0;
          Store::measure(reps_[r].arena, run->offset, static_cast<std::uint32_t>(k), units, u16);
          offset = run->offset + units;
        }
        const Run tail(it.counter, Origin{it.counter - 1, r}, run->right(),
                       static_cast<std::uint32_t>(run->len - k), offset, leaf);
        run->len = static_cast<std::uint32_t>(k);
        const auto at = run - runs.data() + 1;  // before reserving moves the runs
        reserve_for(runs, 1);
        runs.insert(runs.begin() + at, tail);
        it.flags |= kHead;
      }
      return found_dot(leaf, i, it, c);
    }
  }
  throw std::logic_error("sequence: dot not found right of its hint");
}

template <class Store>
typename Engine<Store>::Pos Engine<Store>::find_dot(std::uint32_t r, std::uint64_t c) const {
  const Run* run = find_run(r, c);
  for (std::uint32_t leaf = run->hint; leaf != kNone; leaf = tree_.leaf(leaf).next) {
    const Leaf& l = tree_.leaf(leaf);
    for (std::uint32_t i = 0; i < l.n; ++i) {
      if (l.items[i].contains(r, c)) return {leaf, i};
    }
  }
  throw std::logic_error("sequence: dot not found right of its hint");
}

template <class Store>
std::uint64_t Engine<Store>::elements_before(unsigned u, std::uint64_t pos) const {
  if (u == 0) return pos;
  if (pos == tree_.total().w[u]) return tree_.total().w[0];
  const auto f = tree_.find(u, pos);
  const std::uint64_t k = elems_at(tree_.at(f.pos), u, pos - f.before.w[u]);
  if (k == kMidChar) throw std::out_of_range("weft: position inside a character");
  return f.before.w[0] + k;
}

template <class Store>
Anchor Engine<Store>::anchor_at(unsigned u, std::uint64_t pos, Bias bias) const {
  if (pos > tree_.total().w[u]) throw std::out_of_range("weft: anchor position past the end");
  const std::uint64_t e = elements_before(u, pos);
  if (bias == Bias::right && e == tree_.total().w[0]) return Anchor::end();
  if (bias == Bias::left && e == 0) return Anchor::start();
  const std::uint64_t at = bias == Bias::right ? e : e - 1;
  const auto f = tree_.find(0, at);
  const Item& it = tree_.at(f.pos);
  return Anchor::element(Dot{reps_[it.replica].id, it.counter + (at - f.before.w[0])}, bias);
}

template <class Store>
result<std::uint64_t> Engine<Store>::resolve(const Anchor& a, unsigned u) const {
  switch (a.kind) {
    case Anchor::Kind::start:
      return std::uint64_t{0};
    case Anchor::Kind::end:
      return tree_.total().w[u];
    case Anchor::Kind::element:
      break;
    default:
      return errc::invalid_value;
  }
  const std::uint32_t r = a.dot.is_nil() ? kNone : find_replica(a.dot.replica);
  if (r == kNone || find_run(r, a.dot.counter) == nullptr) return errc::unknown_dot;
  const Pos p = find_dot(r, a.dot.counter);
  const Item& it = tree_.at(p);
  std::uint64_t at = tree_.widths_before(p).w[u];
  if (it.deleted()) return at;  // a tombstone is zero wide: where it would be
  // Visible elements of the item before the gap the anchor names.
  const auto k =
      static_cast<std::uint32_t>(a.dot.counter - it.counter) + (a.bias == Bias::left ? 1u : 0u);
  if (u == 0 || it.units == it.len) return at + k;
  std::uint32_t units = 0;
  std::uint32_t u16 = 0;
  Store::measure(reps_[it.replica].arena, it.offset, k, units, u16);
  return at + (u == 1 ? u16 : units);
}

}  // namespace weft::detail::seq

#include "weft/types/sequence/detail/engine_codec.hpp"
#include "weft/types/sequence/detail/engine_fresh.hpp"
#include "weft/types/sequence/detail/engine_hosted.hpp"
#include "weft/types/sequence/detail/engine_remote.hpp"

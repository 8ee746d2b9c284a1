#pragma once
// Remote integration, the pending buffer, gc and invariant checks of the
// sequence engine. Included by engine.hpp only.
#include <numeric>

#include "weft/types/sequence/detail/engine.hpp"

namespace weft::detail::seq {

template <class Store>
void Engine<Store>::place(Pos dest, const Item& it, const Origin& left, const Origin& right) {
  ReplicaLog& rep = reps_[it.replica];
  // A remote run continuing the previous one of its replica, landing right after
  // it, extends the same item and run (each keystroke shipped alone).
  Pos lp;
  if (!rep.runs.empty() && tree_.prev(dest, lp)) {
    const Item& l = tree_.at(lp);
    Run& last = rep.runs.back();
    if (l.replica == it.replica && (l.flags & kStateFlags) == (it.flags & kStateFlags) &&
        l.counter + l.len == it.counter && last.counter + last.len == it.counter &&
        last.right() == right && left == Origin{it.counter - 1, it.replica} &&
        ((it.flags & kNoContent) != 0
             ? last.offset == kNoOffset
             : l.offset + l.units == it.offset && last.offset != kNoOffset)) {
      if (sink_ != nullptr && !it.deleted()) {
        Widths at = tree_.widths_before(lp);
        at += l.widths();
        sink_->inserted(at, it.widths(), rep.arena, it.offset, it.units);
      }
      tree_.extend(lp, it.len, it.units, it.u16);
      last.len += it.len;
      hot_ = lp;
      return;
    }
  }
  const std::uint32_t offset = (it.flags & kNoContent) != 0 ? kNoOffset : it.offset;
  reserve_for(rep.runs, 1);
  rep.runs.push_back(Run{it.counter, left, right, it.len, offset, 0});
  const Pos at = tree_.insert(dest, it, mover());
  // insert() may have split a leaf and moved the new item before it was indexed.
  reps_[it.replica].runs.back().hint = at.leaf;
  if (sink_ != nullptr && !it.deleted()) {
    sink_->inserted(tree_.widths_before(at), it.widths(), rep.arena, it.offset, it.units);
  }
  hot_ = at;  // the next op often names what this one inserted (typing, backspacing)
}

template <class Store>
bool Engine<Store>::integrate_insert(std::uint32_t r, std::uint64_t counter, std::uint32_t n,
                                     Origin left, Origin right, std::uint32_t offset,
                                     std::uint32_t units, std::uint32_t u16, std::uint32_t flags) {
  // Make the left origin an item boundary.
  Pos scan = tree_.begin();
  Pos left_pos{kNone, 0};
  if (left.counter != 0) {
    auto [p, off] = locate_dot(left.replica, left.counter);
    if (p.leaf == kNone) return false;
    if (off + 1 < tree_.at(p).len) {
      const Pos rp = split(p, off + 1);
      [[maybe_unused]] const bool ok = tree_.prev(rp, p);
    }
    left_pos = p;
    scan = tree_.next(p);
  }
  // Nothing between the origins (no concurrent sibling): no ordering to do.
  // This is every insert of a history made without concurrency, and the right
  // origin is then the item right after the left one: no lookup needed.
  const auto right_next = [&] {
    return tree_.is_end(scan) ? right.counter == 0
                              : right.counter != 0 && tree_.at(scan).counter == right.counter &&
                                    tree_.at(scan).replica == right.replica;
  };
  if (!right_next()) {
    // Make the right origin an item boundary too.
    if (right.counter != 0) {
      const auto [p, off] = locate_dot(right.replica, right.counter);
      if (p.leaf == kNone) return false;
      if (off > 0) {
        split(p, off);
        // The split may have moved the left origin's item to a new leaf.
        if (left.counter != 0) {
          left_pos = locate_dot(left.replica, left.counter).first;
          scan = tree_.next(left_pos);
        }
      }
    }
    if (!right_next()) scan = order_among_siblings(left_pos, scan, left, right, r, {counter, r});
  }
  place(scan, Item{counter, r, n, offset, units, u16, flags | kHead}, left, right);
  return true;
}

// The scan and its shortcut. Call region(A) the items whose chain of left
// origins reaches A. The scan keeps every region contiguous, right after its
// item: it passes only siblings of the new item and items whose left origin
// lies after `left` (so, by induction, in region(left)), and stops at the first
// other item, so the new item lands inside region(left) or at its end. The one
// exception is a stop at the right origin that lies in the region of some item
// after `left`: then the new item splits that region. No update made by this
// engine does that (its author saw the two origins adjacent, so the right one
// cannot hang off an item between them); a crafted one can, and
// stopped_at_right() notices it.
//
// While every region is contiguous, the inserts of one sibling group (same
// left and right origins) lie in ascending replica id: a new one is placed
// before every member with a greater id (the scan stops at the first it meets)
// and after every member with an id at most its own (the scan reaches each:
// nothing before it in region(left) stops the scan, as no member with a greater
// id precedes it and the right origin follows it; and passes it, since the ids
// do not say stop). Hence the scan for an insert of replica `me` reaches any
// member p with id <= me, passes it and goes on with nothing remembered from
// before p (`scanning` is false after passing it): starting the scan at p gives
// the same place. The SiblingIndex keeps such members.
template <class Store>
typename Engine<Store>::Pos Engine<Store>::order_among_siblings(Pos left_pos, Pos scan,
                                                                const Origin& left,
                                                                const Origin& right,
                                                                std::uint32_t r,
                                                                const Origin& self) {
  const ReplicaId me = reps_[r].id;
  const std::uint64_t left_key =
      left.counter == 0 ? 0 : tree_.abs_index(left_pos) + tree_.at(left_pos).len;
  const std::uint64_t right_key = right.counter == 0 ? ~std::uint64_t{0} : key_of(right);
  std::uint64_t cur_key = left_key + 1;
  if (const auto start = siblings_.start_for(left, right, me)) {
    auto [p, off] = locate_dot(start->replica, start->counter);
    // Only a member that extended its replica's previous item starts inside one.
    if (off > 0) p = split(p, off);
    scan = p;
    cur_key = tree_.abs_index(p) + 1;
  }
  Pos dest = scan;
  bool scanning = false;
  std::uint32_t walked = 0;  // siblings met
  while (true) {
    if (!scanning) dest = scan;
    if (tree_.is_end(scan)) break;
    if (cur_key == right_key) {
      if (!scanning && siblings_.intact()) stopped_at_right(scan, left, left_key);
      break;
    }
    const Item& o = tree_.at(scan);
    const Origin oleft = origin_left_of(o);
    if (oleft == left) {
      ++walked;
      const Origin oright = find_run(o.replica, o.counter)->right();
      const std::uint64_t okey = oright.counter == 0 ? ~std::uint64_t{0} : key_of(oright);
      if (okey < right_key) {
        scanning = true;
      } else if (okey == right_key) {
        if (me < reps_[o.replica].id) break;
        scanning = false;
      } else {
        scanning = false;
      }
    } else {
      const std::uint64_t lk = oleft.counter == 0 ? 0 : key_of(oleft);
      if (lk < left_key) break;
    }
    cur_key += o.len;
    scan = tree_.next(scan);
  }
  if (walked >= SiblingIndex::kWalkedToRemember) siblings_.remember(left, right, me, self);
  return dest;
}

template <class Store>
void Engine<Store>::stopped_at_right(Pos at, const Origin& left, std::uint64_t left_key) {
  // The right origin hangs off an item after `left` exactly when its own left
  // origin lies after `left` (the scan passed only region(left) to get here).
  const Origin rl = origin_left_of(tree_.at(at));
  if (rl == left || rl.counter == 0) return;
  if (key_of(rl) > left_key) siblings_.forget_all();
}

template <class Store>
bool Engine<Store>::integrate_delete(std::uint32_t r, const DelRun& d) {
  const std::uint64_t lo = d.dir() == 1 ? d.target : d.target - (d.len - 1);
  const std::uint64_t hi = lo + d.len - 1;
  for (std::uint64_t c = lo; c <= hi;) {
    auto [p, off] = locate_dot(d.target_replica(), c);
    if (p.leaf == kNone) return false;
    if (off > 0) p = split(p, off);
    const std::uint32_t len = tree_.at(p).len;
    const auto take = static_cast<std::uint32_t>(std::min<std::uint64_t>(hi - c + 1, len));
    if (take < len) {
      const Pos rp = split(p, take);
      [[maybe_unused]] const bool ok = tree_.prev(rp, p);
    }
    if (sink_ != nullptr && !tree_.at(p).deleted()) {
      sink_->erased(tree_.widths_before(p), tree_.at(p).widths());
    }
    mark_deleted(p);
    c += take;
  }
  log_delete(r, d);
  return true;
}

template <class Store>
template <class Content>
bool Engine<Store>::integrate_op(const WireOp& op, std::uint64_t trim, const Content& content) {
  const std::uint32_t r = intern(op.replica);
  const std::uint64_t counter = op.counter + trim;
  const auto n = static_cast<std::uint32_t>(op.len - trim);
  bool ok = true;
  if (op.kind == kDelete) {
    const std::uint64_t t = op.dir == 1 ? op.target.counter + trim : op.target.counter - trim;
    ok = integrate_delete(r, DelRun{counter, t, n, intern(op.target.replica), op.dir});
  } else {
    auto to_origin = [&](const Dot& d) {
      return d.is_nil() ? Origin{} : Origin{d.counter, intern(d.replica)};
    };
    const Origin left = trim > 0 ? Origin{counter - 1, r} : to_origin(op.left);
    const Origin right = to_origin(op.right);
    if (op.kind == kInsertGc) {
      ok = integrate_insert(r, counter, n, left, right, 0, 0, 0, kDeleted | kNoContent);
    } else {
      std::uint32_t skip = 0;
      std::uint32_t skip16 = 0;
      if (trim > 0) {
        Store::measure(content, static_cast<std::uint32_t>(op.content_off),
                       static_cast<std::uint32_t>(trim), skip, skip16);
      }
      auto units = static_cast<std::uint32_t>(op.units - skip);
      std::uint32_t u16 = n;  // one unit per element when all are ASCII (or a List)
      if (units != n) {
        Store::measure(content, static_cast<std::uint32_t>(op.content_off + skip), n, units, u16);
      }
      Arena& arena = reps_[r].arena;
      reserve_for(arena, units);
      const auto offset = static_cast<std::uint32_t>(arena.size());
      Store::append(arena, content, static_cast<std::uint32_t>(op.content_off + skip), units);
      ok = integrate_insert(r, counter, n, left, right, offset, units, u16, 0);
    }
  }
  vv_remote_ = vv_.advance_at(vv_remote_, op.replica, counter + n - 1);
  return ok;
}

template <class Store>
result<ApplyResult> Engine<Store>::apply(std::vector<WireOp>&& ops, Batch&& content) {
  // Work list: buffered ops first (source 0), then the new ones (source 1).
  struct Work {
    const WireOp* op;
    int source;
  };
  std::vector<Work> work;
  work.reserve(pending_.size() + ops.size());
  for (const auto& op : pending_) work.push_back({&op, 0});
  for (const auto& op : ops) work.push_back({&op, 1});
  const auto by_dot = [](const Work& a, const Work& b) {
    return a.op->replica != b.op->replica ? a.op->replica < b.op->replica
                                          : a.op->counter < b.op->counter;
  };
  // One decoded update is already in this order.
  if (!std::is_sorted(work.begin(), work.end(), by_dot)) {
    std::stable_sort(work.begin(), work.end(), by_dot);
  }
  // Per replica: its slice of `work`, simulated version, and newly scheduled insert ranges.
  struct Group {
    ReplicaId id;
    std::size_t head, end;
    std::uint64_t seen;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> inserted;  // [first, last]
    std::uint64_t units = 0;  // content its scheduled inserts add to its arena
  };
  std::vector<Group> groups;
  for (std::size_t i = 0; i < work.size();) {
    std::size_t j = i;
    while (j < work.size() && work[j].op->replica == work[i].op->replica) ++j;
    groups.push_back({work[i].op->replica, i, j, vv_.get(work[i].op->replica), {}, 0});
    i = j;
  }
  auto group_of = [&](ReplicaId id) -> Group* {
    auto it = std::lower_bound(groups.begin(), groups.end(), id,
                               [](const Group& g, ReplicaId r) { return g.id < r; });
    return it != groups.end() && it->id == id ? &*it : nullptr;
  };
  auto seen = [&](const Dot& d) {
    const Group* g = group_of(d.replica);
    return d.counter <= (g != nullptr ? g->seen : vv_.get(d.replica));
  };
  // True when every counter in [lo, hi] of replica id names an inserted element.
  auto elements = [&](ReplicaId id, std::uint64_t lo, std::uint64_t hi) {
    const std::uint32_t r = find_replica(id);
    const Group* g = group_of(id);
    for (std::uint64_t c = lo; c <= hi;) {
      std::uint64_t end = 0;
      if (g != nullptr && !g->inserted.empty() && g->inserted.back().first <= c &&
          g->inserted.back().second >= c) {
        end = g->inserted.back().second;  // mostly the op just scheduled before
      } else if (const Run* run = r == kNone ? nullptr : find_run(r, c); run != nullptr) {
        end = run->counter + run->len - 1;
      } else if (g != nullptr) {
        const auto& ins = g->inserted;
        const std::size_t k =
            last_starting_at_or_before(ins.size(), c, [&](std::size_t i) { return ins[i].first; });
        if (k != ins.size() && ins[k].second >= c) end = ins[k].second;
      }
      if (end == 0) return false;
      c = end + 1;
    }
    return true;
  };

  struct Step {
    const WireOp* op;
    int source;
    std::uint64_t trim;
  };
  std::vector<Step> order;
  std::vector<char> done(work.size(), 0);
  for (bool progress = true; progress;) {
    progress = false;
    for (Group& g : groups) {
      while (g.head < g.end) {
        const Work& w = work[g.head];
        const WireOp& op = *w.op;
        if (op.counter + op.len - 1 <= g.seen) {  // already integrated
          done[g.head++] = 1;
          continue;
        }
        if (op.counter > g.seen + 1) break;
        const std::uint64_t trim = g.seen + 1 - op.counter;
        bool ready = false;
        bool valid = true;
        if (op.kind == kDelete) {
          const std::uint64_t a = op.dir == 1 ? op.target.counter + trim : op.target.counter - trim;
          const std::uint64_t lo = op.dir == 1 ? a : a - (op.len - trim - 1);
          const std::uint64_t hi = op.dir == 1 ? a + (op.len - trim - 1) : a;
          ready = seen(Dot{op.target.replica, hi});
          valid = ready && elements(op.target.replica, lo, hi);
        } else {
          const Dot left = trim > 0 ? Dot{op.replica, op.counter + trim - 1} : op.left;
          ready = seen(left) && seen(op.right);
          valid =
              ready && (left.is_nil() || elements(left.replica, left.counter, left.counter)) &&
              (op.right.is_nil() || elements(op.right.replica, op.right.counter, op.right.counter));
        }
        if (!ready) break;
        if (!valid) {
          if (w.source == 1) return errc::causality_violation;
          done[g.head++] = 1;  // a buffered op found invalid: drop it
          continue;
        }
        if (op.kind != kDelete) {
          g.inserted.emplace_back(op.counter + trim, op.counter + op.len - 1);
          if (op.kind == kInsert) g.units += op.units;
        }
        order.push_back({&op, w.source, trim});
        g.seen = op.counter + op.len - 1;
        done[g.head++] = 1;
        progress = true;
      }
    }
  }
  std::uint64_t still_ops = 0;
  std::uint64_t still_dots = 0;
  for (std::size_t i = 0; i < work.size(); ++i) {
    if (done[i] == 0) ++still_ops, still_dots += work[i].op->len;
  }
  if (still_ops > kMaxPendingOps || still_dots > kMaxPendingDots) return errc::limit_exceeded;
  // Content goes to its own replica's arena: check the replicas that get some
  // (all of them would make an update cost O(replicas): quadratic in B3.4).
  for (const Group& g : groups) {
    const std::uint32_t r = find_replica(g.id);
    const std::uint64_t have = r == kNone ? 0 : reps_[r].arena.size();
    if (have + g.units > kMaxArena) return errc::limit_exceeded;
  }
  // Replica indexes must fit DelRun (31 bits; 30 kept here); each op names at
  // most three replicas.
  if (reps_.size() + 3 * work.size() >= (std::size_t{1} << 30)) return errc::limit_exceeded;

  // Nothing below can fail.
  cursor_leaf_ = kNone;
  typing_ = false;
  ApplyResult res;
  for (const Step& s : order) {
    [[maybe_unused]] const bool ok =
        integrate_op(*s.op, s.trim, s.source == 0 ? pending_content_ : content);
    res.applied += s.op->len - s.trim;
  }
  next_ = vv_.get(reps_[0].id) + 1;

  // Rebuild the pending buffer from what is still waiting.
  std::vector<WireOp> still;
  Batch still_content;
  for (std::size_t i = 0; i < work.size(); ++i) {
    if (done[i] != 0) continue;
    WireOp op = *work[i].op;
    if (op.kind == kInsert) {
      const Batch& src = work[i].source == 0 ? pending_content_ : content;
      const auto off = static_cast<std::uint32_t>(op.content_off);
      op.content_off = still_content.size();
      Store::append(still_content, src, off, static_cast<std::uint32_t>(op.units));
    }
    still.push_back(op);
  }
  pending_ = std::move(still);
  pending_content_ = std::move(still_content);
  pending_dots_ = still_dots;
  res.pending = still_dots;
  return res;
}

template <class Store>
void Engine<Store>::gc() {
  // Every tombstone forgets its content; insert runs with no visible element left
  // drop theirs from the arena and encode as kInsertGc from now on.
  std::vector<std::vector<char>> live(reps_.size());
  for (std::size_t r = 0; r < reps_.size(); ++r) live[r].assign(reps_[r].runs.size(), 0);
  for (Pos p = tree_.begin(); !tree_.is_end(p); p = tree_.next(p)) {
    const Item& it = tree_.at(p);
    if (it.deleted()) continue;
    const Run* run = find_run(it.replica, it.counter);
    live[it.replica][static_cast<std::size_t>(run - reps_[it.replica].runs.data())] = 1;
  }
  std::vector<std::vector<std::uint32_t>> old_offset(reps_.size());
  for (std::size_t r = 0; r < reps_.size(); ++r) {
    ReplicaLog& rep = reps_[r];
    Arena fresh;
    old_offset[r].resize(rep.runs.size());
    for (std::size_t i = 0; i < rep.runs.size(); ++i) {
      Run& run = rep.runs[i];
      old_offset[r][i] = run.offset;
      if (run.offset == kNoOffset) continue;
      if (live[r][i] == 0) {
        run.offset = kNoOffset;
        continue;
      }
      std::uint32_t units = 0;
      std::uint32_t u16 = 0;
      Store::measure(rep.arena, old_offset[r][i], run.len, units, u16);
      run.offset = static_cast<std::uint32_t>(fresh.size());
      Store::append(fresh, rep.arena, old_offset[r][i], units);
    }
    rep.arena = std::move(fresh);
  }
  for (std::uint32_t leaf = tree_.begin().leaf; leaf != kNone; leaf = tree_.leaf(leaf).next) {
    Leaf& l = tree_.leaf(leaf);
    for (std::uint32_t i = 0; i < l.n; ++i) {
      Item& it = l.items[i];
      if ((it.flags & kNoContent) != 0) continue;
      if (it.deleted()) {
        // Visible widths of a tombstone are zero, so nothing propagates.
        it.flags |= kNoContent;
        it.offset = 0;
        it.units = 0;
        it.u16 = 0;
        continue;
      }
      const Run* run = find_run(it.replica, it.counter);
      const auto ri = static_cast<std::size_t>(run - reps_[it.replica].runs.data());
      it.offset = it.offset - old_offset[it.replica][ri] + run->offset;
    }
  }
  // Neighbouring tombstones of one run may now merge; leave that to later edits.
  cursor_leaf_ = kNone;
  typing_ = false;
}

template <class Store>
std::size_t Engine<Store>::memory_bytes() const noexcept {
  std::size_t n = tree_.memory_bytes() + reps_.capacity() * sizeof(ReplicaLog) +
                  index_.capacity() * sizeof(index_[0]) + siblings_.memory_bytes() +
                  vv_.size() * 16 + pending_.capacity() * sizeof(WireOp) +
                  pending_content_.capacity() * sizeof(pending_content_[0]);
  for (const auto& r : reps_) {
    n += r.runs.capacity() * sizeof(Run) + r.dels.capacity() * sizeof(DelRun) +
         r.arena.capacity() * sizeof(r.arena[0]);
  }
  return n;
}

template <class Store>
void Engine<Store>::check_invariants() const {
  auto fail = [](const std::string& what) { throw std::logic_error("sequence: " + what); };
  tree_.check();
  std::vector<std::uint64_t> elems(reps_.size(), 0);
  for (Pos p = tree_.begin(); !tree_.is_end(p); p = tree_.next(p)) {
    const Item& it = tree_.at(p);
    const Run* run = find_run(it.replica, it.counter);
    if (run == nullptr || it.counter + it.len > run->counter + run->len) {
      fail("item not inside one insert run");
    }
    if (((it.flags & kHead) != 0) != (it.counter == run->counter)) fail("item head flag");
    if ((it.flags & kNoContent) == 0) {
      std::uint32_t units = 0;
      std::uint32_t u16 = 0;
      if (static_cast<std::uint64_t>(it.offset) + it.units > reps_[it.replica].arena.size()) {
        fail("item content outside its arena");
      }
      Store::measure(reps_[it.replica].arena, it.offset, it.len, units, u16);
      if (units != it.units || u16 != it.u16) fail("item widths disagree with content");
    }
    // The run's hint must be at or before the item's leaf.
    bool reached = false;
    for (std::uint32_t leaf = find_run(it.replica, it.counter)->hint; leaf != kNone;
         leaf = tree_.leaf(leaf).next) {
      if (leaf == p.leaf) {
        reached = true;
        break;
      }
    }
    if (!reached) fail("run hint after its piece");
    elems[it.replica] += it.len;
  }
  for (std::size_t r = 0; r < reps_.size(); ++r) {
    const auto& rep = reps_[r];
    std::uint64_t inserted = 0;
    std::uint64_t ri = 0;
    std::uint64_t di = 0;
    std::uint64_t c = 1;
    // Insert and delete runs of a replica tile its counters 1..vv without gaps.
    while (ri < rep.runs.size() || di < rep.dels.size()) {
      if (ri < rep.runs.size() && rep.runs[ri].counter == c) {
        if (rep.runs[ri].len == 0) fail("empty run");
        inserted += rep.runs[ri].len;
        c += rep.runs[ri++].len;
      } else if (di < rep.dels.size() && rep.dels[di].counter == c) {
        if (rep.dels[di].len == 0) fail("empty delete run");
        c += rep.dels[di++].len;
      } else {
        fail("op log of a replica has a gap or overlap");
      }
    }
    if (c - 1 != vv_.get(rep.id)) fail("version vector disagrees with the op log");
    if (inserted != elems[r]) fail("tree and op log disagree on element count");
  }
  if (next_ != vv_.get(reps_[0].id) + 1) fail("local counter");
  std::uint64_t pd = 0;
  for (const auto& op : pending_) pd += op.len;
  if (pd != pending_dots_) fail("pending count");
}

}  // namespace weft::detail::seq

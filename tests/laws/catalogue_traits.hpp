#pragma once
// Test traits for the state/delta CRDT catalogue, shared by the laws,
// convergence and encoding tests: for each type, a random operation, how to
// apply it (returning its delta), and a reference model of the type's
// semantics computed from the operations and their causal histories alone.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "weft/types/crdts.hpp"

namespace weft::test {

using Rng = std::mt19937_64;

inline int pick(Rng& rng, int n) {
  return static_cast<int>(rng() % static_cast<std::uint64_t>(n));
}
inline bool chance(Rng& rng, int percent) {
  return pick(rng, 100) < percent;
}

// A set of operation indices (what a replica had seen when it issued an op).
class History {
 public:
  [[nodiscard]] bool has(std::size_t i) const {
    return i / 64 < bits_.size() && ((bits_[i / 64] >> (i % 64)) & 1) != 0;
  }
  void set(std::size_t i) {
    if (i / 64 >= bits_.size()) bits_.resize(i / 64 + 1);
    bits_[i / 64] |= std::uint64_t{1} << (i % 64);
  }
  void merge(const History& o) {
    if (o.bits_.size() > bits_.size()) bits_.resize(o.bits_.size());
    for (std::size_t i = 0; i < o.bits_.size(); ++i) bits_[i] |= o.bits_[i];
  }

 private:
  std::vector<std::uint64_t> bits_;
};

// Where an operation acts: () the whole value, (x) one element or key,
// (k, x) an element inside a map's value. Fixed size: no allocation per op.
class Path {
 public:
  Path() = default;
  Path(std::initializer_list<int> parts) : size_(parts.size()) {
    std::copy(parts.begin(), parts.end(), parts_.begin());
  }
  [[nodiscard]] bool starts_with(const Path& prefix) const {
    return size_ >= prefix.size_ &&
           std::equal(prefix.parts_.begin(), prefix.parts_.begin() + prefix.size_, parts_.begin());
  }
  friend bool operator<(const Path& a, const Path& b) {
    return std::lexicographical_compare(a.parts_.begin(), a.parts_.begin() + a.size_,
                                        b.parts_.begin(), b.parts_.begin() + b.size_);
  }

 private:
  std::array<int, 2> parts_{};
  std::size_t size_ = 0;
};

// Every operation issued in a run, with what each replica has seen.
//
// An operation supersedes the operations its origin held live when it was
// issued, on the same target or inside it (a path prefix): a re-add replaces
// an add, a remove or key removal cancels what it saw, a clear cancels
// everything seen. An op is live at a replica when the replica has seen it
// and none of its superseders; the converged state is the set of ops that
// nothing supersedes. This is the model's own notion of causality, tracked
// with explicit per-op histories rather than with the implementation's dots.
template <class Op>
class OpLog {
 public:
  struct Entry {
    Op op;
    ReplicaId origin;
    std::vector<std::size_t> supersedes;     // live at the origin when issued
    std::vector<std::size_t> superseded_by;  // filled as later ops arrive
  };

  // `track` false skips the supersession bookkeeping, for types whose model
  // does not depend on causality (counters, grow-only sets, LWW).
  OpLog(std::size_t replicas, bool track) : track_(track), known_(replicas), live_(replicas) {}

  // Records an op issued by replica `at` (before it is applied).
  std::size_t record(const Op& op, std::size_t at, ReplicaId origin) {
    const std::size_t index = entries_.size();
    if (!track_) {
      entries_.push_back(Entry{op, origin, {}, {}});
      return index;
    }
    const Path path = op.path();
    std::vector<std::size_t> supersedes;
    auto& live = live_[at];
    for (auto it = live.lower_bound(path); it != live.end() && it->first.starts_with(path); ++it) {
      supersedes.insert(supersedes.end(), it->second.begin(), it->second.end());
    }
    for (std::size_t s : supersedes) entries_[s].superseded_by.push_back(index);
    entries_.push_back(Entry{op, origin, std::move(supersedes), {}});
    learn(at, index);
    return index;
  }
  // Replica `to` receives the effect of op `index` (its delta).
  void deliver(std::size_t to, std::size_t index) {
    if (track_) learn(to, index);
  }
  // Replica `to` receives the full state of `from`.
  void merge(std::size_t to, std::size_t from) {
    if (!track_) return;
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      if (known_[from].has(i)) learn(to, i);
    }
  }

  Op& op(std::size_t index) { return entries_[index].op; }
  [[nodiscard]] const std::vector<Entry>& entries() const { return entries_; }
  [[nodiscard]] bool live(std::size_t i) const { return entries_[i].superseded_by.empty(); }

 private:
  void learn(std::size_t at, std::size_t index) {
    if (known_[at].has(index)) return;
    known_[at].set(index);
    auto& live = live_[at];
    const Entry& e = entries_[index];
    for (std::size_t s : e.supersedes) std::erase(live[entries_[s].op.path()], s);
    const bool dead = std::any_of(e.superseded_by.begin(), e.superseded_by.end(),
                                  [&](std::size_t s) { return known_[at].has(s); });
    if (!dead) live[e.op.path()].push_back(index);
  }

  bool track_;
  std::vector<Entry> entries_;
  std::vector<History> known_;
  std::vector<std::map<Path, std::vector<std::size_t>>> live_;
};

// ---- operations ---------------------------------------------------------

struct CounterOp {
  bool decrement = false;
  std::uint64_t by = 1;
  [[nodiscard]] Path path() const { return {}; }
};
struct SetOp {
  int kind = 0;  // 0 add, 1 remove, 2 clear
  int element = 0;
  [[nodiscard]] Path path() const { return kind == 2 ? Path{} : Path{element}; }
};
struct FlagOp {
  bool on = true;
  [[nodiscard]] Path path() const { return {}; }
};
struct ValueOp {
  int kind = 0;  // 0 assign, 1 clear
  int value = 0;
  std::string text;
  std::uint64_t lamport = 0;  // filled by apply (LWW): the write's time
  Dot dot;                    // and its dot
  [[nodiscard]] Path path() const { return {}; }
};
struct MapOp {
  int kind = 0;  // 0 add element, 1 remove element, 2 remove key, 3 clear map
  int key = 0;
  int element = 0;
  [[nodiscard]] Path path() const {
    if (kind == 3) return {};
    if (kind == 2) return {key};
    return {key, element};
  }
};
struct MapCounterOp {
  int kind = 0;  // 0 increment, 1 remove key
  int key = 0;
  std::uint64_t by = 1;
  [[nodiscard]] Path path() const { return {key}; }
};

// ---- per-type traits ----------------------------------------------------
// Each Traits<X> gives: Op, name, random_op(rng), apply(state, replica, op,
// clock) -> Delta<X>, view(state) -> string, model(log) -> string.

template <class X>
struct Traits;

template <>
struct Traits<GCounter> {
  static constexpr bool tracks_causality = false;
  using Op = CounterOp;
  static Op random_op(Rng& rng) { return {false, 1 + rng() % 5}; }
  static Delta<GCounter> apply(GCounter& s, ReplicaId r, Op& op, LamportClock&) {
    return s.increment(r, op.by);
  }
  static std::string view(const GCounter& s) { return fmt::format("{}", s.value()); }
  static std::string model(const OpLog<Op>& log) {
    std::uint64_t sum = 0;
    for (const auto& e : log.entries()) sum += e.op.by;
    return fmt::format("{}", sum);
  }
};

template <>
struct Traits<PNCounter> {
  static constexpr bool tracks_causality = false;
  using Op = CounterOp;
  static Op random_op(Rng& rng) { return {chance(rng, 40), 1 + rng() % 5}; }
  static Delta<PNCounter> apply(PNCounter& s, ReplicaId r, Op& op, LamportClock&) {
    return op.decrement ? s.decrement(r, op.by) : s.increment(r, op.by);
  }
  static std::string view(const PNCounter& s) { return fmt::format("{}", s.value()); }
  static std::string model(const OpLog<Op>& log) {
    std::int64_t sum = 0;
    for (const auto& e : log.entries()) {
      sum += op_sign(e.op) * static_cast<std::int64_t>(e.op.by);
    }
    return fmt::format("{}", sum);
  }
  static std::int64_t op_sign(const Op& op) { return op.decrement ? -1 : 1; }
};

// The model: of the writes nothing superseded (live), the greatest
// (Lamport time, dot); a clear supersedes what it saw and writes nothing.
template <>
struct Traits<LwwRegister<std::string>> {
  static constexpr bool tracks_causality = true;
  using X = LwwRegister<std::string>;
  using Op = ValueOp;
  static Op random_op(Rng& rng) {
    return {chance(rng, 10) ? 1 : 0, 0, fmt::format("v{}", pick(rng, 1000)), 0, {}};
  }
  static Delta<X> apply(X& s, ReplicaId r, Op& op, LamportClock& clock) {
    if (op.kind == 1) return s.clear(r);
    auto d = s.assign(r, clock, op.text);
    op.lamport = d.state().write()->lamport;
    op.dot = d.state().write()->dot;
    return d;
  }
  static std::string view(const X& s) { return s.value().value_or("<none>"); }
  static std::string model(const OpLog<Op>& log) {
    const Op* best = nullptr;
    for (std::size_t i = 0; i < log.entries().size(); ++i) {
      const Op& op = log.entries()[i].op;
      if (op.kind != 0 || !log.live(i)) continue;
      if (best == nullptr || std::tie(op.lamport, op.dot) > std::tie(best->lamport, best->dot)) {
        best = &op;
      }
    }
    return best == nullptr ? "<none>" : best->text;
  }
};

template <>
struct Traits<MvRegister<int>> {
  static constexpr bool tracks_causality = true;
  using X = MvRegister<int>;
  using Op = ValueOp;
  static Op random_op(Rng& rng) { return {chance(rng, 10) ? 1 : 0, pick(rng, 50), {}, 0, {}}; }
  static Delta<X> apply(X& s, ReplicaId r, Op& op, LamportClock&) {
    return op.kind == 1 ? s.clear(r) : s.assign(r, op.value);
  }
  static std::string view(const X& s) { return fmt::format("{}", s.values()); }
  static std::string model(const OpLog<Op>& log) {
    std::set<int> values;
    for (std::size_t i = 0; i < log.entries().size(); ++i) {
      const auto& op = log.entries()[i].op;
      if (op.kind == 0 && log.live(i)) values.insert(op.value);
    }
    return fmt::format("{}", std::vector<int>(values.begin(), values.end()));
  }
};

// Sets over a small domain so that operations on one element collide often.
inline constexpr int kDomain = 12;

template <>
struct Traits<GSet<int>> {
  static constexpr bool tracks_causality = false;
  using X = GSet<int>;
  using Op = SetOp;
  static Op random_op(Rng& rng) { return {0, pick(rng, 4 * kDomain)}; }
  static Delta<X> apply(X& s, ReplicaId r, Op& op, LamportClock&) { return s.add(r, op.element); }
  static std::string view(const X& s) { return fmt::format("{}", s.elements()); }
  static std::string model(const OpLog<Op>& log) {
    std::set<int> out;
    for (const auto& e : log.entries()) out.insert(e.op.element);
    return fmt::format("{}", std::vector<int>(out.begin(), out.end()));
  }
};

template <>
struct Traits<TwoPSet<int>> {
  static constexpr bool tracks_causality = false;
  using X = TwoPSet<int>;
  using Op = SetOp;
  static Op random_op(Rng& rng) { return {chance(rng, 25) ? 1 : 0, pick(rng, 4 * kDomain)}; }
  static Delta<X> apply(X& s, ReplicaId r, Op& op, LamportClock&) {
    return op.kind == 1 ? s.remove(r, op.element) : s.add(r, op.element);
  }
  static std::string view(const X& s) { return fmt::format("{}", s.elements()); }
  static std::string model(const OpLog<Op>& log) {
    std::set<int> added;
    std::set<int> removed;
    for (const auto& e : log.entries()) (e.op.kind == 1 ? removed : added).insert(e.op.element);
    std::vector<int> out;
    for (int x : added) {
      if (!removed.contains(x)) out.push_back(x);
    }
    return fmt::format("{}", out);
  }
};

// Live operations per element, for the observed-remove sets.
template <class Op>
std::map<int, std::vector<const Op*>> live_by_element(const OpLog<Op>& log) {
  std::map<int, std::vector<const Op*>> out;
  for (std::size_t i = 0; i < log.entries().size(); ++i) {
    const auto& op = log.entries()[i].op;
    if (op.kind != 2 && log.live(i)) out[op.element].push_back(&op);
  }
  return out;
}

template <>
struct Traits<AwSet<int>> {
  static constexpr bool tracks_causality = true;
  using X = AwSet<int>;
  using Op = SetOp;
  static Op random_op(Rng& rng) {
    const int roll = pick(rng, 100);
    return {roll < 55 ? 0 : roll < 97 ? 1 : 2, pick(rng, kDomain)};
  }
  static Delta<X> apply(X& s, ReplicaId r, Op& op, LamportClock&) {
    if (op.kind == 2) return s.clear(r);
    return op.kind == 1 ? s.remove(r, op.element) : s.add(r, op.element);
  }
  static std::string view(const X& s) { return fmt::format("{}", s.elements()); }
  // Present: some add not seen by any later op on the element (or a clear).
  static std::string model(const OpLog<Op>& log) {
    std::vector<int> out;
    for (const auto& [x, ops] : live_by_element(log)) {
      if (std::any_of(ops.begin(), ops.end(), [](const Op* op) { return op->kind == 0; })) {
        out.push_back(x);
      }
    }
    return fmt::format("{}", out);
  }
};

template <>
struct Traits<RwSet<int>> {
  static constexpr bool tracks_causality = true;
  using X = RwSet<int>;
  using Op = SetOp;
  static Op random_op(Rng& rng) { return {chance(rng, 40) ? 1 : 0, pick(rng, kDomain)}; }
  static Delta<X> apply(X& s, ReplicaId r, Op& op, LamportClock&) {
    return op.kind == 1 ? s.remove(r, op.element) : s.add(r, op.element);
  }
  static std::string view(const X& s) { return fmt::format("{}", s.elements()); }
  // Present: the maximal ops on the element are all adds.
  static std::string model(const OpLog<Op>& log) {
    std::vector<int> out;
    for (const auto& [x, ops] : live_by_element(log)) {
      if (std::all_of(ops.begin(), ops.end(), [](const Op* op) { return op->kind == 0; })) {
        out.push_back(x);
      }
    }
    return fmt::format("{}", out);
  }
};

template <>
struct Traits<EwFlag> {
  static constexpr bool tracks_causality = true;
  using Op = FlagOp;
  static Op random_op(Rng& rng) { return {chance(rng, 50)}; }
  static Delta<EwFlag> apply(EwFlag& s, ReplicaId r, Op& op, LamportClock&) {
    return op.on ? s.enable(r) : s.disable(r);
  }
  static std::string view(const EwFlag& s) { return s.value() ? "on" : "off"; }
  static std::string model(const OpLog<Op>& log) {
    for (std::size_t i = 0; i < log.entries().size(); ++i) {
      if (log.live(i) && log.entries()[i].op.on) return "on";
    }
    return "off";
  }
};

template <>
struct Traits<DwFlag> {
  static constexpr bool tracks_causality = true;
  using Op = FlagOp;
  static Op random_op(Rng& rng) { return {chance(rng, 50)}; }
  static Delta<DwFlag> apply(DwFlag& s, ReplicaId r, Op& op, LamportClock&) {
    return op.on ? s.enable(r) : s.disable(r);
  }
  static std::string view(const DwFlag& s) { return s.value() ? "on" : "off"; }
  static std::string model(const OpLog<Op>& log) {
    bool any = false;
    for (std::size_t i = 0; i < log.entries().size(); ++i) {
      if (!log.live(i)) continue;
      if (!log.entries()[i].op.on) return "off";
      any = true;
    }
    return any ? "on" : "off";
  }
};

template <>
struct Traits<OrMap<int, AwSet<int>>> {
  static constexpr bool tracks_causality = true;
  using X = OrMap<int, AwSet<int>>;
  using Op = MapOp;
  static Op random_op(Rng& rng) {
    const int roll = pick(rng, 100);
    return {roll < 55 ? 0 : roll < 85 ? 1 : roll < 99 ? 2 : 3, pick(rng, 4), pick(rng, 4)};
  }
  static Delta<X> apply(X& s, ReplicaId r, Op& op, LamportClock&) {
    switch (op.kind) {
      case 0:
        return s.update(r, op.key, [&](AwSet<int>& v) { return v.add(r, op.element); });
      case 1:
        return s.update(r, op.key, [&](AwSet<int>& v) { return v.remove(r, op.element); });
      case 2:
        return s.remove(r, op.key);
      default:
        return s.clear(r);
    }
  }
  static std::string view(const X& s) {
    std::vector<std::string> out;
    for (int k : s.keys()) out.push_back(fmt::format("{}:{}", k, s.get(k)->elements()));
    return fmt::format("{}", out);
  }
  // Per key, an AwSet whose adds are also cancelled by removals of the key.
  static std::string model(const OpLog<Op>& log) {
    std::map<int, std::set<int>> present;
    for (std::size_t i = 0; i < log.entries().size(); ++i) {
      const auto& op = log.entries()[i].op;
      if (op.kind == 0 && log.live(i)) present[op.key].insert(op.element);
    }
    std::vector<std::string> out;
    for (const auto& [k, xs] : present) {
      out.push_back(fmt::format("{}:{}", k, std::vector<int>(xs.begin(), xs.end())));
    }
    return fmt::format("{}", out);
  }
};

// A non-causal value under observed-remove keys: each update carries the
// updater's whole counter (what it saw live, plus its increment).
template <>
struct Traits<OrMap<int, GCounter>> {
  static constexpr bool tracks_causality = true;
  using X = OrMap<int, GCounter>;
  using Op = MapCounterOp;
  static Op random_op(Rng& rng) { return {chance(rng, 12) ? 1 : 0, pick(rng, 5), 1 + rng() % 4}; }
  static Delta<X> apply(X& s, ReplicaId r, Op& op, LamportClock&) {
    if (op.kind == 1) return s.remove(r, op.key);
    return s.update(r, op.key, [&](GCounter& c) { return c.increment(r, op.by); });
  }
  static std::string view(const X& s) {
    std::vector<std::string> out;
    for (int k : s.keys()) out.push_back(fmt::format("{}:{}", k, s.get(k)->value()));
    return fmt::format("{}", out);
  }
  using Counts = std::map<ReplicaId, std::uint64_t>;
  static void join_counts(Counts& into, const Counts& from) {
    for (const auto& [r, n] : from) into[r] = std::max(into[r], n);
  }
  static std::uint64_t total(const Counts& c) {
    std::uint64_t n = 0;
    for (const auto& kv : c) n += kv.second;
    return n;
  }
  static std::string model(const OpLog<Op>& log) {
    const auto& es = log.entries();
    std::vector<Counts> payload(es.size());
    for (std::size_t u = 0; u < es.size(); ++u) {
      if (es[u].op.kind != 0) continue;
      for (std::size_t o : es[u].supersedes) {
        if (es[o].op.kind == 0) join_counts(payload[u], payload[o]);
      }
      payload[u][es[u].origin] += es[u].op.by;
    }
    std::map<int, Counts> value;
    for (std::size_t u = 0; u < es.size(); ++u) {
      if (es[u].op.kind == 0 && log.live(u)) join_counts(value[es[u].op.key], payload[u]);
    }
    std::vector<std::string> out;
    for (const auto& [k, c] : value) out.push_back(fmt::format("{}:{}", k, total(c)));
    return fmt::format("{}", out);
  }
};

// ---- a user-defined element type, with its own Codec --------------------

struct Point {
  std::int32_t x = 0;
  std::int32_t y = 0;
  friend auto operator<=>(const Point&, const Point&) = default;
};

}  // namespace weft::test

template <>
struct std::hash<weft::test::Point> {
  std::size_t operator()(const weft::test::Point& p) const noexcept {
    return std::hash<std::uint64_t>{}(
        (static_cast<std::uint64_t>(static_cast<std::uint32_t>(p.x)) << 32) |
        static_cast<std::uint32_t>(p.y));
  }
};

template <>
struct weft::Codec<weft::test::Point> {
  static void encode(weft::Writer& w, const weft::test::Point& p) {
    w.zigzag(p.x);
    w.zigzag(p.y);
  }
  static weft::result<weft::test::Point> decode(weft::Reader& r) {
    auto x = weft::decode_value<std::int32_t>(r);
    if (!x) return x.error();
    auto y = weft::decode_value<std::int32_t>(r);
    if (!y) return y.error();
    return weft::test::Point{*x, *y};
  }
};

namespace weft::test {

template <>
struct Traits<AwSet<Point>> {
  using X = AwSet<Point>;
  using Op = SetOp;
  static Op random_op(Rng& rng) { return Traits<AwSet<int>>::random_op(rng); }
  static Point point(int e) { return {e, -3 * e}; }
  static Delta<X> apply(X& s, ReplicaId r, Op& op, LamportClock&) {
    if (op.kind == 2) return s.clear(r);
    return op.kind == 1 ? s.remove(r, point(op.element)) : s.add(r, point(op.element));
  }
};

// Two levels of maps over registers (laws and encoding only; the one-level
// maps have convergence models).
template <>
struct Traits<OrMap<int, OrMap<std::string, MvRegister<int>>>> {
  using X = OrMap<int, OrMap<std::string, MvRegister<int>>>;
  using Inner = OrMap<std::string, MvRegister<int>>;
  using Op = MapOp;
  static Op random_op(Rng& rng) { return Traits<OrMap<int, AwSet<int>>>::random_op(rng); }
  static Delta<X> apply(X& s, ReplicaId r, Op& op, LamportClock&) {
    const std::string inner = fmt::format("k{}", op.element);
    switch (op.kind) {
      case 0:
        return s.update(r, op.key, [&](Inner& m) {
          return m.update(r, inner,
                          [&](MvRegister<int>& v) { return v.assign(r, op.element * 7); });
        });
      case 1:
        return s.update(r, op.key, [&](Inner& m) { return m.remove(r, inner); });
      case 2:
        return s.remove(r, op.key);
      default:
        return s.clear(r);
    }
  }
};

// A map whose values are plain lattices of another kind than counters.
template <>
struct Traits<OrMap<std::string, LwwRegister<std::string>>> {
  using X = OrMap<std::string, LwwRegister<std::string>>;
  using Op = MapCounterOp;
  static Op random_op(Rng& rng) { return Traits<OrMap<int, GCounter>>::random_op(rng); }
  static Delta<X> apply(X& s, ReplicaId r, Op& op, LamportClock& clock) {
    const std::string key = fmt::format("key{}", op.key);
    if (op.kind == 1) return s.remove(r, key);
    return s.update(r, key, [&](LwwRegister<std::string>& v) {
      return v.assign(r, clock, fmt::format("{}", op.by));
    });
  }
};

}  // namespace weft::test

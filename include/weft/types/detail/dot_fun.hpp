#pragma once
// DotFun<V>: the leaf dot store, a small sorted map from dots to immutable
// payloads (Almeida, Shoker, Baquero, "Delta State Replicated Data Types",
// section 6: "DotFun"). DotList = DotFun<Unit> is the plain set of dots.
//
// Every payload is written once, by the event that minted its dot, so two
// replicas holding the same dot hold the same payload and join never has to
// merge payloads. Causal join of (s, c) and (s', c') keeps a dot when both
// sides have it, or when one side has it and the other side's context has
// not seen it (so it was not removed there, just not delivered yet).
//
// Entries are kept inline when there is one (the common case: one live dot
// per element); cost is linear in the number of entries, which is bounded by
// the number of replicas that wrote concurrently.
#include <algorithm>
#include <concepts>
#include <type_traits>
#include <utility>

#include "weft/core/dot_context.hpp"
#include "weft/encoding/codec.hpp"
#include "weft/types/detail/entry_list.hpp"
#include "weft/types/detail/replica_table.hpp"

namespace weft::detail {

// A causal context as the stores need it: which dots it has seen.
template <class C>
concept SeenDots = requires(const C& c, const Dot& d) {
  { c.contains(d) } -> std::same_as<bool>;
};

// A context that can list its dots because it has few (a WriteContext): a
// store finds those dots instead of testing each of its entries against it.
template <class C>
concept ListedDots = SeenDots<C> && requires(const C& c, void (*f)(const Dot&)) {
  c.for_each_dot(f);
};

// The payload of a store that only needs dots.
struct Unit {
  friend constexpr bool operator==(Unit, Unit) noexcept = default;
};

template <class V>
class DotFun {
 public:
  struct Entry {
    Dot dot;
    [[no_unique_address]] V value{};
    friend bool operator==(const Entry&, const Entry&) = default;
  };

  DotFun() = default;
  [[nodiscard]] static DotFun single(const Dot& dot, V value = V{}) {
    DotFun f;
    f.entries_.push_back(Entry{dot, std::move(value)});
    return f;
  }

  [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] auto begin() const noexcept { return entries_.begin(); }
  [[nodiscard]] auto end() const noexcept { return entries_.end(); }

  template <class F>
  void for_each_dot(F&& f) const {
    for (const auto& e : entries_) f(e.dot);
  }
  // Records every dot of this store in `ctx` (the context of a delta that removes them).
  void cover(DotContext& ctx) const {
    for (const auto& e : entries_) ctx.insert(e.dot);
  }

  // Causal join; `mine` is the context of *this, `theirs` that of `other`.
  // Contexts are anything that answers contains(dot): a DotContext for whole
  // states, a WriteContext (write_context.hpp) for one write as a Doc op carries it.
  // In place, so a write delta (a WriteContext names a few dots) costs a lookup per
  // dot it names, not a pass over every entry held.
  template <SeenDots Mine, SeenDots Theirs>
  void join(const Mine& mine, const DotFun& other, const Theirs& theirs) {
    join_entries(mine, other, theirs);
  }
  template <SeenDots Mine, SeenDots Theirs>
  void join(const Mine& mine, DotFun&& other, const Theirs& theirs) {
    join_entries(mine, other, theirs);
  }
  // Join with the empty store of context `theirs`: drops the dots `theirs` has seen.
  template <SeenDots Theirs>
  void drop_covered(const Theirs& theirs) {
    drop_seen(theirs, DotFun{});
  }

  void encode(Writer& w, const ReplicaTable& table) const {
    w.varint(entries_.size());
    for (const auto& e : entries_) {
      table.encode_dot(w, e.dot);
      if constexpr (!std::is_same_v<V, Unit>) encode_value(w, e.value);
    }
  }
  // Entries must be in strictly increasing dot order and covered by `ctx`; an
  // empty store is only canonical where the caller says so (a map never holds one).
  [[nodiscard]] static result<DotFun> decode(Reader& r, const ReplicaTable& table,
                                             const DotContext& ctx, bool allow_empty) {
    auto n = r.count(2);
    if (!n) return n.error();
    if (*n == 0 && !allow_empty) return errc::non_canonical;
    DotFun f;
    for (std::size_t i = 0; i < *n; ++i) {
      auto dot = table.decode_dot(r, ctx);
      if (!dot) return dot.error();
      if (i > 0 && !(f.entries_.back().dot < *dot)) return errc::non_canonical;
      if constexpr (std::is_same_v<V, Unit>) {
        f.entries_.push_back(Entry{*dot, Unit{}});
      } else {
        auto value = decode_value<V>(r);
        if (!value) return value.error();
        f.entries_.push_back(Entry{*dot, std::move(*value)});
      }
    }
    return f;
  }

  friend bool operator==(const DotFun&, const DotFun&) = default;

 private:
  [[nodiscard]] const Entry* lower_bound(const Dot& dot) const {
    return std::lower_bound(entries_.begin(), entries_.end(), dot,
                            [](const Entry& e, const Dot& d) { return e.dot < d; });
  }
  [[nodiscard]] bool holds(const Dot& dot) const {
    const Entry* at = lower_bound(dot);
    return at != entries_.end() && at->dot == dot;
  }
  // A dot only we hold was removed over there if `theirs` has seen it.
  template <class Theirs>
  void drop_seen(const Theirs& theirs, const DotFun& other) {
    if constexpr (ListedDots<Theirs>) {
      theirs.for_each_dot([&](const Dot& d) {
        const Entry* at = lower_bound(d);
        if (at != entries_.end() && at->dot == d && !other.holds(d)) entries_.erase(at);
      });
    } else {
      entries_.erase_if(
          [&](const Entry& e) { return theirs.contains(e.dot) && !other.holds(e.dot); });
    }
  }
  // `Other` is DotFun (entries are moved in) or const DotFun (copied).
  template <class Mine, class Other, class Theirs>
  void join_entries(const Mine& mine, Other& other, const Theirs& theirs) {
    if (entries_ == other.entries_) return;  // the usual case for re-delivered state
    drop_seen(theirs, other);
    // A dot only they hold was removed here if `mine` has seen it.
    for (auto& e : other.entries_) {
      const Entry* at = lower_bound(e.dot);
      if ((at != entries_.end() && at->dot == e.dot) || mine.contains(e.dot)) continue;
      if constexpr (std::is_const_v<Other>) {
        entries_.insert(at, e);
      } else {
        entries_.insert(at, std::move(e));
      }
    }
  }

  using Entries = EntryList<Entry>;
  Entries entries_;  // sorted by dot, unique
};

using DotList = DotFun<Unit>;

}  // namespace weft::detail

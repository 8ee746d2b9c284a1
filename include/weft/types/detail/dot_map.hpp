#pragma once
// DotMap<K, S>: a map from keys to nested dot stores, all sharing the causal
// context of the enclosing state (the "DotMap" of the delta-CRDT paper). It
// is the engine of AwSet, RwSet and OrMap, nested to any depth.
//
// Join visits every key of `other`, and the keys only *this holds when the
// other side may have removed some of their dots (the caller decides; see
// Causal::join, which skips that scan for deltas that remove nothing we hold).
// A key whose store becomes empty disappears: no tombstones beyond the context.
// Keys live in a flat hash table: lookup and single-key update O(1) expected,
// join O(|other| + |*this| when scanning), encode O(n log n) for the sort.
#include <algorithm>
#include <boost/unordered/unordered_flat_map.hpp>
#include <utility>
#include <vector>

#include "weft/core/dot_context.hpp"
#include "weft/encoding/codec.hpp"
#include "weft/types/detail/dot_fun.hpp"
#include "weft/types/detail/hash.hpp"
#include "weft/types/detail/replica_table.hpp"

namespace weft::detail {

template <class K, class S>
class DotMap {
 public:
  using Table = boost::unordered_flat_map<K, S, Hash<K>>;

  DotMap() = default;

  [[nodiscard]] bool empty() const noexcept { return map_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return map_.size(); }
  [[nodiscard]] const S* find(const K& key) const {
    auto it = map_.find(key);
    return it == map_.end() ? nullptr : &it->second;
  }
  [[nodiscard]] const Table& table() const noexcept { return map_; }
  // Keys in ascending order (the encoding order).
  [[nodiscard]] std::vector<const typename Table::value_type*> sorted() const {
    std::vector<const typename Table::value_type*> out;
    out.reserve(map_.size());
    for (const auto& kv : map_) out.push_back(&kv);
    std::sort(out.begin(), out.end(),
              [](const auto* a, const auto* b) { return Less<K>{}(a->first, b->first); });
    return out;
  }

  // Mutation hooks for the types built on this map. Callers keep the
  // invariant that no stored value is empty.
  void put(const K& key, S store) { map_.insert_or_assign(key, std::move(store)); }
  // The store of `key`, inserted empty if absent; the caller must fill it.
  [[nodiscard]] S& slot(const K& key) { return map_.try_emplace(key).first->second; }
  void erase(const K& key) { map_.erase(key); }
  void clear() noexcept { map_.clear(); }
  // Moves the store of `key` out (empty if absent) and erases the key.
  [[nodiscard]] S take(const K& key) {
    auto it = map_.find(key);
    if (it == map_.end()) return S{};
    S out = std::move(it->second);
    map_.erase(it);
    return out;
  }
  void reserve(std::size_t n) { map_.reserve(n); }

  template <class F>
  void for_each_dot(F&& f) const {
    for (const auto& kv : map_) kv.second.for_each_dot(f);
  }
  void cover(DotContext& ctx) const {
    for (const auto& kv : map_) kv.second.cover(ctx);
  }

  void join(const DotContext& mine, const DotMap& other, const DotContext& theirs) {
    join(mine, other, theirs, true);
  }
  // `scan_mine` false promises that `theirs` covers none of our dots beyond
  // those `other` still holds, so keys absent from `other` are unaffected.
  void join(const DotContext& mine, const DotMap& other, const DotContext& theirs, bool scan_mine) {
    if (scan_mine) {
      for (auto it = map_.begin(); it != map_.end();) {
        if (!other.map_.contains(it->first)) {
          it->second.drop_covered(theirs);
          if (it->second.empty()) {
            map_.erase(it++);
            continue;
          }
        }
        ++it;
      }
    }
    for (const auto& [key, store] : other.map_) {
      auto it = map_.find(key);
      if (it == map_.end()) {
        S copy = store;
        copy.drop_covered(mine);
        if (!copy.empty()) map_.emplace(key, std::move(copy));
      } else {
        it->second.join(mine, store, theirs);
        if (it->second.empty()) map_.erase(it);
      }
    }
  }
  template <SeenDots Theirs>
  void drop_covered(const Theirs& theirs) {
    boost::unordered::erase_if(map_, [&](auto& kv) {
      kv.second.drop_covered(theirs);
      return kv.second.empty();
    });
  }

  void encode(Writer& w, const ReplicaTable& table) const {
    w.varint(map_.size());
    for (const auto* kv : sorted()) {
      encode_value(w, kv->first);
      kv->second.encode(w, table);
    }
  }
  // Keys strictly ascending, every value a non-empty store.
  [[nodiscard]] static result<DotMap> decode(Reader& r, const ReplicaTable& table,
                                             const DotContext& ctx, bool allow_empty) {
    auto n = r.count(2);
    if (!n) return n.error();
    if (*n == 0 && !allow_empty) return errc::non_canonical;
    DotMap m;
    m.map_.reserve(*n);
    const K* prev = nullptr;
    for (std::size_t i = 0; i < *n; ++i) {
      auto key = decode_value<K>(r);
      if (!key) return key.error();
      if (prev != nullptr && !Less<K>{}(*prev, *key)) return errc::non_canonical;
      auto store = S::decode(r, table, ctx, false);
      if (!store) return store.error();
      auto [it, inserted] = m.map_.emplace(std::move(*key), std::move(*store));
      if (!inserted) return errc::non_canonical;
      prev = &it->first;  // flat map references are stable without rehash; reserve() above ensures
                          // none
    }
    return m;
  }

  friend bool operator==(const DotMap& a, const DotMap& b) { return a.map_ == b.map_; }

 private:
  Table map_;
};

}  // namespace weft::detail

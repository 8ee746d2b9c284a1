#pragma once
// OrMap<K, V>: observed-remove map whose values are catalogue types, nested
// to any depth (OrMap<K, OrMap<K2, AwSet<T>>> ...). The delta-CRDT paper's
// ORMap, generalised to values that are not themselves causal.
//
// Conflict rule: a key is present while its value holds live events. update()
// applies a mutation of V to the key's value; remove() removes every event of
// the value that this replica has observed, recursively. An update
// concurrent with a remove therefore wins: the key survives with the effects
// the remover had not seen. Concurrent updates merge by V's own rule.
// - Causal values (AwSet, RwSet, MvRegister, LwwRegister, EwFlag, DwFlag,
//   OrMap) live inside the map and share its causal context (the paper's
//   embedding). OrMap<std::string, LwwRegister<V>> is thus, store for store,
//   a weft::Doc map object.
// - Other values (GCounter, PNCounter, GSet, TwoPSet) are held as
//   observed-remove writes: each update replaces the writes it observed
//   with one write carrying the updater's whole value; the key reads as the
//   join of its live writes. A remove thus resets what the remover saw, and
//   a concurrent update keeps its updater's whole value. Deltas of such keys
//   carry the whole value.
// State: the entries plus one shared context; removed keys leave nothing but
// the context. Complexity: update O(1) expected plus V's mutation (plus O(v)
// to rebuild a non-causal value from its live writes), remove O(size of the
// value), get O(size of the value + context), join and encode as AwSet.
// API: update(replica, key, f) calls f(V&) on the key's value (default if
// absent); f performs ONE mutation through V's API with the same replica and
// returns its Delta<V>. If f throws, no delta is produced; a mutation it made
// before throwing stays local (ship a full state later). A nil replica
// throws std::invalid_argument.
// Thread safety: a value type; concurrent const use is safe.
// Encoding and decode() errors: see weft/types/crdts.hpp.
#include <optional>
#include <span>
#include <type_traits>
#include <vector>

#include "weft/types/delta.hpp"
#include "weft/types/detail/dot_map.hpp"
#include "weft/types/detail/framing.hpp"
#include "weft/types/detail/slot_ops.hpp"

namespace weft {
namespace detail {

// How a value of type V is held under one key of a map.
template <class V>
struct MapSlotOf {
  using type = DotFun<V>;  // live observed-remove writes, each carrying a whole value
};
template <CausalType V>
struct MapSlotOf<V> {
  using type = typename V::Store;  // embedded: shares the map's context
};

}  // namespace detail

template <Element K, class V>
requires Lattice<V> && Codable<V>
class OrMap {
 public:
  using Slot = typename detail::MapSlotOf<V>::type;
  using Store = detail::DotMap<K, Slot>;
  static constexpr bool is_causal = true;
  static constexpr TypeTag type_tag = TypeTag::or_map;

  OrMap() = default;

  template <class F>
  requires std::is_invocable_r_v<Delta<V>, F&, V&> Delta<OrMap> update(ReplicaId replica,
                                                                       const K& key, F&& mutate) {
    detail::require_replica(replica);
    if constexpr (detail::CausalType<V>) {
      // Lend the key's store and our context to a temporary V, then take them back.
      V value = detail::CausalAccess::make<V>(
          detail::Causal<Slot>{state_.store.take(key), std::move(state_.ctx)});
      auto give_back = [&] {
        auto& lent = detail::CausalAccess::state(value);
        state_.ctx = std::move(lent.ctx);
        if (!lent.store.empty()) state_.store.put(key, std::move(lent.store));
      };
      Delta<V> delta;
      try {
        delta = mutate(value);
      } catch (...) {
        give_back();
        throw;
      }
      give_back();
      const auto& change = detail::CausalAccess::state(delta.state());
      Store store;
      if (!change.store.empty()) store.put(key, change.store);
      return make_delta(std::move(store), change.ctx);
    } else {
      V value = read(key);
      (void)mutate(value);
      auto [fresh, delta_ctx] =
          detail::replace_slot(state_.store.slot(key), state_.ctx, replica, std::move(value));
      Store store;
      store.put(key, std::move(fresh));
      return make_delta(std::move(store), std::move(delta_ctx));
    }
  }

  // Removes the key's value as observed here (recursively); a no-op delta if absent.
  Delta<OrMap> remove(ReplicaId replica, const K& key) {
    detail::require_replica(replica);
    auto slot = state_.store.take(key);
    return make_delta(Store{}, detail::clear_slot(slot));
  }
  Delta<OrMap> clear(ReplicaId replica) {
    detail::require_replica(replica);
    return make_delta(Store{}, detail::clear_slot(state_.store));
  }

  [[nodiscard]] bool contains(const K& key) const { return state_.store.find(key) != nullptr; }
  [[nodiscard]] std::size_t size() const noexcept { return state_.store.size(); }
  [[nodiscard]] bool empty() const noexcept { return state_.store.empty(); }
  [[nodiscard]] std::vector<K> keys() const {
    std::vector<K> out;
    out.reserve(size());
    for (const auto* kv : state_.store.sorted()) out.push_back(kv->first);
    return out;
  }
  // A copy of the key's value, or nullopt if the key is absent.
  [[nodiscard]] std::optional<V> get(const K& key) const {
    if (!contains(key)) return std::nullopt;
    return read(key);
  }

  void join(const OrMap& other) { state_.join(other.state_); }
  void join(const Delta<OrMap>& delta) { join(delta.state()); }

  [[nodiscard]] Bytes encode() const { return detail::encode_framed(type_tag, *this); }
  [[nodiscard]] static result<OrMap> decode(std::span<const std::uint8_t> bytes) {
    return detail::decode_framed<OrMap>(type_tag, bytes);
  }

  friend bool operator==(const OrMap&, const OrMap&) = default;

 private:
  friend struct detail::CausalAccess;

  [[nodiscard]] V read(const K& key) const {
    const Slot* slot = state_.store.find(key);
    if constexpr (detail::CausalType<V>) {
      return detail::CausalAccess::make<V>(
          detail::Causal<Slot>{slot != nullptr ? *slot : Slot{}, state_.ctx});
    } else {
      V value{};
      if (slot != nullptr) {
        for (const auto& write : *slot) value.join(write.value);
      }
      return value;
    }
  }
  static Delta<OrMap> make_delta(Store store, DotContext ctx) {
    return Delta<OrMap>(
        detail::CausalAccess::make<OrMap>(detail::Causal<Store>{std::move(store), std::move(ctx)}));
  }

  detail::Causal<Store> state_;
};

}  // namespace weft

#pragma once
// AwSet<T>: add-wins observed-remove set (the delta-CRDT paper's AWORSet).
//
// Conflict rule: an element is present when some add of it has not been
// observed by any remove; a remove only cancels the adds its replica had
// seen, so an add concurrent with a remove wins.
// State: per element the dots of its live adds (normally one), plus the
// causal context. Removed elements leave nothing behind but the context,
// which compacts to one counter per replica: no tombstones.
// Complexity: add/remove/contains O(1) expected; join with a delta O(|delta|)
// for adds, O(n) when the delta removes elements we hold; full join O(n + m);
// encode O(n log n). Encoded size per element: the element's own encoding + 3
// to 5 bytes for its dot (see benchmarks/catalogue).
// API: every mutator takes the acting replica's id first (never nil: throws
// std::invalid_argument) and returns the Delta to ship to other replicas;
// the local state is already updated.
// Thread safety: a value type; concurrent const use is safe.
// Encoding and decode() errors: see weft/types/crdts.hpp.
#include <span>
#include <vector>

#include "weft/types/delta.hpp"
#include "weft/types/detail/dot_map.hpp"
#include "weft/types/detail/framing.hpp"
#include "weft/types/detail/slot_ops.hpp"

namespace weft {

template <Element T>
class AwSet {
 public:
  using Store = detail::DotMap<T, detail::DotList>;
  static constexpr bool is_causal = true;
  static constexpr TypeTag type_tag = TypeTag::aw_set;

  AwSet() = default;

  Delta<AwSet> add(ReplicaId replica, const T& element) {
    detail::require_replica(replica);  // before touching the state: throwing leaves it intact
    auto [fresh, delta_ctx] =
        detail::replace_slot(state_.store.slot(element), state_.ctx, replica, detail::Unit{});
    Store delta;
    delta.put(element, std::move(fresh));
    return make_delta(std::move(delta), std::move(delta_ctx));
  }
  // Removes `element` as observed here; a no-op delta if it is absent.
  Delta<AwSet> remove(ReplicaId replica, const T& element) {
    detail::require_replica(replica);
    auto slot = state_.store.take(element);
    return make_delta(Store{}, detail::clear_slot(slot));
  }
  Delta<AwSet> clear(ReplicaId replica) {
    detail::require_replica(replica);
    return make_delta(Store{}, detail::clear_slot(state_.store));
  }

  [[nodiscard]] bool contains(const T& element) const {
    return state_.store.find(element) != nullptr;
  }
  [[nodiscard]] std::size_t size() const noexcept { return state_.store.size(); }
  [[nodiscard]] bool empty() const noexcept { return state_.store.empty(); }
  // The elements in ascending order.
  [[nodiscard]] std::vector<T> elements() const {
    std::vector<T> out;
    out.reserve(size());
    for (const auto* kv : state_.store.sorted()) out.push_back(kv->first);
    return out;
  }
  [[nodiscard]] const DotContext& context() const noexcept { return state_.ctx; }

  void join(const AwSet& other) { state_.join(other.state_); }
  void join(const Delta<AwSet>& delta) { join(delta.state()); }

  [[nodiscard]] Bytes encode() const { return detail::encode_framed(type_tag, *this); }
  [[nodiscard]] static result<AwSet> decode(std::span<const std::uint8_t> bytes) {
    return detail::decode_framed<AwSet>(type_tag, bytes);
  }

  friend bool operator==(const AwSet&, const AwSet&) = default;

 private:
  friend struct detail::CausalAccess;
  static Delta<AwSet> make_delta(Store store, DotContext ctx) {
    return Delta<AwSet>(
        detail::CausalAccess::make<AwSet>(detail::Causal<Store>{std::move(store), std::move(ctx)}));
  }
  detail::Causal<Store> state_;
};

}  // namespace weft

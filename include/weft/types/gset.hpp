#pragma once
// GSet<T>: grow-only set.
//
// Conflict rule: none; join is set union and elements are never removed.
// State: the elements themselves (a flat hash set), no metadata.
// Complexity: add/contains O(1) expected, join O(m) for m incoming elements,
// encode O(n log n) (elements are written in ascending order, so each state
// has one encoding).
// API: add takes the acting replica for uniformity with the causal types
// (and so that OrMap can treat every value alike); a nil one throws
// std::invalid_argument.
// Thread safety: a value type; concurrent const use is safe.
// Encoding and decode() errors: see weft/types/crdts.hpp.
#include <algorithm>
#include <boost/unordered/unordered_flat_set.hpp>
#include <optional>
#include <span>
#include <vector>

#include "weft/types/delta.hpp"
#include "weft/types/detail/framing.hpp"
#include "weft/types/detail/hash.hpp"
#include "weft/types/detail/require.hpp"

namespace weft {

template <Element T>
class GSet {
 public:
  static constexpr TypeTag type_tag = TypeTag::gset;

  GSet() = default;

  Delta<GSet> add(ReplicaId replica, const T& element) {
    detail::require_replica(replica);
    elements_.insert(element);
    GSet delta;
    delta.elements_.insert(element);
    return Delta<GSet>(std::move(delta));
  }

  [[nodiscard]] bool contains(const T& element) const { return elements_.contains(element); }
  [[nodiscard]] std::size_t size() const noexcept { return elements_.size(); }
  [[nodiscard]] bool empty() const noexcept { return elements_.empty(); }
  [[nodiscard]] std::vector<T> elements() const {
    std::vector<T> out(elements_.begin(), elements_.end());
    std::sort(out.begin(), out.end(), detail::Less<T>{});
    return out;
  }

  void join(const GSet& other) { elements_.insert(other.elements_.begin(), other.elements_.end()); }
  void join(const Delta<GSet>& delta) { join(delta.state()); }

  [[nodiscard]] Bytes encode() const { return detail::encode_framed(type_tag, *this); }
  [[nodiscard]] static result<GSet> decode(std::span<const std::uint8_t> bytes) {
    return detail::decode_framed<GSet>(type_tag, bytes);
  }

  friend bool operator==(const GSet& a, const GSet& b) { return a.elements_ == b.elements_; }

 private:
  friend struct Codec<GSet>;
  boost::unordered_flat_set<T, detail::Hash<T>> elements_;
};

// Count, then the elements strictly ascending.
template <class T>
struct Codec<GSet<T>> {
  static void encode(Writer& w, const GSet<T>& s) {
    const auto sorted = s.elements();
    w.varint(sorted.size());
    for (const auto& e : sorted) encode_value(w, e);
  }
  static result<GSet<T>> decode(Reader& r) {
    auto n = r.count(1);
    if (!n) return n.error();
    GSet<T> s;
    s.elements_.reserve(*n);
    std::optional<T> prev;
    for (std::size_t i = 0; i < *n; ++i) {
      auto e = decode_value<T>(r);
      if (!e) return e.error();
      if (prev && !detail::Less<T>{}(*prev, *e)) return errc::non_canonical;
      s.elements_.insert(*e);
      prev = std::move(*e);
    }
    return s;
  }
};

}  // namespace weft

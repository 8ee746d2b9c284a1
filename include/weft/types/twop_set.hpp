#pragma once
// TwoPSet<T>: two-phase set.
//
// Conflict rule: an element is present when it has been added and never
// removed; a remove is final (a tombstone), so remove wins over every add,
// earlier, concurrent or later. Removing an element that was never added is
// allowed and keeps it from ever being added.
// State: two grow-only sets, added and removed (tombstones are kept forever).
// Complexity: as GSet. Errors: a nil replica throws std::invalid_argument.
// Thread safety: a value type; concurrent const use is safe.
// Encoding and decode() errors: see weft/types/crdts.hpp.
#include <span>
#include <vector>

#include "weft/types/gset.hpp"

namespace weft {

template <Element T>
class TwoPSet {
 public:
  static constexpr TypeTag type_tag = TypeTag::twop_set;

  TwoPSet() = default;

  Delta<TwoPSet> add(ReplicaId replica, const T& element) {
    TwoPSet delta;
    delta.added_.join(added_.add(replica, element));
    return Delta<TwoPSet>(std::move(delta));
  }
  Delta<TwoPSet> remove(ReplicaId replica, const T& element) {
    TwoPSet delta;
    delta.removed_.join(removed_.add(replica, element));
    return Delta<TwoPSet>(std::move(delta));
  }

  [[nodiscard]] bool contains(const T& element) const {
    return added_.contains(element) && !removed_.contains(element);
  }
  [[nodiscard]] std::vector<T> elements() const {
    std::vector<T> out;
    for (auto& e : added_.elements()) {
      if (!removed_.contains(e)) out.push_back(e);
    }
    return out;
  }
  [[nodiscard]] std::size_t size() const { return elements().size(); }
  [[nodiscard]] const GSet<T>& added() const noexcept { return added_; }
  [[nodiscard]] const GSet<T>& removed() const noexcept { return removed_; }

  void join(const TwoPSet& other) {
    added_.join(other.added_);
    removed_.join(other.removed_);
  }
  void join(const Delta<TwoPSet>& delta) { join(delta.state()); }

  [[nodiscard]] Bytes encode() const { return detail::encode_framed(type_tag, *this); }
  [[nodiscard]] static result<TwoPSet> decode(std::span<const std::uint8_t> bytes) {
    return detail::decode_framed<TwoPSet>(type_tag, bytes);
  }

  friend bool operator==(const TwoPSet&, const TwoPSet&) = default;

 private:
  friend struct Codec<TwoPSet>;
  GSet<T> added_;
  GSet<T> removed_;
};

template <class T>
struct Codec<TwoPSet<T>> {
  static void encode(Writer& w, const TwoPSet<T>& s) {
    encode_value(w, s.added_);
    encode_value(w, s.removed_);
  }
  static result<TwoPSet<T>> decode(Reader& r) {
    auto added = decode_value<GSet<T>>(r);
    if (!added) return added.error();
    auto removed = decode_value<GSet<T>>(r);
    if (!removed) return removed.error();
    TwoPSet<T> s;
    s.added_ = std::move(*added);
    s.removed_ = std::move(*removed);
    return s;
  }
};

}  // namespace weft

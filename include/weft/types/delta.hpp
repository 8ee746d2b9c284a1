#pragma once
// Delta<X>: what a mutator of a catalogue type X returns.
//
// A delta is itself a (small) state of X, so it joins into any replica of X,
// joins with other deltas (`join(d1, d2)` applies both at once), and encodes
// exactly like a state (same frame and type tag). It is immutable by type:
// only X's mutators and decode create one, and it exposes the state read-only.
// Shipping deltas instead of full states is what makes these delta-state
// CRDTs: a delta costs O(size of the change), and joining one is idempotent,
// so resending or reordering is harmless.
#include <concepts>
#include <cstdint>
#include <span>
#include <utility>

#include "weft/encoding/error.hpp"
#include "weft/encoding/writer.hpp"

namespace weft {

// A join-semilattice value: join in place, and structural equality.
template <class X>
concept Lattice = std::regular<X> && requires(X& x, const X& y) {
  x.join(y);
};

// The join of two states (or deltas) as a new value.
template <Lattice X>
[[nodiscard]] X join(X a, const X& b) {
  a.join(b);
  return a;
}

// The lattice order: a <= b when b already includes everything a says.
template <Lattice X>
[[nodiscard]] bool leq(const X& a, const X& b) {
  return join(a, b) == b;
}

template <class X>
class Delta {
 public:
  // The empty delta (bottom): joining it changes nothing.
  Delta() = default;

  // The delta seen as a read-only state of X (queries work on it).
  [[nodiscard]] const X& state() const noexcept { return value_; }
  [[nodiscard]] Bytes encode() const { return value_.encode(); }
  // Decodes a delta (or any state of X); validates everything, never throws.
  [[nodiscard]] static result<Delta> decode(std::span<const std::uint8_t> bytes) {
    auto value = X::decode(bytes);
    if (!value) return value.error();
    return Delta(std::move(*value));
  }
  [[nodiscard]] friend Delta join(const Delta& a, const Delta& b) {
    X value = a.value_;
    value.join(b.value_);
    return Delta(std::move(value));
  }
  friend bool operator==(const Delta&, const Delta&) = default;

 private:
  friend X;
  explicit Delta(X value) : value_(std::move(value)) {}
  X value_;
};

}  // namespace weft

#pragma once
// One write (or remove) as a delta of the dot kernel, in the form a weft::Doc
// op carries it: the dots its writer had observed, the dot it minted, and the
// payload. Applying it is an ordinary causal join (DotFun::join), so a Doc
// object and the catalogue type with the same name share one conflict rule.
//
// WriteContext is that delta's causal context, and holds only what the join
// asks of it: a catalogue delta from replace_slot()/clear_slot() has exactly
// these dots in its DotContext, so joining either form gives the same state.
#include <algorithm>
#include <span>
#include <utility>

#include "weft/core/dot.hpp"
#include "weft/types/detail/dot_fun.hpp"

namespace weft::detail {

class WriteContext {
 public:
  // `observed` must be ascending (a Doc op's `supersedes` is); `minted` is nil
  // for a remove.
  explicit WriteContext(std::span<const Dot> observed, const Dot& minted = {}) noexcept
      : observed_(observed), minted_(minted) {}

  [[nodiscard]] bool contains(const Dot& dot) const noexcept {
    return (!minted_.is_nil() && dot == minted_) ||
           std::binary_search(observed_.begin(), observed_.end(), dot);
  }
  // Its few dots, so that a store looks them up rather than scanning itself.
  template <class F>
  void for_each_dot(F&& f) const {
    for (const Dot& d : observed_) f(d);
    if (!minted_.is_nil()) f(minted_);
  }

 private:
  std::span<const Dot> observed_;
  Dot minted_;
};

// The receiver's context as far as one causally delivered write asks about
// it: a write is applied once, after everything its writer had observed, so
// the receiver has never seen the dot it mints.
struct UnseenMint {
  [[nodiscard]] constexpr bool contains(const Dot&) const noexcept { return false; }
};

// Applies "write `payload` at `minted`, superseding `observed`" to `slot`.
template <class V>
void apply_write(DotFun<V>& slot, std::span<const Dot> observed, const Dot& minted, V payload) {
  slot.join(UnseenMint{}, DotFun<V>::single(minted, std::move(payload)),
            WriteContext(observed, minted));
}

// Applies "remove what was observed" (`observed`) to `slot`.
template <class S>
void apply_remove(S& slot, std::span<const Dot> observed) {
  slot.drop_covered(WriteContext(observed));
}

}  // namespace weft::detail

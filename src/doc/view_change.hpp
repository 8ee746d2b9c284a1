#pragma once
// The change of a whole view (a register's values, a set's elements) in one
// batch, for events (internal): the view as it was at the batch's first change,
// against the view at its end.
#include <optional>
#include <utility>
#include <vector>

#include "weft/doc/value.hpp"

namespace weft::detail::doc {

class ViewChange {
 public:
  using Change = std::pair<std::vector<Value>, std::vector<Value>>;

  void set_capture(bool on) { capturing_ = on; }
  // Call before every change; `view` is called at the batch's first.
  template <class F>
  void before_change(F&& view) {
    if (capturing_ && !before_) before_ = view();
  }
  // (old, new) when the batch changed the view; forgets the batch.
  [[nodiscard]] std::optional<Change> take(std::vector<Value> now) {
    if (!before_) return std::nullopt;
    std::vector<Value> old = std::move(*before_);
    before_.reset();
    if (old == now) return std::nullopt;
    return Change{std::move(old), std::move(now)};
  }

 private:
  bool capturing_ = false;
  std::optional<std::vector<Value>> before_;
};

}  // namespace weft::detail::doc

#pragma once
// The state of a counter object (internal): concurrent increments add up
// (int64, wrapping).
#include "fnv.hpp"
#include "ops.hpp"

namespace weft::detail::doc {

class CounterState {
 public:
  void apply(const CounterAdd& op) {
    if (capturing_ && !before_) before_ = value_;
    value_ += static_cast<std::uint64_t>(op.delta);
  }
  [[nodiscard]] std::int64_t value() const noexcept { return static_cast<std::int64_t>(value_); }
  [[nodiscard]] bool empty() const noexcept { return value_ == 0; }
  void digest(Fnv& f) const { f.u64(value_); }

  void set_capture(bool on) { capturing_ = on; }
  // The batch's change (new - old, wrapping), 0 if none; forgets the batch.
  [[nodiscard]] std::int64_t take_change() {
    const std::uint64_t old = before_.value_or(value_);
    before_.reset();
    return static_cast<std::int64_t>(value_ - old);
  }

 private:
  std::uint64_t value_ = 0;
  bool capturing_ = false;
  std::optional<std::uint64_t> before_;
};

}  // namespace weft::detail::doc

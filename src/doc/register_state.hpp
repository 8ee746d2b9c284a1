#pragma once
// The state of a register object (internal), both kinds: the live concurrent
// writes. lww_register shows the winner by (lamport, dot), mv_register all.
#include "entries.hpp"
#include "ops.hpp"

namespace weft::detail::doc {

class RegisterState {
 public:
  explicit RegisterState(bool winner_only) : winner_only_(winner_only) {}

  void apply(const RegisterSet& op, const Dot& dot, std::uint64_t lamport) {
    if (capturing_ && !before_) before_ = view();
    entries_.write(op.supersedes, Entry{dot, lamport, op.value});
  }
  [[nodiscard]] const Entries& entries() const noexcept { return entries_; }
  // What the register shows: the winner (lww) or every concurrent write (mv).
  [[nodiscard]] std::vector<Value> view() const {
    if (!winner_only_) return entries_.values();
    std::vector<Value> w;
    if (auto v = entries_.winner()) w.push_back(std::move(*v));
    return w;
  }
  [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }
  void digest(Fnv& f) const { entries_.digest(f); }

  void set_capture(bool on) { capturing_ = on; }
  // The old and new views when the batch changed them; forgets the batch.
  [[nodiscard]] std::optional<std::pair<std::vector<Value>, std::vector<Value>>> take_change() {
    if (!before_) return std::nullopt;
    std::vector<Value> old = std::move(*before_);
    before_.reset();
    std::vector<Value> now = view();
    if (old == now) return std::nullopt;
    return std::make_pair(std::move(old), std::move(now));
  }

 private:
  Entries entries_;
  bool winner_only_;
  bool capturing_ = false;
  std::optional<std::vector<Value>> before_;
};

}  // namespace weft::detail::doc

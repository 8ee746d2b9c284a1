#pragma once
// The state of a register object (internal), both kinds: the live concurrent
// writes, the store of the catalogue's LwwRegister<Value> (entries.hpp).
// lww_register shows the winner by (lamport, dot), mv_register all of them.
#include "entries.hpp"
#include "ops.hpp"
#include "view_change.hpp"

namespace weft::detail::doc {

class RegisterState {
 public:
  explicit RegisterState(bool winner_only) : winner_only_(winner_only) {}

  void apply(const RegisterSet& op, const Dot& dot, std::uint64_t lamport) {
    change_.before_change([&] { return view(); });
    entries_.write(op.supersedes, dot, lamport, op.value);
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

  void set_capture(bool on) { change_.set_capture(on); }
  [[nodiscard]] std::optional<ViewChange::Change> take_change() { return change_.take(view()); }

 private:
  Entries entries_;
  bool winner_only_;
  ViewChange change_;
};

}  // namespace weft::detail::doc

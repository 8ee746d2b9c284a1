#pragma once
// Concurrent writes to one slot (a map key, a register), kept until a later
// write that saw them supersedes them (internal). The store is the catalogue's
// LwwRegister<Value> store, and a MapSet or RegisterSet op is exactly one
// write delta of it: the kernel's join applies it and the kernel's
// last-writer rule picks the winner (types/detail/write_context.hpp,
// last_writer.hpp). This class only adapts that store to the Doc's reads.
#include <optional>
#include <vector>

#include "fnv.hpp"
#include "weft/doc/value.hpp"
#include "weft/types/detail/last_writer.hpp"
#include "weft/types/detail/write_context.hpp"

namespace weft::detail::doc {

class Entries {
 public:
  // Adds the write `value` (at `dot`, Lamport time `lamport`), dropping the
  // writes `supersedes` names.
  void write(const std::vector<Dot>& supersedes, const Dot& dot, std::uint64_t lamport,
             Value value) {
    apply_write(writes_, supersedes, dot, Stamped<Value>{lamport, std::move(value)});
  }
  // Drops the writes `dots` names (a remove).
  void drop(const std::vector<Dot>& dots) { apply_remove(writes_, dots); }

  [[nodiscard]] std::optional<Value> winner() const {
    const auto* w = last_writer(writes_);
    return w == nullptr ? std::nullopt : std::optional<Value>(w->value.value);
  }
  // Every live write's value, in dot order.
  [[nodiscard]] std::vector<Value> values() const {
    std::vector<Value> out;
    out.reserve(writes_.size());
    for (const auto& e : writes_) out.push_back(e.value.value);
    return out;
  }
  // What a local write must name as superseded: everything visible here.
  [[nodiscard]] std::vector<Dot> dots() const {
    std::vector<Dot> out;
    out.reserve(writes_.size());
    writes_.for_each_dot([&](const Dot& d) { out.push_back(d); });
    return out;
  }
  [[nodiscard]] bool empty() const noexcept { return writes_.empty(); }
  void digest(Fnv& f) const {
    f.u64(writes_.size());
    for (const auto& e : writes_)
      f.dot(e.dot), f.u64(e.value.lamport), f.str(e.value.value.encoded());
  }

 private:
  Writes<Value> writes_;
};

}  // namespace weft::detail::doc

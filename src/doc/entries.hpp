#pragma once
// Concurrent writes to one slot (a map key, a register), kept until a later
// write that saw them supersedes them (internal). One rule for both: the
// visible winner is the write with the largest (lamport, dot).
#include <algorithm>
#include <optional>
#include <vector>

#include "fnv.hpp"
#include "weft/doc/value.hpp"

namespace weft::detail::doc {

struct Entry {
  Dot dot;
  std::uint64_t lamport = 0;
  Value value;
};

// The live writes of one slot, sorted by dot.
class Entries {
 public:
  // Drops the writes `supersedes` names, then adds this one (if new).
  void write(const std::vector<Dot>& supersedes, Entry e) {
    drop(supersedes);
    auto it = std::lower_bound(all_.begin(), all_.end(), e.dot,
                               [](const Entry& a, const Dot& d) { return a.dot < d; });
    if (it != all_.end() && it->dot == e.dot) return;
    all_.insert(it, std::move(e));
  }
  void drop(const std::vector<Dot>& dots) {
    std::erase_if(
        all_, [&](const Entry& e) { return std::binary_search(dots.begin(), dots.end(), e.dot); });
  }
  [[nodiscard]] std::optional<Value> winner() const {
    const Entry* best = nullptr;
    for (const Entry& e : all_) {
      if (best == nullptr || std::tie(e.lamport, e.dot) > std::tie(best->lamport, best->dot)) {
        best = &e;
      }
    }
    if (best == nullptr) return std::nullopt;
    return best->value;
  }
  [[nodiscard]] std::vector<Value> values() const {
    std::vector<Value> out;
    out.reserve(all_.size());
    for (const Entry& e : all_) out.push_back(e.value);
    return out;
  }
  // What a local write must name as superseded: everything visible here.
  [[nodiscard]] std::vector<Dot> dots() const {
    std::vector<Dot> out;
    out.reserve(all_.size());
    for (const Entry& e : all_) out.push_back(e.dot);
    return out;
  }
  [[nodiscard]] bool empty() const noexcept { return all_.empty(); }
  void digest(Fnv& f) const {
    f.u64(all_.size());
    for (const Entry& e : all_) f.dot(e.dot), f.u64(e.lamport), f.str(e.value.encoded());
  }

 private:
  std::vector<Entry> all_;
};

}  // namespace weft::detail::doc

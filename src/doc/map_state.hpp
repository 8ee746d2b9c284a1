#pragma once
// The state of a map object (internal): per key, its live concurrent writes,
// the store of an OrMap<std::string, LwwRegister<Value>> (entries.hpp) kept in
// key order. get() is the winner by (lamport, dot); a remove drops the writes
// it saw, so a set concurrent with it survives.
#include <map>
#include <string>

#include "entries.hpp"
#include "ops.hpp"
#include "weft/doc/events.hpp"

namespace weft::detail::doc {

class MapState {
 public:
  void apply(const MapSet& op, const Dot& dot, std::uint64_t lamport) {
    capture(op.key);
    entries_[op.key].write(op.supersedes, dot, lamport, op.value);
  }
  void apply(const MapRemove& op) {
    auto it = entries_.find(op.key);
    if (it == entries_.end()) return;
    capture(op.key);
    it->second.drop(op.supersedes);
    if (it->second.empty()) entries_.erase(it);
  }

  [[nodiscard]] const Entries* find(std::string_view key) const {
    auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : &it->second;
  }
  [[nodiscard]] std::optional<Value> get(std::string_view key) const {
    const Entries* e = find(key);
    return e == nullptr ? std::nullopt : e->winner();
  }
  [[nodiscard]] std::map<std::string, Value> visible() const {
    std::map<std::string, Value> out;
    for (const auto& [key, e] : entries_) {
      if (auto w = e.winner()) out.emplace(key, std::move(*w));
    }
    return out;
  }
  [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }
  void digest(Fnv& f) const {
    for (const auto& [key, e] : entries_) f.str(key), e.digest(f);
  }

  // Change capture: while on, the first change of each key in a batch keeps the
  // key's old value, so an event costs what changed, not the map's size.
  void set_capture(bool on) { capturing_ = on; }
  // The batch's key changes (visible values that differ), then forgets them.
  [[nodiscard]] std::vector<KeyChange> take_changes() {
    std::vector<KeyChange> out;
    for (auto& [key, old] : before_) {
      auto now = get(key);
      if (old == now) continue;
      const auto kind = !old   ? KeyChange::Kind::added
                        : !now ? KeyChange::Kind::removed
                               : KeyChange::Kind::updated;
      out.push_back({key, kind, std::move(old), std::move(now)});
    }
    before_.clear();
    return out;
  }

 private:
  void capture(const std::string& key) {
    if (capturing_ && !before_.contains(key)) before_.emplace(key, get(key));
  }
  std::map<std::string, Entries, std::less<>> entries_;
  bool capturing_ = false;
  std::map<std::string, std::optional<Value>> before_;
};

}  // namespace weft::detail::doc

#pragma once
// The state of a set object (internal): add-wins observed-remove. Each add is
// a tag (its dot); a remove drops the tags it saw, so a concurrent add survives.
// Per element the store is the catalogue AwSet's (a DotList), and an op is one
// write or remove delta of it (types/detail/write_context.hpp).
#include <map>
#include <string>

#include "fnv.hpp"
#include "ops.hpp"
#include "view_change.hpp"
#include "weft/types/detail/write_context.hpp"

namespace weft::detail::doc {

// The canonical encoding of a value, as a map key (a string: GCC 12 warns
// falsely on ordered maps of byte vectors).
[[nodiscard]] inline std::string set_key(const Value& v) {
  const Bytes b = v.encoded();
  return std::string(b.begin(), b.end());
}

class SetState {
 public:
  void apply(const SetAdd& op, const Dot& dot) {
    capture();
    auto& elem = elems_[set_key(op.value)];
    elem.value = op.value;
    apply_write(elem.tags, {}, dot, Unit{});
  }
  void apply(const SetRemove& op) {
    auto it = elems_.find(set_key(op.value));
    if (it == elems_.end()) return;
    capture();
    apply_remove(it->second.tags, op.supersedes);
    if (it->second.tags.empty()) elems_.erase(it);
  }
  [[nodiscard]] bool contains(const Value& v) const { return elems_.contains(set_key(v)); }
  // The tags a local remove of `v` must name (empty: not in the set).
  [[nodiscard]] std::vector<Dot> tags(const Value& v) const {
    auto it = elems_.find(set_key(v));
    std::vector<Dot> out;
    if (it != elems_.end()) it->second.tags.for_each_dot([&](const Dot& d) { out.push_back(d); });
    return out;
  }
  // The elements, in canonical value order.
  [[nodiscard]] std::vector<Value> values() const {
    std::vector<Value> out;
    out.reserve(elems_.size());
    for (const auto& [k, e] : elems_) out.push_back(e.value);
    return out;
  }
  [[nodiscard]] bool empty() const noexcept { return elems_.empty(); }
  void digest(Fnv& f) const {
    for (const auto& [enc, elem] : elems_) {
      f.str(enc);
      elem.tags.for_each_dot([&](const Dot& d) { f.dot(d); });
    }
  }

  void set_capture(bool on) { change_.set_capture(on); }
  [[nodiscard]] std::optional<ViewChange::Change> take_change() { return change_.take(values()); }

 private:
  struct Elem {
    Value value;
    DotList tags;  // the adds not yet removed
  };
  void capture() {
    change_.before_change([&] { return values(); });
  }
  std::map<std::string, Elem> elems_;
  ViewChange change_;
};

}  // namespace weft::detail::doc

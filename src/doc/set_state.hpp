#pragma once
// The state of a set object (internal): add-wins observed-remove. Each add is
// a tag (its dot); a remove drops the tags it saw, so a concurrent add survives.
#include <map>
#include <string>

#include "fnv.hpp"
#include "ops.hpp"

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
    auto it = std::lower_bound(elem.tags.begin(), elem.tags.end(), dot);
    if (it == elem.tags.end() || *it != dot) elem.tags.insert(it, dot);
  }
  void apply(const SetRemove& op) {
    auto it = elems_.find(set_key(op.value));
    if (it == elems_.end()) return;
    capture();
    std::erase_if(it->second.tags, [&](const Dot& d) {
      return std::binary_search(op.supersedes.begin(), op.supersedes.end(), d);
    });
    if (it->second.tags.empty()) elems_.erase(it);
  }
  [[nodiscard]] bool contains(const Value& v) const { return elems_.contains(set_key(v)); }
  // The tags a local remove of `v` must name (empty: not in the set).
  [[nodiscard]] std::vector<Dot> tags(const Value& v) const {
    auto it = elems_.find(set_key(v));
    return it == elems_.end() ? std::vector<Dot>{} : it->second.tags;
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
      for (const Dot& d : elem.tags) f.dot(d);
    }
  }

  void set_capture(bool on) { change_.set_capture(on); }
  [[nodiscard]] std::optional<ViewChange::Change> take_change() { return change_.take(values()); }

 private:
  struct Elem {
    Value value;
    std::vector<Dot> tags;  // the adds not yet removed, sorted
  };
  void capture() {
    change_.before_change([&] { return values(); });
  }
  std::map<std::string, Elem> elems_;
  ViewChange change_;
};

}  // namespace weft::detail::doc

#pragma once
// One object of a Doc (internal): its kind, its parent (nested objects) and its
// state, one class per kind.
#include <algorithm>
#include <boost/container/small_vector.hpp>
#include <optional>
#include <span>
#include <string>
#include <variant>

#include "counter_state.hpp"
#include "map_state.hpp"
#include "register_state.hpp"
#include "sequence_state.hpp"
#include "set_state.hpp"

namespace weft::detail::doc {

class Object {
 public:
  using State = std::variant<MapState, ListState, TextState, CounterState, RegisterState, SetState>;

  Object(ObjectKind kind, std::optional<ObjectId> parent, ReplicaId replica)
      : kind_(kind), parent_(std::move(parent)) {
    switch (kind) {
      case ObjectKind::map:
        state_.emplace<MapState>();
        break;
      case ObjectKind::list:
        state_.emplace<ListState>(replica);
        break;
      case ObjectKind::text:
        state_.emplace<TextState>(replica);
        break;
      case ObjectKind::counter:
        state_.emplace<CounterState>();
        break;
      case ObjectKind::lww_register:
      case ObjectKind::mv_register:
        state_.emplace<RegisterState>(kind == ObjectKind::lww_register);
        break;
      case ObjectKind::set:
        state_.emplace<SetState>();
        break;
    }
  }

  [[nodiscard]] ObjectKind kind() const noexcept { return kind_; }
  [[nodiscard]] const std::optional<ObjectId>& parent() const noexcept { return parent_; }
  template <class S>
  [[nodiscard]] S& as() {
    return std::get<S>(state_);
  }
  template <class S>
  [[nodiscard]] const S& as() const {
    return std::get<S>(state_);
  }
  template <class F>
  decltype(auto) visit(F&& f) {
    return std::visit(std::forward<F>(f), state_);
  }
  template <class F>
  decltype(auto) visit(F&& f) const {
    return std::visit(std::forward<F>(f), state_);
  }
  void set_capture(bool on) {
    capturing_ = on;
    if (!on) authors_.clear();
    visit([&](auto& s) { s.set_capture(on); });
  }
  // While capturing: the replicas whose ops changed this object in the batch.
  void note_author(ReplicaId r) {
    if (std::find(authors_.begin(), authors_.end(), r) == authors_.end()) authors_.push_back(r);
  }
  [[nodiscard]] std::span<const ReplicaId> authors() const noexcept { return authors_; }
  // For an object nested in a map: the key whose write created it.
  [[nodiscard]] const std::string& key_in_parent() const noexcept { return key_in_parent_; }
  void set_key_in_parent(std::string key) { key_in_parent_ = std::move(key); }
  [[nodiscard]] bool capturing() const noexcept { return capturing_; }
  [[nodiscard]] bool empty() const {
    return visit([](const auto& s) { return s.empty(); });
  }
  void digest(Fnv& f) const {
    visit([&](const auto& s) { s.digest(f); });
  }

 private:
  ObjectKind kind_;
  std::optional<ObjectId> parent_;
  bool capturing_ = false;  // its changes are being recorded for this batch's events
  boost::container::small_vector<ReplicaId, 2> authors_;
  std::string key_in_parent_;
  State state_;
};

}  // namespace weft::detail::doc

#pragma once
// One object of a Doc (internal): its kind, its parent (nested objects) and its
// state, one class per kind.
#include <optional>
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
    visit([&](auto& s) { s.set_capture(on); });
  }
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
  State state_;
};

}  // namespace weft::detail::doc

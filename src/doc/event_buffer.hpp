#pragma once
// The events of one batch in one PositionUnit, kept from batch to batch (internal).
//
// An editor's batches are mostly one keystroke: one event with one or two
// delta steps. Building it afresh cost more than the edit itself (the event,
// its delta and its authors are three allocations, and three frees after the
// callbacks). The buffer keeps its events, and their vectors' capacity, for
// the next batch: add() hands back a slot reset to a default ChangeEvent.
#include <cstddef>
#include <span>
#include <utility>
#include <vector>

#include "weft/doc/events.hpp"

namespace weft::detail::doc {

class EventBuffer {
 public:
  // A default ChangeEvent at the end of the batch's events.
  ChangeEvent& add() {
    if (size_ == events_.size()) return events_.emplace_back(), events_[size_++];
    ChangeEvent& e = events_[size_++];
    reset(e);
    return e;
  }
  [[nodiscard]] std::span<ChangeEvent> events() noexcept { return {events_.data(), size_}; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  // Ends the batch. A batch of many events does not pin them all.
  void clear() {
    if (events_.size() > kKept) events_.resize(kKept);
    size_ = 0;
  }

 private:
  static constexpr std::size_t kKept = 16;

  // Every field back to its default, keeping the vectors' capacity. (Assigning
  // a fresh ChangeEvent cost as much as the keystroke it reports.)
  static void reset(ChangeEvent& e) {
    // Checked where the layout is known (libstdc++'s C++11 ABI on x86-64, no debug
    // containers); elsewhere the comment on ChangeEvent's fields stands alone.
#if defined(__GLIBCXX__) && defined(__x86_64__) && _GLIBCXX_USE_CXX11_ABI && \
    !defined(_GLIBCXX_DEBUG)
    static_assert(sizeof(ChangeEvent) == 296,
                  "ChangeEvent changed: reset every field here, then update the size");
#endif
    e.object = ObjectId{};
    e.root = ObjectId{};
    e.path = EventPath{};
    e.authors.clear();
    e.local = false;
    e.origin.clear();
    e.delta.clear();
    e.keys.clear();
    e.counter_delta = 0;
    e.old_values.clear();
    e.new_values.clear();
  }
  std::vector<ChangeEvent> events_;
  std::size_t size_ = 0;  // events_[0, size_) are this batch's
};

}  // namespace weft::detail::doc

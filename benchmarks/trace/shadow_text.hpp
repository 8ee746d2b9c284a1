#pragma once
// ShadowText: one Doc text rebuilt only from the change events an observer
// receives, as an editor's view of the document would be. weft-trace --observe
// keeps one per Doc and compares it with the Doc's own text at the end.
//
// Each ChangeEvent's delta is one pass of retain/insert/erase steps (code
// points) over the whole content; a batch may hold several events for the same
// object, each turning the content the previous one left into the next, so they
// are applied in order. The text is a gap buffer: a step costs the distance the
// gap moves plus its own length, so the shadow never dominates what is measured.
#include <cstddef>
#include <span>
#include <string>

#include "gap_buffer.hpp"
#include "weft/doc/events.hpp"

namespace weft::bench {

class ShadowText {
 public:
  explicit ShadowText(ObjectId id) : id_(std::move(id)) {}

  // The observer's body. Never throws (the Doc would catch it and carry on):
  // an event for another object or a delta that does not fit the content is
  // recorded in failure(), and every later event is ignored.
  void apply(std::span<const ChangeEvent> events);

  [[nodiscard]] std::string to_utf8() const { return text_.to_utf8(); }
  [[nodiscard]] const std::string& failure() const noexcept { return failure_; }
  [[nodiscard]] std::size_t events() const noexcept { return events_; }

 private:
  void apply_delta(std::span<const SequenceDelta> delta);

  ObjectId id_;
  GapBuffer text_;
  std::size_t events_ = 0;
  std::string failure_;
};

}  // namespace weft::bench

#include "shadow_text.hpp"

#include <exception>

namespace weft::bench {

void ShadowText::apply(std::span<const ChangeEvent> events) {
  if (!failure_.empty()) return;
  try {
    for (const ChangeEvent& e : events) {
      if (e.object != id_) {
        failure_ = "observer received an event for another object";
        return;
      }
      ++events_;
      apply_delta(e.delta);
      if (!failure_.empty()) return;
    }
  } catch (const std::exception& ex) {
    failure_ = std::string("observer: ") + ex.what();
  }
}

void ShadowText::apply_delta(std::span<const SequenceDelta> delta) {
  std::size_t pos = 0;  // code points of the new content written so far
  for (const SequenceDelta& step : delta) {
    const std::size_t size = text_.size();
    switch (step.kind) {
      case SequenceDelta::Kind::retain:
        if (step.length > size - pos) {
          failure_ = "delta retains past the end of the shadow text";
          return;
        }
        pos += step.length;
        break;
      case SequenceDelta::Kind::erase:
        if (step.length > size - pos) {
          failure_ = "delta erases past the end of the shadow text";
          return;
        }
        text_.splice(pos, step.length, {});
        break;
      case SequenceDelta::Kind::insert:
        text_.splice(pos, 0, step.text);
        // The step's length and its text must agree, or later positions drift.
        if (text_.size() != size + step.length) {
          failure_ = "delta insert's length differs from its text's code points";
          return;
        }
        pos += step.length;
        break;
    }
  }
}

}  // namespace weft::bench

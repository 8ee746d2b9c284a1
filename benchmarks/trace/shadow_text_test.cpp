// ShadowText on hand-made batches, including what a Doc may send but the small
// traces never make it send: several events for one object in one batch.
// Exits 1 on the first wrong result.
#include <cstdio>
#include <string>
#include <vector>

#include "shadow_text.hpp"

namespace {

using weft::ChangeEvent;
using weft::ObjectId;
using weft::ObjectKind;
using weft::SequenceDelta;
using weft::bench::ShadowText;

const ObjectId kText = ObjectId::named("text", ObjectKind::text);

SequenceDelta step(SequenceDelta::Kind kind, std::uint64_t length, std::string text = {}) {
  SequenceDelta d;
  d.kind = kind;
  d.length = length;
  d.text = std::move(text);
  return d;
}
SequenceDelta retain(std::uint64_t n) {
  return step(SequenceDelta::Kind::retain, n);
}
SequenceDelta erase(std::uint64_t n) {
  return step(SequenceDelta::Kind::erase, n);
}
SequenceDelta insert(std::uint64_t n, std::string text) {
  return step(SequenceDelta::Kind::insert, n, std::move(text));
}

ChangeEvent event(std::vector<SequenceDelta> delta, ObjectId id = kText) {
  ChangeEvent e;
  e.object = std::move(id);
  e.delta = std::move(delta);
  return e;
}

int failures = 0;

void expect(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "shadow_text_test: FAILED: %s\n", what);
    ++failures;
  }
}

}  // namespace

int main() {
  {
    // Two events in one batch: the second is a pass over what the first left.
    ShadowText s(kText);
    const std::vector<ChangeEvent> batch{
        event({insert(6, "h\xC3\xA9llo!")}),                                // "héllo!"
        event({retain(1), erase(1), insert(1, "e"), retain(3), erase(1)}),  // "hello"
    };
    s.apply(batch);
    expect(s.failure().empty(), "two events in one batch apply cleanly");
    expect(s.to_utf8() == "hello", "two events in one batch give \"hello\"");
    expect(s.events() == 2, "both events counted");
    // A later batch with a non-BMP character, counted as one code point.
    const std::vector<ChangeEvent> next{event({retain(5), insert(2, " \xF0\x9D\x84\x9E")})};
    s.apply(next);
    expect(s.failure().empty() && s.to_utf8() == "hello \xF0\x9D\x84\x9E", "insert at the end");
  }
  {
    ShadowText s(kText);
    const std::vector<ChangeEvent> batch{event({insert(2, "ab")}), event({retain(3)})};
    s.apply(batch);
    expect(!s.failure().empty(), "a retain past the end fails");
  }
  {
    ShadowText s(kText);
    const std::vector<ChangeEvent> batch{event({insert(2, "ab")}), event({retain(1), erase(2)})};
    s.apply(batch);
    expect(!s.failure().empty(), "an erase past the end fails");
  }
  {
    ShadowText s(kText);
    const std::vector<ChangeEvent> batch{event({insert(3, "ab")})};
    s.apply(batch);
    expect(!s.failure().empty(), "an insert whose length is not its text's fails");
  }
  {
    ShadowText s(kText);
    const std::vector<ChangeEvent> batch{
        event({insert(1, "x")}, ObjectId::named("other", ObjectKind::text))};
    s.apply(batch);
    expect(!s.failure().empty(), "an event for another object fails");
  }
  if (failures == 0) std::puts("shadow_text_test: all passed");
  return failures == 0 ? 0 : 1;
}

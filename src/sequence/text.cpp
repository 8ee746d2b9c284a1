// Text: UTF-8 validation and measuring around the shared sequence engine.
#include "weft/types/text.hpp"

#include <stdexcept>
#include <vector>

#include "weft/core/detail/fnv.hpp"
#include "weft/encoding/utf8.hpp"

namespace weft {

template class detail::seq::Engine<detail::seq::TextStore>;

Text::Text(ReplicaId replica) : engine_(replica) {}

OpRange Text::insert(std::size_t pos, std::string_view utf8, PositionUnit unit) {
  // One ASCII character (a keystroke): valid, one code point, one UTF-16 unit.
  if (utf8.size() == 1 && static_cast<unsigned char>(utf8[0]) < 0x80) {
    return engine_.insert(static_cast<unsigned>(unit), pos, utf8.data(), 1, 1, 1);
  }
  if (!is_valid_utf8(utf8)) throw std::invalid_argument("weft::Text::insert: invalid UTF-8");
  if (utf8.size() > 0x7FFFFFFFu) throw std::length_error("weft::Text::insert: text too long");
  const Utf8Size n = measure_utf8(utf8);
  return engine_.insert(
      static_cast<unsigned>(unit), pos, utf8.data(), static_cast<std::uint32_t>(utf8.size()),
      static_cast<std::uint32_t>(n.code_points), static_cast<std::uint32_t>(n.utf16));
}

OpRange Text::erase(std::size_t pos, std::size_t count, PositionUnit unit) {
  return engine_.erase(static_cast<unsigned>(unit), pos, count);
}

std::string Text::to_string() const {
  std::string out;
  out.reserve(engine_.size(2));
  engine_.for_each_visible([&](const std::vector<char>& arena, std::uint32_t off,
                               std::uint32_t units) { out.append(arena.data() + off, units); });
  return out;
}

std::size_t Text::size(PositionUnit unit) const {
  return static_cast<std::size_t>(engine_.size(static_cast<unsigned>(unit)));
}
const VersionVector& Text::version() const {
  return engine_.version();
}
ReplicaId Text::replica() const {
  return engine_.replica();
}
Bytes Text::encode() const {
  return engine_.encode_since({});
}
VersionVector Text::state_vector() const {
  return engine_.version();
}
Bytes Text::encode_update_since(const VersionVector& since) const {
  return engine_.encode_since(since);
}

result<UpdateStatus> Text::apply_update(std::span<const std::uint8_t> update) {
  return engine_.apply_encoded(update);
}

std::uint64_t Text::digest() const {
  detail::Fnv f;
  f.str(to_string());
  return f.h;
}

result<Text> Text::decode(std::span<const std::uint8_t> bytes, ReplicaId replica) {
  if (replica.is_nil()) return errc::invalid_value;
  Text t(replica);
  auto r = t.apply_update(bytes);
  if (!r) return r.error();
  return t;
}

Anchor Text::anchor_at(std::size_t pos, PositionUnit unit, Bias bias) const {
  return engine_.anchor_at(static_cast<unsigned>(unit), pos, bias);
}

result<std::size_t> Text::resolve(const Anchor& anchor, PositionUnit unit) const {
  auto r = engine_.resolve(anchor, static_cast<unsigned>(unit));
  if (!r) return r.error();
  return static_cast<std::size_t>(*r);
}

void Text::gc() {
  engine_.gc();
}
std::size_t Text::memory_bytes() const {
  return engine_.memory_bytes();
}
std::uint64_t Text::pending_count() const {
  return engine_.pending_dots();
}
void Text::check_invariants() const {
  engine_.check_invariants();
}

}  // namespace weft

#include "presence_state.hpp"

#include "weft/encoding/reader.hpp"
#include "weft/encoding/utf8.hpp"

namespace weft::peer {
namespace {

constexpr std::uint8_t kVersion = 1;

std::string_view cut_name(std::string_view name) {
  if (name.size() <= kMaxPresenceName) return name;
  std::size_t end = kMaxPresenceName;
  // Step back over continuation bytes so the cut keeps whole characters.
  while (end > 0 && (static_cast<unsigned char>(name[end]) & 0xC0) == 0x80) --end;
  return name.substr(0, end);
}

}  // namespace

Bytes encode_presence(const PresenceState& state) {
  Writer w;
  w.u8(kVersion);
  w.string(cut_name(state.name));
  w.u8(static_cast<std::uint8_t>(state.colour % kPresenceColours));
  if (!state.cursor_anchor.empty()) {
    w.u8(2);
    w.bytes(state.cursor_anchor);
  } else if (state.cursor) {
    w.u8(1);
    w.varint(*state.cursor);
  } else {
    w.u8(0);
  }
  return std::move(w).take();
}

result<PresenceState> decode_presence(std::span<const std::uint8_t> bytes) {
  Reader r(bytes);
  PresenceState state;
  auto version = r.u8();
  if (!version) return version.error();
  if (*version != kVersion) return make_error_code(errc::unsupported_version);
  auto name = r.string();
  if (!name) return name.error();
  if (name->size() > kMaxPresenceName || !is_valid_utf8(*name)) {
    return make_error_code(errc::invalid_value);
  }
  state.name = std::move(*name);
  auto colour = r.u8();
  if (!colour) return colour.error();
  if (*colour >= kPresenceColours) return make_error_code(errc::invalid_value);
  state.colour = *colour;
  auto kind = r.u8();
  if (!kind) return kind.error();
  if (*kind == 1) {
    auto pos = r.varint();
    if (!pos) return pos.error();
    state.cursor = *pos;
  } else if (*kind == 2) {
    auto anchor = r.bytes();
    if (!anchor) return anchor.error();
    state.cursor_anchor.assign(anchor->begin(), anchor->end());
  } else if (*kind != 0) {
    return make_error_code(errc::invalid_value);
  }
  return state;
}

std::uint8_t colour_for(std::uint64_t replica) noexcept {
  return static_cast<std::uint8_t>((replica * 0x9E3779B97F4A7C15ull) >> 61);
}

}  // namespace weft::peer

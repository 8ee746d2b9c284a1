#pragma once
// The presence state weft-peer and collab_edit publish: who is editing, in which
// colour, and where their cursor is. It travels as opaque bytes through
// weft::Presence, so remote bytes are untrusted: decode() validates everything.
//
// Wire format (version 1): u8 version, string name (<= 64 bytes UTF-8),
// u8 colour (0..7), u8 cursor kind (0 none, 1 code-point position, 2 anchor),
// then for 1 a varint position, for 2 the anchor's bytes (length-prefixed).
// Decoders ignore trailing bytes so later versions can append fields.
#include <cstdint>
#include <optional>
#include <string>

#include "weft/encoding/error.hpp"
#include "weft/encoding/writer.hpp"

namespace weft::peer {

inline constexpr std::size_t kMaxPresenceName = 64;
inline constexpr std::uint8_t kPresenceColours = 8;

struct PresenceState {
  std::string name;
  std::uint8_t colour = 0;
  // Where the cursor is: an encoded weft::Anchor (what collab_edit sends: it
  // survives concurrent edits), or a plain code-point position (for tools that
  // have no document position to anchor).
  std::optional<std::uint64_t> cursor;
  Bytes cursor_anchor;
  friend bool operator==(const PresenceState&, const PresenceState&) = default;
};

// Names longer than kMaxPresenceName are cut (at a UTF-8 boundary).
[[nodiscard]] Bytes encode_presence(const PresenceState& state);
// Errors: truncated input, bad version, invalid UTF-8, colour out of range.
[[nodiscard]] result<PresenceState> decode_presence(std::span<const std::uint8_t> bytes);

// A colour for a replica, stable across processes: the same replica shows in
// the same colour on every screen.
[[nodiscard]] std::uint8_t colour_for(std::uint64_t replica) noexcept;

}  // namespace weft::peer

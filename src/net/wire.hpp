#pragma once
// weft::net's own frames (docs/network.md, "Wire format"). Every frame is one
// type byte followed by its payload; TCP prefixes each frame with its 4-byte
// big-endian length, WebSocket carries each frame as one binary message.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "weft/encoding/error.hpp"

namespace weft::net::detail {

inline constexpr std::uint8_t kFrameData = 0x01;    // payload = one application message
inline constexpr std::uint8_t kFramePing = 0x02;    // empty; heartbeat, never shown to the handler
inline constexpr std::uint8_t kFrameHello = 0x10;   // connector -> acceptor, first frame
inline constexpr std::uint8_t kFrameAccept = 0x11;  // acceptor -> connector
inline constexpr std::uint8_t kFrameRefuse = 0x12;  // acceptor -> connector, then close

inline constexpr std::array<std::uint8_t, 4> kMagic{'W', 'E', 'F', 'T'};
inline constexpr std::uint8_t kVersion = 1;
inline constexpr std::size_t kMaxToken = 4096;
inline constexpr std::size_t kMaxReason = 256;
// The largest frame read before authentication: a hello with the longest token.
inline constexpr std::size_t kHandshakeFrameMax = 1 + kMagic.size() + 1 + 2 + kMaxToken;

// HELLO = type, magic, version, u16 big-endian token length, token bytes.
[[nodiscard]] std::vector<std::uint8_t> encode_hello(std::string_view token);
// The token of a HELLO frame; net_errc::bad_handshake for anything else.
[[nodiscard]] result<std::string> decode_hello(std::span<const std::uint8_t> frame);

// ACCEPT = type, magic, version. REFUSE = type, reason (printable ASCII, <= kMaxReason).
[[nodiscard]] std::vector<std::uint8_t> encode_accept();
[[nodiscard]] std::vector<std::uint8_t> encode_refuse(std::string_view reason);

struct Reply {
  bool accepted = false;
  std::string reason;  // REFUSE only
};
// The acceptor's answer; net_errc::bad_handshake for anything else.
[[nodiscard]] result<Reply> decode_reply(std::span<const std::uint8_t> frame);

// Keeps printable ASCII, replaces the rest by '?', cuts at kMaxReason: a reason is
// shown to users and logged, so a hostile acceptor must not inject control bytes.
[[nodiscard]] std::string sanitize_reason(std::string_view reason);

}  // namespace weft::net::detail

#include "wire.hpp"

#include <algorithm>

#include "weft/net/net_transport.hpp"

namespace weft::net::detail {
namespace {

bool has_magic_and_version(std::span<const std::uint8_t> frame) {
  return frame.size() >= 1 + kMagic.size() + 1 &&
         std::equal(kMagic.begin(), kMagic.end(), frame.begin() + 1) &&
         frame[1 + kMagic.size()] == kVersion;
}

}  // namespace

std::vector<std::uint8_t> encode_hello(std::string_view token) {
  const std::size_t n = std::min(token.size(), kMaxToken);
  std::vector<std::uint8_t> out;
  out.reserve(1 + kMagic.size() + 1 + 2 + n);
  out.push_back(kFrameHello);
  out.insert(out.end(), kMagic.begin(), kMagic.end());
  out.push_back(kVersion);
  out.push_back(static_cast<std::uint8_t>(n >> 8));
  out.push_back(static_cast<std::uint8_t>(n & 0xff));
  out.insert(out.end(), token.begin(), token.begin() + static_cast<std::ptrdiff_t>(n));
  return out;
}

result<std::string> decode_hello(std::span<const std::uint8_t> frame) {
  constexpr std::size_t head = 1 + kMagic.size() + 1 + 2;
  if (frame.size() < head || frame[0] != kFrameHello || !has_magic_and_version(frame)) {
    return net_errc::bad_handshake;
  }
  const std::size_t n = (std::size_t{frame[head - 2]} << 8) | frame[head - 1];
  if (n > kMaxToken || frame.size() != head + n) return net_errc::bad_handshake;
  return std::string(frame.begin() + head, frame.end());
}

std::vector<std::uint8_t> encode_accept() {
  // Sized up front: gcc 12 warns (falsely) about insert() after a one-element init list.
  std::vector<std::uint8_t> out(1 + kMagic.size() + 1);
  out[0] = kFrameAccept;
  std::copy(kMagic.begin(), kMagic.end(), out.begin() + 1);
  out.back() = kVersion;
  return out;
}

std::vector<std::uint8_t> encode_refuse(std::string_view reason) {
  const std::string clean = sanitize_reason(reason);
  std::vector<std::uint8_t> out(1 + clean.size());
  out[0] = kFrameRefuse;
  std::copy(clean.begin(), clean.end(), out.begin() + 1);
  return out;
}

result<Reply> decode_reply(std::span<const std::uint8_t> frame) {
  if (frame.empty()) return net_errc::bad_handshake;
  if (frame[0] == kFrameAccept) {
    if (frame.size() != 1 + kMagic.size() + 1 || !has_magic_and_version(frame)) {
      return net_errc::bad_handshake;
    }
    return Reply{true, {}};
  }
  if (frame[0] == kFrameRefuse && frame.size() <= 1 + kMaxReason) {
    const auto* p = reinterpret_cast<const char*>(frame.data() + 1);
    return Reply{false, sanitize_reason(std::string_view(p, frame.size() - 1))};
  }
  return net_errc::bad_handshake;
}

std::string sanitize_reason(std::string_view reason) {
  std::string out(reason.substr(0, kMaxReason));
  for (char& c : out) {
    if (c < 0x20 || c > 0x7e) c = '?';
  }
  return out;
}

}  // namespace weft::net::detail

// Endpoint URLs and the net_errc category.
#include <charconv>

#include "weft/net/net_transport.hpp"

namespace weft::net {
namespace {

class NetCategory final : public boost::system::error_category {
 public:
  [[nodiscard]] const char* name() const noexcept override { return "weft.net"; }
  [[nodiscard]] std::string message(int code) const override {
    switch (static_cast<net_errc>(code)) {
      case net_errc::invalid_endpoint:
        return "invalid endpoint URL";
      case net_errc::handshake_timeout:
        return "connection handshake timed out";
      case net_errc::idle_timeout:
        return "peer idle for too long (no frame received)";
      case net_errc::write_timeout:
        return "peer stopped reading (write timed out)";
      case net_errc::frame_too_large:
        return "frame larger than the maximum frame size";
      case net_errc::protocol_error:
        return "malformed or unexpected frame";
      case net_errc::bad_handshake:
        return "not a weft handshake (bad magic, version or layout)";
      case net_errc::authentication_failed:
        return "authentication refused";
      case net_errc::not_listening_tls:
        return "TLS listener needs a certificate and a private key";
    }
    return "unknown weft.net error";
  }
};

}  // namespace

const boost::system::error_category& net_category() noexcept {
  static const NetCategory category;
  return category;
}

result<Endpoint> parse_endpoint(std::string_view url) {
  Endpoint ep;
  const auto sep = url.find("://");
  if (sep == std::string_view::npos) return net_errc::invalid_endpoint;
  const std::string_view scheme = url.substr(0, sep);
  std::uint16_t default_port = 0;
  if (scheme == "tcp") {
    ep.protocol = Protocol::tcp;
  } else if (scheme == "tls") {
    ep.protocol = Protocol::tcp;
    ep.tls = true;
  } else if (scheme == "ws") {
    ep.protocol = Protocol::websocket;
    default_port = 80;
  } else if (scheme == "wss") {
    ep.protocol = Protocol::websocket;
    ep.tls = true;
    default_port = 443;
  } else {
    return net_errc::invalid_endpoint;
  }
  std::string_view rest = url.substr(sep + 3);
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    if (ep.protocol != Protocol::websocket) return net_errc::invalid_endpoint;
    ep.path = std::string(rest.substr(slash));
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos || close == 1) return net_errc::invalid_endpoint;
    ep.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return net_errc::invalid_endpoint;
      port_text = after.substr(1);
      if (port_text.empty()) return net_errc::invalid_endpoint;
    }
  } else {
    const auto colon = authority.rfind(':');
    ep.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return net_errc::invalid_endpoint;
    }
    if (ep.host.find(':') != std::string::npos) return net_errc::invalid_endpoint;
  }
  if (ep.host.empty()) return net_errc::invalid_endpoint;
  for (char c : ep.host) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == '/' || c == '@') {
      return net_errc::invalid_endpoint;
    }
  }
  if (port_text.empty()) {
    if (default_port == 0) return net_errc::invalid_endpoint;
    ep.port = default_port;
  } else {
    unsigned value = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || value > 65535) {
      return net_errc::invalid_endpoint;
    }
    ep.port = static_cast<std::uint16_t>(value);
  }
  return ep;
}

std::string to_string(const Endpoint& endpoint) {
  std::string out;
  if (endpoint.protocol == Protocol::tcp) {
    out = endpoint.tls ? "tls://" : "tcp://";
  } else {
    out = endpoint.tls ? "wss://" : "ws://";
  }
  if (endpoint.host.find(':') != std::string::npos) {
    out += '[' + endpoint.host + ']';
  } else {
    out += endpoint.host;
  }
  out += ':' + std::to_string(endpoint.port);
  if (endpoint.protocol == Protocol::websocket) out += endpoint.path.empty() ? "/" : endpoint.path;
  return out;
}

}  // namespace weft::net

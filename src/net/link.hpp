#pragma once
// Link: one connection's byte stream seen as a sequence of frames, hiding which
// of the four stacks (TCP, TLS, WebSocket, WebSocket over TLS) carries it. The
// heavy Beast/SSL templates live in link.cpp only.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "weft/net/net_transport.hpp"

namespace weft::net::detail {

class Link {
 public:
  virtual ~Link() = default;
  // The TCP socket at the bottom: connect/accept into it, close it to abort everything.
  [[nodiscard]] virtual boost::asio::ip::tcp::socket& socket() = 0;
  // TLS and WebSocket handshakes once TCP is up. `endpoint` is what a client dialled.
  virtual boost::asio::awaitable<boost::system::error_code> client_handshake(
      const Endpoint& endpoint, bool verify_peer) = 0;
  virtual boost::asio::awaitable<boost::system::error_code> server_handshake() = 0;
  // Reads one frame (type byte + payload) of at most `max` bytes into `out`. A longer
  // declared length fails with net_errc::frame_too_large before allocating; an empty
  // frame or a text WebSocket message fails with net_errc::protocol_error.
  virtual boost::asio::awaitable<boost::system::error_code> read_frame(
      std::vector<std::uint8_t>& out, std::size_t max) = 0;
  // Writes one frame; at most one write at a time.
  virtual boost::asio::awaitable<boost::system::error_code> write_frame(
      std::span<const std::uint8_t> frame) = 0;
  // Turns Nagle's algorithm off once TCP is up (accepted or dialled), before any
  // handshake byte. weft writes small frames (handshake replies, sync acks, pings)
  // and waits for answers; with Nagle on, a small write behind an unacknowledged
  // one waits for the peer's delayed ACK, about 40 ms per round trip.
  void disable_nagle() noexcept {
    boost::system::error_code ignored;  // best effort: a dead socket fails later anyway
    socket().set_option(boost::asio::ip::tcp::no_delay(true), ignored);
  }
  // Closes the socket: every pending operation completes with an error. Idempotent.
  void close() noexcept {
    boost::system::error_code ignored;
    socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    socket().close(ignored);
  }
  // The other side's certificate subject (RFC 2253) if TLS verified one, else "".
  [[nodiscard]] virtual std::string peer_subject() = 0;
};

// `tls_context` is required when endpoint.tls (client or server context by role).
[[nodiscard]] std::unique_ptr<Link> make_link(const boost::asio::any_io_executor& executor,
                                              Protocol protocol, bool tls,
                                              boost::asio::ssl::context* tls_context);

}  // namespace weft::net::detail

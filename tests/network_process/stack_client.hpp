#pragma once
// A hand-driven client of any of NetTransport's four stacks (TCP, TLS, WebSocket,
// WebSocket over TLS): it completes the TCP, TLS and WebSocket handshakes and
// weft's HELLO/ACCEPT like a real peer, then writes a DATA frame as raw bytes, its
// header first and its payload in whatever pieces the test chooses. So a test can
// declare a large frame and stall, or send one slowly, which no real peer does.
// Server certificates are not verified (tests only).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "weft/net/net_transport.hpp"

namespace weft::test {

class StackClient {
 public:
  virtual ~StackClient() = default;
  // Connects to 127.0.0.1:port and completes every handshake, presenting `token`.
  virtual boost::asio::awaitable<boost::system::error_code> open(std::uint16_t port,
                                                                 std::string token) = 0;
  // Writes the header of a DATA frame carrying `payload` bytes, and its type byte.
  virtual boost::asio::awaitable<boost::system::error_code> begin_data(std::uint32_t payload) = 0;
  // Writes bytes of the payload begun (WebSocket: masked with a zero key, so as is).
  virtual boost::asio::awaitable<boost::system::error_code> write_payload(
      std::span<const std::uint8_t> bytes) = 0;
};

[[nodiscard]] std::unique_ptr<StackClient> make_stack_client(
    const boost::asio::any_io_executor& executor, weft::net::Protocol protocol, bool tls);

}  // namespace weft::test

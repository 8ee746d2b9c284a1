// The four stacks of StackClient. Frames are written from docs/network.md and
// RFC 6455, independently of src/net.
#include "network_process/stack_client.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <type_traits>
#include <vector>

namespace weft::test {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace websocket = boost::beast::websocket;
using boost::system::error_code;
using tcp = asio::ip::tcp;
using Bytes = std::vector<std::uint8_t>;

ssl::context& tls_context() {
  static ssl::context context = [] {
    ssl::context c(ssl::context::tls_client);
    c.set_verify_mode(ssl::verify_none);
    return c;
  }();
  return context;
}

// HELLO: type, "WEFT", version 1, u16 big-endian token length, token. Sized up
// front: gcc 12 warns (falsely) about insert() after an initializer list.
Bytes hello(const std::string& token) {
  const std::uint8_t head[] = {0x10,
                               'W',
                               'E',
                               'F',
                               'T',
                               1,
                               static_cast<std::uint8_t>(token.size() >> 8),
                               static_cast<std::uint8_t>(token.size() & 0xff)};
  Bytes out(sizeof head + token.size());
  std::copy(std::begin(head), std::end(head), out.begin());
  std::copy(token.begin(), token.end(), out.begin() + sizeof head);
  return out;
}

const Bytes kAccept{0x11, 'W', 'E', 'F', 'T', 1};

// weft's TCP framing: a 4-byte big-endian length (type byte + payload) in front.
Bytes length_prefix(std::uint32_t n) {
  return {static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
          static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
}

// Sized up front, like hello().
Bytes concat(const Bytes& a, const Bytes& b) {
  Bytes out(a.size() + b.size());
  std::copy(a.begin(), a.end(), out.begin());
  std::copy(b.begin(), b.end(), out.begin() + static_cast<std::ptrdiff_t>(a.size()));
  return out;
}

// A client's binary WebSocket frame header (FIN set) for `n` bytes, masked with a
// zero key: the shortest length encoding, as RFC 6455 requires.
Bytes ws_header(std::uint64_t n) {
  const int length_bytes = n < 126 ? 0 : n < 65536 ? 2 : 8;
  Bytes out(2 + static_cast<std::size_t>(length_bytes) + 4, 0);  // the masking key stays 0
  out[0] = 0x82;
  out[1] = static_cast<std::uint8_t>(0x80 | (length_bytes == 0   ? n
                                             : length_bytes == 2 ? 126
                                                                 : 127));
  for (int i = 0; i < length_bytes; ++i) {
    out[2 + static_cast<std::size_t>(i)] =
        static_cast<std::uint8_t>(n >> (8 * (length_bytes - 1 - i)));
  }
  return out;
}

template <bool Tls, bool Ws>
class Client final : public StackClient {
  using Layer = std::conditional_t<Tls, ssl::stream<tcp::socket>, tcp::socket>;
  using Stream = std::conditional_t<Ws, websocket::stream<Layer>, Layer>;

 public:
  explicit Client(const asio::any_io_executor& ex) : stream_(make(ex)) {}

  asio::awaitable<error_code> open(std::uint16_t port, std::string token) override {
    error_code ec;
    // Named locals, no temporaries inside co_await: gcc 12 mis-destroys some of them.
    const tcp::endpoint to(asio::ip::make_address("127.0.0.1"), port);
    co_await socket().async_connect(to, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return ec;
    if constexpr (Tls) {
      co_await layer().async_handshake(ssl::stream_base::client,
                                       asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return ec;
    }
    const Bytes greeting = hello(token);
    if constexpr (Ws) {
      const std::string host = "127.0.0.1:" + std::to_string(port);
      const std::string target = "/";
      co_await stream_.async_handshake(host, target, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return ec;
      stream_.binary(true);
      co_await stream_.async_write(asio::buffer(greeting),
                                   asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return ec;
      boost::beast::flat_buffer reply;
      co_await stream_.async_read(reply, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return ec;
      const auto* p = static_cast<const std::uint8_t*>(reply.cdata().data());
      if (Bytes(p, p + reply.size()) != kAccept)
        co_return make_error_code(asio::error::access_denied);
    } else {
      const Bytes framed =
          concat(length_prefix(static_cast<std::uint32_t>(greeting.size())), greeting);
      co_await asio::async_write(stream_, asio::buffer(framed),
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return ec;
      Bytes reply(4 + kAccept.size());
      co_await asio::async_read(stream_, asio::buffer(reply),
                                asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return ec;
      if (!std::equal(kAccept.begin(), kAccept.end(), reply.begin() + 4)) {
        co_return make_error_code(asio::error::access_denied);
      }
    }
    co_return ec;
  }

  asio::awaitable<error_code> begin_data(std::uint32_t payload) override {
    const std::uint64_t n = std::uint64_t{payload} + 1;  // the type byte counts
    const Bytes data_type{0x01};
    const Bytes head =
        concat(Ws ? ws_header(n) : length_prefix(static_cast<std::uint32_t>(n)), data_type);
    co_return co_await write_raw(head);
  }

  asio::awaitable<error_code> write_payload(std::span<const std::uint8_t> bytes) override {
    co_return co_await write_raw(bytes);
  }

 private:
  static Stream make(const asio::any_io_executor& ex) {
    if constexpr (Tls) {
      return Stream(tcp::socket(ex), tls_context());
    } else {
      return Stream(tcp::socket(ex));
    }
  }

  Layer& layer() {
    if constexpr (Ws) {
      return stream_.next_layer();
    } else {
      return stream_;
    }
  }

  tcp::socket& socket() {
    if constexpr (Tls) {
      return layer().next_layer();
    } else {
      return layer();
    }
  }

  // Below WebSocket's framing: the test writes frame bytes itself.
  asio::awaitable<error_code> write_raw(std::span<const std::uint8_t> bytes) {
    error_code ec;
    const asio::const_buffer out(bytes.data(), bytes.size());
    co_await asio::async_write(layer(), out, asio::redirect_error(asio::use_awaitable, ec));
    co_return ec;
  }

  Stream stream_;
};

}  // namespace

std::unique_ptr<StackClient> make_stack_client(const asio::any_io_executor& executor,
                                               weft::net::Protocol protocol, bool tls) {
  const bool ws = protocol == weft::net::Protocol::websocket;
  if (ws && tls) return std::make_unique<Client<true, true>>(executor);
  if (ws) return std::make_unique<Client<false, true>>(executor);
  if (tls) return std::make_unique<Client<true, false>>(executor);
  return std::make_unique<Client<false, false>>(executor);
}

}  // namespace weft::test

// The four Link stacks. Errors are returned, never thrown (redirect_error).
#include "link.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/error.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <type_traits>

namespace weft::net::detail {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace websocket = boost::beast::websocket;
using boost::system::error_code;
using tcp = asio::ip::tcp;

template <bool Tls>
using Layer = std::conditional_t<Tls, ssl::stream<tcp::socket>, tcp::socket>;

template <bool Tls>
Layer<Tls> make_layer(const asio::any_io_executor& ex, ssl::context* ctx) {
  if constexpr (Tls) {
    return Layer<Tls>(tcp::socket(ex), *ctx);
  } else {
    return tcp::socket(ex);
  }
}

bool is_ip_literal(const std::string& host) {
  error_code ec;
  (void)asio::ip::make_address(host, ec);
  return !ec;
}

asio::awaitable<error_code> tls_client(ssl::stream<tcp::socket>& s, const Endpoint& ep,
                                       bool verify_peer) {
  const std::string& name = ep.server_name.empty() ? ep.host : ep.server_name;
  error_code ec;
  if (verify_peer) {
    s.set_verify_mode(ssl::verify_peer, ec);
    if (!ec) s.set_verify_callback(ssl::host_name_verification(name), ec);
    if (ec) co_return ec;
  }
  // SNI is for names only (RFC 6066); an IP literal is verified against the SAN.
  if (!is_ip_literal(name)) SSL_set_tlsext_host_name(s.native_handle(), name.c_str());
  co_await s.async_handshake(ssl::stream_base::client,
                             asio::redirect_error(asio::use_awaitable, ec));
  co_return ec;
}

std::string subject_of(SSL* ssl) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (cert == nullptr) return {};
  std::string out;
  if (SSL_get_verify_result(ssl) == X509_V_OK) {
    if (BIO* bio = BIO_new(BIO_s_mem())) {
      if (X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253) >= 0) {
        char* data = nullptr;
        const long n = BIO_get_mem_data(bio, &data);
        if (n > 0 && data != nullptr) out.assign(data, static_cast<std::size_t>(n));
      }
      BIO_free(bio);
    }
  }
  X509_free(cert);
  return out;
}

// How many more bytes of a frame of `declared` bytes to make room for when `have`
// arrived: at least one chunk, then as much as arrived so far (doubling), so the
// buffer is never more than twice the bytes received plus one chunk, and a large
// frame costs a logarithmic number of reallocations.
constexpr std::size_t kReadChunk = std::size_t{64} << 10;
std::size_t read_step(std::size_t have, std::size_t declared) {
  return std::min(declared - have, std::max(have, kReadChunk));
}

template <bool Tls>
class FramedLink final : public Link {
 public:
  FramedLink(const asio::any_io_executor& ex, ssl::context* ctx)
      : stream_(make_layer<Tls>(ex, ctx)) {}

  tcp::socket& socket() override {
    if constexpr (Tls) {
      return stream_.next_layer();
    } else {
      return stream_;
    }
  }

  asio::awaitable<error_code> client_handshake(const Endpoint& ep, bool verify_peer) override {
    if constexpr (Tls) {
      co_return co_await tls_client(stream_, ep, verify_peer);
    } else {
      co_return error_code{};
    }
  }

  asio::awaitable<error_code> server_handshake() override {
    error_code ec;
    if constexpr (Tls) {
      co_await stream_.async_handshake(ssl::stream_base::server,
                                       asio::redirect_error(asio::use_awaitable, ec));
    }
    co_return ec;
  }

  asio::awaitable<error_code> read_frame(std::vector<std::uint8_t>& out, std::size_t max) override {
    std::array<std::uint8_t, 4> head{};
    error_code ec;
    co_await asio::async_read(stream_, asio::buffer(head),
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return ec;
    const std::size_t n = (std::size_t{head[0]} << 24) | (std::size_t{head[1]} << 16) |
                          (std::size_t{head[2]} << 8) | std::size_t{head[3]};
    if (n == 0) co_return make_error_code(net_errc::protocol_error);
    if (n > max) co_return make_error_code(net_errc::frame_too_large);
    // The buffer grows with the bytes that arrive, never with the length the peer
    // declared: a peer that sends a header and stalls pins one step, not n bytes.
    out.clear();
    while (out.size() < n) {
      const std::size_t have = out.size();
      const std::size_t step = read_step(have, n);
      out.resize(have + step);
      const asio::mutable_buffer into(out.data() + have, step);
      co_await asio::async_read(stream_, into, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return ec;
    }
    co_return ec;
  }

  asio::awaitable<error_code> write_frame(std::span<const std::uint8_t> frame) override {
    const auto n = static_cast<std::uint32_t>(frame.size());
    const std::array<std::uint8_t, 4> head{
        static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
        static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(head),
                                                    asio::buffer(frame.data(), frame.size())};
    error_code ec;
    co_await asio::async_write(stream_, buffers, asio::redirect_error(asio::use_awaitable, ec));
    co_return ec;
  }

  std::string peer_subject() override {
    if constexpr (Tls) {
      return subject_of(stream_.native_handle());
    } else {
      return {};
    }
  }

 private:
  Layer<Tls> stream_;
};

template <bool Tls>
class WsLink final : public Link {
 public:
  WsLink(const asio::any_io_executor& ex, ssl::context* ctx) : ws_(make_layer<Tls>(ex, ctx)) {
    ws_.binary(true);
    ws_.auto_fragment(false);
    ws_.read_message_max(0);  // read_frame enforces the limit itself
  }

  tcp::socket& socket() override {
    if constexpr (Tls) {
      return ws_.next_layer().next_layer();
    } else {
      return ws_.next_layer();
    }
  }

  asio::awaitable<error_code> client_handshake(const Endpoint& ep, bool verify_peer) override {
    error_code ec;
    if constexpr (Tls) {
      ec = co_await tls_client(ws_.next_layer(), ep, verify_peer);
      if (ec) co_return ec;
    }
    // Named locals, no temporaries inside co_await: gcc 12 mis-destroys some of them.
    std::string host;
    if (ep.host.find(':') != std::string::npos) {
      host = "[" + ep.host + "]";
    } else {
      host = ep.host;
    }
    host += ":" + std::to_string(ep.port);
    std::string target = "/";
    if (!ep.path.empty()) target = ep.path;
    co_await ws_.async_handshake(host, target, asio::redirect_error(asio::use_awaitable, ec));
    co_return ec;
  }

  asio::awaitable<error_code> server_handshake() override {
    error_code ec;
    if constexpr (Tls) {
      co_await ws_.next_layer().async_handshake(ssl::stream_base::server,
                                                asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return ec;
    }
    co_await ws_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    co_return ec;
  }

  asio::awaitable<error_code> read_frame(std::vector<std::uint8_t>& out, std::size_t max) override {
    // The bound is enforced here, not with read_message_max: Beast fails an oversize
    // message by a close handshake whose TLS teardown error would hide the cause.
    // Beast sizes each read by the bytes the frame has left, clamped to our limit, and
    // flat_buffer grows to at most twice what it holds: so, as on TCP, the buffer
    // grows with the bytes that arrive (<= 2 x received + one chunk), whatever length a
    // frame header declares. Beast's own read buffer is a fixed 1.5 KiB, and the HTTP
    // upgrade is parsed with its default 8 KiB header limit.
    constexpr std::size_t kChunk = kReadChunk;
    buffer_.clear();
    error_code ec;
    for (;;) {
      const std::size_t room = max + 1 - std::min(buffer_.size(), max);
      co_await ws_.async_read_some(buffer_, std::min(room, kChunk),
                                   asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return ec;
      if (buffer_.size() > max) co_return make_error_code(net_errc::frame_too_large);
      if (ws_.is_message_done()) break;
    }
    if (!ws_.got_binary() || buffer_.size() == 0) {
      co_return make_error_code(net_errc::protocol_error);
    }
    const auto data = buffer_.cdata();
    const auto* p = static_cast<const std::uint8_t*>(data.data());
    out.assign(p, p + data.size());
    buffer_.clear();
    if (buffer_.capacity() > (std::size_t{64} << 10)) buffer_.shrink_to_fit();
    co_return ec;
  }

  asio::awaitable<error_code> write_frame(std::span<const std::uint8_t> frame) override {
    error_code ec;
    co_await ws_.async_write(asio::buffer(frame.data(), frame.size()),
                             asio::redirect_error(asio::use_awaitable, ec));
    co_return ec;
  }

  std::string peer_subject() override {
    if constexpr (Tls) {
      return subject_of(ws_.next_layer().native_handle());
    } else {
      return {};
    }
  }

 private:
  websocket::stream<Layer<Tls>> ws_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace

std::unique_ptr<Link> make_link(const asio::any_io_executor& executor, Protocol protocol, bool tls,
                                ssl::context* tls_context) {
  if (protocol == Protocol::tcp) {
    if (tls) return std::make_unique<FramedLink<true>>(executor, tls_context);
    return std::make_unique<FramedLink<false>>(executor, tls_context);
  }
  if (tls) return std::make_unique<WsLink<true>>(executor, tls_context);
  return std::make_unique<WsLink<false>>(executor, tls_context);
}

}  // namespace weft::net::detail

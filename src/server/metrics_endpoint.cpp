#include "server/metrics_endpoint.hpp"

#include <charconv>
#include <chrono>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace weft::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr auto kDeadline = std::chrono::seconds(5);
constexpr std::uint32_t kHeaderLimit = 8 * 1024;

// One scrape: read a request, write the answer, close.
class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(tcp::socket socket, std::function<std::string()> render)
      : stream_(std::move(socket)), render_(std::move(render)) {
    parser_.header_limit(kHeaderLimit);
    parser_.body_limit(0);  // a scrape has no body
  }

  void start() {
    stream_.expires_after(kDeadline);
    http::async_read(stream_, buffer_, parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (!ec) self->answer();
                     });
  }

 private:
  void answer() {
    const auto& request = parser_.get();
    response_.version(request.version());
    response_.keep_alive(false);
    if (request.method() != http::verb::get && request.method() != http::verb::head) {
      response_.result(http::status::method_not_allowed);
      response_.set(http::field::allow, "GET, HEAD");
    } else if (request.target() != "/metrics") {
      response_.result(http::status::not_found);
      response_.body() = "not found: try /metrics\n";
    } else {
      response_.result(http::status::ok);
      response_.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      response_.body() = render_();
    }
    response_.prepare_payload();
    if (request.method() == http::verb::head) response_.body().clear();
    http::async_write(stream_, response_,
                      [self = shared_from_this()](beast::error_code, std::size_t) {
                        beast::error_code ignored;
                        self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
                      });
  }

  beast::tcp_stream stream_;
  std::function<std::string()> render_;
  beast::flat_buffer buffer_;
  http::request_parser<http::empty_body> parser_;
  http::response<http::string_body> response_;
};

result<tcp::endpoint> parse_address(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) return errc::invalid_value;
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) host = "0.0.0.0";
  std::uint16_t port = 0;
  const char* begin = address.data() + colon + 1;
  const char* end = address.data() + address.size();
  auto [ptr, ec] = std::from_chars(begin, end, port);
  if (begin == end || ec != std::errc{} || ptr != end) return errc::invalid_value;
  boost::system::error_code bad;
  const auto ip = asio::ip::make_address(host, bad);
  if (bad) return errc::invalid_value;
  return tcp::endpoint(ip, port);
}

}  // namespace

struct MetricsEndpoint::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& io, std::function<std::string()> renderer)
      : acceptor(io), render(std::move(renderer)) {}

  void accept() {
    acceptor.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
      if (!self->acceptor.is_open()) return;
      if (!ec) std::make_shared<Exchange>(std::move(socket), self->render)->start();
      self->accept();
    });
  }

  tcp::acceptor acceptor;
  std::function<std::string()> render;
};

MetricsEndpoint::MetricsEndpoint(asio::io_context& io, std::function<std::string()> render)
    : impl_(std::make_shared<Impl>(io, std::move(render))) {}

MetricsEndpoint::~MetricsEndpoint() {
  close();
}

result<std::uint16_t> MetricsEndpoint::listen(const std::string& address) {
  auto where = parse_address(address);
  if (!where) return where.error();
  boost::system::error_code ec;
  auto& acceptor = impl_->acceptor;
  if (acceptor.open(where->protocol(), ec)) return ec;
  if (acceptor.set_option(asio::socket_base::reuse_address(true), ec)) return ec;
  if (acceptor.bind(*where, ec)) return ec;
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec)) return ec;
  const auto port = acceptor.local_endpoint(ec).port();
  if (ec) return ec;
  impl_->accept();
  return port;
}

void MetricsEndpoint::close() {
  boost::system::error_code ignored;
  impl_->acceptor.close(ignored);
}

}  // namespace weft::server

#pragma once
// MetricsEndpoint: plain HTTP/1.1 on one address, answering `GET /metrics` with
// what a render callback returns (Prometheus text format, see metrics_registry.hpp).
//
// One request per connection (the answer carries `Connection: close`), a 5 s
// deadline per connection and an 8 KiB header limit, so a slow or hostile scraper
// costs one socket for at most that long. Other paths get 404, other methods 405.
// No TLS and no authentication: bind it to a private address.
// Runs on the io_context it is given; not thread-safe (call it on that thread).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "weft/encoding/error.hpp"

namespace weft::server {

class MetricsEndpoint {
 public:
  MetricsEndpoint(boost::asio::io_context& io, std::function<std::string()> render);
  ~MetricsEndpoint();  // stops accepting; connections in flight end with their deadline
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  // Binds "HOST:PORT" (an IP address; port 0 = any free port) and starts accepting.
  // Returns the bound port. Errors: errc::invalid_value for a malformed address, or the
  // bind/listen error.
  result<std::uint16_t> listen(const std::string& address);
  // Stops accepting.
  void close();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace weft::server

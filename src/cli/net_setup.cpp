#include "cli/net_setup.hpp"

namespace weft::cli {

net::TlsOptions tls_options(std::string ca_file, std::string certificate_file,
                            std::string private_key_file, bool require_client_certificate) {
  net::TlsOptions tls;
  tls.ca_file = std::move(ca_file);
  tls.certificate_file = std::move(certificate_file);
  tls.private_key_file = std::move(private_key_file);
  tls.require_client_certificate = require_client_certificate;
  return tls;
}

PeerLimits peer_limits(std::optional<std::uint64_t> messages_per_s,
                       std::optional<std::uint64_t> bytes_per_s,
                       std::optional<std::uint64_t> snapshot_interval_ms) {
  PeerLimits limits;
  if (messages_per_s) limits.messages_per_second = static_cast<double>(*messages_per_s);
  if (bytes_per_s) limits.bytes_per_second = static_cast<double>(*bytes_per_s);
  if (snapshot_interval_ms) limits.snapshot_interval_ms = *snapshot_interval_ms;
  return limits;
}

result<std::vector<std::string>> listen_all(net::NetTransport& transport,
                                            const std::vector<std::string>& urls,
                                            std::string& error) {
  std::vector<net::Endpoint> endpoints;
  for (const auto& url : urls) {
    auto endpoint = net::parse_endpoint(url);
    if (!endpoint) {
      error = "bad --listen URL '" + url + "': " + endpoint.error().message();
      return endpoint.error();
    }
    endpoints.push_back(std::move(*endpoint));
  }
  std::vector<std::string> bound;
  for (auto& endpoint : endpoints) {
    auto port = transport.listen(endpoint);
    if (!port) {
      error = "cannot listen on " + net::to_string(endpoint) + ": " + port.error().message();
      transport.close();
      return port.error();
    }
    endpoint.port = *port;
    bound.push_back(net::to_string(endpoint));
  }
  return bound;
}

}  // namespace weft::cli

// Temporary stub so that dependents compile against the header; replaced next.
#include "weft/net/net_transport.hpp"

#include <boost/asio/io_context.hpp>

namespace weft::net {
namespace {
class NetCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "weft.net"; }
  std::string message(int) const override { return "weft.net error"; }
};
}  // namespace
const boost::system::error_category& net_category() noexcept {
  static const NetCategory c;
  return c;
}
result<Endpoint> parse_endpoint(std::string_view) {
  return net_errc::invalid_endpoint;
}
std::string to_string(const Endpoint&) {
  return {};
}
struct NetTransport::Impl {};
NetTransport::NetTransport(boost::asio::io_context&, NetOptions) {}
NetTransport::~NetTransport() = default;
result<std::uint16_t> NetTransport::listen(const Endpoint&) {
  return transport_errc::closed;
}
void NetTransport::connect(const Endpoint&) {}
std::optional<PeerInfo> NetTransport::peer_info(PeerId) const {
  return std::nullopt;
}
std::size_t NetTransport::queued_bytes(PeerId) const {
  return 0;
}
void NetTransport::close() {}
result<void> NetTransport::send(PeerId, std::span<const std::uint8_t>) {
  return transport_errc::not_connected;
}
void NetTransport::disconnect(PeerId) {}
std::vector<PeerId> NetTransport::peers() const {
  return {};
}
}  // namespace weft::net

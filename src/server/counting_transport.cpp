#include "server/counting_transport.hpp"

namespace weft::server {

CountingTransport::CountingTransport(Transport& inner) : inner_(inner) {
  inner_.set_handler(this);
}

CountingTransport::~CountingTransport() {
  inner_.set_handler(nullptr);
}

result<void> CountingTransport::send(PeerId peer, std::span<const std::uint8_t> message) {
  auto sent = inner_.send(peer, message);
  if (sent) {
    ++counts_.messages_out;
    counts_.bytes_out += message.size();
  }
  return sent;
}

void CountingTransport::on_connected(PeerId peer) {
  if (auto* h = handler()) h->on_connected(peer);
}

void CountingTransport::on_message(PeerId peer, std::span<const std::uint8_t> message) {
  ++counts_.messages_in;
  counts_.bytes_in += message.size();
  if (auto* h = handler()) h->on_message(peer, message);
}

void CountingTransport::on_disconnected(PeerId peer, boost::system::error_code reason) {
  if (auto* h = handler()) h->on_disconnected(peer, reason);
}

}  // namespace weft::server

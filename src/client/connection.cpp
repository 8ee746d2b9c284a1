#include "client/connection.hpp"

#include <chrono>

namespace weft::net::client {

namespace {
// The transport's handshake timeout covers a dial; this catches a dial that ends
// without either callback, so the client can never wait forever on one URL.
constexpr std::uint32_t kWatchdogMarginMs = 1'000;
}  // namespace

Connection::Connection(boost::asio::io_context& io, const Endpoint& where, NetOptions net,
                       const SyncOptions& sync, const std::string& document, SyncDocument& doc,
                       ConnectionEvents events)
    : document_(document), events_(std::move(events)), watchdog_(io) {
  net.reconnect.enabled = false;
  const std::uint32_t handshake_ms = net.handshake_timeout_ms;
  net_ = std::make_unique<NetTransport>(io, std::move(net));
  host_ = std::make_unique<SyncHost>(*net_, sync);
  host_->add_document(document_, doc);
  host_->on_event = [this](PeerId, const SyncEvent& event) {
    if (events_.sync_event) events_.sync_event(event);
  };
  // The host installed itself as the handler; we stand in front of it to see the
  // connection's lifecycle, and forward everything.
  net_->set_handler(this);
  net_->on_refused = [this](const Endpoint&, std::string_view reason) { refusal_ = reason; };
  net_->on_connect_failed = [this](const Endpoint&, boost::system::error_code ec) { end(ec); };
  watchdog_.expires_after(std::chrono::milliseconds(handshake_ms + kWatchdogMarginMs));
  watchdog_.async_wait([this, alive = std::weak_ptr<int>(alive_)](boost::system::error_code ec) {
    if (alive.expired() || ec || connected_) return;
    end(make_error_code(net_errc::handshake_timeout));
  });
  net_->connect(where);
}

Connection::~Connection() {
  watchdog_.cancel();
  host_.reset();
  net_.reset();
}

void Connection::publish(std::span<const std::uint8_t> update) {
  host_->publish(document_, update);
}

void Connection::on_connected(PeerId peer) {
  watchdog_.cancel();
  host_->on_connected(peer);
  if (ended_ || connected_) return;
  connected_ = true;
  if (events_.connected) events_.connected();
}

void Connection::on_message(PeerId peer, std::span<const std::uint8_t> message) {
  host_->on_message(peer, message);
}

void Connection::on_disconnected(PeerId peer, boost::system::error_code reason) {
  host_->on_disconnected(peer, reason);
  end(reason);
}

void Connection::end(boost::system::error_code ec) {
  if (ended_) return;
  ended_ = true;
  watchdog_.cancel();
  if (events_.ended) events_.ended(ec, refusal_);
}

}  // namespace weft::net::client

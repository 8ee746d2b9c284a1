#pragma once
// Connection: one dial of one URL by a SyncClient. A NetTransport with reconnect off
// (the client chooses the next URL itself) and a SyncHost hosting the one document.
// It reports `connected` at most once, then `ended` exactly once: a failed dial
// (connect, TLS, WebSocket, token refused, or no answer within the handshake
// timeout plus a margin) or the end of the connection. The owner must not destroy
// the Connection from inside these callbacks (the transport is still on the stack):
// post the teardown.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "weft/net/net_transport.hpp"
#include "weft/sync/sync_host.hpp"

namespace weft::net::client {

struct ConnectionEvents {
  std::function<void()> connected;
  // The error (empty for an orderly close) and the server's refusal reason, if any.
  std::function<void(boost::system::error_code, const std::string& reason)> ended;
  std::function<void(const SyncEvent&)> sync_event;
};

class Connection final : public TransportHandler {
 public:
  // Dials at once. Throws std::invalid_argument for options NetTransport refuses.
  Connection(boost::asio::io_context& io, const Endpoint& where, NetOptions net,
             const SyncOptions& sync, const std::string& document, SyncDocument& doc,
             ConnectionEvents events);
  ~Connection() override;  // closes; no callbacks after
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  [[nodiscard]] bool connected() const noexcept { return connected_; }
  void tick(std::uint64_t now_ms) { host_->tick(now_ms); }
  void publish(std::span<const std::uint8_t> update);

  void on_connected(PeerId peer) override;
  void on_message(PeerId peer, std::span<const std::uint8_t> message) override;
  void on_disconnected(PeerId peer, boost::system::error_code reason) override;

 private:
  void end(boost::system::error_code ec);

  std::string document_;
  ConnectionEvents events_;
  std::unique_ptr<NetTransport> net_;
  std::unique_ptr<SyncHost> host_;  // destroyed before net_, which it refers to
  boost::asio::steady_timer watchdog_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // expires when this is destroyed
  std::string refusal_;
  bool connected_ = false;
  bool ended_ = false;
};

}  // namespace weft::net::client

#pragma once
// CountingTransport: a Transport that forwards to another and counts the sync
// messages and bytes passing through, both ways, for weft-server's metrics.
//
// It sits between SyncHost and NetTransport: the host is its handler, and it is the
// inner transport's handler. What it counts is the sync protocol's messages as the
// host sends and receives them: transport framing, TLS records, WebSocket headers and
// heartbeats are not included. A send the inner transport refuses is not counted.
// Not thread-safe, like every Transport: use it on the thread driving the inner one.
#include <cstdint>

#include "weft/transport/transport.hpp"

namespace weft::server {

struct TrafficCounts {
  std::uint64_t messages_in = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t messages_out = 0;
  std::uint64_t bytes_out = 0;
};

class CountingTransport final : public Transport, private TransportHandler {
 public:
  // Installs itself as `inner`'s handler; `inner` must outlive it.
  explicit CountingTransport(Transport& inner);
  ~CountingTransport() override;
  CountingTransport(const CountingTransport&) = delete;
  CountingTransport& operator=(const CountingTransport&) = delete;

  [[nodiscard]] const TrafficCounts& counts() const noexcept { return counts_; }

  result<void> send(PeerId peer, std::span<const std::uint8_t> message) override;
  void disconnect(PeerId peer) override { inner_.disconnect(peer); }
  [[nodiscard]] std::vector<PeerId> peers() const override { return inner_.peers(); }

 private:
  void on_connected(PeerId peer) override;
  void on_message(PeerId peer, std::span<const std::uint8_t> message) override;
  void on_disconnected(PeerId peer, boost::system::error_code reason) override;

  Transport& inner_;
  TrafficCounts counts_;
};

}  // namespace weft::server

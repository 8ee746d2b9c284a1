#pragma once
// Transport: the pluggable, message-oriented link between this replica and its peers.
//
// A transport moves opaque byte messages. It knows nothing of CRDTs or of the
// sync protocol: a SyncSession turns documents into messages and back, and any
// Transport carries them (in-memory, TCP, WebSocket, your own).
//
// Contract for implementations (what weft's sync layer relies on):
// - Message boundaries are preserved: each send() is delivered whole or not at all.
// - Delivery may be lost, duplicated, reordered or delayed; sync repairs all of these.
// - Events are delivered to the handler on the thread that drives the transport
//   (for example the one calling SimulatedNetwork::run or io_context::run); the
//   handler must not be invoked re-entrantly from inside send().
// - PeerIds are local handles: assigned by the transport when a peer connects and
//   never reused for another connection while this transport lives.
// - A handler callback must not throw; a transport that calls user code catches
//   and reports instead of unwinding through its own state.
//
// Writing your own: derive from Transport, implement send() / disconnect() /
// peers(), and call handler().on_connected / on_message / on_disconnected as your
// I/O progresses. examples/custom_transport.cpp does it in under 100 lines.
#include <compare>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "weft/encoding/error.hpp"

namespace weft {

// A local handle naming one connected peer of one transport.
struct PeerId {
  std::uint64_t value = 0;
  friend constexpr auto operator<=>(const PeerId&, const PeerId&) noexcept = default;
};

// What a transport reports. Implemented by the sync layer or by the application.
class TransportHandler {
 public:
  virtual ~TransportHandler() = default;
  virtual void on_connected(PeerId peer) = 0;
  virtual void on_message(PeerId peer, std::span<const std::uint8_t> message) = 0;
  // `reason` is empty for an orderly close.
  virtual void on_disconnected(PeerId peer, boost::system::error_code reason) = 0;
};

enum class transport_errc {
  not_connected = 1,  // no such peer, or it has gone away
  message_too_large,  // larger than the transport's maximum message size
  queue_full,         // back-pressure: the peer is not keeping up
  closed,             // the transport was shut down
};
[[nodiscard]] const boost::system::error_category& transport_category() noexcept;
[[nodiscard]] inline boost::system::error_code make_error_code(transport_errc e) noexcept {
  return {static_cast<int>(e), transport_category()};
}

class Transport {
 public:
  virtual ~Transport() = default;

  // Installs the receiver of events; nullptr detaches. Not owned.
  void set_handler(TransportHandler* handler) noexcept { handler_ = handler; }

  // Queues `message` for `peer`. Success means accepted for delivery, not delivered.
  virtual result<void> send(PeerId peer, std::span<const std::uint8_t> message) = 0;
  // Closes the connection to `peer`; on_disconnected follows.
  virtual void disconnect(PeerId peer) = 0;
  // The peers currently connected.
  [[nodiscard]] virtual std::vector<PeerId> peers() const = 0;

 protected:
  [[nodiscard]] TransportHandler* handler() const noexcept { return handler_; }

 private:
  TransportHandler* handler_ = nullptr;
};

}  // namespace weft

template <>
struct boost::system::is_error_code_enum<weft::transport_errc> : std::true_type {};

template <>
struct std::hash<weft::PeerId> {
  std::size_t operator()(const weft::PeerId& p) const noexcept {
    return std::hash<std::uint64_t>{}(p.value);
  }
};

#pragma once
// SyncHost: runs one SyncSession per connected peer of a Transport.
//
// Host your documents, attach the host to a transport, call tick() now and
// then, and call publish() with every local update; the host greets each new
// peer, answers and relays. An update received from one peer that brings
// something new is relayed to every other peer, so chains and stars converge,
// not only full meshes. Sessions that fail are closed and their peer
// disconnected; the others are unaffected. Send failures (a full queue, a peer
// gone) are ignored on purpose: anti-entropy resends what was lost.
// Not thread-safe: call it on the thread that drives the transport.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "weft/sync/sync_session.hpp"
#include "weft/transport/transport.hpp"

namespace weft {

class SyncHost final : public TransportHandler {
 public:
  // Installs itself as the transport's handler; the transport must outlive the host.
  explicit SyncHost(Transport& transport, SyncOptions options = {});
  ~SyncHost() override;
  SyncHost(const SyncHost&) = delete;
  SyncHost& operator=(const SyncHost&) = delete;

  // Hosts `doc` under `name` for every current and future peer.
  void add_document(std::string name, SyncDocument& doc);
  // Sends a locally made update of `doc` to every peer.
  void publish(std::string_view doc, std::span<const std::uint8_t> update);
  // Advances time for anti-entropy.
  void tick(std::uint64_t now_ms);

  // Optional: told of every session event (after the host has acted on it). Should not
  // throw; if it does, the exception is swallowed so no session is left half-updated.
  std::function<void(PeerId, const SyncEvent&)> on_event;

  [[nodiscard]] std::size_t session_count() const noexcept { return sessions_.size(); }

  void on_connected(PeerId peer) override;
  void on_message(PeerId peer, std::span<const std::uint8_t> message) override;
  void on_disconnected(PeerId peer, boost::system::error_code reason) override;

 private:
  void flush(PeerId peer, SyncSession& session);
  void drain_events(PeerId peer, SyncSession& session);

  Transport& transport_;
  SyncOptions options_;
  std::map<std::string, SyncDocument*, std::less<>> docs_;
  std::map<PeerId, std::unique_ptr<SyncSession>> sessions_;
  std::uint64_t now_ms_ = 0;
};

}  // namespace weft

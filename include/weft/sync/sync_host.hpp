#pragma once
// SyncHost: runs one SyncSession per connected peer of a Transport.
//
// Host your documents, attach the host to a transport, call tick() now and
// then, and call publish() with every local update; the host greets each new
// peer, answers and relays. An update received from one peer that brings
// something new is relayed to every other peer, so chains and stars converge,
// not only full meshes. Sessions that fail are closed and their peer
// disconnected (a peer that floods past SyncOptions::limits among them); the others
// are unaffected. tick() is also the clock of the per-peer limits: call it often
// (weft-peer: every 50 ms), since a peer's budget refills only as time is told. Send failures (a
// full queue, a peer gone) are ignored on purpose: anti-entropy resends what was lost.
//
// Access control: set `access` before peers connect. When a session starts the host
// asks it once per hosted name (documents and presence) and hands the answer to the
// session, which enforces it (see access.hpp and sync_session.hpp): relays honour it
// too, since a relay is an ordinary send through the receiving peer's session. Names
// added later are asked about for every live session. A callback that throws is
// treated as Access::none for that name (fail closed).
//
// Documents on demand (a server): when a peer greets a document not hosted here, the
// peer is told `absent` and on_unhosted is called; add_document() from inside it (or
// later) hosts the document and greets every peer, and the asking peer syncs it as if
// it had been hosted all along. remove_document() stops hosting one; peers_hosting()
// says whether any connected peer still uses it, so an idle one can be put away.
//
// Presence: add_presence() hosts a Presence next to the document of the same name.
// Our own entries are sent to every peer (with access) as soon as they change; news
// from one peer is relayed to all others; tick() drives the Presence's refresh and
// expiry. Presence is never stored.
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
  // Stops hosting the document `name` for every peer; the host no longer refers to it
  // once this returns, so it may be destroyed. Peers are not told: one that greets it
  // again is treated as greeting any document not hosted (on_unhosted). A presence
  // hosted under the name stays.
  void remove_document(std::string_view name);
  // Hosts `presence` for the document name `doc` (the document itself may be added
  // before or after). The presence must outlive the host or be replaced first; the
  // host installs the presence's outgoing hook and removes it when destroyed.
  void add_presence(std::string doc, Presence& presence);
  // Sends a locally made update of `doc` to every peer.
  void publish(std::string_view doc, std::span<const std::uint8_t> update);
  // Advances time for anti-entropy and for every hosted Presence.
  void tick(std::uint64_t now_ms);

  // Optional: the access of `peer` to the document named `doc`. Empty (the default):
  // Access::read_write for every peer and document. Asked when a session starts and
  // when a name is added; the PeerId is the transport's (e.g. NetTransport::peer_info
  // gives the authenticated identity behind it).
  std::function<Access(PeerId peer, std::string_view doc)> access;

  // Optional: told of every session event (after the host has acted on it). Should not
  // throw; if it does, the exception is swallowed so no session is left half-updated.
  std::function<void(PeerId, const SyncEvent&)> on_event;

  // Optional: a peer greeted the document `doc`, which is not hosted here (it has been
  // told `absent`). Called after the host acted on the message, on the transport's
  // thread; it may call add_document(doc, ...) at once. Checking access(peer, doc) first
  // keeps a peer from making us load what it may not see. Exceptions are swallowed.
  std::function<void(PeerId, std::string_view doc)> on_unhosted;

  [[nodiscard]] std::size_t session_count() const noexcept { return sessions_.size(); }
  // How many connected peers have named the document `doc` and not since said they lack
  // it (SyncSession::peer_hosts). O(peers).
  [[nodiscard]] std::size_t peers_hosting(std::string_view doc) const;

  void on_connected(PeerId peer) override;
  void on_message(PeerId peer, std::span<const std::uint8_t> message) override;
  void on_disconnected(PeerId peer, boost::system::error_code reason) override;

 private:
  void flush(PeerId peer, SyncSession& session);
  void drain_events(PeerId peer, SyncSession& session);
  [[nodiscard]] Access access_of(PeerId peer, std::string_view doc) const;
  void send_presence_outgoing();

  Transport& transport_;
  SyncOptions options_;
  std::map<std::string, SyncDocument*, std::less<>> docs_;
  std::map<std::string, Presence*, std::less<>> presences_;
  std::map<PeerId, std::unique_ptr<SyncSession>> sessions_;
  std::uint64_t now_ms_ = 0;
  int busy_ = 0;  // inside a session call: presence output waits until it returns
};

}  // namespace weft

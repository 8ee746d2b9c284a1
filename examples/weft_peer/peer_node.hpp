#pragma once
// PeerNode: one replica of a shared text on a real network, the part weft-peer
// and collab_edit have in common. It owns the Doc (with one text root "text"),
// the NetTransport, the SyncHost that syncs the Doc with every peer, and the
// Presence that carries user names and cursors. Everything runs on the thread
// that runs `io` (single-threaded by design: no locks anywhere).
//
// Access: with --accept-token, an inbound peer must present one of the tokens;
// a token marked read-only gives Access::read for the document, so the host
// rejects its edits (never applied, stored or relayed). Peers we dial, and
// every inbound peer when no token list is given, get read_write.
//
// Persistence: with --store PATH the Doc is a storage::PersistentDoc in an
// SQLite file (durable mode): every local edit and every received update is on
// disk before it is published or acknowledged, and a restarted peer resumes
// with its replica id and content. Without --store a restarted peer starts
// empty and catches up from its peers.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "peer_options.hpp"
#include "presence_state.hpp"
#include "weft/doc/doc.hpp"
#include "weft/net/net_transport.hpp"
#include "weft/storage/persistent_doc.hpp"
#include "weft/sync/presence.hpp"
#include "weft/sync/sync_host.hpp"

namespace weft::peer {

inline constexpr std::string_view kTextRoot = "text";

class PeerNode {
 public:
  // `log` (may be null) receives connection and sync diagnostics when verbose.
  // Throws std::runtime_error when --store cannot be opened (locked by another
  // process, corrupted, unreadable); the message says why.
  PeerNode(boost::asio::io_context& io, const PeerOptions& options, std::ostream* log);
  ~PeerNode();
  PeerNode(const PeerNode&) = delete;
  PeerNode& operator=(const PeerNode&) = delete;

  // Binds every --listen URL (calling on_listening with the real URL of each, after
  // writing them all to --port-file if given) and starts dialling every --connect
  // URL. Errors: a malformed URL (the message names it), a failed bind, or a
  // --port-file that cannot be written; nothing is left listening then.
  [[nodiscard]] result<void> start(const std::function<void(const std::string&)>& on_listening,
                                   std::string& error);
  // Closes every connection (peers are told we left) and stops the timer.
  void stop();

  [[nodiscard]] Doc& doc() noexcept { return *doc_; }
  [[nodiscard]] const Doc& doc() const noexcept { return *doc_; }
  [[nodiscard]] const ObjectId& text_id() const noexcept { return text_id_; }
  [[nodiscard]] std::string text() const { return doc_->text(text_id_).to_string(); }
  [[nodiscard]] std::size_t text_size() const { return doc_->text(text_id_).size(); }

  // Runs `change` on the text in one transaction and publishes the update.
  // With --store, an update that could not be stored is not published and
  // std::runtime_error says why (the store then refuses every later edit).
  // Exceptions from `change` (out_of_range, invalid_argument) propagate after the
  // transaction committed whatever was done before the throw (nothing, for a
  // single failed edit).
  void edit(const std::function<void(TextRef&)>& change);

  [[nodiscard]] std::size_t peer_count() const;
  // Publishes our presence (name, colour, cursor) to every peer.
  void set_presence(const PresenceState& state);
  // A cursor at code-point `pos` as a stable anchor (encoded for presence): it
  // sticks to the character before it, so it follows that character through
  // every later edit. Throws std::out_of_range past the end.
  [[nodiscard]] Bytes cursor_anchor(std::size_t pos) const;
  // Where a remote user's cursor is now: its anchor resolved against our replica
  // (or its plain position, clamped); nullopt when it names a character we have
  // not received yet or the bytes are malformed.
  [[nodiscard]] std::optional<std::size_t> resolve_cursor(const PresenceState& state) const;
  // Remote users' decoded presence (malformed states are skipped).
  [[nodiscard]] std::vector<std::pair<ReplicaId, PresenceState>> remote_presence() const;
  [[nodiscard]] const std::string& name() const noexcept { return options_.name; }

  // Called after a remote update changed the text (with the change events, so
  // callers can move cursors) and after a remote presence changed (empty span).
  std::function<void(std::span<const ChangeEvent>)> on_remote_change;

 private:
  void schedule_tick();
  void publish(const Bytes& update);
  [[nodiscard]] std::uint64_t now_ms() const;
  [[nodiscard]] Access access_for(PeerId peer) const;

  PeerOptions options_;
  std::ostream* log_;
  std::chrono::steady_clock::time_point started_;
  std::unique_ptr<storage::Storage> store_;             // --store only
  std::unique_ptr<storage::PersistentDoc> persistent_;  // --store only
  std::unique_ptr<Doc> memory_doc_;                     // without --store
  Doc* doc_ = nullptr;                                  // whichever of the two
  SyncDocument* synced_ = nullptr;                      // what the host syncs
  ObjectId text_id_;
  std::unique_ptr<net::NetTransport> transport_;
  std::unique_ptr<Presence> presence_;
  std::unique_ptr<SyncHost> host_;
  boost::asio::steady_timer tick_timer_;
  Subscription text_subscription_;
  bool stopped_ = false;
};

}  // namespace weft::peer

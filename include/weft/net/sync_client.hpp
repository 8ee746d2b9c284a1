#pragma once
// SyncClient: one document kept in sync with a list of servers, with no plumbing.
//
//   boost::asio::io_context io;
//   weft::Doc doc(weft::ReplicaId::random());
//   weft::net::SyncClient client(io, doc, {.document = "notes",
//                                          .urls = {"ws://a:9000/", "ws://b:9000/"},
//                                          .net = {.token = "secret"}});
//   client.on_state = [](weft::net::ConnectionState s, std::string_view url,
//                        boost::system::error_code ec) { ... };
//   client.start();
//   doc.transact().text("body").insert(0, "hi");   // published by the client
//   io.run();
//
// What it does for the application:
//  - ticks the SyncHost every tick_interval_ms on a timer of `io` (anti-entropy,
//    per-peer limits), as weft-peer does;
//  - publishes every local commit: it installs Doc's commit hook (a Doc has one; the
//    client owns it while it lives) or PersistentDoc::on_stored_commit (so nothing is
//    sent before it is stored). Updates are published from a posted handler, never
//    from inside the commit, so a commit made in an observer or callback is safe;
//  - dials urls[0]; when an attempt fails or a connection ends it dials the next URL
//    at once; after a whole round of URLs failed it waits (exponential backoff with
//    jitter, FailoverPolicy) before the next round. What it missed while away is
//    exchanged by the sync handshake on the next connection;
//  - stops for good when a server refuses the token (net_errc::authentication_failed):
//    state failed, no more dials, since re-dialling with the same token cannot help.
//
// Failover is driven here, not by NetTransport's reconnect policy: NetTransport
// re-dials one endpoint forever and offers no way to move to another, so each
// attempt gets its own NetTransport (reconnect disabled) and SyncHost, torn down when
// the attempt ends. Sessions are cheap; the document state lives in the Doc.
//
// Threading: like NetTransport, everything runs on the thread running `io`; create,
// use and destroy the client and commit to the document on that thread. Callbacks must
// not throw (exceptions are swallowed) and may destroy neither the client nor the Doc.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "weft/net/net_transport.hpp"
#include "weft/sync/sync_session.hpp"

namespace weft {
class Doc;
namespace storage {
class PersistentDoc;
}
}  // namespace weft

namespace weft::net {

enum class ConnectionState {
  connecting,    // dialling a URL (TCP, TLS, WebSocket, token)
  connected,     // authenticated: the session with the server runs
  disconnected,  // the connection ended or a round of URLs failed; waiting to dial again
  failed,        // terminal: the token was refused, or stop() was called
};
[[nodiscard]] std::string_view to_string(ConnectionState state) noexcept;

// Backoff between rounds (a round = every URL tried once without a connection).
struct FailoverPolicy {
  std::uint32_t initial_delay_ms = 200;
  std::uint32_t max_delay_ms = 10'000;
  double jitter = 0.25;  // each delay scaled by a uniform factor in [1 - jitter, 1 + jitter]
  // A connection that ends sooner than this counts as a failed attempt, so a server
  // that accepts and drops at once is dialled with backoff, not in a hot loop.
  std::uint32_t stable_after_ms = 2'000;
};

struct SyncClientOptions {
  std::string document;           // the document's name on the servers
  std::vector<std::string> urls;  // tried in order (parse_endpoint syntax)
  NetOptions net;                 // token, TLS, timeouts; net.reconnect is ignored
  SyncOptions sync;
  std::uint32_t tick_interval_ms = 50;
  FailoverPolicy failover;
  std::uint64_t seed = 0;  // jitter randomness; 0 = random
};

struct SyncClientStats {
  std::uint64_t attempts = 0;     // dials started
  std::uint64_t connections = 0;  // dials that reached connected
  std::uint64_t published = 0;    // local updates handed to a session
};

class SyncClient {
 public:
  // `io` and the document must outlive the client. Throws std::invalid_argument for an
  // empty document name, no URLs, a URL parse_endpoint refuses, or NetOptions that
  // NetTransport refuses. Nothing is dialled before start().
  SyncClient(boost::asio::io_context& io, Doc& doc, SyncClientOptions options);
  SyncClient(boost::asio::io_context& io, storage::PersistentDoc& doc, SyncClientOptions options);
  ~SyncClient();  // stops; no callbacks after; the document's hook is removed
  SyncClient(const SyncClient&) = delete;
  SyncClient& operator=(const SyncClient&) = delete;

  // Starts dialling urls[0] and ticking. Set the callbacks first. Once only.
  void start();
  // Closes the connection, stops dialling and ticking; state failed (with no error).
  void stop();

  [[nodiscard]] ConnectionState state() const noexcept;
  // The URL being dialled or connected to (empty before start()).
  [[nodiscard]] const std::string& url() const noexcept;
  [[nodiscard]] const SyncClientStats& stats() const noexcept;

  // Every state change: the new state, the URL it concerns, and the error that caused
  // it (empty for connecting/connected and for a disconnect that was an orderly close).
  std::function<void(ConnectionState, std::string_view url, boost::system::error_code)> on_state;
  // Every error that does not change the state by itself: a failed dial of one URL,
  // the server's refusal reason (ec = authentication_failed, `what` = the reason).
  std::function<void(std::string_view url, boost::system::error_code, std::string_view what)>
      on_error;
  // Optional: every sync event (as SyncHost::on_event), e.g. `synced`.
  std::function<void(const SyncEvent&)> on_event;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace weft::net

#pragma once
// Server: weft-server's parts put together, on one io_context thread.
//
//   NetTransport (TCP/WebSocket, TLS, tokens)
//     -> CountingTransport (bytes in/out)
//       -> SyncHost (one session per client; on_unhosted loads documents)
//         -> DocumentRegistry (PersistentDoc per open document, in DIR/weft.db)
//   MetricsRegistry + MetricsEndpoint (--metrics)
//
// A tick every 50 ms drives the sessions' anti-entropy and limits, and sweeps idle
// documents. Access: cli::token_authenticator and cli::access_of_identity, exactly
// as weft-peer (a read-only token reads every document and writes none).
// Not thread-safe: construct, start, stop and destroy it on the thread running `io`.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "server/counting_transport.hpp"
#include "server/document_registry.hpp"
#include "server/metrics_endpoint.hpp"
#include "server/metrics_registry.hpp"
#include "server/server_options.hpp"
#include "weft/net/net_transport.hpp"
#include "weft/storage/storage.hpp"
#include "weft/sync/sync_host.hpp"

namespace weft::server {

class Server {
 public:
  // Opens (creating) DIR and DIR/weft.db. Throws std::runtime_error saying why when it
  // cannot (not creatable, locked by another server, corrupted, unreadable).
  Server(boost::asio::io_context& io, const ServerOptions& options, std::ostream* log);
  ~Server();  // stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds every --listen URL and --metrics, writes --port-file, and starts ticking.
  // `announce` gets one line per bound address ("listening URL", "metrics URL"), after
  // the port file is written. Errors: a malformed or unbindable address, or a port
  // file that cannot be written (`error` says which); nothing is left listening then.
  [[nodiscard]] result<void> start(const std::function<void(const std::string&)>& announce,
                                   std::string& error);
  // Stops accepting, closes every client, then flushes and closes every open
  // document and syncs the store. Idempotent.
  void stop();

  [[nodiscard]] const MetricsRegistry& metrics() const noexcept { return metrics_; }

 private:
  void register_metrics();
  void on_unhosted(PeerId peer, std::string_view name);
  void schedule_tick();
  [[nodiscard]] std::uint64_t now_ms() const;
  void note(std::string_view line) const;

  boost::asio::io_context& io_;
  ServerOptions options_;
  std::ostream* log_;
  std::chrono::steady_clock::time_point started_;
  std::unique_ptr<storage::Storage> store_;
  MetricsRegistry metrics_;
  Counter* updates_applied_ = nullptr;
  Counter* updates_failed_ = nullptr;
  Histogram* apply_latency_ = nullptr;
  std::unique_ptr<net::NetTransport> transport_;
  std::unique_ptr<CountingTransport> counting_;
  std::unique_ptr<SyncHost> host_;
  std::unique_ptr<DocumentRegistry> registry_;
  std::unique_ptr<MetricsEndpoint> endpoint_;
  boost::asio::steady_timer tick_timer_;
  std::uint64_t last_sweep_ms_ = 0;
  bool stopped_ = false;
};

}  // namespace weft::server

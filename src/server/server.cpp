#include "server/server.hpp"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "cli/access_tokens.hpp"
#include "cli/net_setup.hpp"
#include "cli/port_file.hpp"
#include "weft/storage/persistent_doc.hpp"
#include "weft/storage/sqlite_storage.hpp"

namespace weft::server {
namespace {

constexpr auto kTickInterval = std::chrono::milliseconds(50);

// Apply latency buckets, seconds: a durable apply is dominated by one fsync (about
// 5 ms on the reference disk), so the buckets are dense from 0.1 ms to 100 ms.
const std::vector<double>& latency_bounds() {
  static const std::vector<double> bounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                             0.01,   0.025,   0.05,   0.1,   0.25,   1.0};
  return bounds;
}

std::unique_ptr<storage::Storage> open_store(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create --data " + dir + ": " + ec.message());
  storage::StorageOptions options;
  options.durability = storage::Durability::durable;  // nothing acknowledged is lost
  options.compactor = storage::PersistentDoc::compactor();
  const std::string path = (std::filesystem::path(dir) / "weft.db").string();
  auto store = storage::open_sqlite_storage(path, options);
  if (!store) throw std::runtime_error("cannot open " + path + ": " + store.error().message());
  return std::move(*store);
}

}  // namespace

Server::Server(boost::asio::io_context& io, const ServerOptions& options, std::ostream* log)
    : io_(io),
      options_(options),
      log_(log),
      started_(std::chrono::steady_clock::now()),
      store_(open_store(options.data)),
      tick_timer_(io) {
  net::NetOptions net_options;
  net_options.tls = cli::tls_options(options.tls_ca, options.tls_cert, options.tls_key,
                                     options.tls_require_client_cert);
  net_options.authenticate = cli::token_authenticator(options.accept_tokens);
  net_options.reconnect.enabled = false;  // we never dial
  transport_ = std::make_unique<net::NetTransport>(io, std::move(net_options));
  if (options.verbose) {
    transport_->on_accept_failed = [this](std::string_view remote, boost::system::error_code ec) {
      note("inbound " + std::string(remote) + " failed: " + ec.message());
    };
  }
  counting_ = std::make_unique<CountingTransport>(*transport_);

  const SyncOptions sync_options{
      .anti_entropy_interval_ms = options.anti_entropy_ms,
      .limits = cli::peer_limits(options.peer_messages_per_s, options.peer_bytes_per_s,
                                 options.peer_snapshot_interval)};
  host_ = std::make_unique<SyncHost>(*counting_, sync_options);
  host_->access = [this](PeerId peer, std::string_view) {
    return cli::access_of_identity(transport_->peer_info(peer));
  };
  host_->on_unhosted = [this](PeerId peer, std::string_view name) { on_unhosted(peer, name); };

  registry_ = std::make_unique<DocumentRegistry>(*store_, *host_, options.idle_ms);
  register_metrics();
  registry_->on_apply = [this](const result<UpdateStatus>& status, double seconds) {
    if (!status) {
      updates_failed_->add();
      return;
    }
    apply_latency_->observe(seconds);
    if (status->applied > 0) updates_applied_->add();
  };
  if (options.verbose) {
    registry_->on_change = [this](std::string_view what, std::string_view name) {
      note(std::string(what) + " " + std::string(name));
    };
  }
}

Server::~Server() {
  stop();
}

void Server::register_metrics() {
  // Names and meanings are a stable interface (docs/server.md).
  metrics_.gauge("weft_server_documents_open", "Documents loaded in memory now.",
                 [this] { return static_cast<double>(registry_->open_count()); });
  metrics_.gauge("weft_server_peers_connected", "Clients connected (authenticated) now.",
                 [this] { return static_cast<double>(host_->session_count()); });
  metrics_.counter("weft_server_documents_loaded_total",
                   "Documents loaded from the store (or created) on a client's request.",
                   [this] { return registry_->stats().loaded; });
  metrics_.counter("weft_server_documents_evicted_total",
                   "Documents flushed and closed after being idle for --idle-ms.",
                   [this] { return registry_->stats().evicted; });
  metrics_.counter("weft_server_document_load_failures_total",
                   "Documents the store could not load (see stderr).",
                   [this] { return registry_->stats().load_failures; });
  updates_applied_ = &metrics_.counter(
      "weft_server_updates_applied_total",
      "Updates from clients that brought new operations, stored before acknowledged.");
  updates_failed_ = &metrics_.counter(
      "weft_server_updates_failed_total",
      "Updates from clients refused as malformed or not stored (the session closes).");
  metrics_.counter("weft_server_received_bytes_total",
                   "Bytes of sync messages received from clients (no framing or TLS).",
                   [this] { return counting_->counts().bytes_in; });
  metrics_.counter("weft_server_sent_bytes_total",
                   "Bytes of sync messages sent to clients (no framing or TLS).",
                   [this] { return counting_->counts().bytes_out; });
  metrics_.counter("weft_server_received_messages_total", "Sync messages received from clients.",
                   [this] { return counting_->counts().messages_in; });
  metrics_.counter("weft_server_sent_messages_total", "Sync messages sent to clients.",
                   [this] { return counting_->counts().messages_out; });
  apply_latency_ = &metrics_.histogram(
      "weft_server_apply_latency_seconds",
      "Time to apply one client update to its document, storing it included.", latency_bounds());
}

result<void> Server::start(const std::function<void(const std::string&)>& announce,
                           std::string& error) {
  auto listening = cli::listen_all(*transport_, options_.listen, error);
  if (!listening) return listening.error();
  std::vector<std::string> urls = *listening;
  std::vector<std::string> bound;  // what `announce` gets
  for (const auto& url : urls) bound.push_back("listening " + url);
  if (!options_.metrics.empty()) {
    endpoint_ = std::make_unique<MetricsEndpoint>(io_, [this] { return metrics_.render(); });
    auto port = endpoint_->listen(options_.metrics);
    if (!port) {
      error = "cannot serve --metrics " + options_.metrics + ": " + port.error().message();
      transport_->close();
      return port.error();
    }
    const std::string host = options_.metrics.substr(0, options_.metrics.rfind(':'));
    const std::string url =
        "http://" + (host.empty() ? "0.0.0.0" : host) + ":" + std::to_string(*port) + "/metrics";
    bound.push_back("metrics " + url);
    urls.push_back(url);
  }
  if (!options_.port_file.empty() && !cli::write_port_file(options_.port_file, urls, error)) {
    transport_->close();
    if (endpoint_) endpoint_->close();
    return make_error_code(boost::system::errc::io_error);
  }
  for (const auto& line : bound) announce(line);
  schedule_tick();
  return {};
}

void Server::stop() {
  if (stopped_) return;
  stopped_ = true;
  tick_timer_.cancel();
  if (endpoint_) endpoint_->close();
  // Nothing new arrives once the clients are gone; every update they were sent an
  // ack for is already stored (durable mode), so closing the documents only adds
  // their exact counter marks and a final sync.
  transport_->close();
  registry_->close_all();
  if (auto synced = store_->sync(); !synced) note("store sync failed: " + synced.error().message());
}

std::uint64_t Server::now_ms() const {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::steady_clock::now() - started_)
                                        .count());
}

void Server::on_unhosted(PeerId peer, std::string_view name) {
  // Never load what the asking client may not see.
  if (host_->access && host_->access(peer, name) == Access::none) return;
  if (auto opened = registry_->open(name, now_ms()); !opened) {
    note("cannot load document '" + std::string(name) + "': " + opened.error().message());
  }
}

void Server::schedule_tick() {
  tick_timer_.expires_after(kTickInterval);
  tick_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopped_) return;
    const auto now = now_ms();
    host_->tick(now);
    // Idleness is measured in --idle-ms; sweeping a few times per period is enough,
    // and each sweep asks every session about every open document.
    const std::uint64_t sweep_every = std::clamp<std::uint64_t>(options_.idle_ms / 4, 50, 1000);
    if (now - last_sweep_ms_ >= sweep_every) {
      last_sweep_ms_ = now;
      registry_->sweep(now);
    }
    schedule_tick();
  });
}

void Server::note(std::string_view line) const {
  if (log_) *log_ << "weft-server: " << line << std::endl;
}

}  // namespace weft::server

#include "peer_node.hpp"

#include <algorithm>
#include <stdexcept>

#include "cli/access_tokens.hpp"
#include "cli/net_setup.hpp"
#include "cli/port_file.hpp"
#include "weft/encoding/reader.hpp"
#include "weft/storage/sqlite_storage.hpp"

namespace weft::peer {
namespace {

constexpr auto kTickInterval = std::chrono::milliseconds(50);

const char* event_name(SyncEvent::Kind kind) {
  switch (kind) {
    case SyncEvent::Kind::update_applied:
      return "update_applied";
    case SyncEvent::Kind::synced:
      return "synced";
    case SyncEvent::Kind::divergence_detected:
      return "divergence_detected";
    case SyncEvent::Kind::repaired:
      return "repaired";
    case SyncEvent::Kind::repair_failed:
      return "repair_failed";
    case SyncEvent::Kind::update_not_sent:
      return "update_not_sent";
    case SyncEvent::Kind::closed:
      return "closed";
    default:
      return "other";
  }
}

}  // namespace

PeerNode::PeerNode(boost::asio::io_context& io, const PeerOptions& options, std::ostream* log)
    : options_(options),
      log_(options.verbose ? log : nullptr),
      started_(std::chrono::steady_clock::now()),
      text_id_(ObjectId::named(std::string(kTextRoot), ObjectKind::text)),
      tick_timer_(io) {
  const ReplicaId replica = options.replica_id ? ReplicaId{*options.replica_id} : ReplicaId{};
  if (options.store.empty()) {
    memory_doc_ = std::make_unique<Doc>(replica.is_nil() ? ReplicaId::random() : replica);
    doc_ = memory_doc_.get();
    synced_ = doc_;
  } else {
    storage::StorageOptions store_options;
    store_options.durability = storage::Durability::durable;
    store_options.compactor = storage::PersistentDoc::compactor();
    auto store = storage::open_sqlite_storage(options.store, store_options);
    if (!store) {
      throw std::runtime_error("cannot open store " + options.store + ": " +
                               store.error().message());
    }
    store_ = std::move(*store);
    // --replica-id names a new store's replica; an existing store keeps its own.
    auto persistent = storage::PersistentDoc::open(*store_, options.doc, {.replica = replica});
    if (!persistent) {
      throw std::runtime_error("cannot load " + options.doc + " from " + options.store + ": " +
                               persistent.error().message());
    }
    persistent_ = std::move(*persistent);
    doc_ = &persistent_->doc();
    synced_ = persistent_.get();
  }
  net::NetOptions net_options;
  net_options.token = options.token;
  net_options.reconnect.max_delay_ms = options.reconnect_max_ms;
  net_options.reconnect.initial_delay_ms = std::min<std::uint32_t>(100, options.reconnect_max_ms);
  net_options.tls = cli::tls_options(options.tls_ca, options.tls_cert, options.tls_key,
                                     options.tls_require_client_cert);
  net_options.authenticate = cli::token_authenticator(options.accept_tokens);
  transport_ = std::make_unique<net::NetTransport>(io, std::move(net_options));
  if (log_) {
    transport_->on_connect_failed = [this](const net::Endpoint& where,
                                           boost::system::error_code ec) {
      *log_ << "connect to " << net::to_string(where) << " failed: " << ec.message() << std::endl;
    };
    transport_->on_refused = [this](const net::Endpoint& where, std::string_view reason) {
      *log_ << "refused by " << net::to_string(where) << ": " << reason << std::endl;
    };
    transport_->on_accept_failed = [this](std::string_view remote, boost::system::error_code ec) {
      *log_ << "inbound " << remote << " failed: " << ec.message() << std::endl;
    };
  }

  presence_ = std::make_unique<Presence>(doc_->replica());
  presence_->on_change = [this](ReplicaId, const PresenceEntry*) {
    if (on_remote_change) on_remote_change({});
  };

  const SyncOptions sync_options{
      .anti_entropy_interval_ms = options.anti_entropy_ms,
      .limits = cli::peer_limits(options.peer_messages_per_s, options.peer_bytes_per_s,
                                 options.peer_snapshot_interval)};
  host_ = std::make_unique<SyncHost>(*transport_, sync_options);
  host_->access = [this](PeerId peer, std::string_view) { return access_for(peer); };
  host_->add_document(options_.doc, *synced_);
  host_->add_presence(options_.doc, *presence_);
  host_->on_event = [this](PeerId peer, const SyncEvent& event) {
    if (log_) {
      *log_ << "peer " << peer.value << ": " << event_name(event.kind) << " " << event.doc;
      if (event.error) *log_ << " (" << event.error.message() << ")";
      *log_ << std::endl;
    }
  };

  text_subscription_ = doc_->observe(text_id_, [this](std::span<const ChangeEvent> events) {
    const bool remote =
        std::any_of(events.begin(), events.end(), [](const ChangeEvent& e) { return !e.local; });
    if (remote && on_remote_change) on_remote_change(events);
  });

  PresenceState self;
  self.name = options_.name;
  self.colour = colour_for(doc_->replica().value());
  if (!self.name.empty()) (void)presence_->set_local_state(encode_presence(self));
}

PeerNode::~PeerNode() {
  stop();
}

Access PeerNode::access_for(PeerId peer) const {
  return cli::access_of_identity(transport_->peer_info(peer));
}

result<void> PeerNode::start(const std::function<void(const std::string&)>& on_listening,
                             std::string& error) {
  std::vector<net::Endpoint> connects;
  for (const auto& url : options_.connect) {
    auto endpoint = net::parse_endpoint(url);
    if (!endpoint) {
      error = "bad --connect URL '" + url + "': " + endpoint.error().message();
      return endpoint.error();
    }
    connects.push_back(std::move(*endpoint));
  }
  auto listening = cli::listen_all(*transport_, options_.listen, error);
  if (!listening) return listening.error();
  const std::vector<std::string>& bound = *listening;
  if (!options_.port_file.empty() && !cli::write_port_file(options_.port_file, bound, error)) {
    transport_->close();
    return make_error_code(boost::system::errc::io_error);
  }
  for (const auto& url : bound) on_listening(url);
  for (const auto& endpoint : connects) transport_->connect(endpoint);
  schedule_tick();
  return {};
}

void PeerNode::stop() {
  if (stopped_) return;
  stopped_ = true;
  tick_timer_.cancel();
  presence_->clear_local_state();
  host_->tick(now_ms());  // flushes the "gone" presence to the peers still connected
  transport_->close();
}

std::uint64_t PeerNode::now_ms() const {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::steady_clock::now() - started_)
                                        .count());
}

void PeerNode::schedule_tick() {
  tick_timer_.expires_after(kTickInterval);
  tick_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopped_) return;
    host_->tick(now_ms());
    schedule_tick();
  });
}

void PeerNode::edit(const std::function<void(TextRef&)>& change) {
  Bytes update;
  {
    auto tx = doc_->transact("local");
    auto text = tx.text(kTextRoot);
    try {
      change(text);
    } catch (...) {
      update = tx.commit();
      publish(update);
      throw;
    }
    update = tx.commit();
  }
  publish(update);
}

void PeerNode::publish(const Bytes& update) {
  // The commit hook stored the update first; one that is not on disk must not leave.
  if (persistent_ && persistent_->failed()) {
    throw std::runtime_error("storage failed: " + persistent_->failure()->message());
  }
  if (!update.empty()) host_->publish(options_.doc, update);
}

std::size_t PeerNode::peer_count() const {
  return transport_->peers().size();
}

void PeerNode::set_presence(const PresenceState& state) {
  (void)presence_->set_local_state(encode_presence(state));
}

Bytes PeerNode::cursor_anchor(std::size_t pos) const {
  Writer w;
  encode_value(w, doc_->text(text_id_).anchor(pos, PositionUnit::code_point, Bias::left));
  return std::move(w).take();
}

std::optional<std::size_t> PeerNode::resolve_cursor(const PresenceState& state) const {
  if (state.cursor_anchor.empty()) {
    if (!state.cursor) return std::nullopt;
    return static_cast<std::size_t>(std::min<std::uint64_t>(*state.cursor, text_size()));
  }
  Reader r(state.cursor_anchor);
  auto anchor = decode_value<Anchor>(r);
  if (!anchor || !r.expect_end()) return std::nullopt;
  auto pos = doc_->text(text_id_).resolve_anchor(*anchor, PositionUnit::code_point);
  if (!pos) return std::nullopt;
  return *pos;
}

std::vector<std::pair<ReplicaId, PresenceState>> PeerNode::remote_presence() const {
  std::vector<std::pair<ReplicaId, PresenceState>> out;
  for (const auto& [replica, entry] : presence_->remote_states()) {
    auto state = decode_presence(entry.state);
    if (state) out.emplace_back(replica, std::move(*state));
  }
  return out;
}

}  // namespace weft::peer

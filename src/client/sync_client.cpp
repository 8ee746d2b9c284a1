#include "weft/net/sync_client.hpp"

#include <boost/asio/post.hpp>
#include <chrono>
#include <stdexcept>

#include "client/connection.hpp"
#include "client/failover_schedule.hpp"
#include "weft/doc/doc.hpp"
#include "weft/storage/persistent_doc.hpp"

namespace weft::net {

namespace {
using Clock = std::chrono::steady_clock;

template <class F>
void guarded(F&& f) noexcept {
  try {
    f();
  } catch (...) {  // callbacks must not throw; a throwing one must not break the client
  }
}

std::vector<Endpoint> parse_all(const SyncClientOptions& options) {
  if (options.document.empty()) throw std::invalid_argument("SyncClient: empty document name");
  if (options.urls.empty()) throw std::invalid_argument("SyncClient: no server URLs");
  std::vector<Endpoint> endpoints;
  for (const auto& url : options.urls) {
    auto endpoint = parse_endpoint(url);
    if (!endpoint) throw std::invalid_argument("SyncClient: bad URL " + url);
    endpoints.push_back(std::move(*endpoint));
  }
  return endpoints;
}
}  // namespace

struct SyncClient::Impl : std::enable_shared_from_this<Impl> {
  Impl(boost::asio::io_context& context, SyncClient& client, SyncDocument& document,
       SyncClientOptions opts)
      : io(context),
        owner(&client),
        doc(document),
        endpoints(parse_all(opts)),
        options(std::move(opts)),
        schedule(endpoints.size(), options.failover, options.seed),
        tick_timer(context),
        redial_timer(context),
        epoch(Clock::now()) {
    // Refuse bad NetOptions now rather than at the first dial.
    NetOptions probe = options.net;
    probe.reconnect.enabled = false;
    NetTransport check(context, std::move(probe));
  }

  [[nodiscard]] std::uint64_t now_ms() const {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - epoch).count());
  }

  void set_state(ConnectionState next, boost::system::error_code ec) {
    state = next;
    if (owner && owner->on_state) guarded([&] { owner->on_state(next, url, ec); });
  }

  void report(boost::system::error_code ec, std::string_view what) {
    if (owner && owner->on_error) guarded([&] { owner->on_error(url, ec, what); });
  }

  void dial() {
    if (stopped) return;
    const std::size_t index = schedule.current();
    url = options.urls[index];
    ++stats.attempts;
    const std::uint64_t attempt = ++generation;
    set_state(ConnectionState::connecting, {});
    if (stopped) return;  // the callback called stop()
    std::weak_ptr<Impl> weak = weak_from_this();
    client::ConnectionEvents events;
    // These run inside the Connection (its transport on the stack): a user callback
    // that calls stop() there must not destroy it (halt() defers), and a deferred
    // Connection may outlive the client (so weak, not this).
    events.connected = [weak, attempt] {
      auto self = weak.lock();
      if (!self || self->stopped || attempt != self->generation) return;
      ++self->stats.connections;
      self->connected_at = self->now_ms();
      const Nested inside(*self);
      self->set_state(ConnectionState::connected, {});
    };
    // Posted: the Connection is torn down, and the transport it owns is on the stack.
    events.ended = [weak, attempt](boost::system::error_code ec, const std::string& reason) {
      auto self = weak.lock();
      if (!self) return;
      boost::asio::post(self->io, [weak, attempt, ec, reason] {
        if (auto alive = weak.lock()) alive->ended(attempt, ec, reason);
      });
    };
    events.sync_event = [weak](const SyncEvent& event) {
      auto self = weak.lock();
      if (!self || self->stopped || !self->owner || !self->owner->on_event) return;
      const Nested inside(*self);
      guarded([&] { self->owner->on_event(event); });
    };
    connection = std::make_unique<client::Connection>(
        io, endpoints[index], options.net, options.sync, options.document, doc, std::move(events));
  }

  void ended(std::uint64_t attempt, boost::system::error_code ec, const std::string& reason) {
    if (stopped || attempt != generation || !connection) return;
    const bool was_connected = connection->connected();
    connection.reset();
    if (ec == net_errc::authentication_failed) {
      // The same token will be refused again, by this server and most likely by the
      // others of one deployment: re-dialling would hide the mistake, so stop.
      report(ec, reason);
      halt();
      set_state(ConnectionState::failed, ec);
      return;
    }
    std::uint32_t delay = 0;
    if (was_connected) {
      delay = schedule.disconnected(now_ms() - connected_at);
      set_state(ConnectionState::disconnected, ec);
    } else {
      report(ec, {});
      delay = schedule.failed();
      if (delay != 0) set_state(ConnectionState::disconnected, ec);
    }
    if (delay == 0) {
      dial();
      return;
    }
    redial_timer.expires_after(std::chrono::milliseconds(delay));
    redial_timer.async_wait([weak = weak_from_this()](boost::system::error_code wait) {
      if (auto self = weak.lock(); self && !wait) self->dial();
    });
  }

  void schedule_tick() {
    tick_timer.expires_after(std::chrono::milliseconds(options.tick_interval_ms));
    tick_timer.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
      auto self = weak.lock();
      if (!self || ec || self->stopped) return;
      if (self->connection) self->connection->tick(self->now_ms());
      self->schedule_tick();
    });
  }

  // From the document's commit hook, inside the commit: queue, publish when it returns.
  void on_local_update(std::span<const std::uint8_t> update) {
    pending.emplace_back(update.begin(), update.end());
    if (flush_posted) return;
    flush_posted = true;
    boost::asio::post(io, [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->flush();
    });
  }

  void flush() {
    flush_posted = false;
    // Not connected: dropped on purpose; the next connection's handshake sends it.
    if (connection && connection->connected()) {
      for (const auto& update : pending) {
        connection->publish(update);
        ++stats.published;
      }
    }
    pending.clear();
  }

  // Marks a call into user code from inside the Connection.
  struct Nested {
    explicit Nested(Impl& of) : impl(of) { ++impl.callback_depth; }
    ~Nested() { --impl.callback_depth; }
    Nested(const Nested&) = delete;
    Nested& operator=(const Nested&) = delete;
    Impl& impl;
  };

  void halt() {
    stopped = true;
    if (callback_depth > 0 && connection) {
      // stop() from a callback inside the Connection: destroy it once that returns.
      boost::asio::post(io,
                        [dying = std::shared_ptr<client::Connection>(std::move(connection))] {});
    }
    connection.reset();
    tick_timer.cancel();
    redial_timer.cancel();
  }

  boost::asio::io_context& io;
  SyncClient* owner;  // null once the client is being destroyed: no callbacks
  SyncDocument& doc;
  std::vector<Endpoint> endpoints;
  SyncClientOptions options;
  client::FailoverSchedule schedule;
  std::unique_ptr<client::Connection> connection;
  boost::asio::steady_timer tick_timer;
  boost::asio::steady_timer redial_timer;
  Clock::time_point epoch;
  std::uint64_t connected_at = 0;
  std::uint64_t generation = 0;
  std::vector<Bytes> pending;
  bool flush_posted = false;
  int callback_depth = 0;  // depth of user callbacks running inside the Connection
  bool started = false;
  bool stopped = false;
  ConnectionState state = ConnectionState::disconnected;
  std::string url;
  SyncClientStats stats;
  std::function<void()> detach;  // removes the document hook
};

SyncClient::SyncClient(boost::asio::io_context& io, Doc& doc, SyncClientOptions options)
    : impl_(std::make_shared<Impl>(io, *this, doc, std::move(options))) {
  Impl* impl = impl_.get();
  doc.set_commit_hook([impl](std::span<const std::uint8_t> u) { impl->on_local_update(u); });
  impl->detach = [&doc] { doc.set_commit_hook({}); };
}

SyncClient::SyncClient(boost::asio::io_context& io, storage::PersistentDoc& doc,
                       SyncClientOptions options)
    : impl_(std::make_shared<Impl>(io, *this, doc, std::move(options))) {
  Impl* impl = impl_.get();
  doc.on_stored_commit = [impl](std::span<const std::uint8_t> u) { impl->on_local_update(u); };
  impl->detach = [&doc] { doc.on_stored_commit = {}; };
}

SyncClient::~SyncClient() {
  impl_->owner = nullptr;
  impl_->detach();
  impl_->halt();
}

void SyncClient::start() {
  if (impl_->started) throw std::logic_error("SyncClient::start called twice");
  impl_->started = true;
  impl_->schedule_tick();
  impl_->dial();
}

void SyncClient::stop() {
  if (impl_->stopped) return;
  impl_->halt();
  impl_->set_state(ConnectionState::failed, {});
}

ConnectionState SyncClient::state() const noexcept {
  return impl_->state;
}
const std::string& SyncClient::url() const noexcept {
  return impl_->url;
}
const SyncClientStats& SyncClient::stats() const noexcept {
  return impl_->stats;
}

}  // namespace weft::net

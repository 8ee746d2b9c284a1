// NetTransport: connection life cycle (dial/accept -> handshakes -> open -> closed),
// send queues, heartbeats, timeouts and re-dialling. One coroutine per connection
// reads; another writes while its queue is non-empty; a third beats the heart.
// Everything runs on the io_context's single thread, so no locks.
#include "weft/net/net_transport.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/websocket/error.hpp>
#include <chrono>
#include <deque>
#include <map>
#include <random>
#include <set>
#include <stdexcept>

#include "link.hpp"
#include "wire.hpp"

namespace weft::net {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using boost::system::error_code;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::string address_of(const tcp::socket& socket) {
  error_code ec;
  const auto ep = socket.remote_endpoint(ec);
  if (ec) return {};
  const auto a = ep.address();
  return (a.is_v6() ? '[' + a.to_string() + ']' : a.to_string()) + ':' + std::to_string(ep.port());
}

// End of stream in any of its dialects: the other side closed on purpose.
bool is_orderly_close(const error_code& ec) {
  return ec == asio::error::eof || ec == ssl::error::stream_truncated ||
         ec == boost::beast::websocket::error::closed;
}

// Runs user code; a throwing callback must not unwind through the transport.
template <class F>
void guarded(F&& f) noexcept {
  try {
    std::forward<F>(f)();
  } catch (...) {  // NOLINT(bugprone-empty-catch): documented: exceptions are swallowed
  }
}

void spawn(asio::io_context& io, asio::awaitable<void> task) {
  asio::co_spawn(io, std::move(task), [](const std::exception_ptr&) {});
}

}  // namespace

struct Dialer {
  Dialer(asio::io_context& io, Endpoint ep) : endpoint(std::move(ep)), timer(io) {}
  Endpoint endpoint;
  std::uint32_t attempt = 0;
  asio::steady_timer timer;
};

struct Listener {
  Listener(asio::io_context& io, Endpoint ep) : endpoint(std::move(ep)), acceptor(io) {}
  Endpoint endpoint;
  tcp::acceptor acceptor;
};

struct Connection;

struct NetTransport::Impl : std::enable_shared_from_this<NetTransport::Impl> {
  Impl(asio::io_context& context, NetOptions o, NetTransport* self)
      : io(context), options(std::move(o)), owner(self), rng(seed_of(options.seed)) {}

  static std::uint64_t seed_of(std::uint64_t seed) {
    return seed != 0 ? seed
                     : std::random_device{}() ^ (std::uint64_t{std::random_device{}()} << 32);
  }

  [[nodiscard]] TransportHandler* handler() const { return owner ? owner->handler() : nullptr; }
  void build_tls_contexts();
  void dial(const std::shared_ptr<Dialer>& dialer);
  void schedule_redial(const std::shared_ptr<Dialer>& dialer, bool was_open);
  // Static, with a weak owner: the coroutine starts later and may outlive the Impl.
  static asio::awaitable<void> accept_loop(std::weak_ptr<Impl> weak,
                                           std::shared_ptr<Listener> listener);
  void post_disconnected(PeerId id, error_code reason);
  void shutdown();

  asio::io_context& io;
  NetOptions options;
  NetTransport* owner;  // null once the transport is destroyed: no callbacks after
  std::mt19937_64 rng;
  std::optional<ssl::context> client_tls;
  std::optional<ssl::context> server_tls;
  error_code client_tls_error;
  error_code server_tls_error;
  std::vector<std::shared_ptr<Listener>> listeners;
  std::vector<std::shared_ptr<Dialer>> dialers;
  std::map<PeerId, std::shared_ptr<Connection>> open;
  std::set<std::shared_ptr<Connection>> pending;  // still in a handshake
  std::uint64_t next_peer = 1;
  bool closed = false;
};

struct Connection : std::enable_shared_from_this<Connection> {
  enum class State { handshaking, open, closed };

  Connection(const std::shared_ptr<NetTransport::Impl>& impl, std::unique_ptr<detail::Link> l,
             bool in, Endpoint ep, std::shared_ptr<Dialer> d)
      : owner(impl),
        io(impl->io),
        options(impl->options),
        link(std::move(l)),
        inbound(in),
        endpoint(std::move(ep)),
        dialer(std::move(d)),
        deadline(impl->io),
        heartbeat(impl->io) {}

  void start_deadline() {
    deadline.expires_after(milliseconds(options.handshake_timeout_ms));
    deadline.async_wait([weak = weak_from_this()](const error_code& ec) {
      // An expiry already queued when become_open() cancelled still arrives as success.
      if (auto self = weak.lock(); self && !ec && self->state == State::handshaking) {
        self->fail(make_error_code(net_errc::handshake_timeout));
      }
    });
  }

  asio::awaitable<void> run_outbound(std::shared_ptr<Connection> self);
  asio::awaitable<void> run_inbound(std::shared_ptr<Connection> self);
  asio::awaitable<void> read_loop(std::shared_ptr<Connection> self);
  asio::awaitable<void> write_loop(std::shared_ptr<Connection> self);
  asio::awaitable<void> heartbeat_loop(std::shared_ptr<Connection> self);
  void become_open(std::string identity);
  void fail(error_code ec);
  result<void> enqueue(std::uint8_t type, std::span<const std::uint8_t> payload);

  std::weak_ptr<NetTransport::Impl> owner;
  asio::io_context& io;
  const NetOptions options;  // a copy: coroutines may outlive the Impl
  std::unique_ptr<detail::Link> link;
  bool inbound;
  Endpoint endpoint;
  std::shared_ptr<Dialer> dialer;
  asio::steady_timer deadline;
  asio::steady_timer heartbeat;
  State state = State::handshaking;
  PeerInfo info;
  std::deque<std::vector<std::uint8_t>> queue;  // frames: type byte + payload
  std::size_t queued = 0;                       // payload bytes of data frames not yet written
  bool writing = false;
  Clock::time_point last_received{};
  Clock::time_point write_started{};
  Clock::time_point last_sent{};
};

// ---- connection ----

asio::awaitable<void> Connection::run_outbound(std::shared_ptr<Connection> self) {
  start_deadline();
  error_code ec;
  {
    auto impl = owner.lock();
    if (!impl) co_return;
    if (endpoint.tls && impl->client_tls_error) {
      fail(impl->client_tls_error);
      co_return;
    }
  }
  tcp::resolver resolver(io);
  // Named locals, no temporaries inside co_await: gcc 12 mis-destroys some of them.
  const std::string service = std::to_string(endpoint.port);
  const auto hosts = co_await resolver.async_resolve(endpoint.host, service,
                                                     asio::redirect_error(asio::use_awaitable, ec));
  if (state == State::closed) co_return;
  if (ec) co_return fail(ec);
  co_await asio::async_connect(link->socket(), hosts,
                               asio::redirect_error(asio::use_awaitable, ec));
  if (state == State::closed) co_return;
  if (ec) co_return fail(ec);
  link->disable_nagle();
  info.remote_address = address_of(link->socket());
  ec = co_await link->client_handshake(endpoint, options.tls.verify_peer);
  if (state == State::closed) co_return;
  if (ec) co_return fail(ec);
  const auto hello = detail::encode_hello(options.token);
  ec = co_await link->write_frame(hello);
  if (state == State::closed) co_return;
  if (ec) co_return fail(ec);
  std::vector<std::uint8_t> frame;
  ec = co_await link->read_frame(frame, detail::kHandshakeFrameMax);
  if (state == State::closed) co_return;
  if (ec) co_return fail(ec);
  const auto reply = detail::decode_reply(frame);
  if (!reply) co_return fail(reply.error());
  if (!reply->accepted) {
    if (auto impl = owner.lock(); impl && impl->owner && impl->owner->on_refused) {
      guarded([&] { impl->owner->on_refused(endpoint, reply->reason); });
    }
    co_return fail(make_error_code(net_errc::authentication_failed));
  }
  info.certificate_subject = link->peer_subject();
  become_open({});
  co_await read_loop(self);
}

asio::awaitable<void> Connection::run_inbound(std::shared_ptr<Connection> self) {
  start_deadline();
  link->disable_nagle();
  info.remote_address = address_of(link->socket());
  error_code ec = co_await link->server_handshake();
  if (state == State::closed) co_return;
  if (ec) co_return fail(ec);
  std::vector<std::uint8_t> frame;
  ec = co_await link->read_frame(frame, detail::kHandshakeFrameMax);
  if (state == State::closed) co_return;
  if (ec) co_return fail(ec);
  info.certificate_subject = link->peer_subject();

  result<std::string> identity = std::string{};
  const auto token = detail::decode_hello(frame);
  if (!token) {
    identity = result<std::string>(boost::system::in_place_error, token.error());
  } else if (auto impl = owner.lock(); impl && impl->options.authenticate) {
    const AuthRequest request{info.remote_address, *token, info.certificate_subject};
    try {
      identity = impl->options.authenticate(request);
    } catch (...) {
      identity = result<std::string>(boost::system::in_place_error,
                                     make_error_code(net_errc::authentication_failed));
    }
  }
  if (!identity) {
    // Tell the connector why, then close; the deadline still bounds this write.
    const auto refuse = detail::encode_refuse(identity.error().message());
    (void)co_await link->write_frame(refuse);
    if (state == State::closed) co_return;
    co_return fail(token ? make_error_code(net_errc::authentication_failed) : token.error());
  }
  const auto accept = detail::encode_accept();
  ec = co_await link->write_frame(accept);
  if (state == State::closed) co_return;
  if (ec) co_return fail(ec);
  become_open(std::move(*identity));
  co_await read_loop(self);
}

void Connection::become_open(std::string identity) {
  auto impl = owner.lock();
  if (!impl || impl->closed) return fail(make_error_code(transport_errc::closed));
  deadline.cancel();
  state = State::open;
  info.id = PeerId{impl->next_peer++};
  info.inbound = inbound;
  info.endpoint = endpoint;
  info.identity = std::move(identity);
  last_received = last_sent = Clock::now();
  impl->pending.erase(shared_from_this());
  impl->open.emplace(info.id, shared_from_this());
  if (dialer) dialer->attempt = 0;
  spawn(io, heartbeat_loop(shared_from_this()));
  if (auto* h = impl->handler()) guarded([&] { h->on_connected(info.id); });
}

asio::awaitable<void> Connection::read_loop(std::shared_ptr<Connection> /*keep_alive*/) {
  std::vector<std::uint8_t> frame;
  while (state == State::open) {
    // One extra byte for the frame type in front of a message of max_frame_size.
    error_code ec = co_await link->read_frame(frame, options.max_frame_size + 1);
    if (state != State::open) co_return;
    if (ec) co_return fail(is_orderly_close(ec) ? error_code{} : ec);
    last_received = Clock::now();
    if (frame[0] == detail::kFramePing) continue;
    if (frame[0] != detail::kFrameData) co_return fail(make_error_code(net_errc::protocol_error));
    auto impl = owner.lock();  // keeps Impl alive while user code runs
    if (!impl) co_return;
    if (auto* h = impl->handler()) {
      const std::span<const std::uint8_t> message(frame.data() + 1, frame.size() - 1);
      guarded([&] { h->on_message(info.id, message); });
    }
    if (frame.capacity() > (std::size_t{64} << 10)) frame = {};
  }
}

result<void> Connection::enqueue(std::uint8_t type, std::span<const std::uint8_t> payload) {
  if (type == detail::kFrameData) {
    if (queued != 0 && queued + payload.size() > options.max_queued_bytes) {
      return transport_errc::queue_full;
    }
    queued += payload.size();
  }
  std::vector<std::uint8_t> frame;
  frame.reserve(payload.size() + 1);
  frame.push_back(type);
  frame.insert(frame.end(), payload.begin(), payload.end());
  queue.push_back(std::move(frame));
  if (!writing) {
    writing = true;
    spawn(io, write_loop(shared_from_this()));
  }
  return {};
}

asio::awaitable<void> Connection::write_loop(std::shared_ptr<Connection> /*keep_alive*/) {
  while (state == State::open && !queue.empty()) {
    std::vector<std::uint8_t> frame = std::move(queue.front());
    queue.pop_front();
    write_started = Clock::now();
    const error_code ec = co_await link->write_frame(frame);
    if (state != State::open) break;
    if (frame[0] == detail::kFrameData) queued -= frame.size() - 1;
    last_sent = Clock::now();
    if (ec) {
      fail(is_orderly_close(ec) ? error_code{} : ec);
      break;
    }
  }
  writing = false;
}

asio::awaitable<void> Connection::heartbeat_loop(std::shared_ptr<Connection> /*keep_alive*/) {
  const auto idle = milliseconds(options.idle_timeout_ms);
  const auto beat = milliseconds(options.heartbeat_interval_ms);
  const auto tick = std::max(milliseconds(1), std::min(beat, idle / 4));
  while (state == State::open) {
    error_code ec;
    heartbeat.expires_after(tick);
    co_await heartbeat.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (state != State::open) co_return;
    const auto now = Clock::now();
    if (now - last_received > idle) co_return fail(make_error_code(net_errc::idle_timeout));
    if (writing && now - write_started > idle) {
      co_return fail(make_error_code(net_errc::write_timeout));
    }
    // Only an idle link needs a ping: a frame in flight already proves liveness.
    if (!writing && now - last_sent >= beat) (void)enqueue(detail::kFramePing, {});
  }
}

void Connection::fail(error_code ec) {
  if (state == State::closed) return;
  const State was = state;
  state = State::closed;
  deadline.cancel();
  heartbeat.cancel();
  link->close();
  queue.clear();
  queued = 0;
  auto keep = shared_from_this();
  auto impl = owner.lock();
  if (!impl) return;
  if (was == State::open) {
    impl->open.erase(info.id);
    impl->post_disconnected(info.id, ec);
  } else {
    impl->pending.erase(keep);
    if (!impl->closed && impl->owner) {
      if (inbound && impl->owner->on_accept_failed) {
        guarded([&] { impl->owner->on_accept_failed(info.remote_address, ec); });
      } else if (!inbound && impl->owner->on_connect_failed) {
        guarded([&] { impl->owner->on_connect_failed(endpoint, ec); });
      }
    }
  }
  if (dialer) impl->schedule_redial(dialer, was == State::open);
}

// ---- transport internals ----

void NetTransport::Impl::build_tls_contexts() {
  const TlsOptions& t = options.tls;
  auto harden = [](ssl::context& c) {
    c.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    SSL_CTX_set_min_proto_version(c.native_handle(), TLS1_2_VERSION);
  };
  {
    ssl::context c(ssl::context::tls_client);
    harden(c);
    error_code ec;
    if (t.verify_peer) {
      if (t.ca_file.empty()) {
        c.set_default_verify_paths(ec);
      } else {
        c.load_verify_file(t.ca_file, ec);
      }
      if (!ec) c.set_verify_mode(ssl::verify_peer, ec);
    } else {
      c.set_verify_mode(ssl::verify_none, ec);
    }
    if (!ec && !t.certificate_file.empty()) {
      c.use_certificate_chain_file(t.certificate_file, ec);
      if (!ec) c.use_private_key_file(t.private_key_file, ssl::context::pem, ec);
    }
    client_tls_error = ec;
    client_tls.emplace(std::move(c));
  }
  {
    ssl::context c(ssl::context::tls_server);
    harden(c);
    error_code ec;
    if (t.certificate_file.empty() || t.private_key_file.empty()) {
      ec = make_error_code(net_errc::not_listening_tls);
    } else {
      c.use_certificate_chain_file(t.certificate_file, ec);
      if (!ec) c.use_private_key_file(t.private_key_file, ssl::context::pem, ec);
    }
    if (!ec && t.require_client_certificate) {
      if (t.ca_file.empty()) {
        c.set_default_verify_paths(ec);
      } else {
        c.load_verify_file(t.ca_file, ec);
      }
      if (!ec) c.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert, ec);
    }
    server_tls_error = ec;
    server_tls.emplace(std::move(c));
  }
}

void NetTransport::Impl::dial(const std::shared_ptr<Dialer>& dialer) {
  if (closed) return;
  const Endpoint& ep = dialer->endpoint;
  auto conn = std::make_shared<Connection>(
      shared_from_this(), detail::make_link(io.get_executor(), ep.protocol, ep.tls, &*client_tls),
      false, ep, dialer);
  pending.insert(conn);
  spawn(io, conn->run_outbound(conn));
}

void NetTransport::Impl::schedule_redial(const std::shared_ptr<Dialer>& dialer, bool was_open) {
  if (closed || !options.reconnect.enabled) return;
  if (was_open) dialer->attempt = 0;
  const ReconnectPolicy& p = options.reconnect;
  const std::uint32_t shift = std::min<std::uint32_t>(dialer->attempt, 20);
  const double base = std::min<double>(static_cast<double>(p.max_delay_ms),
                                       static_cast<double>(p.initial_delay_ms) * (1u << shift));
  const double j = std::clamp(p.jitter, 0.0, 1.0);
  std::uniform_real_distribution<double> factor(1.0 - j, 1.0 + j);
  const auto delay = static_cast<std::int64_t>(base * factor(rng));
  ++dialer->attempt;
  dialer->timer.expires_after(milliseconds(std::max<std::int64_t>(1, delay)));
  dialer->timer.async_wait([weak = weak_from_this(), dialer](const error_code& ec) {
    if (auto impl = weak.lock(); impl && !ec) impl->dial(dialer);
  });
}

asio::awaitable<void> NetTransport::Impl::accept_loop(std::weak_ptr<Impl> weak,
                                                      std::shared_ptr<Listener> listener) {
  const auto executor = listener->acceptor.get_executor();
  for (;;) {
    std::unique_ptr<detail::Link> link;
    {
      auto impl = weak.lock();
      if (!impl || impl->closed) co_return;
      link = detail::make_link(executor, listener->endpoint.protocol, listener->endpoint.tls,
                               &*impl->server_tls);
    }
    error_code ec;
    co_await listener->acceptor.async_accept(link->socket(),
                                             asio::redirect_error(asio::use_awaitable, ec));
    auto impl = weak.lock();
    if (!impl || impl->closed || !listener->acceptor.is_open()) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      // Out of descriptors or a reset during accept: back off briefly, keep serving.
      asio::steady_timer pause(executor, milliseconds(10));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    auto conn =
        std::make_shared<Connection>(impl, std::move(link), true, listener->endpoint, nullptr);
    impl->pending.insert(conn);
    spawn(impl->io, conn->run_inbound(conn));
  }
}

void NetTransport::Impl::post_disconnected(PeerId id, error_code reason) {
  asio::post(io, [weak = weak_from_this(), id, reason] {
    auto impl = weak.lock();
    if (!impl) return;
    if (auto* h = impl->handler()) guarded([&] { h->on_disconnected(id, reason); });
  });
}

void NetTransport::Impl::shutdown() {
  closed = true;
  for (auto& l : listeners) {
    error_code ignored;
    l->acceptor.close(ignored);
  }
  listeners.clear();
  for (auto& d : dialers) d->timer.cancel();
  dialers.clear();
  const auto pend = pending;
  for (const auto& c : pend) c->fail(make_error_code(transport_errc::closed));
  const auto live = open;
  for (const auto& [id, c] : live) c->fail(error_code{});
}

// ---- public API ----

NetTransport::NetTransport(asio::io_context& io, NetOptions options) {
  if (options.max_frame_size == 0 || options.max_frame_size > (std::size_t{1} << 31) ||
      options.handshake_timeout_ms == 0 || options.idle_timeout_ms == 0 ||
      options.heartbeat_interval_ms == 0) {
    throw std::invalid_argument("weft::net::NetTransport: invalid NetOptions");
  }
  if (options.token.size() > detail::kMaxToken) {
    throw std::invalid_argument("weft::net::NetTransport: token longer than 4096 bytes");
  }
  impl_ = std::make_shared<Impl>(io, std::move(options), this);
  impl_->build_tls_contexts();
}

NetTransport::~NetTransport() {
  impl_->owner = nullptr;
  impl_->shutdown();
}

result<std::uint16_t> NetTransport::listen(const Endpoint& where) {
  if (impl_->closed) return transport_errc::closed;
  if (where.tls && impl_->server_tls_error) return impl_->server_tls_error;
  error_code ec;
  const auto address = asio::ip::make_address(where.host.empty() ? "0.0.0.0" : where.host, ec);
  if (ec) return ec;
  auto listener = std::make_shared<Listener>(impl_->io, where);
  const tcp::endpoint ep(address, where.port);
  auto& acc = listener->acceptor;
  if (acc.open(ep.protocol(), ec); ec) return ec;
  if (acc.set_option(tcp::acceptor::reuse_address(true), ec); ec) return ec;
  if (acc.bind(ep, ec); ec) return ec;
  if (acc.listen(asio::socket_base::max_listen_connections, ec); ec) return ec;
  const auto port = acc.local_endpoint(ec).port();
  if (ec) return ec;
  listener->endpoint.port = port;
  impl_->listeners.push_back(listener);
  spawn(impl_->io, Impl::accept_loop(impl_, listener));
  return port;
}

void NetTransport::connect(const Endpoint& where) {
  if (impl_->closed) return;
  auto dialer = std::make_shared<Dialer>(impl_->io, where);
  impl_->dialers.push_back(dialer);
  impl_->dial(dialer);
}

std::optional<PeerInfo> NetTransport::peer_info(PeerId peer) const {
  const auto it = impl_->open.find(peer);
  if (it == impl_->open.end()) return std::nullopt;
  return it->second->info;
}

int NetTransport::native_handle(PeerId peer) const {
  const auto it = impl_->open.find(peer);
  return it == impl_->open.end() ? -1 : it->second->link->socket().native_handle();
}

std::size_t NetTransport::queued_bytes(PeerId peer) const {
  const auto it = impl_->open.find(peer);
  return it == impl_->open.end() ? 0 : it->second->queued;
}

void NetTransport::close() {
  impl_->shutdown();
}

result<void> NetTransport::send(PeerId peer, std::span<const std::uint8_t> message) {
  if (impl_->closed) return transport_errc::closed;
  const auto it = impl_->open.find(peer);
  if (it == impl_->open.end()) return transport_errc::not_connected;
  if (message.size() > impl_->options.max_frame_size) return transport_errc::message_too_large;
  return it->second->enqueue(detail::kFrameData, message);
}

void NetTransport::disconnect(PeerId peer) {
  const auto it = impl_->open.find(peer);
  if (it == impl_->open.end()) return;
  const auto conn = it->second;
  conn->fail(error_code{});
}

std::vector<PeerId> NetTransport::peers() const {
  std::vector<PeerId> out;
  out.reserve(impl_->open.size());
  for (const auto& [id, c] : impl_->open) out.push_back(id);
  return out;
}

}  // namespace weft::net

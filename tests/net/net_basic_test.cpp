// NetTransport basics over real loopback sockets: every stack (TCP, WebSocket,
// each with and without TLS) carries messages both ways with boundaries intact,
// limits are enforced, TLS and authentication refuse the wrong peers before any
// document byte, heartbeats keep idle links up, and re-dials get fresh PeerIds.
#include <random>

#include "net/net_support.hpp"
#include "support/catch.hpp"
#include "support/port_hold.hpp"

using namespace weft;
using namespace weft::net;
using namespace weft::test::net;

namespace {

struct Stack {
  const char* name;
  Protocol protocol;
  bool tls;
};
constexpr Stack kStacks[] = {{"tcp", Protocol::tcp, false},
                             {"ws", Protocol::websocket, false},
                             {"tls", Protocol::tcp, true},
                             {"wss", Protocol::websocket, true}};

NetOptions server_options(bool tls) {
  NetOptions o = fast_options(11);
  if (tls) {
    o.tls.ca_file = test_pki().ca_cert;
    o.tls.certificate_file = test_pki().server_cert;
    o.tls.private_key_file = test_pki().server_key;
  }
  return o;
}

NetOptions client_options(bool tls) {
  NetOptions o = fast_options(12);
  if (tls) o.tls.ca_file = test_pki().ca_cert;
  return o;
}

// One listening and one connecting transport with recorders.
struct Pair {
  boost::asio::io_context io;
  Recorder server_events, client_events;
  std::unique_ptr<NetTransport> server, client;
  std::vector<boost::system::error_code> connect_failures, accept_failures;
  std::vector<std::string> refusals;
  std::uint16_t port = 0;

  Pair(const NetOptions& server_opts, const NetOptions& client_opts, Endpoint listen_at) {
    server = std::make_unique<NetTransport>(io, server_opts);
    client = std::make_unique<NetTransport>(io, client_opts);
    server->set_handler(&server_events);
    client->set_handler(&client_events);
    server->on_accept_failed = [this](std::string_view, boost::system::error_code ec) {
      accept_failures.push_back(ec);
    };
    client->on_connect_failed = [this](const Endpoint&, boost::system::error_code ec) {
      connect_failures.push_back(ec);
    };
    client->on_refused = [this](const Endpoint&, std::string_view reason) {
      refusals.emplace_back(reason);
    };
    auto bound = server->listen(listen_at);
    REQUIRE(bound);
    port = *bound;
    REQUIRE(port != 0);
  }
  bool both_connected() {
    return server_events.connected.size() == 1 && client_events.connected.size() == 1;
  }
};

Bytes pattern(std::size_t n, std::uint8_t salt) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 31 + salt + (i >> 8));
  return b;
}

}  // namespace

TEST_CASE("parse_endpoint reads the four schemes and rejects malformed URLs", "[network]") {
  auto a = parse_endpoint("tcp://127.0.0.1:9000");
  REQUIRE(a);
  CHECK(a->protocol == Protocol::tcp);
  CHECK_FALSE(a->tls);
  CHECK(a->host == "127.0.0.1");
  CHECK(a->port == 9000);
  auto b = parse_endpoint("wss://example.org/doc/1");
  REQUIRE(b);
  CHECK(b->protocol == Protocol::websocket);
  CHECK(b->tls);
  CHECK(b->port == 443);
  CHECK(b->path == "/doc/1");
  auto c = parse_endpoint("tls://[::1]:7");
  REQUIRE(c);
  CHECK(c->host == "::1");
  CHECK(c->tls);
  CHECK(c->port == 7);
  auto d = parse_endpoint("ws://localhost:8080");
  REQUIRE(d);
  CHECK(d->path == "/");
  for (const char* url : {"ws://h:1/p", "tcp://[::1]:9", "tls://a.b:65535", "wss://x:1/"}) {
    auto e = parse_endpoint(url);
    REQUIRE(e);
    CHECK(to_string(*e) == url);
  }
  for (const char* bad : {"", "tcp://", "tcp://host", "udp://h:1", "tcp://h:65536", "tcp://h:-1",
                          "tcp://h:1/path", "tcp://:1", "ws://[::1", "tcp://a:b:1", "tcp//h:1",
                          "tcp://h:1x", "tcp://h:", "tcp://ho st:1"}) {
    INFO(bad);
    auto e = parse_endpoint(bad);
    REQUIRE_FALSE(e);
    CHECK(e.error() == net_errc::invalid_endpoint);
  }
}

TEST_CASE("Every stack carries messages both ways with boundaries intact", "[network]") {
  for (const Stack& s : kStacks) {
    INFO("stack " << s.name);
    NetOptions sopt = server_options(s.tls);
    sopt.authenticate = [](const AuthRequest& r) -> result<std::string> {
      return "user:" + r.token;
    };
    NetOptions copt = client_options(s.tls);
    copt.token = "alice";
    Pair p(sopt, copt, endpoint(s.protocol, s.tls));
    p.client->connect(endpoint(s.protocol, s.tls, p.port));
    REQUIRE(run_until(p.io, [&] { return p.both_connected(); }));
    const PeerId at_server = p.server_events.connected[0];
    const PeerId at_client = p.client_events.connected[0];
    const auto info = p.server->peer_info(at_server);
    REQUIRE(info);
    CHECK(info->inbound);
    CHECK(info->identity == "user:alice");
    CHECK(info->remote_address.rfind("127.0.0.1:", 0) == 0);
    const auto cinfo = p.client->peer_info(at_client);
    REQUIRE(cinfo);
    CHECK_FALSE(cinfo->inbound);
    CHECK(cinfo->endpoint.port == p.port);
    if (s.tls) CHECK(cinfo->certificate_subject.find("CN=weft-server") != std::string::npos);

    const std::size_t max = sopt.max_frame_size;
    const std::vector<std::size_t> sizes{0, 1, 2, 3, 4, 5, 100, 4096, 65'537, 300'001, max};
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      REQUIRE(p.client->send(at_client, pattern(sizes[i], static_cast<std::uint8_t>(i))));
      REQUIRE(p.server->send(at_server, pattern(sizes[i], static_cast<std::uint8_t>(i + 100))));
    }
    const Bytes over = pattern(max + 1, 0);
    CHECK(p.client->send(at_client, over).error() == transport_errc::message_too_large);
    CHECK(p.server->send(at_server, over).error() == transport_errc::message_too_large);
    REQUIRE(run_until(p.io, [&] {
      return p.server_events.messages.size() == sizes.size() &&
             p.client_events.messages.size() == sizes.size();
    }));
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      CHECK(p.server_events.messages[i].first == at_server);
      CHECK(p.server_events.messages[i].second == pattern(sizes[i], static_cast<std::uint8_t>(i)));
      CHECK(p.client_events.messages[i].second ==
            pattern(sizes[i], static_cast<std::uint8_t>(i + 100)));
    }
    CHECK(p.connect_failures.empty());
    CHECK(p.accept_failures.empty());

    // An orderly local disconnect: both sides hear of it, the local one without error.
    p.server->disconnect(at_server);
    CHECK(p.server->send(at_server, Bytes{1}).error() == transport_errc::not_connected);
    REQUIRE(run_until(p.io, [&] {
      return p.server_events.disconnected.size() == 1 && p.client_events.disconnected.size() == 1;
    }));
    CHECK(p.server_events.disconnected[0].first == at_server);
    CHECK_FALSE(p.server_events.disconnected[0].second);
    CHECK(p.client_events.disconnected[0].first == at_client);
  }
}

TEST_CASE("An incoming frame above the receiver's maximum closes that connection", "[network]") {
  for (const Stack& s : kStacks) {
    INFO("stack " << s.name);
    NetOptions sopt = server_options(s.tls);
    sopt.max_frame_size = 64 << 10;
    NetOptions copt = client_options(s.tls);
    copt.max_frame_size = 1 << 20;
    copt.reconnect.enabled = false;
    Pair p(sopt, copt, endpoint(s.protocol, s.tls));
    p.client->connect(endpoint(s.protocol, s.tls, p.port));
    REQUIRE(run_until(p.io, [&] { return p.both_connected(); }));
    const PeerId c = p.client_events.connected[0];
    REQUIRE(p.client->send(c, pattern(64 << 10, 1)));        // exactly the maximum: fine
    REQUIRE(p.client->send(c, pattern((64 << 10) + 1, 2)));  // one byte more: refused
    REQUIRE(run_until(p.io, [&] { return p.server_events.disconnected.size() == 1; }));
    CHECK(p.server_events.disconnected[0].second == net_errc::frame_too_large);
    REQUIRE(p.server_events.messages.size() == 1);
    CHECK(p.server_events.messages[0].second == pattern(64 << 10, 1));
    REQUIRE(run_until(p.io, [&] { return p.client_events.disconnected.size() == 1; }));
    CHECK(p.server->peers().empty());
  }
}

TEST_CASE("Authentication refuses a bad token and tells the connector why", "[network]") {
  for (const Stack& s : kStacks) {
    INFO("stack " << s.name);
    NetOptions sopt = server_options(s.tls);
    std::vector<AuthRequest> asked;
    sopt.authenticate = [&](const AuthRequest& r) -> result<std::string> {
      asked.push_back(r);
      if (r.token == "secret") return std::string("ok");
      return result<std::string>(boost::system::in_place_error,
                                 make_error_code(boost::system::errc::permission_denied));
    };
    NetOptions copt = client_options(s.tls);
    copt.token = "wrong";
    copt.reconnect.enabled = false;
    Pair p(sopt, copt, endpoint(s.protocol, s.tls));
    p.client->connect(endpoint(s.protocol, s.tls, p.port));
    REQUIRE(
        run_until(p.io, [&] { return !p.connect_failures.empty() && !p.accept_failures.empty(); }));
    CHECK(p.connect_failures[0] == net_errc::authentication_failed);
    CHECK(p.accept_failures[0] == net_errc::authentication_failed);
    REQUIRE(p.refusals.size() == 1);
    CHECK(p.refusals[0] == make_error_code(boost::system::errc::permission_denied).message());
    REQUIRE(asked.size() == 1);
    CHECK(asked[0].token == "wrong");
    run_for(p.io, 50ms);
    CHECK(p.server_events.connected.empty());
    CHECK(p.client_events.connected.empty());
    CHECK(p.server_events.messages.empty());
    CHECK(p.server->peers().empty());

    // The right token is accepted by the same listener.
    NetOptions good = client_options(s.tls);
    good.token = "secret";
    NetTransport second(p.io, good);
    Recorder events;
    second.set_handler(&events);
    second.connect(endpoint(s.protocol, s.tls, p.port));
    REQUIRE(run_until(p.io, [&] { return events.connected.size() == 1; }));
    REQUIRE(run_until(p.io, [&] { return p.server_events.connected.size() == 1; }));
    CHECK(p.server->peer_info(p.server_events.connected[0])->identity == "ok");
  }
}

TEST_CASE("TLS refuses the wrong peers before any document byte", "[network]") {
  const TestPki& pki = test_pki();
  struct Case {
    const char* name;
    std::function<void(NetOptions& server, NetOptions& client, Endpoint& dial)> setup;
  };
  const std::vector<Case> cases{
      {"server certificate from an untrusted CA",
       [&](NetOptions& sv, NetOptions&, Endpoint&) {
         sv.tls.certificate_file = pki.rogue_server_cert;
         sv.tls.private_key_file = pki.rogue_server_key;
       }},
      {"host name mismatch",
       [&](NetOptions&, NetOptions&, Endpoint& dial) { dial.server_name = "wrong.example"; }},
      {"plaintext client to a TLS port",
       [&](NetOptions&, NetOptions&, Endpoint& dial) { dial.tls = false; }},
      {"mutual TLS without a client certificate",
       [&](NetOptions& sv, NetOptions&, Endpoint&) { sv.tls.require_client_certificate = true; }},
      {"mutual TLS with a client certificate from an untrusted CA",
       [&](NetOptions& sv, NetOptions& cl, Endpoint&) {
         sv.tls.require_client_certificate = true;
         cl.tls.certificate_file = pki.rogue_server_cert;
         cl.tls.private_key_file = pki.rogue_server_key;
       }},
  };
  for (const Protocol proto : {Protocol::tcp, Protocol::websocket}) {
    for (const Case& c : cases) {
      INFO(c.name << (proto == Protocol::tcp ? " (tcp)" : " (ws)"));
      NetOptions sopt = server_options(true);
      NetOptions copt = client_options(true);
      copt.reconnect.enabled = false;
      Endpoint dial = endpoint(proto, true);
      c.setup(sopt, copt, dial);
      Pair p(sopt, copt, endpoint(proto, true));
      dial.port = p.port;
      p.client->connect(dial);
      REQUIRE(run_until(p.io,
                        [&] { return !p.connect_failures.empty() && !p.accept_failures.empty(); }));
      run_for(p.io, 30ms);
      CHECK(p.server_events.connected.empty());
      CHECK(p.server_events.messages.empty());
      CHECK(p.client_events.connected.empty());
      CHECK(p.server->peers().empty());
      CHECK(p.client->peers().empty());
    }
  }
}

TEST_CASE("Mutual TLS passes the verified client subject to the authenticator", "[network]") {
  const TestPki& pki = test_pki();
  for (const Protocol proto : {Protocol::tcp, Protocol::websocket}) {
    NetOptions sopt = server_options(true);
    sopt.tls.require_client_certificate = true;
    std::string seen;
    sopt.authenticate = [&](const AuthRequest& r) -> result<std::string> {
      seen = r.certificate_subject;
      return std::string("client");
    };
    NetOptions copt = client_options(true);
    copt.tls.certificate_file = pki.client_cert;
    copt.tls.private_key_file = pki.client_key;
    Endpoint dial = endpoint(proto, true);
    dial.host = "localhost";  // verified against the DNS name in the certificate
    Pair p(sopt, copt, endpoint(proto, true));
    dial.port = p.port;
    p.client->connect(dial);
    REQUIRE(run_until(p.io, [&] { return p.both_connected(); }));
    CHECK(seen.find("CN=weft-client") != std::string::npos);
    CHECK(p.server->peer_info(p.server_events.connected[0])->certificate_subject == seen);
  }
}

TEST_CASE("Heartbeats keep an idle link up; a silent peer is cut by the idle timeout",
          "[network]") {
  NetOptions sopt = server_options(false);
  sopt.idle_timeout_ms = 300;
  sopt.heartbeat_interval_ms = 50;
  NetOptions copt = sopt;
  Pair p(sopt, copt, endpoint(Protocol::tcp, false));
  p.client->connect(endpoint(Protocol::tcp, false, p.port));
  REQUIRE(run_until(p.io, [&] { return p.both_connected(); }));
  run_for(p.io, 1000ms);  // > 3 idle timeouts with nothing but heartbeats
  CHECK(p.server_events.disconnected.empty());
  CHECK(p.client_events.disconnected.empty());
  CHECK(p.server_events.messages.empty());  // heartbeats never reach the handler
  CHECK(p.client_events.messages.empty());

  // A raw peer that authenticates and then says nothing at all.
  RawClient raw(p.io);
  raw.connect(p.port);
  raw.write(RawClient::frame(RawClient::hello("")));
  raw.start_reading();
  REQUIRE(run_until(p.io, [&] { return p.server_events.connected.size() == 2; }));
  REQUIRE(run_until(
      p.io, [&] { return p.server_events.disconnected.size() == 1; }, 3s));
  CHECK(p.server_events.disconnected[0].first == p.server_events.connected[1]);
  CHECK(p.server_events.disconnected[0].second == net_errc::idle_timeout);
  REQUIRE(run_until(p.io, [&] { return raw.closed(); }));
  CHECK(p.client_events.disconnected.empty());  // the well-behaved link is unaffected
}

TEST_CASE("Re-dialling after a drop yields fresh PeerIds, never reused", "[network]") {
  for (const Stack& s : kStacks) {
    INFO("stack " << s.name);
    Pair p(server_options(s.tls), client_options(s.tls), endpoint(s.protocol, s.tls));
    p.client->connect(endpoint(s.protocol, s.tls, p.port));
    std::vector<PeerId> all;
    for (std::size_t round = 1; round <= 3; ++round) {
      REQUIRE(run_until(p.io, [&] {
        return p.server_events.connected.size() == round &&
               p.client_events.connected.size() == round;
      }));
      const PeerId server_side = p.server_events.connected.back();
      REQUIRE(p.client->send(p.client_events.connected.back(),
                             Bytes{7, static_cast<std::uint8_t>(round)}));
      REQUIRE(run_until(p.io, [&] { return p.server_events.messages.size() == round; }));
      CHECK(p.server_events.messages.back().second == Bytes{7, static_cast<std::uint8_t>(round)});
      all.push_back(server_side);
      all.push_back(p.client_events.connected.back());
      p.server->disconnect(server_side);  // the client re-dials on its own
    }
    for (std::size_t i = 0; i < all.size(); i += 2) {
      for (std::size_t j = i + 2; j < all.size(); j += 2) {
        CHECK(all[i] != all[j]);          // server-side ids distinct
        CHECK(all[i + 1] != all[j + 1]);  // client-side ids distinct
      }
    }
    p.client->close();
    run_for(p.io, 50ms);
    CHECK(p.client->peers().empty());
    CHECK(p.client->send(all.back(), Bytes{1}).error() == transport_errc::closed);
  }
}

TEST_CASE("A throwing handler does not disturb the transport", "[network]") {
  struct Thrower final : TransportHandler {
    std::vector<Bytes> got;
    void on_connected(PeerId) override { throw std::runtime_error("connected"); }
    void on_message(PeerId, std::span<const std::uint8_t> m) override {
      got.emplace_back(m.begin(), m.end());
      throw std::runtime_error("message");
    }
    void on_disconnected(PeerId, boost::system::error_code) override {
      throw std::runtime_error("disconnected");
    }
  };
  Pair p(server_options(false), client_options(false), endpoint(Protocol::tcp, false));
  Thrower thrower;
  p.server->set_handler(&thrower);
  p.client->connect(endpoint(Protocol::tcp, false, p.port));
  REQUIRE(run_until(p.io, [&] { return p.client_events.connected.size() == 1; }));
  REQUIRE(run_until(p.io, [&] { return p.server->peers().size() == 1; }));
  const PeerId c = p.client_events.connected[0];
  for (std::uint8_t i = 0; i < 5; ++i) REQUIRE(p.client->send(c, Bytes{i, i}));
  REQUIRE(run_until(p.io, [&] { return thrower.got.size() == 5; }));
  for (std::uint8_t i = 0; i < 5; ++i) CHECK(thrower.got[i] == Bytes{i, i});
  // The server still answers on the same connection.
  const PeerId s = p.server->peers()[0];
  REQUIRE(p.server->send(s, Bytes{9}));
  REQUIRE(run_until(p.io, [&] { return p.client_events.messages.size() == 1; }));
  p.server->disconnect(s);
  CHECK(p.server->peers().empty());
  CHECK(run_until(p.io, [&] { return p.client_events.disconnected.size() == 1; }));
}

TEST_CASE("A protocol mismatch is refused on both sides without a session", "[network]") {
  for (const bool ws_listener : {true, false}) {
    INFO((ws_listener ? "tcp client to a ws listener" : "ws client to a tcp listener"));
    NetOptions copt = client_options(false);
    copt.reconnect.enabled = false;
    const Protocol listen_as = ws_listener ? Protocol::websocket : Protocol::tcp;
    const Protocol dial_as = ws_listener ? Protocol::tcp : Protocol::websocket;
    Pair p(server_options(false), copt, endpoint(listen_as, false));
    p.client->connect(endpoint(dial_as, false, p.port));
    REQUIRE(
        run_until(p.io, [&] { return !p.connect_failures.empty() && !p.accept_failures.empty(); }));
    if (!ws_listener)
      CHECK(p.accept_failures[0] == net_errc::frame_too_large);  // "GET " as a length
    run_for(p.io, 20ms);
    CHECK(p.server_events.connected.empty());
    CHECK(p.client_events.connected.empty());
    CHECK(p.server_events.messages.empty());
  }
}

TEST_CASE("A dialler retries with backoff until the listener appears, and close() stops it",
          "[network]") {
  boost::asio::io_context io;
  // A port held for the listener started below: dials to it are refused meanwhile,
  // and no other connection (under ctest -j) can take it in between.
  const weft::test::PortHold hold;
  REQUIRE(hold.held());
  const std::uint16_t port = hold.port();
  NetOptions copt = fast_options(4);
  copt.reconnect.initial_delay_ms = 10;
  copt.reconnect.max_delay_ms = 40;
  NetTransport client(io, copt);
  Recorder events;
  client.set_handler(&events);
  std::size_t failures = 0;
  client.on_connect_failed = [&](const Endpoint& ep, boost::system::error_code ec) {
    CHECK(ep.port == port);
    CHECK(ec);
    ++failures;
  };
  client.connect(endpoint(Protocol::tcp, false, port));
  REQUIRE(run_until(
      io, [&] { return failures >= 4; }, 5s));
  CHECK(events.connected.empty());

  NetTransport server(io, fast_options(5));
  Recorder server_events;
  server.set_handler(&server_events);
  auto bound = server.listen(endpoint(Protocol::tcp, false, port));
  REQUIRE(bound);
  REQUIRE(run_until(
      io, [&] { return events.connected.size() == 1; }, 5s));

  // After close(): no more dials, no more failures, nothing connected.
  client.close();
  REQUIRE(run_until(io, [&] { return server.peers().empty(); }));
  const std::size_t failures_at_close = failures;
  run_for(io, 200ms);
  CHECK(failures == failures_at_close);
  CHECK(server_events.connected.size() == 1);
  CHECK(client.peers().empty());
}

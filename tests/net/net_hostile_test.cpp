// Hostile peers against a NetTransport that also serves a well-behaved peer:
// random and mutated frames before and after authentication, oversize frames, a
// peer that never reads, slowloris peers. The transport must survive, close the
// offender with a clear error, and keep syncing the well-behaved peer.
#include <iostream>
#include <memory>
#include <set>

#include "net/net_support.hpp"
#include "support/catch.hpp"
#include "support/seeds.hpp"
#include "weft/sync/sync_host.hpp"

using namespace weft;
using namespace weft::net;
using namespace weft::test::net;
namespace asio = boost::asio;

namespace {

constexpr const char* kToken = "letmein";

std::uint64_t now_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

NetOptions hostile_server_options() {
  NetOptions o = fast_options(21);
  o.max_frame_size = 256 << 10;
  o.max_queued_bytes = 256 << 10;
  o.handshake_timeout_ms = 500;
  o.idle_timeout_ms = 1'500;
  o.heartbeat_interval_ms = 100;
  o.authenticate = [](const AuthRequest& r) -> result<std::string> {
    if (r.token == kToken) return std::string("member");
    return result<std::string>(boost::system::in_place_error,
                               make_error_code(boost::system::errc::permission_denied));
  };
  return o;
}

// A server Doc and a well-behaved client Doc, synced over TCP; hostile raw
// clients attack the server's port meanwhile.
struct Arena {
  asio::io_context io;
  Doc server_doc{ReplicaId{11}}, client_doc{ReplicaId{22}};
  NetTransport server{io, hostile_server_options()};
  NetTransport client{io, [] {
                        NetOptions o = fast_options(22);
                        o.token = kToken;
                        o.heartbeat_interval_ms = 100;
                        o.idle_timeout_ms = 1'500;
                        return o;
                      }()};
  SyncHost server_host{server, SyncOptions{.anti_entropy_interval_ms = 50}};
  SyncHost client_host{client, SyncOptions{.anti_entropy_interval_ms = 50}};
  Recorder server_events, client_events;
  std::vector<boost::system::error_code> accept_failures;
  std::map<PeerId, boost::system::error_code> session_errors;  // SyncHost closed a session
  std::uint16_t port = 0;
  PeerId legit_at_server{};
  std::mt19937_64 rng{5};

  Arena() {
    server_host.add_document("doc", server_doc);
    client_host.add_document("doc", client_doc);
    server_events.forward = &server_host;
    client_events.forward = &client_host;
    server.set_handler(&server_events);
    client.set_handler(&client_events);
    server.on_accept_failed = [this](std::string_view, boost::system::error_code ec) {
      accept_failures.push_back(ec);
    };
    server_host.on_event = [this](PeerId p, const SyncEvent& e) {
      if (e.kind == SyncEvent::Kind::closed) session_errors[p] = e.error;
    };
    port = server.listen(endpoint(Protocol::tcp, false)).value();
    client.connect(endpoint(Protocol::tcp, false, port));
    REQUIRE(run_until(io, [&] {
      return server_events.connected.size() == 1 && client_events.connected.size() == 1;
    }));
    legit_at_server = server_events.connected[0];
    REQUIRE(sync_round());
  }

  bool sync_round() {
    for (int i = 0; i < 20; ++i) {
      const Bytes a = random_transaction(server_doc, rng);
      if (!a.empty()) server_host.publish("doc", a);
      const Bytes b = random_transaction(client_doc, rng);
      if (!b.empty()) client_host.publish("doc", b);
    }
    return run_until(
        io,
        [&] {
          server_host.tick(now_ms());
          client_host.tick(now_ms());
          return server_doc.pending_count() == 0 && client_doc.pending_count() == 0 &&
                 server_doc.encode_snapshot() == client_doc.encode_snapshot();
        },
        20s);
  }

  // The well-behaved peer kept its one session throughout and still syncs.
  void check_unaffected() {
    CHECK(client_events.disconnected.empty());
    CHECK(client_events.connected.size() == 1);
    CHECK(server.peer_info(legit_at_server).has_value());
    CHECK(sync_round());
    CHECK(server_doc.digest() == client_doc.digest());
  }

  bool hostile_connected(PeerId p) const { return p != legit_at_server; }
};

Bytes random_bytes(std::mt19937_64& rng, std::size_t n) {
  Bytes b(n);
  for (auto& x : b) x = static_cast<std::uint8_t>(rng());
  return b;
}

// One hostile first frame (with whatever follows it): random, mutated or malformed.
Bytes hostile_opening(std::mt19937_64& rng) {
  switch (rng() % 6) {
    case 0:
      return random_bytes(rng, 1 + rng() % 300);
    case 1: {  // a valid hello with 1-3 bytes flipped (length prefix included)
      Bytes f = RawClient::frame(RawClient::hello(kToken));
      for (int k = 0, n = 1 + static_cast<int>(rng() % 3); k < n; ++k) {
        f[rng() % f.size()] ^= static_cast<std::uint8_t>(1 + rng() % 255);
      }
      return f;
    }
    case 2: {  // well framed, random type and body
      return RawClient::frame(random_bytes(rng, 1 + rng() % 200));
    }
    case 3: {  // a hello with a wrong token, a wrong version or no magic
      Bytes h = RawClient::hello(rng() % 2 ? "letmeout" : "");
      if (rng() % 2) h[5] = static_cast<std::uint8_t>(2 + rng() % 250);
      return RawClient::frame(h);
    }
    case 4: {  // an oversize or empty declared length
      const std::uint32_t n =
          rng() % 2 ? 0 : 0x7fffffffu - static_cast<std::uint32_t>(rng() % 1000);
      return Bytes{static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
                   static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
    }
    default: {  // a data frame before any hello
      Bytes body = random_bytes(rng, rng() % 100);
      body.insert(body.begin(), 0x01);
      return RawClient::frame(body);
    }
  }
}

// A frame after authentication: data (garbage for SyncHost), ping, or an unknown type.
Bytes hostile_frame(std::mt19937_64& rng) {
  Bytes body = random_bytes(rng, rng() % 200);
  const auto kind = rng() % 10;
  body.insert(body.begin(), kind < 6   ? std::uint8_t{0x01}
                            : kind < 7 ? std::uint8_t{0x02}
                                       : static_cast<std::uint8_t>(rng()));
  return RawClient::frame(body);
}

}  // namespace

TEST_CASE("Random and mutated frames before authentication are refused", "[network]") {
  Arena a;
  std::size_t frames = 0, connections = 0;
  for (const std::uint64_t seed : weft::test::seeds(1)) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    // 1,000 connections x 5 frames, 100 at a time.
    for (int wave = 0; wave < 10; ++wave) {
      std::vector<std::unique_ptr<RawClient>> raws;
      for (int i = 0; i < 100; ++i) {
        auto r = std::make_unique<RawClient>(a.io);
        r->connect(a.port);
        for (int k = 0; k < 5; ++k) r->write(k == 0 ? hostile_opening(rng) : hostile_frame(rng));
        r->start_reading();
        raws.push_back(std::move(r));
        frames += 5;
      }
      connections += raws.size();
      // Half of them hang up after writing; the others wait to be cut.
      run_for(a.io, 5ms);
      for (std::size_t i = 0; i < raws.size(); i += 2) {
        boost::system::error_code ignored;
        raws[i]->socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
      }
      REQUIRE(run_until(a.io, [&] {
        return std::all_of(raws.begin(), raws.end(), [](const auto& r) { return r->closed(); });
      }));
      REQUIRE(run_until(a.io, [&] { return a.accept_failures.size() == connections; }));
      // None ever got a session: what they said never reached the sync layer.
      CHECK(a.server_events.connected.size() == 1);
    }
  }
  std::cerr << "net hostile: " << frames << " frames before authentication on " << connections
            << " connections\n";
  const std::set<boost::system::error_code> allowed{
      make_error_code(net_errc::bad_handshake),
      make_error_code(net_errc::frame_too_large),
      make_error_code(net_errc::protocol_error),
      make_error_code(net_errc::handshake_timeout),
      make_error_code(net_errc::authentication_failed),
      asio::error::eof};
  std::map<std::string, std::size_t> seen;
  for (const auto& ec : a.accept_failures) {
    INFO(ec.message());
    CHECK(allowed.count(ec) == 1);
    ++seen[ec.message()];
  }
  for (const auto& [what, count] : seen) std::cerr << "  " << count << " x " << what << "\n";
  // The main kinds of refusal really happened (timeouts: see the slowloris test).
  for (const net_errc e : {net_errc::bad_handshake, net_errc::frame_too_large,
                           net_errc::protocol_error, net_errc::authentication_failed}) {
    CHECK(seen.count(make_error_code(e).message()) == 1);
  }
  a.check_unaffected();
}

TEST_CASE("Random frames after authentication close only the offender", "[network]") {
  Arena a;
  std::size_t frames = 0;
  std::size_t hostile = 0;
  for (const std::uint64_t seed : weft::test::seeds(1)) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed + 1000);
    // 100 authenticated connections x 50 random frames, 20 at a time.
    for (int wave = 0; wave < 5; ++wave) {
      std::vector<std::unique_ptr<RawClient>> raws;
      for (int i = 0; i < 20; ++i) {
        auto r = std::make_unique<RawClient>(a.io);
        r->connect(a.port);
        r->write(RawClient::frame(RawClient::hello(kToken)));
        for (int k = 0; k < 50; ++k) r->write(hostile_frame(rng));
        r->start_reading();
        raws.push_back(std::move(r));
        frames += 50;
      }
      hostile += raws.size();
      REQUIRE(run_until(a.io, [&] { return a.server_events.connected.size() == 1 + hostile; }));
      // Give the server time to read everything, then hang up whoever is left.
      run_until(
          a.io,
          [&] {
            return std::all_of(raws.begin(), raws.end(), [](const auto& r) { return r->closed(); });
          },
          2s);
      for (auto& r : raws) r->close();
      REQUIRE(run_until(a.io, [&] { return a.server_events.disconnected.size() == hostile; }));
    }
  }
  std::cerr << "net hostile: " << frames << " frames after authentication\n";
  // Each offender went away; most were cut by the server with a stated reason.
  std::size_t by_transport = 0, by_session = 0;
  for (const auto& [peer, ec] : a.server_events.disconnected) {
    CHECK(a.hostile_connected(peer));
    if (ec == net_errc::protocol_error) ++by_transport;
    if (a.session_errors.count(peer) == 1 && a.session_errors[peer]) ++by_session;
  }
  CHECK(by_transport > 0);
  CHECK(by_session > 0);
  CHECK(a.server.peers().size() == 1);
  a.check_unaffected();
}

TEST_CASE("Oversize declared lengths close the connection before allocating", "[network]") {
  Arena a;
  // Before authentication: 4 GiB - 1 declared.
  RawClient pre(a.io);
  pre.connect(a.port);
  pre.write(Bytes{0xff, 0xff, 0xff, 0xff});
  pre.start_reading();
  REQUIRE(run_until(a.io, [&] { return pre.closed() && !a.accept_failures.empty(); }));
  CHECK(a.accept_failures[0] == net_errc::frame_too_large);
  // After authentication: one byte above max_frame_size + type byte.
  RawClient post(a.io);
  post.connect(a.port);
  post.write(RawClient::frame(RawClient::hello(kToken)));
  const std::uint32_t n = (256u << 10) + 2;
  post.write(Bytes{static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
                   static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n), 0x01});
  post.start_reading();
  REQUIRE(
      run_until(a.io, [&] { return post.closed() && a.server_events.disconnected.size() == 1; }));
  CHECK(a.server_events.disconnected[0].second == net_errc::frame_too_large);
  a.check_unaffected();
}

TEST_CASE("A peer that never reads fills a bounded queue and is cut", "[network]") {
  Arena a;
  RawClient lazy(a.io);  // authenticates, sends heartbeats, never reads
  lazy.connect(a.port);
  lazy.write(RawClient::frame(RawClient::hello(kToken)));
  REQUIRE(run_until(a.io, [&] { return a.server_events.connected.size() == 2; }));
  const PeerId victim = a.server_events.connected[1];
  const Bytes chunk(32 << 10, 0x5a);
  const std::size_t bound = (256u << 10) + chunk.size();
  bool full = false;
  std::size_t accepted = 0, peak = 0;
  for (int i = 0; i < 20'000 && !full; ++i) {
    auto r = a.server.send(victim, chunk);
    if (!r) {
      CHECK(r.error() == transport_errc::queue_full);
      full = true;
    } else {
      ++accepted;
    }
    peak = std::max(peak, a.server.queued_bytes(victim));
    a.io.restart();
    a.io.poll();
  }
  INFO("accepted " << accepted << " chunks before the queue filled");
  CHECK(full);
  CHECK(peak <= bound);
  auto last_ping = std::chrono::steady_clock::now();
  REQUIRE(run_until(a.io, [&] {
    if (std::chrono::steady_clock::now() - last_ping > 100ms) {
      lazy.write(RawClient::frame(Bytes{0x02}));  // alive, just not reading
      last_ping = std::chrono::steady_clock::now();
    }
    CHECK(a.server.queued_bytes(victim) <= bound);
    return a.server_events.disconnected.size() == 1;
  }));
  CHECK(a.server_events.disconnected[0].first == victim);
  CHECK(a.server_events.disconnected[0].second == net_errc::write_timeout);
  a.check_unaffected();
}

TEST_CASE("Slowloris peers are cut by the handshake and idle timeouts", "[network]") {
  Arena a;
  const Bytes hello = RawClient::frame(RawClient::hello(kToken));
  // Drips its hello one byte per 100 ms: never completes within 500 ms.
  RawClient before(a.io);
  before.connect(a.port);
  before.start_reading();
  // Authenticates, then drips a 100-byte data frame one byte per 100 ms.
  RawClient after(a.io);
  after.connect(a.port);
  after.write(hello);
  after.write(Bytes{0, 0, 0, 101, 0x01});
  after.start_reading();
  std::size_t dripped = 0;
  auto last = std::chrono::steady_clock::now();
  REQUIRE(run_until(a.io, [&] {
    if (std::chrono::steady_clock::now() - last > 100ms) {
      last = std::chrono::steady_clock::now();
      if (dripped < hello.size()) before.write(Bytes{hello[dripped]});
      after.write(Bytes{0x42});
      ++dripped;
    }
    return before.closed() && after.closed();
  }));
  REQUIRE(a.accept_failures.size() == 1);
  CHECK(a.accept_failures[0] == net_errc::handshake_timeout);
  REQUIRE(a.server_events.disconnected.size() == 1);
  CHECK(a.server_events.disconnected[0].second == net_errc::idle_timeout);
  CHECK(dripped < 40);  // cut within the timeouts, not when the drip ended
  a.check_unaffected();
}

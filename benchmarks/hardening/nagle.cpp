// Item 8: with Nagle's algorithm on, a small write behind an unacknowledged one waits
// for the peer's delayed ACK (up to 40 ms on Linux), so above ~25 messages/s acks and
// answers stalled. NetTransport now sets TCP_NODELAY on every TCP connection. Re-run
// over a real 127.0.0.1 TCP connection, two NetTransports on one io_context thread:
//  - stream: one side sends 16-byte messages at a fixed rate and the other never
//    answers (as a stream of acks or live updates to a quiet peer is); latency is one
//    way, from send() to on_message;
//  - sync: two Docs behind SyncHosts; the client commits a small map write at a fixed
//    rate and publishes it, the server answers each with a write naming it; the
//    round trip ends when the client applies the answer.
// Baseline in the same run: the same connection with TCP_NODELAY cleared again on
// both sockets (setsockopt on native_handle, which the header reserves for
// diagnostics: here it reproduces the connection as it was before the fix).
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "attacks.hpp"
#include "report.hpp"
#include "weft/doc/doc.hpp"
#include "weft/net/net_transport.hpp"
#include "weft/sync/sync_host.hpp"

namespace weft::bench::attacks {

namespace {

using SteadyClock = std::chrono::steady_clock;

struct RoundTrips {
  Latencies ms;
  int lost = 0;  // answers not back when the run ended
  HostUsage usage;
};

void set_nodelay(const net::NetTransport& transport, bool on) {
  for (const PeerId peer : transport.peers()) {
    const int value = on ? 1 : 0;
    (void)::setsockopt(transport.native_handle(peer), IPPROTO_TCP, TCP_NODELAY, &value,
                       sizeof value);
  }
}

// Runs `io` until `done()` or `limit` passes.
template <class Done>
bool run_until(boost::asio::io_context& io, Done done, SteadyClock::duration limit) {
  const auto until = SteadyClock::now() + limit;
  while (!done() && SteadyClock::now() < until) {
    io.run_for(std::chrono::milliseconds(5));
    if (io.stopped()) io.restart();
  }
  return done();
}

// Listens on 127.0.0.1 (any port), dials it, and runs `io` until `connected()`;
// then sets TCP_NODELAY on both ends as asked.
template <class Connected>
bool connect_pair(boost::asio::io_context& io, net::NetTransport& server_net,
                  net::NetTransport& client_net, Connected connected, bool nodelay) {
  net::Endpoint where;
  where.host = "127.0.0.1";  // tcp, port 0: any free port
  const auto port = server_net.listen(where);
  if (!port) {
    std::printf("(listen failed: %s)\n", port.error().message().c_str());
    return false;
  }
  where.port = *port;
  client_net.connect(where);
  if (!run_until(io, connected, std::chrono::seconds(10))) {
    std::printf("(no connection)\n");
    return false;
  }
  set_nodelay(server_net, nodelay);
  set_nodelay(client_net, nodelay);
  return true;
}

// Sends `messages` timestamps at `rate` through `send`, on timers of `io`; runs until
// `done()` or the schedule plus two seconds has passed.
template <class Send, class Done>
void paced(boost::asio::io_context& io, int rate, int messages, Send send, Done done) {
  const auto t0 = SteadyClock::now();
  const auto period = std::chrono::microseconds(1'000'000 / rate);
  boost::asio::steady_timer pacer(io);
  int next = 0;
  std::function<void()> fire = [&] {
    if (next == messages) return;
    send(next++);
    pacer.expires_at(t0 + period * next);
    pacer.async_wait([&](auto) { fire(); });
  };
  fire();
  (void)run_until(
      io, [&] { return next == messages && done(); }, period * messages + std::chrono::seconds(2));
  pacer.cancel();
}

// Records when each message arrives; ignores everything else.
class StreamReceiver final : public TransportHandler {
 public:
  explicit StreamReceiver(const std::vector<SteadyClock::time_point>& sent) : sent_(sent) {}
  void on_connected(PeerId peer) override { peer_ = peer; }
  void on_message(PeerId, std::span<const std::uint8_t> message) override {
    std::uint64_t index = 0;
    std::memcpy(&index, message.data(), sizeof index);
    latencies.add(ms_between(sent_.at(index), SteadyClock::now()));
  }
  void on_disconnected(PeerId, boost::system::error_code) override {}
  std::optional<PeerId> peer_;
  Latencies latencies;

 private:
  const std::vector<SteadyClock::time_point>& sent_;
};

// Two NetTransports on one io_context: the two ends of the measured connection.
struct Link {
  static net::NetOptions options() {
    net::NetOptions o;
    o.seed = 8;  // reconnect jitter, unused here: fixed so runs differ only by timing
    return o;
  }
  boost::asio::io_context io;
  net::NetTransport server{io, options()};
  net::NetTransport client{io, options()};
};

RoundTrips stream(int rate, int messages, bool nodelay) {
  Link link;
  std::vector<SteadyClock::time_point> sent(static_cast<std::size_t>(messages));
  StreamReceiver server(sent);
  StreamReceiver client(sent);
  link.server.set_handler(&server);
  link.client.set_handler(&client);
  RoundTrips out;
  if (!connect_pair(
          link.io, link.server, link.client, [&] { return server.peer_ && client.peer_; },
          nodelay)) {
    return out;
  }
  const UsageMeter meter;
  paced(
      link.io, rate, messages,
      [&](int i) {
        std::uint8_t message[16] = {};
        const auto index = static_cast<std::uint64_t>(i);
        std::memcpy(message, &index, sizeof index);
        sent[index] = SteadyClock::now();
        (void)link.client.send(*client.peer_, message);
      },
      [&] { return server.latencies.ms.size() == static_cast<std::size_t>(messages); });
  out.usage = meter.stop();
  out.ms = server.latencies;
  out.lost = messages - static_cast<int>(out.ms.ms.size());
  return out;
}

RoundTrips sync_round_trips(int rate, int messages, bool nodelay) {
  Link link;
  boost::asio::io_context& io = link.io;
  Doc server_doc(ReplicaId{2});
  Doc client_doc(ReplicaId{1});
  SyncHost server(link.server);
  SyncHost client(link.client);
  server.add_document("doc", server_doc);
  client.add_document("doc", client_doc);

  std::map<std::int64_t, SteadyClock::time_point> sent;
  RoundTrips out;
  // The server answers each ping once it has applied it (posted: publishing from
  // inside the host's own event would re-enter its session).
  server.on_event = [&](PeerId, const SyncEvent& e) {
    if (e.kind != SyncEvent::Kind::update_applied) return;
    boost::asio::post(io, [&] {
      auto ping = server_doc.map("ping").get("n");
      if (!ping) return;
      auto tx = server_doc.transact();
      tx.map("pong").set("n", ping->as<std::int64_t>());
      server.publish("doc", tx.commit());
    });
  };
  client.on_event = [&](PeerId, const SyncEvent& e) {
    if (e.kind != SyncEvent::Kind::update_applied) return;
    const auto pong = client_doc.map("pong").get("n");
    if (!pong) return;
    // An answer names the latest ping the server had: it answers the earlier ones too.
    const auto now = SteadyClock::now();
    const std::int64_t answered = pong->as<std::int64_t>();
    while (!sent.empty() && sent.begin()->first <= answered) {
      out.ms.add(ms_between(sent.begin()->second, now));
      sent.erase(sent.begin());
    }
  };

  if (!connect_pair(
          io, link.server, link.client,
          [&] { return server.session_count() == 1 && client.session_count() == 1; }, nodelay)) {
    return out;
  }
  // The hosts' clock (anti-entropy, rate limits), every 50 ms as weft-peer does.
  const auto t0 = SteadyClock::now();
  boost::asio::steady_timer ticker(io);
  std::function<void()> tick = [&] {
    const auto now = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - t0).count());
    server.tick(now);
    client.tick(now);
    ticker.expires_after(std::chrono::milliseconds(50));
    ticker.async_wait([&](auto) { tick(); });
  };
  tick();
  const UsageMeter meter;
  paced(
      io, rate, messages,
      [&](int i) {
        auto tx = client_doc.transact();
        tx.map("ping").set("n", i);
        sent[i] = SteadyClock::now();
        client.publish("doc", tx.commit());
      },
      [&] { return sent.empty(); });
  out.usage = meter.stop();
  out.lost = static_cast<int>(sent.size());
  ticker.cancel();
  return out;
}

}  // namespace

void nagle(const Scale& scale) {
  std::printf("\n## Item 8: small messages over 127.0.0.1 TCP, TCP_NODELAY on and off\n");
  std::printf(
      "\n| pattern | rate (msg/s) | messages | TCP_NODELAY | latency p50 ms | p99 ms | "
      "max ms | lost | %s |\n|---|--:|--:|---|--:|--:|--:|--:|%s|\n",
      kUsageHeader, kUsageAlign);
  const int seconds = scale.full ? 20 : 4;
  struct Pattern {
    const char* name;
    RoundTrips (*run)(int, int, bool);
  };
  for (const Pattern p :
       {Pattern{"stream, one way", stream}, Pattern{"sync round trip", sync_round_trips}}) {
    for (const int rate : {10, 50, 200}) {
      for (const bool nodelay : {true, false}) {
        const RoundTrips r = p.run(rate, rate * seconds, nodelay);
        std::printf("| %s | %d | %d | %s | %s | %.3f | %d | %s |\n", p.name, rate, rate * seconds,
                    nodelay ? "on (today)" : "off (as before the fix)", latency_cells(r.ms).c_str(),
                    r.ms.at(1.0), r.lost, usage_cells(r.usage).c_str());
      }
    }
  }
}

}  // namespace weft::bench::attacks

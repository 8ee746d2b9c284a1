// SyncHost over NetTransport: Docs on three transports edit concurrently over
// real loopback sockets and converge — in a mesh and in a chain, over every
// stack, and through a fault proxy that splits, delays, drops and replays bytes.
#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <iostream>
#include <memory>

#include "net/net_support.hpp"
#include "support/catch.hpp"
#include "support/seeds.hpp"
#include "weft/sync/sync_host.hpp"

using namespace weft;
using namespace weft::net;
using namespace weft::test::net;
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

std::uint64_t now_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

struct Node {
  ReplicaId id;
  std::unique_ptr<Doc> doc;
  std::unique_ptr<NetTransport> net;
  std::unique_ptr<SyncHost> host;
  std::uint16_t port = 0;
};

// Three Docs, each on its own transport listening on an ephemeral port.
struct Cluster {
  asio::io_context& io;
  std::vector<Node> nodes;

  Cluster(asio::io_context& context, std::uint64_t seed, bool tls, Protocol protocol)
      : io(context), nodes(3) {
    std::mt19937_64 rng(seed);
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      Node& n = nodes[i];
      n.id = ReplicaId{(rng() >> 1) | 1};
      n.doc = std::make_unique<Doc>(n.id);
      NetOptions o = fast_options(seed * 10 + i);
      if (tls) {
        o.tls.ca_file = test_pki().ca_cert;
        o.tls.certificate_file = test_pki().server_cert;
        o.tls.private_key_file = test_pki().server_key;
      }
      n.net = std::make_unique<NetTransport>(io, o);
      n.host = std::make_unique<SyncHost>(*n.net, SyncOptions{.anti_entropy_interval_ms = 50});
      n.host->add_document("doc", *n.doc);
      auto port = n.net->listen(endpoint(protocol, tls));
      REQUIRE(port);
      n.port = *port;
    }
  }

  void edit(std::size_t who, std::mt19937_64& rng) {
    Node& n = nodes[who];
    const Bytes u = random_transaction(*n.doc, rng);
    if (!u.empty()) n.host->publish("doc", u);
  }

  [[nodiscard]] bool converged() const {
    const Bytes first = nodes[0].doc->encode_snapshot();
    return std::all_of(nodes.begin(), nodes.end(), [&](const Node& n) {
      return n.doc->pending_count() == 0 && n.doc->encode_snapshot() == first;
    });
  }

  // Drives I/O and anti-entropy until all Docs agree (bounded).
  bool settle(std::chrono::milliseconds limit) {
    return run_until(
        io,
        [&] {
          for (auto& n : nodes) n.host->tick(now_ms());
          return converged();
        },
        limit);
  }

  void check_agreement() const {
    const Doc& ref = *nodes[0].doc;
    for (const Node& n : nodes) {
      CHECK(n.doc->state_vector() == ref.state_vector());
      CHECK(n.doc->digest() == ref.digest());
      CHECK(n.doc->text(test_text()).to_string() == ref.text(test_text()).to_string());
      CHECK(n.doc->encode_snapshot() == ref.encode_snapshot());
    }
  }
};

// A TCP proxy on loopback that mangles the byte stream's timing and integrity:
// splits writes at random offsets, delays pieces, drops connections at random,
// and at the start of a new connection replays bytes of the previous one.
class FaultProxy {
 public:
  FaultProxy(asio::io_context& io, std::uint16_t target, std::uint64_t seed)
      : io_(io),
        acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        target_(target),
        rng_(seed) {
    accept();
  }
  ~FaultProxy() {
    *alive_ = false;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    for (auto& w : pipes_) {
      if (auto p = w.lock()) p->close();
    }
  }
  [[nodiscard]] std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  void set_faults(bool on) { faults_ = on; }
  [[nodiscard]] std::size_t drops() const { return drops_; }
  [[nodiscard]] std::size_t replays() const { return replays_; }

 private:
  struct Pipe {
    explicit Pipe(asio::io_context& io) : client(io), server(io) {}
    tcp::socket client, server;
    Bytes history;  // client -> server bytes, the replay material of the next connection
    bool closed = false;
    void close() {
      closed = true;
      boost::system::error_code ignored;
      client.close(ignored);
      server.close(ignored);
    }
  };

  void accept() {
    auto pipe = std::make_shared<Pipe>(io_);
    acceptor_.async_accept(
        pipe->client, [this, pipe, alive = alive_](boost::system::error_code ec) {
          if (!*alive || ec) return;
          pipes_.push_back(pipe);
          const tcp::endpoint up(asio::ip::make_address("127.0.0.1"), target_);
          pipe->server.async_connect(up, [this, pipe, alive](boost::system::error_code ec2) {
            if (!*alive) return;
            if (ec2) return pipe->close();
            start(pipe);
          });
          accept();
        });
  }

  void start(const std::shared_ptr<Pipe>& pipe) {
    Bytes replay;
    if (faults_ && !last_history_.empty() && rng_() % 4 == 0) {
      // Either the whole previous stream (a replayed hello and its frames) or a slice.
      const std::size_t from = rng_() % 2 ? 0 : rng_() % last_history_.size();
      const std::size_t len = 1 + rng_() % (last_history_.size() - from);
      replay.assign(last_history_.begin() + static_cast<std::ptrdiff_t>(from),
                    last_history_.begin() + static_cast<std::ptrdiff_t>(from + len));
      ++replays_;
    }
    current_ = pipe;
    auto data = std::make_shared<Bytes>(std::move(replay));
    forward(pipe, true, data, 0, [this, pipe] {
      pump(pipe, true);
      pump(pipe, false);
    });
  }

  void pump(const std::shared_ptr<Pipe>& pipe, bool upstream) {
    if (pipe->closed) return;
    auto buf = std::make_shared<Bytes>(1 + rng_() % 8192);
    tcp::socket& from = upstream ? pipe->client : pipe->server;
    from.async_read_some(asio::buffer(*buf), [this, pipe, buf, upstream, alive = alive_](
                                                 boost::system::error_code ec, std::size_t n) {
      if (!*alive) return;
      if (ec) return pipe->close();
      buf->resize(n);
      if (upstream && pipe->history.size() < (64u << 10)) {
        pipe->history.insert(pipe->history.end(), buf->begin(), buf->end());
        if (pipe == current_.lock()) last_history_ = pipe->history;
      }
      forward(pipe, upstream, buf, 0, [this, pipe, upstream] { pump(pipe, upstream); });
    });
  }

  // Writes data[at..] in random pieces with random pauses, maybe dropping the pipe.
  void forward(const std::shared_ptr<Pipe>& pipe, bool upstream, const std::shared_ptr<Bytes>& data,
               std::size_t at, std::function<void()> done) {
    if (pipe->closed) return;
    if (at >= data->size()) return done();
    if (faults_ && rng_() % 400 == 0) {
      ++drops_;
      return pipe->close();
    }
    const std::size_t piece = 1 + rng_() % (data->size() - at);
    auto write = [this, pipe, upstream, data, at, piece, done = std::move(done), alive = alive_] {
      if (!*alive || pipe->closed) return;
      tcp::socket& to = upstream ? pipe->server : pipe->client;
      asio::async_write(to, asio::buffer(data->data() + at, piece),
                        [this, pipe, upstream, data, at, piece, done, alive](
                            boost::system::error_code ec, std::size_t) {
                          if (!*alive) return;
                          if (ec) return pipe->close();
                          forward(pipe, upstream, data, at + piece, done);
                        });
    };
    if (faults_ && rng_() % 8 == 0) {
      auto timer =
          std::make_shared<asio::steady_timer>(io_, std::chrono::microseconds(rng_() % 3000));
      timer->async_wait([timer, write](boost::system::error_code) { write(); });
    } else {
      write();
    }
  }

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  std::uint16_t target_;
  std::mt19937_64 rng_;
  bool faults_ = true;
  std::size_t drops_ = 0;
  std::size_t replays_ = 0;
  Bytes last_history_;
  std::weak_ptr<Pipe> current_;
  std::vector<std::weak_ptr<Pipe>> pipes_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace

TEST_CASE("SyncHost over NetTransport converges in a mesh and in a chain", "[network]") {
  struct Setup {
    const char* name;
    Protocol protocol;
    bool tls;
    bool mesh;
  };
  for (const Setup s : {Setup{"tcp mesh", Protocol::tcp, false, true},
                        Setup{"ws chain", Protocol::websocket, false, false},
                        Setup{"tls chain", Protocol::tcp, true, false},
                        Setup{"wss mesh", Protocol::websocket, true, true}}) {
    INFO(s.name);
    asio::io_context io;
    Cluster c(io, 7, s.tls, s.protocol);
    // chain: 1 -> 0, 2 -> 1; mesh adds 2 -> 0.
    c.nodes[1].net->connect(endpoint(s.protocol, s.tls, c.nodes[0].port));
    c.nodes[2].net->connect(endpoint(s.protocol, s.tls, c.nodes[1].port));
    if (s.mesh) c.nodes[2].net->connect(endpoint(s.protocol, s.tls, c.nodes[0].port));
    std::mt19937_64 rng(99);
    for (int op = 0; op < 150; ++op) {
      c.edit(rng() % 3, rng);
      io.restart();
      io.poll();
    }
    REQUIRE(c.settle(20s));
    c.check_agreement();
    CHECK(c.nodes[1].net->peers().size() == 2);
    CHECK(c.nodes[0].net->peers().size() == (s.mesh ? 2u : 1u));
  }
}

TEST_CASE("Three peers converge through a proxy that splits, delays, drops and replays",
          "[network]") {
  // 10 seeds by default (~7 s optimised); WEFT_TEST_SCALE=5 runs the full 50.
  std::size_t total_drops = 0, total_replays = 0;
  for (const std::uint64_t seed : weft::test::seeds(10)) {
    INFO("seed " << seed);
    asio::io_context io;
    Cluster c(io, seed, false, Protocol::tcp);
    std::vector<std::unique_ptr<FaultProxy>> proxies;
    for (std::size_t i = 0; i < 3; ++i) {
      for (std::size_t j = i + 1; j < 3; ++j) {
        proxies.push_back(
            std::make_unique<FaultProxy>(io, c.nodes[i].port, seed * 100 + i * 3 + j));
        c.nodes[j].net->connect(endpoint(Protocol::tcp, false, proxies.back()->port()));
      }
    }
    std::mt19937_64 rng(seed);
    for (int op = 0; op < 300; ++op) {
      c.edit(rng() % 3, rng);
      io.restart();
      io.run_for(std::chrono::microseconds(rng() % 1000));
      if (op % 50 == 0) {
        for (auto& n : c.nodes) n.host->tick(now_ms());
      }
    }
    std::size_t drops = 0, replays = 0;
    for (auto& p : proxies) {
      drops += p->drops();
      replays += p->replays();
      p->set_faults(false);
    }
    INFO("drops " << drops << ", replays " << replays);
    total_drops += drops;
    total_replays += replays;
    const bool ok = c.settle(30s);
    if (!ok) std::cerr << "net fault proxy: seed " << seed << " did not converge\n";
    REQUIRE(ok);
    c.check_agreement();
  }
  // The faults were really exercised (not a test that cannot fail).
  std::cerr << "net fault proxy: " << total_drops << " drops, " << total_replays << " replays\n";
  CHECK(total_drops > 0);
  CHECK(total_replays > 0);
}

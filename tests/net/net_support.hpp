#pragma once
// Shared helpers of the network tests: an event recorder, a bounded event loop
// driver, raw (hostile) clients, and a throw-away PKI made at test time.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "weft/doc/doc.hpp"
#include "weft/doc/transaction.hpp"
#include "weft/net/net_transport.hpp"

namespace weft::test::net {

using Bytes = std::vector<std::uint8_t>;
using namespace std::chrono_literals;

// Records every transport event; optionally forwards to another handler (a SyncHost).
struct Recorder final : TransportHandler {
  TransportHandler* forward = nullptr;
  std::vector<PeerId> connected;
  std::vector<std::pair<PeerId, Bytes>> messages;
  std::vector<std::pair<PeerId, boost::system::error_code>> disconnected;

  void on_connected(PeerId p) override {
    connected.push_back(p);
    if (forward) forward->on_connected(p);
  }
  void on_message(PeerId p, std::span<const std::uint8_t> m) override {
    if (forward) {
      forward->on_message(p, m);
    } else {
      messages.emplace_back(p, Bytes(m.begin(), m.end()));
    }
  }
  void on_disconnected(PeerId p, boost::system::error_code ec) override {
    disconnected.emplace_back(p, ec);
    if (forward) forward->on_disconnected(p, ec);
  }
};

// Runs `io` until `done()` or `limit` elapses; returns done(). Always bounded.
bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
               std::chrono::milliseconds limit = 10s);
// Runs `io` for `span` of wall time.
void run_for(boost::asio::io_context& io, std::chrono::milliseconds span);

// Options suited to tests: short timeouts, fast re-dials, fixed seed.
weft::net::NetOptions fast_options(std::uint64_t seed = 1);

inline weft::net::Endpoint endpoint(weft::net::Protocol p, bool tls, std::uint16_t port = 0) {
  weft::net::Endpoint ep;
  ep.protocol = p;
  ep.host = "127.0.0.1";
  ep.port = port;
  ep.tls = tls;
  return ep;
}

// A transaction of 1-3 random edits (text, map, counter, list) through the public Doc
// API; returns its update (empty if nothing changed).
Bytes random_transaction(Doc& doc, std::mt19937_64& rng);
// The text every test edits.
inline ObjectId test_text() {
  return ObjectId::named("t", ObjectKind::text);
}

// A hand-driven TCP client speaking (or abusing) weft's TCP framing.
class RawClient {
 public:
  explicit RawClient(boost::asio::io_context& io) : socket_(io) {}
  void connect(std::uint16_t port);
  void write(Bytes bytes);  // queued, written in order
  void start_reading();     // collects into received() until closed
  [[nodiscard]] bool connected() const { return connected_; }
  [[nodiscard]] bool closed() const { return closed_; }  // read saw EOF/error, or close()
  [[nodiscard]] const Bytes& received() const { return received_; }
  void close();
  [[nodiscard]] boost::asio::ip::tcp::socket& socket() { return socket_; }

  static Bytes frame(std::span<const std::uint8_t> body);  // 4-byte length + body
  static Bytes hello(std::string_view token);              // a valid HELLO frame body
  // Bytes of a valid ACCEPT reply (with length prefix).
  static Bytes accept_reply();

 private:
  void pump();
  boost::asio::ip::tcp::socket socket_;
  std::deque<Bytes> out_;
  bool writing_ = false;
  bool connected_ = false;
  bool closed_ = false;
  Bytes received_;
  std::array<std::uint8_t, 4096> buf_{};
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

 public:
  ~RawClient() { *alive_ = false; }
};

// A CA with server and client certificates, plus a second, untrusted CA and a
// server certificate it signed. Made with the OpenSSL C API in a fresh temp dir.
struct TestPki {
  std::string dir;
  std::string ca_cert;
  std::string server_cert, server_key;  // CN=weft-server, SAN DNS:localhost, IP:127.0.0.1
  std::string client_cert, client_key;  // CN=weft-client
  std::string rogue_ca_cert;
  std::string rogue_server_cert, rogue_server_key;
};
const TestPki& test_pki();  // made once per process

}  // namespace weft::test::net

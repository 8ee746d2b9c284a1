#pragma once
// NetTransport: weft's Transport over real sockets — TCP with length-prefixed
// frames or WebSocket binary messages, each optionally over TLS, each usable as
// listener and as connector, so any topology (mesh, star, chain) can be built.
//
// Every connection goes through, in order: TCP connect/accept, TLS handshake
// (if enabled; certificate + host name verification on by default, optional
// mutual TLS), WebSocket upgrade (if WebSocket), then weft's own handshake: the
// connector presents its token, the acceptor asks `NetOptions::authenticate`,
// and answers "accept" or "refuse + reason". Only after acceptance does
// on_connected fire and may document bytes flow; nothing reaches on_message
// before. docs/network.md specifies the wire format and the security model.
//
// Robustness: handshake timeout (covers every step above), idle timeout (no
// complete frame received; both sides send heartbeat frames the handler never
// sees), write timeout (a peer that stops reading is cut), bounded per-peer send
// queue (send() returns transport_errc::queue_full), maximum frame size checked
// on the declared length, and frame buffers that grow with the bytes that arrive,
// never with the length a peer declares. Every TCP connection has TCP_NODELAY
// set. Outbound connections re-dial with exponential backoff and jitter; every
// successful (re)connection gets a fresh PeerId, never reused.
//
// Threading: all I/O and every callback (TransportHandler and the std::function
// members below) run on the thread running `io`. Run `io` on ONE thread and call
// every member from that thread (e.g. via boost::asio::post). Callbacks must not
// throw; if one does, the exception is swallowed and the transport stays
// consistent. on_disconnected is delivered asynchronously (posted), never from
// inside send()/disconnect()/close().
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "weft/encoding/error.hpp"
#include "weft/transport/transport.hpp"

namespace boost::asio {
class io_context;
}

namespace weft::net {

// Errors specific to the network layer (transport_errc covers the generic ones).
enum class net_errc {
  invalid_endpoint = 1,   // parse_endpoint: not tcp://, tls://, ws:// or wss://host:port[/path]
  handshake_timeout,      // connect + TLS + WebSocket + authentication took too long
  idle_timeout,           // no complete frame received for idle_timeout_ms
  write_timeout,          // a write did not complete for idle_timeout_ms (peer not reading)
  frame_too_large,        // a declared frame length above max_frame_size (+ type byte)
  protocol_error,         // empty frame, unknown frame type, non-binary WebSocket message
  bad_handshake,          // the first frame is not a valid weft handshake (magic/version)
  authentication_failed,  // the acceptor refused this peer (reason sent to the connector)
  not_listening_tls,      // listen() with tls but no certificate/key configured
};
[[nodiscard]] const boost::system::error_category& net_category() noexcept;
[[nodiscard]] inline boost::system::error_code make_error_code(net_errc e) noexcept {
  return {static_cast<int>(e), net_category()};
}

enum class Protocol { tcp, websocket };

struct Endpoint {
  Protocol protocol = Protocol::tcp;
  std::string host;        // "127.0.0.1", "::1", "localhost"
  std::uint16_t port = 0;  // 0 when listening = pick a free port
  bool tls = false;
  std::string path = "/";   // WebSocket request target
  std::string server_name;  // TLS host name to verify; empty = host
};

// "tcp://127.0.0.1:9000", "tls://host:9001" (TCP+TLS), "ws://host:9002/doc",
// "wss://host:9003/", "tcp://[::1]:9000". The port is required for tcp/tls and
// defaults to 80/443 for ws/wss. Errors: net_errc::invalid_endpoint.
[[nodiscard]] result<Endpoint> parse_endpoint(std::string_view url);
// The URL form parse_endpoint reads (server_name is not part of it).
[[nodiscard]] std::string to_string(const Endpoint& endpoint);

struct TlsOptions {
  std::string ca_file;           // PEM trust anchors used to verify the other side
                                 // (empty = the system's default trust store)
  std::string certificate_file;  // PEM chain: required to listen with TLS; for a connector = client
                                 // cert (mTLS)
  std::string private_key_file;
  bool verify_peer = true;                  // certificate + host name verification (connector side)
  bool require_client_certificate = false;  // listener: mutual TLS, client verified against ca_file
};

struct AuthRequest {                // what an accepting side knows about a connecting peer
  std::string remote_address;       // "127.0.0.1:54321"
  std::string token;                // what the peer presented (may be empty)
  std::string certificate_subject;  // verified TLS client certificate subject (RFC 2253), or empty
};
// Returns the peer's identity (an application-chosen name) or an error: the peer is
// refused before any document byte flows and is told error.message() as the reason.
using Authenticator = std::function<result<std::string>(const AuthRequest&)>;

struct ReconnectPolicy {
  bool enabled = true;
  std::uint32_t initial_delay_ms = 100;
  std::uint32_t max_delay_ms = 10'000;
  double jitter = 0.25;  // each delay is scaled by a uniform factor in [1 - jitter, 1 + jitter]
};

struct NetOptions {
  std::size_t max_frame_size = std::size_t{16} << 20;   // largest message, both directions
  std::size_t max_queued_bytes = std::size_t{8} << 20;  // per peer; beyond = queue_full
  std::uint32_t handshake_timeout_ms = 5'000;
  std::uint32_t idle_timeout_ms = 15'000;  // no complete frame received (heartbeats count) = dead
  std::uint32_t heartbeat_interval_ms = 3'000;
  ReconnectPolicy reconnect;
  TlsOptions tls;
  std::string token;           // presented to peers we connect to (at most 4096 bytes)
  Authenticator authenticate;  // inbound peers; empty = everyone, identity ""
  std::uint64_t seed = 0;      // jitter randomness; 0 = random
};

struct PeerInfo {
  PeerId id;
  bool inbound = false;
  Endpoint endpoint;  // outbound: what we dialled; inbound: the listening endpoint
  std::string remote_address;
  std::string identity;             // inbound: what the authenticator returned
  std::string certificate_subject;  // the other side's verified certificate subject, if any
};

class NetTransport final : public weft::Transport {
 public:
  // `io` must outlive the transport. Throws std::invalid_argument for inconsistent options
  // (max_frame_size 0 or above 2^31, a zero timeout or interval, a token above 4096 bytes).
  // TLS files are loaded here; a load error is reported by listen() / on_connect_failed.
  NetTransport(boost::asio::io_context& io, NetOptions options);
  ~NetTransport() override;  // closes everything, no callbacks after
  NetTransport(const NetTransport&) = delete;
  NetTransport& operator=(const NetTransport&) = delete;

  // Starts accepting on `where`: host = local IP address to bind ("127.0.0.1", "::", empty =
  // "0.0.0.0"; names are not resolved), port 0 = any free port. Returns the bound port.
  // May be called several times (several listeners). Errors: the bind/listen error,
  // net_errc::not_listening_tls, transport_errc::closed after close().
  result<std::uint16_t> listen(const Endpoint& where);
  // Dials now and keeps re-dialling (backoff) whenever the connection fails or ends,
  // while reconnect.enabled, until close(). Failures are reported to on_connect_failed.
  void connect(const Endpoint& where);
  [[nodiscard]] std::optional<PeerInfo> peer_info(PeerId peer) const;
  // Bytes accepted by send() but not yet written to `peer`'s socket (0 for unknown peers).
  [[nodiscard]] std::size_t queued_bytes(PeerId peer) const;
  // The descriptor of `peer`'s TCP socket (POSIX), or -1 for unknown peers. For reading
  // socket options (getsockopt) in tests and diagnostics only: the transport owns it,
  // so never read, write, close or reconfigure it.
  [[nodiscard]] int native_handle(PeerId peer) const;
  // Stops listening, closes all connections (on_disconnected follows for connected
  // peers), stops re-dialling. Further listen/connect/send fail with transport_errc::closed.
  void close();

  // Diagnostics (optional, never required for correctness):
  // an outbound dial, TLS/WebSocket handshake or authentication failed (not for normal closes).
  std::function<void(const Endpoint&, boost::system::error_code)> on_connect_failed;
  // the acceptor refused us; `reason` is what it said (at most 256 bytes, sanitized).
  std::function<void(const Endpoint&, std::string_view reason)> on_refused;
  // an inbound connection failed before it was accepted (TLS, garbage, timeout, refused).
  std::function<void(std::string_view remote_address, boost::system::error_code)> on_accept_failed;

  // Transport:
  // Errors: transport_errc::not_connected, message_too_large (> max_frame_size),
  // queue_full (queue holds max_queued_bytes; a message is always accepted into an empty
  // queue), closed.
  result<void> send(PeerId peer, std::span<const std::uint8_t> message) override;
  // Closes at once (peers() no longer lists it); on_disconnected(peer, {}) is posted. An
  // outbound peer's dialler then re-dials (a new PeerId) while reconnect is enabled.
  void disconnect(PeerId peer) override;
  [[nodiscard]] std::vector<PeerId> peers() const override;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace weft::net

template <>
struct boost::system::is_error_code_enum<weft::net::net_errc> : std::true_type {};

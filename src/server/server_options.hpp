#pragma once
// weft-server's command-line flags (a stable interface: docs/server.md lists them).
// Parsing is pure (no I/O), so tests feed it argument lists.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/access_tokens.hpp"

namespace weft::server {

struct ServerOptions {
  std::vector<std::string> listen;                // --listen URL (repeatable; at least one)
  std::string data;                               // --data DIR (required)
  std::uint64_t idle_ms = 30'000;                 // --idle-ms
  std::string metrics;                            // --metrics HOST:PORT (empty: none)
  std::string port_file;                          // --port-file FILE
  std::vector<cli::AcceptedToken> accept_tokens;  // --accept-token (repeatable)
  std::string tls_ca;                             // --tls-ca FILE
  std::string tls_cert;                           // --tls-cert FILE
  std::string tls_key;                            // --tls-key FILE
  bool tls_require_client_cert = false;           // --tls-require-client-cert
  std::uint64_t anti_entropy_ms = 1'000;          // --anti-entropy-ms
  // Per-peer limits (weft::PeerLimits); unset: the library's defaults.
  std::optional<std::uint64_t> peer_messages_per_s;     // --peer-messages-per-s
  std::optional<std::uint64_t> peer_bytes_per_s;        // --peer-bytes-per-s
  std::optional<std::uint64_t> peer_snapshot_interval;  // --peer-snapshot-interval-ms
  bool verbose = false;                                 // --verbose
  bool help = false;                                    // --help
};

// Parses argv[1..]. Unknown flags, missing values, malformed numbers and (unless
// --help is given) a missing --listen or --data are errors whose message, in `error`,
// names the offending argument.
[[nodiscard]] std::optional<ServerOptions> parse_server_options(
    const std::vector<std::string_view>& args, std::string& error);

// The --help text: every flag.
[[nodiscard]] std::string server_options_help();

}  // namespace weft::server

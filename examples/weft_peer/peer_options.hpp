#pragma once
// Command-line options shared by weft-peer and collab_edit: where to listen and
// connect, how to authenticate, TLS files, and the presence name. Parsing is
// pure (no I/O) so tests can feed it argument lists.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/access_tokens.hpp"
#include "weft/encoding/error.hpp"

namespace weft::peer {

// Shared with weft-server (src/cli/).
using cli::AcceptedToken;
using cli::parse_accepted_token;

struct PeerOptions {
  std::string doc = "main";                  // --doc NAME
  std::optional<std::uint64_t> replica_id;   // --replica-id N (tests only)
  std::vector<std::string> listen;           // --listen URL (repeatable)
  std::vector<std::string> connect;          // --connect URL (repeatable)
  std::string port_file;                     // --port-file FILE: the bound URLs, once listening
  std::string token;                         // --token: presented to peers we dial
  std::vector<AcceptedToken> accept_tokens;  // --accept-token (repeatable)
  std::string tls_ca;                        // --tls-ca FILE
  std::string tls_cert;                      // --tls-cert FILE
  std::string tls_key;                       // --tls-key FILE
  bool tls_require_client_cert = false;      // --tls-require-client-cert
  std::string name;                          // --name: presence user name
  std::uint32_t reconnect_max_ms = 2'000;    // --reconnect-max-ms
  std::uint64_t anti_entropy_ms = 1'000;     // --anti-entropy-ms
  // Per-peer limits (weft::PeerLimits); unset: the library's defaults.
  std::optional<std::uint64_t> peer_messages_per_s;     // --peer-messages-per-s
  std::optional<std::uint64_t> peer_bytes_per_s;        // --peer-bytes-per-s
  std::optional<std::uint64_t> peer_snapshot_interval;  // --peer-snapshot-interval-ms
  bool exit_on_eof = false;                             // --exit-on-eof
  bool verbose = false;                                 // --verbose: connection events on stderr
  bool help = false;                                    // --help
  std::string store;  // --store PATH: SQLite file; empty = in memory
};

// Parses argv[1..]. Unknown flags, missing values and malformed numbers are
// errors whose message names the offending argument (in `error`).
[[nodiscard]] std::optional<PeerOptions> parse_options(const std::vector<std::string_view>& args,
                                                       std::string& error);

// The --help text of the shared flags (each program adds its own usage line).
[[nodiscard]] std::string options_help();

}  // namespace weft::peer

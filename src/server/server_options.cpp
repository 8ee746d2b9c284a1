#include "server/server_options.hpp"

#include <functional>
#include <map>

#include "cli/parse_number.hpp"

namespace weft::server {
namespace {

// A flag's action on its value: false, with `error` set, when the value is refused.
using Setter = std::function<bool(ServerOptions&, std::string_view, std::string& error)>;

Setter text(std::string ServerOptions::*field) {
  return [field](ServerOptions& o, std::string_view v, std::string& error) {
    if (v.empty()) {
      error = "needs a non-empty value";
      return false;
    }
    o.*field = std::string(v);
    return true;
  };
}

// A positive number, into a plain or an optional field.
template <typename Field>
Setter positive(Field ServerOptions::*field) {
  return [field](ServerOptions& o, std::string_view v, std::string& error) {
    std::uint64_t n = 0;
    if (!cli::parse_number(v, n) || n == 0) {
      error = "needs a positive number, got '" + std::string(v) + "'";
      return false;
    }
    o.*field = n;
    return true;
  };
}

const std::map<std::string_view, Setter>& valued_flags() {
  static const std::map<std::string_view, Setter> flags = {
      {"--listen",
       [](ServerOptions& o, std::string_view v, std::string& error) {
         if (v.empty()) {
           error = "needs a URL";
           return false;
         }
         o.listen.emplace_back(v);
         return true;
       }},
      {"--accept-token",
       [](ServerOptions& o, std::string_view v, std::string& error) {
         auto token = cli::parse_accepted_token(v);
         if (!token) {
           error = "needs TOKEN or TOKEN:ro, got '" + std::string(v) + "'";
           return false;
         }
         o.accept_tokens.push_back(std::move(*token));
         return true;
       }},
      {"--data", text(&ServerOptions::data)},
      {"--metrics", text(&ServerOptions::metrics)},
      {"--port-file", text(&ServerOptions::port_file)},
      {"--tls-ca", text(&ServerOptions::tls_ca)},
      {"--tls-cert", text(&ServerOptions::tls_cert)},
      {"--tls-key", text(&ServerOptions::tls_key)},
      {"--idle-ms", positive(&ServerOptions::idle_ms)},
      {"--anti-entropy-ms", positive(&ServerOptions::anti_entropy_ms)},
      {"--peer-messages-per-s", positive(&ServerOptions::peer_messages_per_s)},
      {"--peer-bytes-per-s", positive(&ServerOptions::peer_bytes_per_s)},
      {"--peer-snapshot-interval-ms", positive(&ServerOptions::peer_snapshot_interval)},
  };
  return flags;
}

}  // namespace

std::optional<ServerOptions> parse_server_options(const std::vector<std::string_view>& args,
                                                  std::string& error) {
  ServerOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view flag = args[i];
    if (flag == "--help" || flag == "-h") {
      options.help = true;
    } else if (flag == "--verbose" || flag == "-v") {
      options.verbose = true;
    } else if (flag == "--tls-require-client-cert") {
      options.tls_require_client_cert = true;
    } else if (auto it = valued_flags().find(flag); it != valued_flags().end()) {
      if (i + 1 >= args.size()) {
        error = std::string(flag) + " needs a value";
        return std::nullopt;
      }
      std::string why;
      if (!it->second(options, args[++i], why)) {
        error = std::string(flag) + " " + why;
        return std::nullopt;
      }
    } else {
      error = "unknown argument '" + std::string(flag) + "' (see --help)";
      return std::nullopt;
    }
  }
  if (options.help) return options;
  if (options.listen.empty()) {
    error = "--listen URL is required (see --help)";
    return std::nullopt;
  }
  if (options.data.empty()) {
    error = "--data DIR is required (see --help)";
    return std::nullopt;
  }
  return options;
}

std::string server_options_help() {
  return R"(Usage: weft-server --listen URL --data DIR [options]

Hosts any number of weft documents for any number of clients (weft-peer, or any
program using NetTransport + SyncHost): a document is loaded from DIR when the first
client names it, synced with every client of it, stored before any update is
acknowledged, and put away when idle.

Required:
  --listen URL             accept clients at URL (repeatable): tcp://HOST:PORT,
                           tls://HOST:PORT, ws://HOST:PORT/PATH or wss://HOST:PORT/PATH.
                           Port 0 picks a free port. Each bound address is printed on
                           stdout as "listening URL" (with the real port).
  --data DIR               keep every document in the SQLite database DIR/weft.db
                           (DIR is created if missing; one server per DIR: a second
                           one is refused).
Documents:
  --idle-ms MS             put a document away (flushed, then closed) once no client
                           has used it and no update arrived for MS (default 30000).
  --anti-entropy-ms MS     how often each client's session re-checks what the client
                           lacks (default 1000).
Metrics:
  --metrics HOST:PORT      serve Prometheus text on http://HOST:PORT/metrics (plain
                           HTTP, no authentication: bind a private address). Port 0
                           picks a free port; printed as "metrics URL".
Access:
  --accept-token TOK[:ro]  (repeatable) when given, a client must present one of these
                           tokens or is refused before any document byte; TOK:ro
                           grants read-only access to every document (its edits are
                           rejected, never applied, stored or relayed), TOK or TOK:rw
                           read-write. Without it every client may read and write.
TLS (for tls:// and wss://):
  --tls-cert FILE          PEM certificate chain (required to listen with TLS).
  --tls-key FILE           PEM private key of --tls-cert.
  --tls-ca FILE            PEM trust anchors for client certificates.
  --tls-require-client-cert  require a verified client certificate (mutual TLS).
Limits per connected client (see weft::PeerLimits):
  --peer-messages-per-s N  messages a client may send per second (bursts of 2 s).
  --peer-bytes-per-s N     bytes a client may send, plus our answers to it, per second.
  --peer-snapshot-interval-ms MS
                           full snapshots (divergence repair) sent to one client.
Other:
  --port-file FILE         once listening, write the bound URLs (real ports), one per
                           line, then the metrics URL if any, to FILE (written aside,
                           then renamed: it appears whole).
  --verbose                log connections, loads and evictions to stderr.
  --help                   this text.

SIGTERM or SIGINT: stop accepting, close every client, flush and close every open
document, exit 0. Exit status: 1 when DIR, a listen address, --metrics or --port-file
cannot be used; 2 for bad arguments.
)";
}

}  // namespace weft::server

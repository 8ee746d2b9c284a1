#include "peer_options.hpp"

#include "cli/parse_number.hpp"

namespace weft::peer {
using cli::parse_number;

std::optional<PeerOptions> parse_options(const std::vector<std::string_view>& args,
                                         std::string& error) {
  PeerOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view flag = args[i];
    // Every flag but the booleans takes the next argument as its value.
    auto value = [&]() -> std::optional<std::string_view> {
      if (i + 1 >= args.size()) {
        error = std::string(flag) + " needs a value";
        return std::nullopt;
      }
      return args[++i];
    };
    if (flag == "--help" || flag == "-h") {
      options.help = true;
    } else if (flag == "--exit-on-eof") {
      options.exit_on_eof = true;
    } else if (flag == "--verbose" || flag == "-v") {
      options.verbose = true;
    } else if (flag == "--tls-require-client-cert") {
      options.tls_require_client_cert = true;
    } else if (flag == "--doc" || flag == "--listen" || flag == "--connect" || flag == "--token" ||
               flag == "--accept-token" || flag == "--tls-ca" || flag == "--tls-cert" ||
               flag == "--tls-key" || flag == "--name" || flag == "--replica-id" ||
               flag == "--reconnect-max-ms" || flag == "--anti-entropy-ms" || flag == "--store" ||
               flag == "--port-file" || flag == "--peer-messages-per-s" ||
               flag == "--peer-bytes-per-s" || flag == "--peer-snapshot-interval-ms") {
      auto v = value();
      if (!v) return std::nullopt;
      const std::string text(*v);
      if (flag == "--doc") {
        if (text.empty()) {
          error = "--doc needs a non-empty name";
          return std::nullopt;
        }
        options.doc = text;
      } else if (flag == "--store") {
        if (text.empty()) {
          error = "--store needs a file path";
          return std::nullopt;
        }
        options.store = text;
      } else if (flag == "--port-file") {
        if (text.empty()) {
          error = "--port-file needs a file path";
          return std::nullopt;
        }
        options.port_file = text;
      } else if (flag == "--listen") {
        options.listen.push_back(text);
      } else if (flag == "--connect") {
        options.connect.push_back(text);
      } else if (flag == "--token") {
        options.token = text;
      } else if (flag == "--accept-token") {
        auto token = parse_accepted_token(text);
        if (!token) {
          error = "--accept-token needs TOKEN or TOKEN:ro, got '" + text + "'";
          return std::nullopt;
        }
        options.accept_tokens.push_back(std::move(*token));
      } else if (flag == "--tls-ca") {
        options.tls_ca = text;
      } else if (flag == "--tls-cert") {
        options.tls_cert = text;
      } else if (flag == "--tls-key") {
        options.tls_key = text;
      } else if (flag == "--name") {
        options.name = text;
      } else if (flag == "--replica-id") {
        std::uint64_t id = 0;
        if (!parse_number(*v, id) || id == 0) {
          error = "--replica-id needs a non-zero number, got '" + text + "'";
          return std::nullopt;
        }
        options.replica_id = id;
      } else if (flag.starts_with("--peer-")) {
        std::uint64_t n = 0;
        if (!parse_number(*v, n) || n == 0) {
          error = std::string(flag) + " needs a positive number, got '" + text + "'";
          return std::nullopt;
        }
        if (flag == "--peer-messages-per-s") options.peer_messages_per_s = n;
        if (flag == "--peer-bytes-per-s") options.peer_bytes_per_s = n;
        if (flag == "--peer-snapshot-interval-ms") options.peer_snapshot_interval = n;
      } else if (flag == "--reconnect-max-ms") {
        if (!parse_number(*v, options.reconnect_max_ms) || options.reconnect_max_ms == 0) {
          error = "--reconnect-max-ms needs a positive number, got '" + text + "'";
          return std::nullopt;
        }
      } else {
        if (!parse_number(*v, options.anti_entropy_ms) || options.anti_entropy_ms == 0) {
          error = "--anti-entropy-ms needs a positive number, got '" + text + "'";
          return std::nullopt;
        }
      }
    } else {
      error = "unknown argument '" + std::string(flag) + "' (see --help)";
      return std::nullopt;
    }
  }
  return options;
}

std::string options_help() {
  return R"(Network:
  --listen URL             accept peers at URL (repeatable). URL is tcp://HOST:PORT,
                           tls://HOST:PORT, ws://HOST:PORT/PATH or wss://HOST:PORT/PATH.
                           Port 0 picks a free port. Every bound address is printed
                           on stdout as "listening URL" (with the real port).
  --port-file FILE         once every --listen address is bound, write the bound
                           URLs (real ports), one per line, to FILE. The file
                           appears whole (written aside, then renamed): poll for it.
  --connect URL            dial a peer at URL (repeatable); re-dialled with backoff
                           whenever the connection is lost.
  --reconnect-max-ms MS    longest pause between re-dials (default 2000).
  --anti-entropy-ms MS     how often each session re-checks what the peer lacks
                           (default 1000).
Limits per connected peer (what one peer may make us do; see weft::PeerLimits):
  --peer-messages-per-s N  messages a peer may send per second (bursts of 2 s;
                           default 20000). Beyond it its messages are dropped and
                           it is told; one that keeps on is disconnected.
  --peer-bytes-per-s N     bytes a peer may send, plus the bytes of our answers to
                           it, per second (bursts of 2 s; default 16 MiB).
  --peer-snapshot-interval-ms MS
                           full snapshots (divergence repair) sent to one peer:
                           3 at once, then one per MS (default 10000).
Access:
  --token TOKEN            token presented to the peers we dial.
  --accept-token TOK[:ro]  (repeatable) when given, an inbound peer must present one
                           of these tokens or is refused before any document byte;
                           TOK:ro grants read-only access (its edits are rejected,
                           never applied or relayed), TOK or TOK:rw read-write.
                           Without --accept-token every inbound peer may read and write.
TLS (for tls:// and wss://):
  --tls-ca FILE            PEM trust anchors used to verify the other side.
  --tls-cert FILE          PEM certificate chain: required to listen with TLS; when
                           dialling, a client certificate (mutual TLS).
  --tls-key FILE           PEM private key of --tls-cert.
  --tls-require-client-cert  listener: require a verified client certificate.
Document:
  --doc NAME               name of the shared document (default "main"); peers sync
                           only documents of the same name.
  --replica-id N           fixed replica id (decimal or 0x hex; tests only: two live
                           replicas must never share an id). Default: random.
  --name NAME              user name shown to other peers (presence).
  --store PATH             keep the document in the SQLite database PATH (created if
                           missing; durable: every edit and every received update is
                           on disk before it is acknowledged). A restarted peer
                           resumes with its replica id and content and syncs only
                           what it missed. Without it nothing is persisted.
Other:
  --verbose                log connections and sync events to stderr.
  --help                   this text.
)";
}

}  // namespace weft::peer

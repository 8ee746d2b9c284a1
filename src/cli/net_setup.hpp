#pragma once
// Network set-up the command-line tools (weft-peer, collab_edit, weft-server) share:
// their TLS and per-peer limit flags turned into library options, and binding every
// --listen URL.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "weft/net/net_transport.hpp"
#include "weft/sync/peer_budget.hpp"

namespace weft::cli {

// --tls-ca, --tls-cert, --tls-key, --tls-require-client-cert.
[[nodiscard]] net::TlsOptions tls_options(std::string ca_file, std::string certificate_file,
                                          std::string private_key_file,
                                          bool require_client_certificate);

// --peer-messages-per-s, --peer-bytes-per-s, --peer-snapshot-interval-ms; unset ones keep
// the library's defaults.
[[nodiscard]] PeerLimits peer_limits(std::optional<std::uint64_t> messages_per_s,
                                     std::optional<std::uint64_t> bytes_per_s,
                                     std::optional<std::uint64_t> snapshot_interval_ms);

// Parses every --listen URL, then binds each on `transport`; returns the bound URLs
// (real ports), in order. On the first failure `error` names the URL and says why, and
// the transport is closed, so nothing is left listening.
[[nodiscard]] result<std::vector<std::string>> listen_all(net::NetTransport& transport,
                                                          const std::vector<std::string>& urls,
                                                          std::string& error);

}  // namespace weft::cli

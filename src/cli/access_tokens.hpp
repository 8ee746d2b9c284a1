#pragma once
// Access tokens for the command-line tools (weft-peer, collab_edit, weft-server):
// `--accept-token TOKEN[:ro]` lists the tokens an inbound peer may present, each
// granting read-write or read-only access. The authenticator refuses any other token
// before a document byte flows; the identity it gives a peer records only the access
// level and the token's index ("rw#0", "ro#1"), so the token itself stays out of logs.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weft/net/net_transport.hpp"
#include "weft/sync/access.hpp"

namespace weft::cli {

// One `--accept-token TOKEN[:ro]`: a token an inbound peer may present, and
// whether it grants read-only access (":ro") or read-write (no suffix, ":rw").
struct AcceptedToken {
  std::string token;
  bool read_only = false;
};

// Parses "TOKEN", "TOKEN:ro" or "TOKEN:rw". Empty token: nullopt.
[[nodiscard]] std::optional<AcceptedToken> parse_accepted_token(std::string_view spec);

// An authenticator accepting exactly `tokens` (compared in constant time per token);
// a refused peer is told "permission denied". Empty `tokens`: an empty Authenticator
// (NetTransport then accepts everyone).
[[nodiscard]] net::Authenticator token_authenticator(std::vector<AcceptedToken> tokens);

// The access a peer has by the identity token_authenticator gave it: Access::read for a
// read-only token, Access::read_write otherwise (also for peers we dialled, and for
// everyone when no tokens are required).
[[nodiscard]] Access access_of_identity(const std::optional<net::PeerInfo>& peer);

}  // namespace weft::cli

#include "cli/access_tokens.hpp"

namespace weft::cli {
namespace {

constexpr std::string_view kReadOnly = "ro#";
constexpr std::string_view kReadWrite = "rw#";

// Compares without an early exit so the time taken does not tell how much of
// a guessed token was right.
bool same_token(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return diff == 0;
}

}  // namespace

std::optional<AcceptedToken> parse_accepted_token(std::string_view spec) {
  AcceptedToken result;
  if (spec.ends_with(":ro")) {
    result.read_only = true;
    spec.remove_suffix(3);
  } else if (spec.ends_with(":rw")) {
    spec.remove_suffix(3);
  }
  if (spec.empty()) return std::nullopt;
  result.token = std::string(spec);
  return result;
}

net::Authenticator token_authenticator(std::vector<AcceptedToken> tokens) {
  if (tokens.empty()) return {};
  return [tokens = std::move(tokens)](const net::AuthRequest& request) -> result<std::string> {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      if (same_token(tokens[i].token, request.token)) {
        return std::string(tokens[i].read_only ? kReadOnly : kReadWrite) + std::to_string(i);
      }
    }
    return make_error_code(boost::system::errc::permission_denied);
  };
}

Access access_of_identity(const std::optional<net::PeerInfo>& peer) {
  if (peer && peer->inbound && peer->identity.starts_with(kReadOnly)) return Access::read;
  return Access::read_write;
}

}  // namespace weft::cli

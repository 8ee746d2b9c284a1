#include "weft/net/sync_client.hpp"

namespace weft::net {

std::string_view to_string(ConnectionState state) noexcept {
  switch (state) {
    case ConnectionState::connecting:
      return "connecting";
    case ConnectionState::connected:
      return "connected";
    case ConnectionState::disconnected:
      return "disconnected";
    case ConnectionState::failed:
      return "failed";
  }
  return "unknown";
}

}  // namespace weft::net

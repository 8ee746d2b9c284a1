#pragma once
// Errors of the sync protocol (malformed bytes use weft::errc instead).
#include "weft/encoding/error.hpp"

namespace weft {

enum class sync_errc {
  unknown_message = 1,  // a message kind this version does not know
  message_too_large,    // over SyncOptions::max_message_size
  too_many_pending,     // the peer left more than SyncOptions::max_pending operations waiting
  peer_error,           // the peer reported an error and closed
  session_closed,       // the session has ended; nothing more is processed
  update_too_large,     // an update to send exceeds the maximum message size
  // Non-fatal refusals, carried by a `reject` message; the session stays open.
  access_denied,       // the peer has no access (Access::none) to the document
  read_only,           // the peer may read the document but not change it (Access::read)
  presence_too_large,  // a presence state over PresenceOptions::max_state_size
  // The peer sends faster than PeerLimits allow: what it sent is dropped unread
  // (reject, not fatal), and a peer that keeps on is closed with it (fatal).
  rate_limited,
};

[[nodiscard]] const boost::system::error_category& sync_category() noexcept;
[[nodiscard]] inline boost::system::error_code make_error_code(sync_errc e) noexcept {
  return {static_cast<int>(e), sync_category()};
}

}  // namespace weft

template <>
struct boost::system::is_error_code_enum<weft::sync_errc> : std::true_type {};

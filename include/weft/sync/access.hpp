#pragma once
// Access: what one peer may do with one hosted document.
//
//   none        the peer learns nothing of the document: no hello, update, digest,
//               repair or presence for it is ever sent to that peer, and whatever it
//               sends about the document is answered with a `reject`
//               (sync_errc::access_denied), never processed.
//   read        the peer receives everything (hello, updates, relays, repairs,
//               presence) but nothing it sends can change our replica: its updates and
//               repairs are answered with a `reject` (sync_errc::read_only) and are never
//               applied, relayed or adopted. It may publish presence (cursors change no
//               document; a viewer's cursor is useful to writers).
//   read_write  full participation (the default).
// Access is decided per (peer, document) when a session starts and does not change
// for the life of that session; reconnect to apply a new policy.
#include <cstdint>

namespace weft {

enum class Access : std::uint8_t { none, read, read_write };

}  // namespace weft

#pragma once
// A peer with write access that sends the host one crafted update through a sync
// session of its own, as the attacker did over the network.
#include <string>

#include "weft/doc/doc.hpp"

namespace weft::bench::attacks {

struct Delivery {
  bool refused = false;  // the host closed the attacker's session
  std::string error;     // why, as the host's session reported it
  double host_ms = 0;    // the host's time to take the message in (receive())
};

// Opens a fresh session pair with `host` (a peer that reconnects after every
// refusal), greets, then delivers `update` as a live update.
Delivery send_as_peer(Doc& host, const Bytes& update);

}  // namespace weft::bench::attacks

#pragma once
// Two in-process SyncSessions wired back to back: what one sends, the other receives.
#include <cstddef>
#include <utility>

#include "weft/sync/sync_session.hpp"

namespace weft::bench {

struct Traffic {
  std::size_t messages = 0;
  std::size_t bytes = 0;
};

// Carries messages both ways until both sessions are quiet.
inline Traffic pump(SyncSession& a, SyncSession& b) {
  Traffic t;
  for (bool moved = true; moved;) {
    moved = false;
    for (auto [from, to] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
      for (auto& m : from->take_outgoing()) {
        moved = true;
        ++t.messages;
        t.bytes += m.size();
        (void)to->receive(m);
      }
    }
  }
  return t;
}

}  // namespace weft::bench

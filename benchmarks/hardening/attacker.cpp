#include "attacker.hpp"

#include <chrono>

#include "common/measure.hpp"
#include "common/sync_pump.hpp"

namespace weft::bench::attacks {

Delivery send_as_peer(Doc& host, const Bytes& update) {
  Doc own(ReplicaId::random());  // what the attacker's session greets with
  SyncSession host_side;
  SyncSession attacker;
  host_side.add_document("doc", host);
  attacker.add_document("doc", own);
  host_side.start(0);
  attacker.start(0);
  (void)pump(host_side, attacker);
  attacker.broadcast("doc", update);
  Delivery d;
  for (const Bytes& m : attacker.take_outgoing()) {
    const auto start = std::chrono::steady_clock::now();
    auto received = host_side.receive(m);
    d.host_ms += ms_between(start, std::chrono::steady_clock::now());
    if (!received) d.error = received.error().message();
  }
  d.refused = host_side.is_closed();
  return d;
}

}  // namespace weft::bench::attacks

#pragma once
// Test helpers for the sync layer: a transport handler that records every message
// a node receives before handing it to the node's SyncHost, and small text edits on
// a weft::Doc.
#include <string>
#include <vector>

#include "weft/doc/doc.hpp"
#include "weft/sync/sync_host.hpp"
#include "weft/transport/transport.hpp"

namespace weft::test {

// Installed on a transport after its SyncHost (which installs itself), so it sees
// every message first. `on_connected` lets a test learn which PeerId is which node.
class SpyHandler final : public TransportHandler {
 public:
  SpyHandler(Transport& transport, TransportHandler& inner) : inner_(&inner) {
    transport.set_handler(this);
  }
  void on_connected(PeerId peer) override {
    if (on_connect) on_connect(peer);
    inner_->on_connected(peer);
  }
  void on_message(PeerId peer, std::span<const std::uint8_t> message) override {
    received.emplace_back(peer, Bytes(message.begin(), message.end()));
    inner_->on_message(peer, message);
  }
  void on_disconnected(PeerId peer, boost::system::error_code reason) override {
    inner_->on_disconnected(peer, reason);
  }

  std::function<void(PeerId)> on_connect;
  std::vector<std::pair<PeerId, Bytes>> received;

 private:
  TransportHandler* inner_;
};

inline const ObjectId& body() {
  static const ObjectId id = ObjectId::named("body", ObjectKind::text);
  return id;
}

// Inserts `text` at a random position (0..size) and returns the update.
template <class Rng>
Bytes insert_somewhere(Doc& doc, const std::string& text, Rng& rng) {
  const std::size_t size = doc.text(body()).size();
  auto tx = doc.transact();
  tx.text("body").insert(rng() % (size + 1), text);
  return tx.commit();
}

// Erases one character, if any, and returns the update (empty when nothing to erase).
template <class Rng>
Bytes erase_somewhere(Doc& doc, Rng& rng) {
  const std::size_t size = doc.text(body()).size();
  if (size == 0) return {};
  auto tx = doc.transact();
  tx.text("body").erase(rng() % size, 1);
  return tx.commit();
}

}  // namespace weft::test

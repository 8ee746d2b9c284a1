// A user-written Transport: an in-process queue pair. Two Docs sync a text and
// a map through SyncHost over it, then print the converged state. Exits non-zero
// if the replicas do not converge.
#include <cstdio>
#include <deque>
#include <utility>

#include "weft/doc/doc.hpp"
#include "weft/sync/sync_host.hpp"
#include "weft/transport/transport.hpp"

namespace {

// One end of a pair. Sends go to the other end's inbox; pump() delivers them.
class QueueEnd final : public weft::Transport {
 public:
  void link(QueueEnd& other) { other_ = &other; }
  void open() {
    if (handler() != nullptr) handler()->on_connected(kPeer);
  }
  weft::result<void> send(weft::PeerId peer, std::span<const std::uint8_t> message) override {
    if (other_ == nullptr || peer.value != kPeer.value) return weft::transport_errc::not_connected;
    other_->inbox_.emplace_back(message.begin(), message.end());
    return {};
  }
  void disconnect(weft::PeerId) override {}
  [[nodiscard]] std::vector<weft::PeerId> peers() const override { return {kPeer}; }
  // Delivers queued messages; returns how many.
  std::size_t pump() {
    std::size_t n = 0;
    while (!inbox_.empty()) {
      const weft::Bytes message = std::move(inbox_.front());
      inbox_.pop_front();
      if (handler() != nullptr) handler()->on_message(kPeer, message);
      ++n;
    }
    return n;
  }

 private:
  static constexpr weft::PeerId kPeer{1};  // each end has exactly one peer: the other end
  QueueEnd* other_ = nullptr;
  std::deque<weft::Bytes> inbox_;
};

}  // namespace

int main() {
  QueueEnd left;
  QueueEnd right;
  left.link(right);
  right.link(left);

  weft::Doc alice(weft::ReplicaId{1});
  weft::Doc bob(weft::ReplicaId{2});
  weft::SyncHost alice_host(left);
  weft::SyncHost bob_host(right);
  alice_host.add_document("notes", alice);
  bob_host.add_document("notes", bob);
  left.open();
  right.open();

  // Concurrent edits on both sides, published as they are committed.
  {
    auto tx = alice.transact("alice");
    tx.text("body").insert(0, "Hello");
    tx.map("meta").set("author", "alice");
    alice_host.publish("notes", tx.commit());
  }
  {
    auto tx = bob.transact("bob");
    tx.text("body").insert(0, "World");
    tx.map("meta").set("tags", 2);
    bob_host.publish("notes", tx.commit());
  }
  while (left.pump() + right.pump() > 0) {
  }

  const auto body = weft::ObjectId::named("body", weft::ObjectKind::text);
  const auto meta = weft::ObjectId::named("meta", weft::ObjectKind::map);
  std::printf("alice: %s | bob: %s\n", alice.text(body).to_string().c_str(),
              bob.text(body).to_string().c_str());
  for (const auto& [key, value] : bob.map(meta).entries()) {
    if (value.is<std::string>())
      std::printf("meta.%s = %s\n", key.c_str(), value.as<std::string>().c_str());
    if (value.is<std::int64_t>())
      std::printf("meta.%s = %lld\n", key.c_str(),
                  static_cast<long long>(value.as<std::int64_t>()));
  }
  const bool converged = alice.encode_snapshot() == bob.encode_snapshot() &&
                         alice.text(body).to_string().size() == 10 &&
                         bob.map(meta).entries().size() == 2;
  std::printf(converged ? "converged\n" : "DIVERGED\n");
  return converged ? 0 : 1;
}

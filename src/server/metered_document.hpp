#pragma once
// MeteredDocument: a SyncDocument that forwards to another and reports every
// apply_update (from peers: updates and repairs' first step) with the time it took,
// storage included, so the server can count updates, time them and see activity.
#include <chrono>
#include <functional>

#include "weft/sync/sync_document.hpp"

namespace weft::server {

class MeteredDocument final : public SyncDocument {
 public:
  // Told after each apply_update: its result and its duration in seconds.
  using Observer = std::function<void(const result<UpdateStatus>&, double seconds)>;

  // `inner` must outlive this.
  MeteredDocument(SyncDocument& inner, Observer observer)
      : inner_(inner), observer_(std::move(observer)) {}

  [[nodiscard]] VersionVector state_vector() const override { return inner_.state_vector(); }
  [[nodiscard]] Bytes encode_update_since(const VersionVector& since) const override {
    return inner_.encode_update_since(since);
  }
  result<UpdateStatus> apply_update(std::span<const std::uint8_t> update) override;
  [[nodiscard]] std::uint64_t pending_count() const override { return inner_.pending_count(); }
  [[nodiscard]] std::uint64_t digest() const override { return inner_.digest(); }
  [[nodiscard]] Bytes encode_snapshot() const override { return inner_.encode_snapshot(); }
  result<void> adopt_snapshot(std::span<const std::uint8_t> snapshot) override {
    return inner_.adopt_snapshot(snapshot);
  }

 private:
  SyncDocument& inner_;
  Observer observer_;
};

}  // namespace weft::server

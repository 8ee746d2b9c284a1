// Sync messages from a hostile peer: any input decodes or fails with a typed
// error; whatever decodes re-encodes to the same bytes; and a session fed the
// input never crashes and, on failure, closes.
#include <cstdlib>

#include "weft/sync/sync_session.hpp"

namespace {

// A document that accepts nothing, so the session's own logic is what is fuzzed.
struct InertDocument final : weft::SyncDocument {
  weft::VersionVector state_vector() const override { return {}; }
  weft::Bytes encode_update_since(const weft::VersionVector&) const override { return {}; }
  weft::result<weft::UpdateStatus> apply_update(std::span<const std::uint8_t> u) override {
    if (!u.empty()) return weft::errc::invalid_value;
    return weft::UpdateStatus{};
  }
  std::uint64_t pending_count() const override { return 0; }
  std::uint64_t digest() const override { return 0; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  if (auto m = weft::decode_sync_message(input)) {
    const auto again = weft::encode_sync_message(*m);
    if (!std::equal(again.begin(), again.end(), input.begin(), input.end())) std::abort();
  }
  InertDocument doc;
  weft::SyncSession session({.max_message_size = 1 << 16});
  session.add_document("", doc);
  session.start();
  if (!session.receive(input) && !session.is_closed()) std::abort();
  return 0;
}

// Sync messages from a hostile peer: any input decodes or fails with a typed
// error; whatever decodes re-encodes to the same bytes; and a session fed the
// input never crashes and, on failure, closes.
//
// The first input byte picks the session's configuration: the peer's Access to
// the document "" (none, read, read_write), whether a Presence is hosted for it,
// and whether the rest is taken raw or behind a valid "WS" + version header and a
// known kind picked by the next byte (so that random bytes reach every per-kind
// decoder). Access is checked as well:
// without read_write nothing the peer sends may reach the document; without any
// access nothing but a reject, an error or `absent` (about other names) may be answered.
#include <cstdlib>

#include "weft/sync/sync_session.hpp"

namespace {

// A document that accepts only empty updates and counts what reaches it, so the
// session's own logic is what is fuzzed.
struct InertDocument final : weft::SyncDocument {
  weft::VersionVector state_vector() const override { return {}; }
  weft::Bytes encode_update_since(const weft::VersionVector&) const override { return {}; }
  weft::result<weft::UpdateStatus> apply_update(std::span<const std::uint8_t> u) override {
    ++touched;
    if (!u.empty()) return weft::errc::invalid_value;
    return weft::UpdateStatus{};
  }
  std::uint64_t pending_count() const override { return 0; }
  std::uint64_t digest() const override { return 0; }
  weft::result<void> adopt_snapshot(std::span<const std::uint8_t>) override {
    ++touched;
    return {};
  }
  int touched = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> whole(data, size);
  if (auto m = weft::decode_sync_message(whole)) {
    const auto again = weft::encode_sync_message(*m);
    if (!std::equal(again.begin(), again.end(), whole.begin(), whole.end())) std::abort();
  }
  if (size == 0) return 0;
  const std::uint8_t config = data[0];
  const auto access = static_cast<weft::Access>(config % 3);
  const bool with_presence = (config & 4) != 0;
  std::span<const std::uint8_t> rest = whole.subspan(1);
  weft::Bytes input;
  if ((config & 8) != 0 && !rest.empty()) {
    // A valid header and a known kind, drawn evenly, so every kind's decoder is reached.
    const auto kind = static_cast<std::uint8_t>(
        1 + rest[0] % static_cast<std::uint8_t>(weft::SyncMessageKind::absent));
    input = {'W', 'S', weft::kSyncProtocolVersion, kind};
    rest = rest.subspan(1);
  }
  input.insert(input.end(), rest.begin(), rest.end());

  InertDocument doc;
  weft::Presence presence(weft::ReplicaId{1}, {.max_state_size = 16});
  weft::SyncSession session({.max_message_size = 1 << 16});
  session.add_document("", doc, access);
  if (with_presence) session.add_presence("", presence, access);
  session.start();
  if (access == weft::Access::none && !session.take_outgoing().empty()) std::abort();
  if (!session.receive(input) && !session.is_closed()) std::abort();
  if (access != weft::Access::read_write && doc.touched != 0) std::abort();
  for (const auto& [replica, entry] : presence.remote_states()) {
    if (entry.state.size() > 16) std::abort();
    if (access == weft::Access::none) std::abort();
  }
  for (const auto& bytes : session.take_outgoing()) {
    auto out = weft::decode_sync_message(bytes);
    if (!out) std::abort();  // everything we send must decode
    if (access == weft::Access::none && out->kind != weft::SyncMessageKind::reject &&
        out->kind != weft::SyncMessageKind::error && out->kind != weft::SyncMessageKind::absent) {
      std::abort();
    }
    // `absent` names only documents not hosted: never "", which is.
    for (const auto& g : out->greetings) {
      if (out->kind == weft::SyncMessageKind::absent && g.doc.empty()) std::abort();
    }
  }
  return 0;
}

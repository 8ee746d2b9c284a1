#pragma once
// The sync protocol's messages and their wire format.
//
//   "WS" | protocol version (1) | kind (1 byte) | fields (varints, strings)
//
//   hello   doc, state vector            "this is what I have"
//   update  doc, sequence, update bytes  operations the receiver may lack
//   ack     doc, sequence, state vector  "applied up to your update #sequence; I now have ..."
//   digest  doc, state vector, digest    content check once both sides report equal vectors
//   repair  doc, digest, snapshot        full state, sent when digests disagree
//   error   code, reason                 the sender closes after this
//   bye     -                            orderly close
// Documents are named by UTF-8 strings; several share one session.
#include <cstdint>
#include <span>
#include <string>

#include "weft/core/version_vector.hpp"
#include "weft/encoding/error.hpp"
#include "weft/encoding/writer.hpp"

namespace weft {

inline constexpr std::uint8_t kSyncProtocolVersion = 1;

enum class SyncMessageKind : std::uint8_t {
  hello = 1,
  update = 2,
  ack = 3,
  digest = 4,
  repair = 5,
  error = 6,
  bye = 7,
};

struct SyncMessage {
  SyncMessageKind kind = SyncMessageKind::hello;
  std::string doc;               // all but error and bye
  VersionVector state_vector;    // hello, ack, digest
  std::uint64_t sequence = 0;    // update, ack
  std::uint64_t digest = 0;      // digest, repair
  Bytes payload;                 // update, repair
  std::uint32_t error_code = 0;  // error
  std::string reason;            // error
  friend bool operator==(const SyncMessage&, const SyncMessage&) = default;
};

[[nodiscard]] Bytes encode_sync_message(const SyncMessage& message);
// Validates everything; unknown kinds give sync_errc::unknown_message.
[[nodiscard]] result<SyncMessage> decode_sync_message(std::span<const std::uint8_t> bytes);

}  // namespace weft

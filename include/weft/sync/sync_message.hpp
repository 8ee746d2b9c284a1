#pragma once
// The sync protocol's messages and their wire format.
//
//   "WS" | protocol version (1) | kind (1 byte) | fields (varints, strings)
//
//   hello    count, count x (doc, state hash, heard flag 0|1)
//                                         "this is what I have", for up to kMaxGreetings
//                                         documents at once (hash: sync_summary.hpp)
//   update   doc, sequence, update bytes  operations the receiver may lack
//   ack      doc, sequence, state vector  "applied up to your update #sequence; I now have ..."
//                                         (only the entries that rose since the vector this
//                                         session last told the peer: join it, don't replace)
//   digest   doc, state hash, digest      content check once both sides report equal vectors
//                                         (the hash of the sender's vector, 8 bytes LE)
//   repair   doc, state vector, digest, snapshot
//                                         full state, sent when digests disagree
//   error    code, reason                 the sender closes after this
//   bye      -                            orderly close
//   reject   doc, code, reason            "I refused what you sent about doc" (not fatal)
//   presence doc, replica, clock, age_ms, flag (0 gone | 1 state), [state bytes]
//   state    doc, state vector            "my hash differs from yours: this is all I have"
//   summary  64 bucket hashes             anti-entropy over every shared document at once
//   absent   count, count x doc           "I do not host these": the answer to greetings
//                                         of documents the receiver does not host
//
// Field encodings: a hello's count is a varint of at least 1, its flag one byte; doc and reason are
// length-prefixed UTF-8-agnostic strings; state vectors use Codec<VersionVector>; sequence, clock,
// age_ms and codes are varints (codes fit 32 bits); digest is 8 bytes little-endian; update,
// snapshot and state are length-prefixed bytes; replica is a non-nil ReplicaId varint; a state hash
// and each of the summary's kSummaryBuckets hashes are 8 bytes little-endian.
//
// Versioning: nothing is released yet, so the format changes in place (decision 22):
// hello carries hashes instead of a vector, for many documents at once, a repair carries its
// sender's vector, and `state` (10), `summary` (11) and `absent` (12) are new. Before that: kinds
// 1-7 were the original protocol; `reject` (8) and `presence` (9) were added without changing the
// version byte, so a new peer reads everything an old peer sends. An old peer closes the session on
// a kind it does not know (unknown_message), so the new kinds are sent only when the feature is in
// use: a reject only in answer to a message the receiver's access policy refuses, presence only for
// documents with a hosted Presence. A reject's code is a sync_errc value (access_denied, read_only,
// presence_too_large, rate_limited); it is never 0. A reject for rate_limited names
// the document "" (it is about the whole session). Documents are named by strings; several share
// one session.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "weft/core/replica_id.hpp"
#include "weft/core/version_vector.hpp"
#include "weft/encoding/error.hpp"
#include "weft/encoding/writer.hpp"
#include "weft/sync/sync_summary.hpp"

namespace weft {

inline constexpr std::uint8_t kSyncProtocolVersion = 1;
// Greetings per hello: reconnecting with many documents costs few messages.
inline constexpr std::size_t kMaxGreetings = 512;

// One document in a hello: its name, a hash of our state vector for it, and whether we
// have heard the receiver greet it (if not, it greets back, so both know both host it).
struct Greeting {
  std::string doc;
  std::uint64_t state_hash = 0;
  bool heard = false;
  friend bool operator==(const Greeting&, const Greeting&) = default;
};

enum class SyncMessageKind : std::uint8_t {
  hello = 1,
  update = 2,
  ack = 3,
  digest = 4,
  repair = 5,
  error = 6,
  bye = 7,
  reject = 8,
  presence = 9,
  state = 10,
  summary = 11,
  absent = 12,
};

struct SyncMessage {
  SyncMessageKind kind = SyncMessageKind::hello;
  std::string doc;                  // all but hello, error, bye and summary
  VersionVector state_vector;       // state, ack (entries that rose), repair
  std::uint64_t state_hash = 0;     // digest: state_vector_hash of the sender's vector
  std::uint64_t sequence = 0;       // update, ack
  std::uint64_t digest = 0;         // digest, repair
  std::vector<Greeting> greetings;  // hello, absent (docs only): 1 to kMaxGreetings
  Bytes payload;                    // update, repair; presence: the state (empty when gone)
  std::uint32_t error_code = 0;     // error, reject (reject: a non-zero sync_errc value)
  std::string reason;               // error, reject
  ReplicaId replica;                // presence: whose state
  std::uint64_t clock = 0;          // presence: that replica's presence clock
  std::uint64_t age_ms = 0;         // presence: how long ago the sender last heard it
  bool gone = false;                // presence: the replica left (no state)
  SyncSummary::Buckets buckets{};   // summary
  friend bool operator==(const SyncMessage&, const SyncMessage&) = default;
};

[[nodiscard]] Bytes encode_sync_message(const SyncMessage& message);
// Validates everything; unknown kinds give sync_errc::unknown_message, a presence
// naming the nil replica or with a flag other than 0/1, a gone presence carrying
// state bytes, a reject with code 0, a hello flag other than 0/1, or a hello or
// absent with no or more than kMaxGreetings documents give errc::invalid_value.
[[nodiscard]] result<SyncMessage> decode_sync_message(std::span<const std::uint8_t> bytes);

}  // namespace weft

#include <random>

#include "support/catch.hpp"
#include "weft/sync/sync_error.hpp"
#include "weft/sync/sync_message.hpp"

using weft::Bytes;
using weft::SyncMessage;
using weft::SyncMessageKind;
using weft::Writer;

namespace {
std::vector<SyncMessage> one_of_each() {
  weft::VersionVector vv;
  vv.advance(weft::ReplicaId{3}, 17);
  vv.advance(weft::ReplicaId{9}, 2);
  std::vector<SyncMessage> all;
  for (int k = 1; k <= 7; ++k) {
    SyncMessage m;
    m.kind = static_cast<SyncMessageKind>(k);
    if (k == 1) {
      m.greetings = {{"notes/ü", 0x0123456789ABCDEFull, true}, {"", 7, false}};
    } else if (m.kind != SyncMessageKind::error && m.kind != SyncMessageKind::bye) {
      m.doc = "notes/ü";
    }
    if (k == 3 || k == 5) m.state_vector = vv;
    if (k == 4) m.state_hash = 0xFEDCBA9876543210ull;  // a digest names its vector by hash
    if (k == 2 || k == 3) m.sequence = 300;
    if (k == 4 || k == 5) m.digest = 0x0123456789ABCDEFull;
    if (k == 2 || k == 5) m.payload = Bytes{1, 2, 3, 250};
    if (k == 6) {
      m.error_code = 4;
      m.reason = "bad";
    }
    all.push_back(m);
  }
  SyncMessage reject;
  reject.kind = SyncMessageKind::reject;
  reject.doc = "notes/ü";
  reject.error_code = static_cast<std::uint32_t>(weft::sync_errc::read_only);
  reject.reason = "read only";
  all.push_back(reject);
  SyncMessage presence;
  presence.kind = SyncMessageKind::presence;
  presence.doc = "notes/ü";
  presence.replica = weft::ReplicaId{77};
  presence.clock = 129;
  presence.age_ms = 2500;
  presence.payload = Bytes{'c', 'u', 'r', 0, 200};
  all.push_back(presence);
  SyncMessage gone = presence;
  gone.gone = true;
  gone.payload.clear();
  all.push_back(gone);
  SyncMessage state;
  state.kind = SyncMessageKind::state;
  state.doc = "notes/ü";
  state.state_vector = vv;
  all.push_back(state);
  SyncMessage summary;
  summary.kind = SyncMessageKind::summary;
  for (std::size_t i = 0; i < summary.buckets.size(); ++i)
    summary.buckets[i] = i * 0x9E3779B97F4A7C15ull;
  all.push_back(summary);
  SyncMessage absent;
  absent.kind = SyncMessageKind::absent;
  absent.greetings = {{"notes/ü", 0}, {"x", 0}};
  all.push_back(absent);
  return all;
}

// A message of `kind` whose fields after the kind byte are `fields` (doc "d" first).
Bytes raw_message(SyncMessageKind kind, const Bytes& fields) {
  Writer w;
  w.u8('W');
  w.u8('S');
  w.u8(weft::kSyncProtocolVersion);
  w.u8(static_cast<std::uint8_t>(kind));
  w.string("d");
  w.raw(fields);
  return std::move(w).take();
}
}  // namespace

TEST_CASE("every sync message kind round-trips", "[sync][message]") {
  for (const auto& m : one_of_each()) {
    auto back = weft::decode_sync_message(weft::encode_sync_message(m));
    REQUIRE(back);
    CHECK(*back == m);
  }
}

TEST_CASE("every strict prefix of a sync message is rejected", "[sync][message]") {
  for (const auto& m : one_of_each()) {
    const Bytes bytes = weft::encode_sync_message(m);
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      INFO("kind " << static_cast<int>(m.kind) << " prefix " << n);
      CHECK_FALSE(weft::decode_sync_message(std::span(bytes).first(n)));
    }
    Bytes longer = bytes;
    longer.push_back(0);
    CHECK(weft::decode_sync_message(longer).error() == weft::errc::trailing_bytes);
  }
}

TEST_CASE("unknown kinds and versions get typed errors", "[sync][message]") {
  Bytes bytes = weft::encode_sync_message(one_of_each()[0]);
  Bytes unknown = bytes;
  unknown[3] = 42;
  CHECK(weft::decode_sync_message(unknown).error() == weft::sync_errc::unknown_message);
  unknown[3] = static_cast<std::uint8_t>(SyncMessageKind::absent) + 1;  // the first unused kind
  CHECK(weft::decode_sync_message(unknown).error() == weft::sync_errc::unknown_message);
  unknown[3] = 0;
  CHECK(weft::decode_sync_message(unknown).error() == weft::sync_errc::unknown_message);
  Bytes version = bytes;
  version[2] = 2;
  CHECK(weft::decode_sync_message(version).error() == weft::errc::unsupported_version);
  Bytes magic = bytes;
  magic[0] = 'X';
  CHECK(weft::decode_sync_message(magic).error() == weft::errc::bad_magic);
}

TEST_CASE("random mutations of sync messages decode or fail cleanly", "[sync][message]") {
  std::mt19937_64 rng(99);
  for (const auto& m : one_of_each()) {
    const Bytes bytes = weft::encode_sync_message(m);
    for (int i = 0; i < 500; ++i) {
      Bytes mutated = bytes;
      mutated[rng() % mutated.size()] = static_cast<std::uint8_t>(rng());
      auto decoded = weft::decode_sync_message(mutated);
      if (decoded) {
        // Whatever decodes is a well-formed message that re-encodes to the same bytes.
        CHECK(weft::encode_sync_message(*decoded) == mutated);
      }
    }
  }
}

TEST_CASE("hello and absent name 1 to kMaxGreetings documents", "[sync][message]") {
  auto with_count = [](SyncMessageKind kind, std::uint64_t count) {
    Writer w;
    w.u8('W');
    w.u8('S');
    w.u8(weft::kSyncProtocolVersion);
    w.u8(static_cast<std::uint8_t>(kind));
    w.varint(count);
    for (std::uint64_t i = 0; i < count; ++i) {
      w.string("d");
      if (kind == SyncMessageKind::hello) {
        w.u64_le(i);
        w.u8(1);
      }
    }
    return std::move(w).take();
  };
  for (auto kind : {SyncMessageKind::hello, SyncMessageKind::absent}) {
    CHECK(weft::decode_sync_message(with_count(kind, 0)).error() == weft::errc::invalid_value);
    CHECK(weft::decode_sync_message(with_count(kind, 1)));
    auto most = weft::decode_sync_message(with_count(kind, weft::kMaxGreetings));
    REQUIRE(most);
    CHECK(most->greetings.size() == weft::kMaxGreetings);
    CHECK(weft::decode_sync_message(with_count(kind, weft::kMaxGreetings + 1)).error() ==
          weft::errc::invalid_value);
  }
  Bytes bad_flag = with_count(SyncMessageKind::hello, 1);
  bad_flag.back() = 2;
  CHECK(weft::decode_sync_message(bad_flag).error() == weft::errc::invalid_value);
}

TEST_CASE("reject and presence fields are validated", "[sync][message]") {
  using weft::errc;
  // reject: code, reason. Code 0 means "no error" and is refused.
  CHECK(weft::decode_sync_message(raw_message(SyncMessageKind::reject, {9, 0})));
  CHECK(weft::decode_sync_message(raw_message(SyncMessageKind::reject, {0, 0})).error() ==
        errc::invalid_value);
  // presence: replica, clock, age, flag, [state]
  auto ok = weft::decode_sync_message(raw_message(SyncMessageKind::presence, {5, 1, 0, 1, 1, 'x'}));
  REQUIRE(ok);
  CHECK(ok->replica == weft::ReplicaId{5});
  CHECK_FALSE(ok->gone);
  CHECK(ok->payload == Bytes{'x'});
  auto gone = weft::decode_sync_message(raw_message(SyncMessageKind::presence, {5, 2, 0, 0}));
  REQUIRE(gone);
  CHECK(gone->gone);
  CHECK(gone->payload.empty());
  CHECK(
      weft::decode_sync_message(raw_message(SyncMessageKind::presence, {0, 1, 0, 1, 0})).error() ==
      errc::invalid_value);  // the nil replica
  CHECK(
      weft::decode_sync_message(raw_message(SyncMessageKind::presence, {5, 1, 0, 2, 0})).error() ==
      errc::invalid_value);  // a flag that is neither 0 nor 1
  CHECK(weft::decode_sync_message(raw_message(SyncMessageKind::presence, {5, 1, 0, 0, 1, 'x'}))
            .error() == errc::trailing_bytes);  // gone, yet with state bytes
  CHECK(weft::decode_sync_message(raw_message(SyncMessageKind::presence, {5, 1, 0, 1, 3, 'x'}))
            .error() == errc::length_too_large);  // state longer than the input
}

#include "weft/sync/sync_message.hpp"

#include "weft/encoding/codec.hpp"
#include "weft/encoding/reader.hpp"
#include "weft/sync/sync_error.hpp"

namespace weft {
namespace {

bool has_doc(SyncMessageKind kind) {
  return kind != SyncMessageKind::error && kind != SyncMessageKind::bye &&
         kind != SyncMessageKind::summary && kind != SyncMessageKind::hello &&
         kind != SyncMessageKind::absent;
}

}  // namespace

Bytes encode_sync_message(const SyncMessage& m) {
  Writer w;
  w.u8('W');
  w.u8('S');
  w.u8(kSyncProtocolVersion);
  w.u8(static_cast<std::uint8_t>(m.kind));
  if (has_doc(m.kind)) w.string(m.doc);
  switch (m.kind) {
    case SyncMessageKind::hello:
      w.varint(m.greetings.size());
      for (const auto& g : m.greetings) {
        w.string(g.doc);
        w.u64_le(g.state_hash);
        w.u8(g.heard ? 1 : 0);
      }
      break;
    case SyncMessageKind::absent:
      w.varint(m.greetings.size());
      for (const auto& g : m.greetings) w.string(g.doc);
      break;
    case SyncMessageKind::state:
      encode_value(w, m.state_vector);
      break;
    case SyncMessageKind::summary:
      for (const std::uint64_t bucket : m.buckets) w.u64_le(bucket);
      break;
    case SyncMessageKind::update:
      w.varint(m.sequence);
      w.bytes(m.payload);
      break;
    case SyncMessageKind::ack:
      w.varint(m.sequence);
      encode_value(w, m.state_vector);
      break;
    case SyncMessageKind::digest:
      w.u64_le(m.state_hash);
      w.u64_le(m.digest);
      break;
    case SyncMessageKind::repair:
      encode_value(w, m.state_vector);
      w.u64_le(m.digest);
      w.bytes(m.payload);
      break;
    case SyncMessageKind::error:
      w.varint(m.error_code);
      w.string(m.reason);
      break;
    case SyncMessageKind::bye:
      break;
    case SyncMessageKind::reject:
      w.varint(m.error_code);
      w.string(m.reason);
      break;
    case SyncMessageKind::presence:
      encode_value(w, m.replica);
      w.varint(m.clock);
      w.varint(m.age_ms);
      w.u8(m.gone ? 0 : 1);
      if (!m.gone) w.bytes(m.payload);
      break;
  }
  return std::move(w).take();
}

result<SyncMessage> decode_sync_message(std::span<const std::uint8_t> bytes) {
  Reader r(bytes);
  auto m0 = r.u8();
  auto m1 = r.u8();
  if (!m0 || !m1) return errc::truncated;
  if (*m0 != 'W' || *m1 != 'S') return errc::bad_magic;
  auto version = r.u8();
  if (!version) return version.error();
  if (*version != kSyncProtocolVersion) return errc::unsupported_version;
  auto kind = r.u8();
  if (!kind) return kind.error();
  if (*kind < 1 || *kind > static_cast<std::uint8_t>(SyncMessageKind::absent)) {
    return sync_errc::unknown_message;
  }
  SyncMessage m;
  m.kind = static_cast<SyncMessageKind>(*kind);
  if (has_doc(m.kind)) {
    auto doc = decode_value<std::string>(r);
    if (!doc) return doc.error();
    m.doc = std::move(*doc);
  }
  auto read_vv = [&]() -> result<void> {
    auto vv = decode_value<VersionVector>(r);
    if (!vv) return vv.error();
    m.state_vector = std::move(*vv);
    return {};
  };
  auto read_payload = [&]() -> result<void> {
    auto p = r.bytes();
    if (!p) return p.error();
    m.payload.assign(p->begin(), p->end());
    return {};
  };
  auto read_u64 = [&](std::uint64_t& out, bool fixed) -> result<void> {
    auto v = fixed ? r.u64_le() : r.varint();
    if (!v) return v.error();
    out = *v;
    return {};
  };
  result<void> ok;
  switch (m.kind) {
    case SyncMessageKind::hello:
    case SyncMessageKind::absent: {
      const bool hashed = m.kind == SyncMessageKind::hello;
      auto count = r.varint();
      if (!count) return count.error();
      if (*count == 0 || *count > kMaxGreetings) return errc::invalid_value;
      if (auto fits = r.check_count(*count, hashed ? 10 : 1); !fits) return fits.error();
      m.greetings.resize(*count);
      for (auto& g : m.greetings) {
        auto doc = decode_value<std::string>(r);
        if (!doc) return doc.error();
        g.doc = std::move(*doc);
        if (!hashed) continue;
        if (ok = read_u64(g.state_hash, true); !ok) break;
        auto heard = r.u8();
        if (!heard) return heard.error();
        if (*heard > 1) return errc::invalid_value;
        g.heard = *heard == 1;
      }
      break;
    }
    case SyncMessageKind::state:
      ok = read_vv();
      break;
    case SyncMessageKind::summary:
      for (std::uint64_t& bucket : m.buckets) {
        if (ok) ok = read_u64(bucket, true);
      }
      break;
    case SyncMessageKind::update:
      ok = read_u64(m.sequence, false);
      if (ok) ok = read_payload();
      break;
    case SyncMessageKind::ack:
      ok = read_u64(m.sequence, false);
      if (ok) ok = read_vv();
      break;
    case SyncMessageKind::digest:
      ok = read_u64(m.state_hash, true);
      if (ok) ok = read_u64(m.digest, true);
      break;
    case SyncMessageKind::repair:
      ok = read_vv();
      if (ok) ok = read_u64(m.digest, true);
      if (ok) ok = read_payload();
      break;
    case SyncMessageKind::error: {
      auto code = decode_value<std::uint32_t>(r);
      if (!code) return code.error();
      m.error_code = *code;
      auto reason = decode_value<std::string>(r);
      if (!reason) return reason.error();
      m.reason = std::move(*reason);
      break;
    }
    case SyncMessageKind::bye:
      break;
    case SyncMessageKind::reject: {
      auto code = decode_value<std::uint32_t>(r);
      if (!code) return code.error();
      if (*code == 0) return errc::invalid_value;  // 0 is "no error": not a reason to reject
      m.error_code = *code;
      auto reason = decode_value<std::string>(r);
      if (!reason) return reason.error();
      m.reason = std::move(*reason);
      break;
    }
    case SyncMessageKind::presence: {
      auto replica = decode_value<ReplicaId>(r);
      if (!replica) return replica.error();
      m.replica = *replica;
      ok = read_u64(m.clock, false);
      if (ok) ok = read_u64(m.age_ms, false);
      if (!ok) break;
      auto flag = r.u8();
      if (!flag) return flag.error();
      if (*flag > 1) return errc::invalid_value;
      m.gone = *flag == 0;
      if (!m.gone) ok = read_payload();
      break;
    }
  }
  if (!ok) return ok.error();
  if (auto end = r.expect_end(); !end) return end.error();
  return m;
}

}  // namespace weft

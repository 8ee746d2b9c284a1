#pragma once
// Framing of top-level encodings: magic, format version, type tag, payload,
// checksum.
//
//   "WF" | version (1 byte) | type tag (varint) | payload | CRC-32C (4 bytes LE)
//
// The checksum covers everything before it. open_frame() verifies all of it
// and hands back a Reader over the payload alone.
#include <cstdint>
#include <span>

#include "weft/encoding/crc32c.hpp"
#include "weft/encoding/reader.hpp"
#include "weft/encoding/writer.hpp"

namespace weft {

inline constexpr std::uint8_t kFormatVersion = 1;

// Type tags of framed encodings. Values are part of the format: never reuse one.
enum class TypeTag : std::uint16_t {
  gcounter = 1,
  pncounter = 2,
  // 3: the hybrid-clock LwwRegister before decision 25; its bytes are refused (wrong_type).
  lww_register = 13,
  mv_register = 4,
  gset = 5,
  twop_set = 6,
  aw_set = 7,
  rw_set = 8,
  ew_flag = 9,
  dw_flag = 10,
  or_map = 11,
  version_vector = 12,
  sequence = 32,
  sequence_update = 33,
  doc_update = 40,           // weft::Doc updates and snapshots (docs/doc.md)
  doc_update_deflated = 41,  // the same payload, deflated (large updates and snapshots)
};

// Starts a frame: returns a writer holding the header; append the payload,
// then call finish_frame. `payload_hint`: the payload bytes expected, so that a
// small frame (a keystroke's update) is one allocation, not one per doubling.
[[nodiscard]] inline Writer begin_frame(TypeTag tag, std::size_t payload_hint = 0) {
  Writer w;
  w.reserve(3 + 2 + payload_hint + 4);  // magic, version, tag, payload, checksum
  w.u8('W');
  w.u8('F');
  w.u8(kFormatVersion);
  w.varint(static_cast<std::uint16_t>(tag));
  return w;
}
[[nodiscard]] inline Bytes finish_frame(Writer&& w) {
  const std::uint32_t crc = crc32c(w.view());
  w.u32_le(crc);
  return std::move(w).take();
}

// Verifies magic, version, tag and checksum; returns a reader over the payload.
[[nodiscard]] inline result<Reader> open_frame(std::span<const std::uint8_t> bytes, TypeTag tag) {
  if (bytes.size() < 2) return errc::truncated;
  if (bytes[0] != 'W' || bytes[1] != 'F') return errc::bad_magic;
  if (bytes.size() < 3 + 1 + 4) return errc::truncated;
  if (bytes[2] != kFormatVersion) return errc::unsupported_version;
  const auto body = bytes.first(bytes.size() - 4);
  Reader trailer(bytes.last(4));
  if (crc32c(body) != *trailer.u32_le()) return errc::checksum_mismatch;
  Reader r(body.subspan(3));
  auto t = r.varint();
  if (!t) return t.error();
  if (*t != static_cast<std::uint16_t>(tag)) return errc::wrong_type;
  return Reader(body.subspan(3 + r.position()));
}

}  // namespace weft

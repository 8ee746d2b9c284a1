#include "crafted.hpp"

#include "weft/doc/value.hpp"
#include "weft/encoding/compress.hpp"
#include "weft/encoding/frame.hpp"

namespace weft::bench::attacks {

namespace {

// Record header flags and op kinds of docs/doc.md.
constexpr std::uint8_t kLamportApart = 2;
constexpr std::uint8_t kMapSet = 0;
constexpr std::uint8_t kTextInsert = 2;
constexpr std::uint8_t kCounterAdd = 5;

void root_target(Writer& w, ObjectKind kind, std::string_view name) {
  w.u8(static_cast<std::uint8_t>(kind));
  w.string(name);
}

}  // namespace

Bytes map_set_update(std::uint64_t author, std::uint64_t first, std::int64_t lamport_minus_first) {
  Writer w = begin_frame(TypeTag::doc_update);
  w.varint(1);  // one record
  w.u8(lamport_minus_first != 0 ? kLamportApart : 0);
  w.varint(author);
  w.varint(first);
  if (lamport_minus_first != 0) w.zigzag(lamport_minus_first);
  w.u8(kMapSet);
  root_target(w, ObjectKind::map, "m");
  w.string("k");
  w.u8(3), w.zigzag(7);  // Codec<Value>: int64 7
  w.varint(0);           // supersedes nothing
  return finish_frame(std::move(w));
}

Bytes replica_flood_update(std::uint64_t first_author, std::uint64_t replicas) {
  Writer w = begin_frame(TypeTag::doc_update, replicas * 10);
  w.varint(replicas);
  for (std::uint64_t i = 0; i < replicas; ++i) {
    w.u8(0);  // no flags: one op, Lamport time = counter = 1, no deps
    w.varint(first_author + i);
    w.varint(1);
    w.u8(kCounterAdd);
    root_target(w, ObjectKind::counter, "c");
    w.zigzag(1);
  }
  return finish_frame(std::move(w));
}

Bytes text_insert_payload(std::uint64_t author, std::uint64_t chars) {
  Writer w;
  w.reserve(chars + 32);
  w.varint(1);
  w.u8(0);
  w.varint(author);
  w.varint(1);
  w.u8(kTextInsert);
  root_target(w, ObjectKind::text, "t");
  w.u8(0);  // no origins: at the start
  w.string(std::string(chars, 'a'));
  return std::move(w).take();
}

Bytes deflated_update(const Bytes& payload, int level, std::uint64_t claimed) {
  const Bytes packed = deflate_compress(payload, level);
  Writer w = begin_frame(TypeTag::doc_update_deflated, packed.size() + 10);
  w.varint(claimed != 0 ? claimed : payload.size());
  w.raw(packed);
  return finish_frame(std::move(w));
}

}  // namespace weft::bench::attacks

// Doc updates from a hostile peer: any input is applied or refused with a
// typed error; a refused input leaves the document exactly as it was (same
// snapshot, state vector and pending count); an accepted one leaves a document
// whose snapshot reloads to the same snapshot. merge_updates and
// update_state_vector never crash on the same bytes.
//
// The first input byte picks how the rest is presented: raw; as the payload
// of a valid plain doc-update frame (so the record decoder, not the checksum,
// sees the fuzzer's bytes); deflated inside a valid tag-41 frame; or as
// (offset, xor) pairs mutating a valid update of every op kind, re-framed.
#include <zlib.h>

#include <cstdlib>

#include "fuzz_support.hpp"
#include "weft/doc/doc.hpp"

namespace {

// A small document with text, list, map and nested objects, built once.
const weft::Doc& base() {
  static const weft::Doc doc = [] {
    weft::Doc d(weft::ReplicaId{1});
    auto tx = d.transact();
    tx.text("t").insert(0, "hello");
    tx.list("l").insert(0, weft::Value(1));
    auto nested = tx.map("m").set_new("k", weft::ObjectKind::text);
    tx.text(nested).insert(0, "x");
    tx.counter("c").add(2);
    return d;
  }();
  return doc;
}

// A valid update holding every kind of op, edited on top of base().
const weft::Bytes& valid_update() {
  static const weft::Bytes update = [] {
    auto d = weft::Doc::load(base().encode_snapshot(), weft::ReplicaId{4}).value();
    auto tx = d.transact();
    tx.text("t").insert(2, "\xC3\xA9!");
    tx.text("t").erase(0, 1);
    tx.list("l").insert(0, weft::Value("v"));
    tx.map("m").set("n", 2.5);
    tx.map("m").remove("k");
    tx.counter("c").add(-3);
    tx.lww_register("r").set(weft::Value(true));
    tx.set("s").add(weft::Value(7));
    return tx.commit();
  }();
  return update;
}

weft::Bytes present(std::uint8_t how, std::span<const std::uint8_t> rest) {
  switch (how % 4) {
    case 3: {
      const weft::Bytes& u = valid_update();
      weft::Bytes payload(u.begin() + 4, u.end() - 4);  // after "WF", version, tag
      for (std::size_t i = 0; i + 1 < rest.size(); i += 2) {
        payload[rest[i] % payload.size()] ^= rest[i + 1];
      }
      return weft::fuzz::framed(weft::TypeTag::doc_update, payload);
    }
    case 1:
      return weft::fuzz::framed(weft::TypeTag::doc_update, rest);
    case 2: {
      uLongf n = compressBound(static_cast<uLong>(rest.size()));
      weft::Bytes packed(n);
      if (compress2(packed.data(), &n, rest.data(), static_cast<uLong>(rest.size()), 6) != Z_OK) {
        return {};
      }
      packed.resize(n);
      weft::Writer w = weft::begin_frame(weft::TypeTag::doc_update_deflated);
      w.varint(rest.size());
      w.raw(packed);
      return weft::finish_frame(std::move(w));
    }
    default:
      return {rest.begin(), rest.end()};
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const weft::Bytes input = present(data[0], std::span<const std::uint8_t>(data + 1, size - 1));

  auto doc = weft::Doc::load(base().encode_snapshot(), weft::ReplicaId{2});
  if (!doc) std::abort();
  const weft::Bytes before = doc->encode_snapshot();
  const auto sv = doc->state_vector();
  const auto pending = doc->pending_count();
  if (auto r = doc->apply_update(input); !r) {
    if (doc->encode_snapshot() != before || doc->state_vector() != sv ||
        doc->pending_count() != pending) {
      std::abort();  // a refused update changed the document
    }
  } else {
    const weft::Bytes after = doc->encode_snapshot();
    auto again = weft::Doc::load(after, weft::ReplicaId{3});
    if (!again || again->encode_snapshot() != after) std::abort();
  }
  (void)weft::merge_updates(std::vector<weft::Bytes>{input, base().encode_snapshot()});
  (void)weft::update_state_vector(input);
  return 0;
}

// Doc updates from a hostile peer: any input is applied or refused with a
// typed error; a refused input leaves the document exactly as it was (same
// snapshot, state vector and pending count); an accepted one leaves a document
// whose snapshot reloads to the same snapshot and which applying it again does
// not change. merge_updates and update_state_vector never crash on the same
// bytes.
//
// Then, whatever the input did, the replica keeps working: a transaction of
// local text, list, map and counter edits commits an update that a replica
// holding the same prior state accepts and ends equal with, that changes
// nothing when applied again, and whose document's snapshot round-trips (an
// accepted update with lamport 2^64-1 breaks this: tests/regressions/doc/).
//
// The first input byte picks how the rest is presented: raw; as the payload
// of a valid plain doc-update frame (so the record decoder, not the checksum,
// sees the fuzzer's bytes); deflated inside a valid tag-41 frame; or a valid
// update of every op kind, mutated (see mutate()) and re-framed. The second
// byte picks the local edits.
#include <zlib.h>

#include <algorithm>
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

// Whether `a` is in the state of `b`, whose snapshot is `b_snapshot`: what sync
// and storage compare.
bool same_state(const weft::Doc& a, const weft::Doc& b, const weft::Bytes& b_snapshot) {
  return a.encode_snapshot() == b_snapshot && a.digest() == b.digest() &&
         a.state_vector() == b.state_vector();
}

// A transaction of in-range local edits picked by `how` (never empty: the list
// insert always happens); a throw here is a library bug. Returns its update.
weft::Bytes edit(weft::Doc& doc, std::uint8_t how) {
  auto tx = doc.transact();
  auto t = tx.text("t");
  t.insert(how % (t.size() + 1), how & 1 ? "\xF0\x9F\x98\x80z" : "ab");
  if (how & 2 && t.size() > 1) t.erase(how % (t.size() - 1), 2);
  auto l = tx.list("l");
  l.insert(how % (l.size() + 1), weft::Value(std::int64_t{how}));
  if (how & 4 && l.size() > 0) l.erase(0);
  if (how & 8) {
    tx.map("m").remove("k");
  } else {
    tx.map("m").set(how & 16 ? "k" : "n", weft::Value(std::int64_t{how}));
  }
  tx.counter("c").add(std::int64_t{how} - 128);
  if (how & 32) {  // the nested text base() created, if the input left it visible
    const auto v = doc.map(weft::ObjectId::named("m", weft::ObjectKind::map)).get("k");
    if (v && v->is<weft::ObjectRef>() && v->as<weft::ObjectRef>().kind == weft::ObjectKind::text) {
      const auto nested = weft::ObjectId::nested(v->as<weft::ObjectRef>());
      if (doc.contains(nested)) tx.text(nested).insert(0, "n");
    }
  }
  return tx.commit();
}

// Mutates a valid payload three ways: (offset, xor) pairs; a splice replacing
// up to 15 bytes at an offset by the rest (so a field can grow); or the LEB128
// varint at an offset replaced by the next 8 bytes' value (any count, counter
// or clock at its extremes, e.g. a lamport of 2^64-1), xor pairs after.
void mutate(weft::Bytes& payload, int variant, std::span<const std::uint8_t> rest) {
  if (variant == 1 && rest.size() >= 2) {
    const std::size_t at = rest[0] % payload.size();
    const std::size_t cut = std::min<std::size_t>(rest[1] % 16, payload.size() - at);
    payload.erase(payload.begin() + at, payload.begin() + at + cut);
    payload.insert(payload.begin() + at, rest.begin() + 2, rest.end());
    return;
  }
  if (variant == 2 && rest.size() >= 9) {
    const std::size_t at = rest[0] % payload.size();
    std::size_t end = at;
    while (end < payload.size() && (payload[end++] & 0x80) != 0) {
    }
    std::uint64_t value = 0;
    for (int i = 8; i >= 1; --i) value = value << 8 | rest[i];
    weft::Writer w;
    w.varint(value);
    const weft::Bytes varint = std::move(w).take();
    payload.erase(payload.begin() + at, payload.begin() + end);
    payload.insert(payload.begin() + at, varint.begin(), varint.end());
    rest = rest.subspan(9);
  }
  for (std::size_t i = 0; i + 1 < rest.size(); i += 2) {
    payload[rest[i] % payload.size()] ^= rest[i + 1];
  }
}

weft::Bytes present(std::uint8_t how, std::span<const std::uint8_t> rest) {
  switch (how % 4) {
    case 3: {
      const weft::Bytes& u = valid_update();
      weft::Bytes payload(u.begin() + 4, u.end() - 4);  // after "WF", version, tag
      mutate(payload, (how >> 2) % 3, rest);
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
  if (size < 2) return 0;
  const weft::Bytes input = present(data[0], std::span<const std::uint8_t>(data + 2, size - 2));
  // Each state is loaded and encoded once and reused: ctest runs 20000 inputs
  // under ASan, where every allocation costs a stack capture.
  static const weft::Bytes base_snapshot = base().encode_snapshot();

  auto doc = weft::Doc::load(base_snapshot, weft::ReplicaId{2});
  if (!doc) std::abort();
  const auto sv = doc->state_vector();
  const auto pending = doc->pending_count();
  weft::Bytes prior = base_snapshot;
  if (auto r = doc->apply_update(input); !r) {
    if (doc->encode_snapshot() != base_snapshot || doc->state_vector() != sv ||
        doc->pending_count() != pending) {
      std::abort();  // a refused update changed the document
    }
  } else {
    prior = doc->encode_snapshot();
    const auto waiting = doc->pending_count();
    if (!doc->apply_update(input) || doc->encode_snapshot() != prior ||
        doc->pending_count() != waiting) {
      std::abort();  // applying an accepted update twice is not idempotent
    }
  }
  (void)weft::merge_updates(std::vector<weft::Bytes>{input, base_snapshot});
  (void)weft::update_state_vector(input);

  // Local edits on top of whatever the input left. A pending record may claim
  // deps on our next ops (a hostile peer can forge that) and be integrated by
  // them; states are compared only while the pending count shows none was.
  const auto waiting = doc->pending_count();
  const weft::Bytes local = edit(*doc, data[1]);
  if (local.empty() || !weft::update_state_vector(local)) std::abort();
  auto peer = weft::Doc::load(prior, weft::ReplicaId{3});
  if (!peer || (prior != base_snapshot && peer->encode_snapshot() != prior)) {
    std::abort();  // the accepted update's result does not round-trip
  }
  if (!peer->apply_update(local)) std::abort();
  const weft::Bytes now = doc->encode_snapshot();
  if (doc->pending_count() == waiting && !same_state(*peer, *doc, now)) std::abort();
  if (!doc->apply_update(local)) std::abort();
  if (doc->pending_count() == waiting && doc->encode_snapshot() != now) std::abort();
  auto reloaded = weft::Doc::load(now, weft::ReplicaId{2});
  if (!reloaded || reloaded->encode_snapshot() != now) std::abort();

  // And the replica keeps editing: a second commit reaches the peer too.
  weft::Bytes next;
  {
    auto tx = doc->transact();
    tx.text("t").insert(0, "+");
    next = tx.commit();
  }
  if (!peer->apply_update(next)) std::abort();
  if (doc->pending_count() == waiting &&
      (peer->digest() != doc->digest() || peer->state_vector() != doc->state_vector())) {
    std::abort();
  }
  return 0;
}

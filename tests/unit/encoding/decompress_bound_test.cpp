// Hardening: every decompressor is under kDecompressLimits (decision 20).
// Before it, a zstd section inside a sequence update could state up to
// 32,768 times its size and 1 GiB: an accepted 8.5 KB update became 256 MiB of
// text, and a 42 KB one that was refused in the end kept a server busy for
// seconds inflating it. These updates are built as encoders before the bound
// wrote them, and are refused by their error code, before anything is inflated.
#include <algorithm>
#include <random>
#include <string>

#include "support/catch.hpp"
#include "weft/doc/doc.hpp"
#include "weft/encoding/compress.hpp"
#include "weft/encoding/frame.hpp"
#include "weft/types/text.hpp"

using namespace weft;

namespace {

constexpr std::size_t kRun = std::size_t{8} << 20;  // 8 MiB of one character

std::string doc_text(const Doc& doc) {
  return doc.text(ObjectId::named("t", ObjectKind::text)).to_string();
}

void zstd_section(Writer& w, std::span<const std::uint8_t> raw) {
  w.varint(raw.size());
  w.bytes(zstd_compress(raw, kZstdText));
}

// A Text update inserting `n` copies of 'a' as replica 1's counters 1..n,
// written by hand in the sequence format (engine_codec.hpp): uncompressed, or
// in zstd sections as they were written before the bound, at any ratio.
Bytes run_update(std::size_t n, bool zstd) {
  Writer body;
  body.varint(1), body.varint(1);                  // replica table {1}
  body.varint(1);                                  // one block:
  body.varint(0), body.varint(1), body.varint(1);  //   replica 1, from counter 1, one op
  Writer head;
  head.varint(std::uint64_t{n} << 2);  // an insert of n units
  body.bytes(head.view());
  body.bytes(Bytes{0, 0});  // origins: none, none
  body.bytes(Bytes{});      // no origin counters
  const Bytes content(n, 'a');
  Writer w = begin_frame(TypeTag::sequence_update);
  w.u8(0);  // text
  if (zstd) {
    w.varint(2);
    zstd_section(w, body.view());
    zstd_section(w, content);
  } else {
    w.varint(0);
    w.raw(body.view());
    w.bytes(content);
  }
  return finish_frame(std::move(w));
}

}  // namespace

TEST_CASE("hardening: a zstd section stating more than 1032:1 is refused before inflating",
          "[hardening][compress]") {
  // The same ops uncompressed are a valid update: only the ratio is at fault.
  Text plain(ReplicaId{2});
  REQUIRE(plain.apply_update(run_update(kRun, false)));
  REQUIRE(plain.size() == kRun);

  const Bytes packed = run_update(kRun, true);
  INFO("update of " << packed.size() << " bytes stating " << kRun << " bytes of text");
  REQUIRE(packed.size() * kDecompressLimits.max_ratio < kRun);
  Text target(ReplicaId{3});
  auto r = target.apply_update(packed);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::length_too_large);
  CHECK(target.empty());
  CHECK(Text::decode(packed, ReplicaId{3}).error() == errc::length_too_large);
}

TEST_CASE("hardening: a deflated doc update stating more than 1032:1 is refused",
          "[hardening][compress]") {
  // A real snapshot large enough to travel deflated: honest, it loads.
  Doc author(ReplicaId{1});
  {
    auto tx = author.transact();
    tx.text("t").insert(0, std::string(kRun, 'a'));
  }
  const Bytes honest = author.encode_snapshot();
  REQUIRE(Doc::load(honest, ReplicaId{2}));
  // Its payload stated as far more than the ratio allows.
  auto packed = open_frame(honest, TypeTag::doc_update_deflated);
  REQUIRE(packed);
  REQUIRE(packed->varint());
  auto stream = packed->raw(packed->remaining());
  REQUIRE(stream);
  Writer w = begin_frame(TypeTag::doc_update_deflated);
  w.varint((stream->size() + 1) * kDecompressLimits.max_ratio);
  w.raw(*stream);
  const Bytes hostile = finish_frame(std::move(w));
  Doc target(ReplicaId{3});
  auto r = target.apply_update(hostile);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::length_too_large);
  CHECK(target.state_vector().empty());
}

TEST_CASE("hardening: stated sizes over the bound are refused by both decompressors",
          "[hardening][compress]") {
  std::mt19937_64 rng(5);
  Bytes junk(std::size_t{64} << 10);
  for (auto& b : junk) b = static_cast<std::uint8_t>(rng());
  const std::uint64_t at_ratio = junk.size() * kDecompressLimits.max_ratio;
  for (auto* decompress : {&zstd_decompress, &deflate_decompress}) {
    // Beyond the ratio, and beyond the absolute ceiling with the ratio kept.
    CHECK(decompress(junk, at_ratio + kDecompressLimits.max_ratio).error() ==
          errc::length_too_large);
    Bytes big(kDecompressLimits.max_output / kDecompressLimits.max_ratio + 1);
    CHECK(decompress(big, kDecompressLimits.max_output + 1).error() == errc::length_too_large);
    // At the ratio the claim is allowed: these bytes are simply not a stream.
    CHECK(decompress(junk, at_ratio).error() == errc::invalid_value);
  }
}

TEST_CASE("hardening: compressible text round-trips and stays compact", "[hardening][compress]") {
  std::mt19937_64 rng(7);
  std::string block(1024, ' ');
  for (auto& c : block) c = static_cast<char>('a' + rng() % 26);
  std::string repeated;
  for (int i = 0; i < 4096; ++i) repeated += block;
  std::string words;
  while (words.size() < (std::size_t{1} << 20)) words += rng() % 2 ? "the quick " : "lazy dog ";
  struct Shape {
    const char* name;
    std::string text;
    std::size_t min_ratio;  // what it packs to at least
  };
  const Shape shapes[] = {
      {"one character", std::string(kRun, 'a'), 500},
      {"a repeated 1 KiB block", repeated, 100},
      {"words", words, 10},
  };
  for (const auto& [name, text, min_ratio] : shapes) {
    INFO(name);
    Text t(ReplicaId{1});
    t.insert(0, text);
    const Bytes update = t.encode();
    auto back = Text::decode(update, ReplicaId{2});
    REQUIRE(back);
    CHECK(back->to_string() == text);
    // Still compressed: a run of one character goes as deflate, near the bound.
    CHECK(update.size() * min_ratio < text.size());

    Doc author(ReplicaId{1});
    {
      auto tx = author.transact();
      tx.text("t").insert(0, text);
    }
    auto loaded = Doc::load(author.encode_snapshot(), ReplicaId{2});
    REQUIRE(loaded);
    CHECK(doc_text(*loaded) == text);
  }
}

#pragma once
// The sequence update format (internal; this comment is its specification).
//
// Frame (TypeTag::sequence_update) payload:
//   u8 content kind (0 text, 1 list) | varint compression, then by compression:
//   0 (none):    body
//   1 (deflate): varint body length | zlib stream of the body (what versions
//                before zstd wrote, and what a body goes as when a zstd frame of
//                it would exceed kDecompressLimits' ratio: a long run of one
//                character, which deflate cannot pack beyond the bound)
//   2 (zstd):    the body without its content column, then the content column,
//                each as: varint raw length | varint packed length | zstd frame
//                (no frame when the raw length is 0). Separate frames because
//                text and metadata compress best with different statistics.
//                Each frame is within kDecompressLimits (readers refuse others).
// Bodies of at most 64 bytes go uncompressed, as does anything zstd does not shrink.
// Body:
//   varint replicas, then their ids (ascending)
//   varint blocks, each: replica index (ascending), first counter, op count
//   four length-prefixed columns, ops in block order then counter order:
//     head:    varint (len << 2 | kind); kind 0 insert, 1 insert whose content was
//              garbage-collected, 2 delete forward, 3 delete backward
//     replica: per origin / target: 0 none, 1 the op's own replica, k + 2 table entry k
//     counter: per origin / target: own counter minus it (own replica), else absolute
//     content: inserted content in op order (UTF-8 bytes, or Codec<T> values)
// An op's counter is implicit: the block's first counter plus the lengths before it.
#include "weft/encoding/compress.hpp"
#include "weft/encoding/frame.hpp"
#include "weft/types/sequence/detail/engine.hpp"

namespace weft::detail::seq {

inline constexpr std::uint64_t kCompressFrom = 65;  // body bytes

// Appends one zstd section: raw length, packed length, frame. False when the
// frame packs tighter than readers accept (decompress_allowed).
inline bool write_zstd_section(Writer& w, std::span<const std::uint8_t> raw, int level) {
  w.varint(raw.size());
  if (raw.empty()) {
    w.varint(0);
    return true;
  }
  // The frame goes straight into w after room for its length, which is known
  // only after it; a shorter length moves the frame back a byte or two.
  Bytes& buf = w.buffer();
  const std::size_t at = buf.size();
  const std::size_t room = varint_size(zstd_bound(raw.size()));
  buf.resize(at + room + zstd_bound(raw.size()));
  const std::size_t n = zstd_compress_into(std::span(buf).subspan(at + room), raw, level);
  const std::size_t len_size = varint_size(n);
  std::memmove(buf.data() + at + len_size, buf.data() + at + room, n);
  buf.resize(at + len_size + n);
  Writer len;
  len.varint(n);
  std::memcpy(buf.data() + at, len.view().data(), len_size);
  return decompress_allowed(n, raw.size());
}

template <class Store>
Bytes Engine<Store>::encode_since(const VersionVector& since) const {
  struct Block {
    std::uint32_t r;
    std::uint64_t start;
    std::size_t run0, del0;
  };
  std::vector<Block> blocks;
  std::vector<char> used(reps_.size(), 0);
  for (const auto& [id, r] : index_) {
    const std::uint64_t s = since.get(id);
    if (vv_.get(id) <= s) continue;
    const auto& rep = reps_[r];
    const auto run0 = static_cast<std::size_t>(
        std::partition_point(rep.runs.begin(), rep.runs.end(),
                             [&](const Run& x) { return x.counter + x.len - 1 <= s; }) -
        rep.runs.begin());
    const auto del0 = static_cast<std::size_t>(
        std::partition_point(rep.dels.begin(), rep.dels.end(),
                             [&](const DelRun& x) { return x.counter + x.len - 1 <= s; }) -
        rep.dels.begin());
    blocks.push_back({r, s + 1, run0, del0});
    used[r] = 1;
  }
  // Visits the ops of a block in counter order: f(run or nullptr, del or nullptr, trim).
  auto each = [&](const Block& b, auto&& f) {
    const auto& rep = reps_[b.r];
    std::size_t ri = b.run0;
    std::size_t di = b.del0;
    while (ri < rep.runs.size() || di < rep.dels.size()) {
      const bool take_run = di == rep.dels.size() ||
                            (ri < rep.runs.size() && rep.runs[ri].counter < rep.dels[di].counter);
      const std::uint64_t c = take_run ? rep.runs[ri].counter : rep.dels[di].counter;
      const std::uint64_t trim = c < b.start ? b.start - c : 0;
      if (take_run) {
        f(&rep.runs[ri++], nullptr, trim);
      } else {
        f(nullptr, &rep.dels[di++], trim);
      }
    }
  };
  for (const Block& b : blocks) {
    // The replicas the ops name, in any order (each()'s merge costs more).
    const auto& rep = reps_[b.r];
    for (std::size_t i = b.run0; i < rep.runs.size(); ++i) {
      used[rep.runs[i].left_replica] |= rep.runs[i].left_counter != 0 ? 1 : 0;
      used[rep.runs[i].right_replica] |= rep.runs[i].right_counter != 0 ? 1 : 0;
    }
    for (std::size_t i = b.del0; i < rep.dels.size(); ++i) used[rep.dels[i].target_replica()] = 1;
  }
  std::vector<std::uint32_t> out_index(reps_.size(), kNone);
  Writer body;
  std::uint32_t n_used = 0;
  for (const auto& [id, r] : index_) n_used += used[r] != 0 ? 1 : 0;
  body.varint(n_used);
  n_used = 0;
  for (const auto& [id, r] : index_) {
    if (used[r] == 0) continue;
    out_index[r] = n_used++;
    body.varint(id.value());
  }
  body.varint(blocks.size());
  Writer head;
  Writer rcol;
  Writer ccol;
  Writer content;
  {
    // Sized once: growing the columns op by op copies each several times.
    std::size_t runs = 0;
    std::size_t units = 0;
    for (const Block& b : blocks) {
      runs += reps_[b.r].runs.size() - b.run0 + reps_[b.r].dels.size() - b.del0;
      if (b.run0 == 0) units += reps_[b.r].arena.size();  // a replica's whole history
    }
    head.reserve(2 * runs);
    rcol.reserve(2 * runs);
    ccol.reserve(4 * runs);
    content.reserve(units);
  }
  for (const Block& b : blocks) {
    // each() visits every run from run0 and every delete run from del0.
    const std::uint64_t n_ops =
        (reps_[b.r].runs.size() - b.run0) + (reps_[b.r].dels.size() - b.del0);
    body.varint(out_index[b.r]);
    body.varint(b.start);
    body.varint(n_ops);
    std::uint64_t prev_right = 0;
    typename Store::Walker walker(reps_[b.r].arena);  // runs come in arena order
    auto ref = [&](std::uint32_t r, std::uint64_t c, std::uint64_t own) {
      if (c == 0) {
        rcol.varint(0);
      } else if (r == b.r) {
        rcol.varint(1);
        ccol.varint(own - c);
      } else {
        rcol.varint(out_index[r] + 2);
        ccol.varint(c);
      }
    };
    each(b, [&](const Run* run, const DelRun* del, std::uint64_t t) {
      if (run != nullptr) {
        const std::uint64_t own = run->counter + t;
        const std::uint64_t len = run->len - t;
        const bool gone = run->offset == kNoOffset;
        head.varint(len << 2 | (gone ? 1 : 0));
        if (t > 0) {
          ref(b.r, own - 1, own);
        } else {
          ref(run->left_replica, run->left_counter, own);
        }
        if (run->right_counter != 0 && run->right_replica == b.r) {
          // Consecutive runs often share a right origin: code it against the last one.
          rcol.varint(1);
          ccol.zigzag(static_cast<std::int64_t>(run->right_counter - prev_right));
          prev_right = run->right_counter;
        } else {
          ref(run->right_replica, run->right_counter, own);
        }
        if (!gone) {
          const std::uint32_t from =
              run->offset + walker.units(run->offset, static_cast<std::uint32_t>(t));
          Store::write(content, reps_[b.r].arena, from,
                       walker.units(from, static_cast<std::uint32_t>(len)));
        }
      } else {
        const std::uint64_t own = del->counter + t;
        const std::uint64_t len = del->len - t;
        const bool back = del->dir() == -1 && len > 1;
        head.varint(len << 2 | (back ? 3 : 2));
        const std::uint64_t target = del->dir() == 1 ? del->target + t : del->target - t;
        ref(del->target_replica(), target, own);
      }
    });
  }
  body.bytes(head.view());
  body.bytes(rcol.view());
  body.bytes(ccol.view());

  Writer w = begin_frame(TypeTag::sequence_update);
  w.u8(Store::kKind);
  const std::size_t plain = body.size() + varint_size(content.size()) + content.size();
  if (plain >= kCompressFrom) {
    const std::size_t start = w.size();
    w.varint(kCompressionZstd);
    const bool allowed = write_zstd_section(w, body.view(), kZstdFast) &&
                         write_zstd_section(w, content.view(), kZstdText);
    if (allowed && w.size() - start < plain + 1) return finish_frame(std::move(w));
    w = begin_frame(TypeTag::sequence_update);
    w.u8(Store::kKind);
    if (!allowed && plain <= kDecompressLimits.max_output) {
      // Too repetitive for a zstd frame readers accept: deflate stays within
      // the ratio by construction (1 MB of one character takes ~1 KB). A body
      // over max_output goes plain, which no reader inflates.
      Writer whole;
      whole.raw(body.view());
      whole.bytes(content.view());
      w.varint(kCompressionDeflate);
      w.varint(whole.size());
      w.raw(deflate_compress(whole.view(), 6));
      return finish_frame(std::move(w));
    }
    // zstd did not shrink it (or nothing within the bound fits): plain after all.
  }
  w.varint(kCompressionNone);
  w.raw(body.view());
  w.bytes(content.view());
  return finish_frame(std::move(w));
}

template <class Store>
result<std::pair<std::vector<WireOp>, typename Store::Batch>> Engine<Store>::decode_ops(
    std::span<const std::uint8_t> bytes) {
  auto reader = UpdateReader<Store>::open(bytes);
  if (!reader) return reader.error();
  return read_all(*reader);
}

template <class Store>
result<std::pair<std::vector<WireOp>, typename Store::Batch>> Engine<Store>::read_all(
    UpdateReader<Store>& reader) {
  std::vector<WireOp> ops;
  ops.reserve(static_cast<std::size_t>(reader.total_ops()));
  WireOp op;
  while (true) {
    auto r = reader.next(op);
    if (!r) return r.error();
    if (*r == Next::end) break;
    ops.push_back(op);
  }
  return std::pair<std::vector<WireOp>, Batch>{std::move(ops), reader.take_content()};
}

}  // namespace weft::detail::seq

#pragma once
// The sequence update format (internal; this comment is its specification).
//
// Frame (TypeTag::sequence_update) payload:
//   u8 content kind (0 text, 1 list) | varint compression, then by compression:
//   0 (none):    body
//   1 (deflate): varint body length | zlib stream of the body (read only: what
//                versions before zstd wrote)
//   2 (zstd):    the body without its content column, then the content column,
//                each as: varint raw length | varint packed length | zstd frame
//                (no frame when the raw length is 0). Separate frames because
//                text and metadata compress best with different statistics.
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
#include <type_traits>

#include "weft/encoding/compress.hpp"
#include "weft/encoding/frame.hpp"
#include "weft/encoding/utf8.hpp"
#include "weft/types/sequence/detail/engine.hpp"

namespace weft::detail::seq {

inline constexpr std::uint64_t kMaxBody = std::uint64_t{1} << 30;
inline constexpr std::uint64_t kMaxCounter = std::uint64_t{1} << 62;
inline constexpr std::uint64_t kCompressFrom = 65;  // body bytes
inline constexpr std::uint64_t kCompressionNone = 0;
inline constexpr std::uint64_t kCompressionDeflate = 1;
inline constexpr std::uint64_t kCompressionZstd = 2;

// Appends one zstd section: raw length, packed length, frame.
inline void write_zstd_section(Writer& w, std::span<const std::uint8_t> raw, int level) {
  w.varint(raw.size());
  if (raw.empty()) {
    w.varint(0);
    return;
  }
  const Bytes packed = zstd_compress(raw, level);
  w.varint(packed.size());
  w.raw(packed);
}

// Reads one zstd section back into `out`.
inline result<void> read_zstd_section(Reader& in, Bytes& out) {
  auto raw_len = in.varint();
  if (!raw_len) return raw_len.error();
  auto packed = in.bytes();
  if (!packed) return packed.error();
  if (*raw_len == 0) {
    if (!packed->empty()) return errc::non_canonical;
    out.clear();
    return {};
  }
  auto raw = zstd_decompress(*packed, *raw_len, kMaxBody);
  if (!raw) return raw.error();
  out = std::move(*raw);
  return {};
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
    each(b, [&](const Run* run, const DelRun* del, std::uint64_t) {
      if (run != nullptr) {
        used[run->left_replica] |= run->left_counter != 0 ? 1 : 0;
        used[run->right_replica] |= run->right_counter != 0 ? 1 : 0;
      } else {
        used[del->target_replica] = 1;
      }
    });
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
  for (const Block& b : blocks) {
    std::uint64_t n_ops = 0;
    each(b, [&](const Run*, const DelRun*, std::uint64_t) { ++n_ops; });
    body.varint(out_index[b.r]);
    body.varint(b.start);
    body.varint(n_ops);
    std::uint64_t prev_right = 0;
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
          const auto& arena = reps_[b.r].arena;
          std::uint32_t skip = 0;
          std::uint32_t units = 0;
          std::uint32_t u16 = 0;
          Store::measure(arena, run->offset, static_cast<std::uint32_t>(t), skip, u16);
          Store::measure(arena, run->offset + skip, static_cast<std::uint32_t>(len), units, u16);
          Store::write(content, arena, run->offset + skip, units);
        }
      } else {
        const std::uint64_t own = del->counter + t;
        const std::uint64_t len = del->len - t;
        const bool back = del->dir == -1 && len > 1;
        head.varint(len << 2 | (back ? 3 : 2));
        const std::uint64_t target = del->dir == 1 ? del->target + t : del->target - t;
        ref(del->target_replica, target, own);
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
    Writer packed;
    packed.varint(kCompressionZstd);
    write_zstd_section(packed, body.view(), kZstdFast);
    write_zstd_section(packed, content.view(), kZstdText);
    if (packed.size() < plain + 1) {
      w.raw(packed.view());
      return finish_frame(std::move(w));
    }
  }
  w.varint(kCompressionNone);
  w.raw(body.view());
  w.bytes(content.view());
  return finish_frame(std::move(w));
}

template <class Store>
result<std::pair<std::vector<WireOp>, typename Store::Batch>> Engine<Store>::decode_ops(
    std::span<const std::uint8_t> bytes) {
  auto frame = open_frame(bytes, TypeTag::sequence_update);
  if (!frame) return frame.error();
  Reader& in = *frame;
  auto kind = in.u8();
  if (!kind) return kind.error();
  if (*kind != Store::kKind) return errc::wrong_type;
  auto comp = in.varint();
  if (!comp) return comp.error();
  // The body's columns, and its content column (kept apart by zstd).
  Bytes inflated;
  Bytes inflated_content;
  std::span<const std::uint8_t> body;
  bool content_apart = false;
  if (*comp == kCompressionNone) {
    body = *in.raw(in.remaining());
  } else if (*comp == kCompressionDeflate) {
    auto raw_len = in.varint();
    if (!raw_len) return raw_len.error();
    auto raw = deflate_decompress(*in.raw(in.remaining()), *raw_len, kMaxBody);
    if (!raw) return raw.error();
    inflated = std::move(*raw);
    body = inflated;
  } else if (*comp == kCompressionZstd) {
    if (auto ok = read_zstd_section(in, inflated); !ok) return ok.error();
    if (auto ok = read_zstd_section(in, inflated_content); !ok) return ok.error();
    if (auto end = in.expect_end(); !end) return end.error();
    body = inflated;
    content_apart = true;
  } else {
    return errc::invalid_value;
  }

  Reader b(body);
  auto n_rep = b.count(1);
  if (!n_rep) return n_rep.error();
  std::vector<ReplicaId> ids;
  ids.reserve(*n_rep);
  for (std::size_t i = 0; i < *n_rep; ++i) {
    auto id = Codec<ReplicaId>::decode(b);
    if (!id) return id.error();
    if (!ids.empty() && *id <= ids.back()) return errc::non_canonical;
    ids.push_back(*id);
  }
  struct Block {
    std::uint32_t r;
    std::uint64_t start, n;
  };
  auto n_blocks = b.count(3);
  if (!n_blocks) return n_blocks.error();
  std::vector<Block> blocks;
  blocks.reserve(*n_blocks);
  std::uint64_t total_ops = 0;
  for (std::size_t i = 0; i < *n_blocks; ++i) {
    auto ri = b.varint();
    if (!ri) return ri.error();
    auto start = b.varint();
    if (!start) return start.error();
    auto n = b.varint();
    if (!n) return n.error();
    if (*ri >= ids.size() || (!blocks.empty() && *ri <= blocks.back().r)) {
      return errc::non_canonical;
    }
    if (*start == 0 || *start >= kMaxCounter || *n == 0) return errc::invalid_value;
    if (*n > body.size()) return errc::length_too_large;
    total_ops += *n;
    blocks.push_back({static_cast<std::uint32_t>(*ri), *start, *n});
  }
  auto head_col = b.bytes();
  if (!head_col) return head_col.error();
  auto rep_col = b.bytes();
  if (!rep_col) return rep_col.error();
  auto ctr_col = b.bytes();
  if (!ctr_col) return ctr_col.error();
  auto content_col =
      content_apart ? result<std::span<const std::uint8_t>>(inflated_content) : b.bytes();
  if (!content_col) return content_col.error();
  if (auto end = b.expect_end(); !end) return end.error();
  Reader head(*head_col);
  Reader reps(*rep_col);
  Reader ctrs(*ctr_col);
  Reader content(*content_col);
  if (auto ok = head.check_count(total_ops); !ok) return ok.error();

  std::vector<WireOp> ops;
  ops.reserve(static_cast<std::size_t>(total_ops));
  Batch arena;
  std::string_view text;
  std::size_t text_at = 0;
  if constexpr (std::is_same_v<Store, TextStore>) {
    text = {reinterpret_cast<const char*>(content_col->data()), content_col->size()};
    if (!is_valid_utf8(text)) return errc::invalid_utf8;
    arena.assign(text);
  }
  // Reads an origin or target reference of an op (own replica, own counter).
  std::uint64_t prev_right = 0;
  auto read_ref = [&](ReplicaId own, std::uint64_t counter, bool allow_none,
                      bool is_right = false) -> result<Dot> {
    auto code = reps.varint();
    if (!code) return code.error();
    if (*code == 0) {
      if (!allow_none) return errc::invalid_value;
      return Dot{};
    }
    auto c = ctrs.varint();
    if (!c) return c.error();
    if (*code == 1 && is_right) {
      const std::int64_t d = zigzag_decode(*c);
      const std::uint64_t mag =
          d < 0 ? ~static_cast<std::uint64_t>(d) + 1 : static_cast<std::uint64_t>(d);
      if (d < 0 ? mag >= prev_right : mag >= counter - prev_right) return errc::invalid_value;
      prev_right = d < 0 ? prev_right - mag : prev_right + mag;
      if (prev_right == 0) return errc::invalid_value;
      return Dot{own, prev_right};
    }
    if (*code == 1) {
      if (*c == 0 || *c >= counter) return errc::invalid_value;
      return Dot{own, counter - *c};
    }
    if (*code - 2 >= ids.size()) return errc::invalid_value;
    const ReplicaId id = ids[static_cast<std::size_t>(*code - 2)];
    if (id == own) return errc::non_canonical;
    if (*c == 0 || *c >= kMaxCounter) return errc::invalid_value;
    return Dot{id, *c};
  };
  for (const Block& blk : blocks) {
    const ReplicaId own = ids[blk.r];
    prev_right = 0;
    std::uint64_t counter = blk.start;
    for (std::uint64_t i = 0; i < blk.n; ++i) {
      auto h = head.varint();
      if (!h) return h.error();
      const std::uint64_t len = *h >> 2;
      const auto k = static_cast<std::uint8_t>(*h & 3);
      if (len == 0 || len > 0xFFFFFFF0u || len >= kMaxCounter - counter) {
        return errc::invalid_value;
      }
      WireOp op;
      op.replica = own;
      op.counter = counter;
      op.len = len;
      if (k <= 1) {
        op.kind = k == 0 ? kInsert : kInsertGc;
        auto left = read_ref(own, counter, true);
        if (!left) return left.error();
        auto right = read_ref(own, counter, true, true);
        if (!right) return right.error();
        op.left = *left;
        op.right = *right;
        if (k == 0) {
          if constexpr (std::is_same_v<Store, TextStore>) {
            op.content_off = text_at;
            for (std::uint64_t e = 0; e < len; ++e) {
              if (text_at >= text.size()) return errc::truncated;
              const auto c = static_cast<unsigned char>(text[text_at]);
              text_at += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
            }
            op.units = text_at - op.content_off;
          } else {
            if (auto ok = content.check_count(len); !ok) return ok.error();
            op.content_off = arena.size();
            for (std::uint64_t e = 0; e < len; ++e) {
              auto v = decode_value<typename Batch::value_type>(content);
              if (!v) return v.error();
              arena.push_back(std::move(*v));
            }
            op.units = len;
          }
        }
      } else {
        op.kind = kDelete;
        op.dir = k == 2 ? 1 : -1;
        if (k == 3 && len == 1) return errc::non_canonical;
        auto t = read_ref(own, counter, false);
        if (!t) return t.error();
        op.target = *t;
        if (op.dir == 1) {
          if (t->counter > kMaxCounter - len) return errc::invalid_value;
          if (t->replica == own && t->counter + len - 1 >= counter) return errc::invalid_value;
        } else if (t->counter < len) {
          return errc::invalid_value;
        }
      }
      ops.push_back(op);
      counter += len;
    }
  }
  if constexpr (std::is_same_v<Store, TextStore>) {
    if (text_at != text.size()) return errc::trailing_bytes;
  } else {
    if (auto end = content.expect_end(); !end) return end.error();
  }
  for (Reader* col : {&head, &reps, &ctrs}) {
    if (auto end = col->expect_end(); !end) return end.error();
  }
  return std::pair<std::vector<WireOp>, Batch>{std::move(ops), std::move(arena)};
}

}  // namespace weft::detail::seq

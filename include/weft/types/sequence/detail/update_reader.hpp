#pragma once
// Reads the sequence update format (specified in engine_codec.hpp) one op at a
// time (internal; not API). decode_ops() collects the ops; a replica that has seen nothing
// integrates them as they come (Engine::apply_encoded) and never holds them all.
// Every check of the format happens here; the reader trusts nothing it reads.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

#include "weft/encoding/compress.hpp"
#include "weft/encoding/frame.hpp"
#include "weft/encoding/utf8.hpp"
#include "weft/types/sequence/detail/store.hpp"
#include "weft/types/sequence/detail/wire_op.hpp"

namespace weft::detail::seq {

inline constexpr std::uint64_t kMaxCounter = std::uint64_t{1} << 62;
inline constexpr std::uint64_t kCompressionNone = 0;
inline constexpr std::uint64_t kCompressionDeflate = 1;
inline constexpr std::uint64_t kCompressionZstd = 2;

// Reads one zstd section (raw length, packed length, frame) into `out`.
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
  auto raw = zstd_decompress(*packed, *raw_len);
  if (!raw) return raw.error();
  out = std::move(*raw);
  return {};
}

// What UpdateReader::next() read.
enum class Next { op, end };

template <class Store>
class UpdateReader {
 public:
  using Batch = typename Store::Batch;
  static constexpr bool kText = std::is_same_v<Store, TextStore>;

  // Opens the frame, unpacks the body and reads its tables. The reader may
  // point into `bytes`: they must outlive it.
  static result<UpdateReader> open(std::span<const std::uint8_t> bytes);

  // Reads the next op into `op`, or Next::end once all are read and every
  // column ended exactly where it should.
  result<Next> next(WireOp& op);

  [[nodiscard]] std::uint64_t total_ops() const noexcept { return total_ops_; }
  // For an update of one replica's ops: how many insert and delete runs it has
  // (from a pass over the head column; nullopt when that column is malformed).
  struct BlockShape {
    ReplicaId replica;
    std::uint64_t inserts = 0, deletes = 0;
  };
  [[nodiscard]] std::optional<BlockShape> single_block() const {
    if (blocks_.size() != 1) return std::nullopt;
    BlockShape shape{ids_[blocks_[0].r]};
    Reader head = head_;
    for (std::uint64_t i = 0; i < blocks_[0].n; ++i) {
      auto h = head.varint();
      if (!h) return std::nullopt;
      ++((*h & 3) <= 1 ? shape.inserts : shape.deletes);
    }
    return shape;
  }
  // What inserts' content_off index: the whole text (Text), or the values read
  // so far (List).
  [[nodiscard]] auto content() const noexcept {
    if constexpr (kText) {
      return text_;
    } else {
      return std::span<const typename Batch::value_type>(values_);
    }
  }
  // The content as a Batch, for ops kept beyond the reader's life.
  [[nodiscard]] Batch take_content() {
    if constexpr (kText) {
      return Batch(text_);
    } else {
      return std::move(values_);
    }
  }

 private:
  struct Block {
    std::uint32_t r;
    std::uint64_t start, n;
  };

  UpdateReader() = default;
  result<void> read_tables(std::span<const std::uint8_t> body, bool content_apart);
  // An origin or target reference of an op of replica `own` at `counter`.
  // An origin or target reference of an op of replica `own` at `counter`, read
  // into `out`. Inlined into next(), and not returned in a result<Dot>: a Dot
  // stored into the result and reloaded whole stalls on store forwarding, which
  // cost more than the rest of the reading.
  result<void> read_ref(ReplicaId own, std::uint64_t counter, bool allow_none, bool is_right,
                        Dot& out);
  result<Next> finish();

  Bytes inflated_;
  Bytes inflated_content_;
  std::vector<ReplicaId> ids_;
  std::vector<Block> blocks_;
  std::uint64_t total_ops_ = 0;
  Reader head_{{}};
  Reader reps_{{}};
  Reader ctrs_{{}};
  Reader content_{{}};
  std::string_view text_;  // Text: the content column, valid UTF-8
  std::size_t text_at_ = 0;
  // Per op, walking the code points cost more than the rest of its reading.
  CodePointSkipper skipper_{{}};
  Batch values_;  // List: values decoded so far
  std::size_t block_ = 0;
  std::uint64_t in_block_ = 0;
  std::uint64_t counter_ = 0;
  std::uint64_t prev_right_ = 0;
};

template <class Store>
result<UpdateReader<Store>> UpdateReader<Store>::open(std::span<const std::uint8_t> bytes) {
  auto frame = open_frame(bytes, TypeTag::sequence_update);
  if (!frame) return frame.error();
  Reader& in = *frame;
  auto kind = in.u8();
  if (!kind) return kind.error();
  if (*kind != Store::kKind) return errc::wrong_type;
  auto comp = in.varint();
  if (!comp) return comp.error();
  UpdateReader r;
  std::span<const std::uint8_t> body;
  bool content_apart = false;  // zstd keeps the content column in a frame of its own
  if (*comp == kCompressionNone) {
    body = *in.raw(in.remaining());
  } else if (*comp == kCompressionDeflate) {
    auto raw_len = in.varint();
    if (!raw_len) return raw_len.error();
    auto raw = deflate_decompress(*in.raw(in.remaining()), *raw_len);
    if (!raw) return raw.error();
    r.inflated_ = std::move(*raw);
    body = r.inflated_;
  } else if (*comp == kCompressionZstd) {
    if (auto ok = read_zstd_section(in, r.inflated_); !ok) return ok.error();
    if (auto ok = read_zstd_section(in, r.inflated_content_); !ok) return ok.error();
    if (auto end = in.expect_end(); !end) return end.error();
    body = r.inflated_;
    content_apart = true;
  } else {
    return errc::invalid_value;
  }
  if (auto ok = r.read_tables(body, content_apart); !ok) return ok.error();
  return r;
}

template <class Store>
result<void> UpdateReader<Store>::read_tables(std::span<const std::uint8_t> body,
                                              bool content_apart) {
  Reader b(body);
  auto n_rep = b.count(1);
  if (!n_rep) return n_rep.error();
  ids_.reserve(*n_rep);
  for (std::size_t i = 0; i < *n_rep; ++i) {
    auto id = Codec<ReplicaId>::decode(b);
    if (!id) return id.error();
    if (!ids_.empty() && *id <= ids_.back()) return errc::non_canonical;
    ids_.push_back(*id);
  }
  auto n_blocks = b.count(3);
  if (!n_blocks) return n_blocks.error();
  blocks_.reserve(*n_blocks);
  for (std::size_t i = 0; i < *n_blocks; ++i) {
    auto ri = b.varint();
    if (!ri) return ri.error();
    auto start = b.varint();
    if (!start) return start.error();
    auto n = b.varint();
    if (!n) return n.error();
    if (*ri >= ids_.size() || (!blocks_.empty() && *ri <= blocks_.back().r)) {
      return errc::non_canonical;
    }
    if (*start == 0 || *start >= kMaxCounter || *n == 0) return errc::invalid_value;
    if (*n > body.size()) return errc::length_too_large;
    total_ops_ += *n;
    blocks_.push_back({static_cast<std::uint32_t>(*ri), *start, *n});
  }
  auto head = b.bytes();
  if (!head) return head.error();
  auto reps = b.bytes();
  if (!reps) return reps.error();
  auto ctrs = b.bytes();
  if (!ctrs) return ctrs.error();
  auto content =
      content_apart ? result<std::span<const std::uint8_t>>(inflated_content_) : b.bytes();
  if (!content) return content.error();
  if (auto end = b.expect_end(); !end) return end.error();
  head_ = Reader(*head);
  reps_ = Reader(*reps);
  ctrs_ = Reader(*ctrs);
  content_ = Reader(*content);
  // Every op takes at least one byte of the head column.
  if (auto ok = head_.check_count(total_ops_); !ok) return ok.error();
  if constexpr (kText) {
    text_ = {reinterpret_cast<const char*>(content->data()), content->size()};
    if (!is_valid_utf8(text_)) return errc::invalid_utf8;
    skipper_ = CodePointSkipper(text_);
  }
  if (!blocks_.empty()) counter_ = blocks_[0].start;
  return {};
}

template <class Store>
[[gnu::always_inline]] inline result<void> UpdateReader<Store>::read_ref(ReplicaId own,
                                                                         std::uint64_t counter,
                                                                         bool allow_none,
                                                                         bool is_right, Dot& out) {
  auto code = reps_.varint();
  if (!code) return code.error();
  if (*code == 0) {
    if (!allow_none) return errc::invalid_value;
    out = Dot{};
    return {};
  }
  auto c = ctrs_.varint();
  if (!c) return c.error();
  if (*code == 1 && is_right) {
    // Coded against the previous right origin of the block.
    const std::int64_t d = zigzag_decode(*c);
    const std::uint64_t mag =
        d < 0 ? ~static_cast<std::uint64_t>(d) + 1 : static_cast<std::uint64_t>(d);
    if (d < 0 ? mag >= prev_right_ : mag >= counter - prev_right_) return errc::invalid_value;
    prev_right_ = d < 0 ? prev_right_ - mag : prev_right_ + mag;
    if (prev_right_ == 0) return errc::invalid_value;
    out = Dot{own, prev_right_};
    return {};
  }
  if (*code == 1) {
    if (*c == 0 || *c >= counter) return errc::invalid_value;
    out = Dot{own, counter - *c};
    return {};
  }
  if (*code - 2 >= ids_.size()) return errc::invalid_value;
  const ReplicaId id = ids_[static_cast<std::size_t>(*code - 2)];
  if (id == own) return errc::non_canonical;
  if (*c == 0 || *c >= kMaxCounter) return errc::invalid_value;
  out = Dot{id, *c};
  return {};
}

template <class Store>
result<Next> UpdateReader<Store>::next(WireOp& op) {
  if (block_ < blocks_.size() && in_block_ == blocks_[block_].n) {
    ++block_;
    in_block_ = 0;
    prev_right_ = 0;
    if (block_ < blocks_.size()) counter_ = blocks_[block_].start;
  }
  if (block_ == blocks_.size()) return finish();
  const ReplicaId own = ids_[blocks_[block_].r];
  auto h = head_.varint();
  if (!h) return h.error();
  const std::uint64_t len = *h >> 2;
  const auto k = static_cast<std::uint8_t>(*h & 3);
  if (len == 0 || len > 0xFFFFFFF0u || len >= kMaxCounter - counter_) return errc::invalid_value;
  // Field by field, each branch writing what it leaves unread: `op = WireOp{}`
  // compiles to a rep stos that costs a fifth of the reading.
  op.replica = own;
  op.counter = counter_;
  op.len = len;
  if (k <= 1) {
    op.kind = k == 0 ? kInsert : kInsertGc;
    op.target = Dot{};
    op.dir = 1;
    op.content_off = 0;
    op.units = 0;
    if (auto ok = read_ref(own, counter_, true, false, op.left); !ok) return ok.error();
    if (auto ok = read_ref(own, counter_, true, true, op.right); !ok) return ok.error();
    if (k == 0) {
      if constexpr (kText) {
        op.content_off = text_at_;
        text_at_ = skipper_.skip(text_at_, len);
        if (text_at_ > text_.size()) return errc::truncated;
        op.units = text_at_ - op.content_off;
      } else {
        if (auto ok = content_.check_count(len); !ok) return ok.error();
        op.content_off = values_.size();
        for (std::uint64_t e = 0; e < len; ++e) {
          auto v = decode_value<typename Batch::value_type>(content_);
          if (!v) return v.error();
          values_.push_back(std::move(*v));
        }
        op.units = len;
      }
    }
  } else {
    op.kind = kDelete;
    op.dir = k == 2 ? 1 : -1;
    op.left = op.right = Dot{};
    op.content_off = 0;
    op.units = 0;
    if (k == 3 && len == 1) return errc::non_canonical;
    if (auto ok = read_ref(own, counter_, false, false, op.target); !ok) return ok.error();
    const Dot& t = op.target;
    if (op.dir == 1) {
      if (t.counter > kMaxCounter - len) return errc::invalid_value;
      if (t.replica == own && t.counter + len - 1 >= counter_) return errc::invalid_value;
    } else if (t.counter < len) {
      return errc::invalid_value;
    }
  }
  counter_ += len;
  ++in_block_;
  return Next::op;
}

template <class Store>
result<Next> UpdateReader<Store>::finish() {
  if constexpr (kText) {
    if (text_at_ != text_.size()) return errc::trailing_bytes;
  } else {
    if (auto end = content_.expect_end(); !end) return end.error();
  }
  for (Reader* col : {&head_, &reps_, &ctrs_}) {
    if (auto end = col->expect_end(); !end) return end.error();
  }
  return Next::end;
}

}  // namespace weft::detail::seq

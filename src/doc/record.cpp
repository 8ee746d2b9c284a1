// The record format (layout in docs/doc.md). Each record carries a small
// replica table (its own replica first, then the others it names, ascending)
// so that a dot costs a table index instead of a 64-bit id; a dot of the
// record's own replica is written as its distance back from the op naming it,
// which is small while a user types.
#include "record.hpp"

#include <algorithm>
#include <boost/container/small_vector.hpp>
#include <tuple>

#include "weft/encoding/compress.hpp"
#include "weft/encoding/frame.hpp"
#include "weft/encoding/utf8.hpp"

namespace weft::detail::doc {
namespace {

constexpr std::uint8_t kNestedTarget = 0x10;
constexpr std::uint8_t kSameTarget = 0x20;
constexpr std::uint8_t kHasLeft = 1;
constexpr std::uint8_t kHasRight = 2;
constexpr std::uint8_t kLeftIsPrevious = 4;  // the left origin is the dot before the op's
// Record header flags: what a typical keystroke's record leaves out.
constexpr std::uint8_t kOtherReplicas = 1;  // the table names replicas besides the author
constexpr std::uint8_t kLamportApart = 2;   // lamport != first
constexpr std::uint8_t kHasDeps = 4;
constexpr std::uint8_t kSeveralOps = 8;

class ReplicaTable {
 public:
  explicit ReplicaTable(const TxRecord& t) {
    ids_.push_back(t.replica);
    auto add = [&](const Dot& d) {
      if (!d.is_nil() && d.replica != t.replica) ids_.push_back(d.replica);
    };
    for (const auto& e : t.deps.entries()) add(Dot{e.replica, e.counter});
    for (const Op& op : t.ops) {
      if (!op.target.is_root()) add(op.target.dot);
      for_each_named_dot(op.body, add);
    }
    std::sort(ids_.begin() + 1, ids_.end());
    ids_.erase(std::unique(ids_.begin() + 1, ids_.end()), ids_.end());
  }
  [[nodiscard]] std::uint64_t index(ReplicaId r) const {
    if (r == ids_[0]) return 0;
    return static_cast<std::uint64_t>(std::lower_bound(ids_.begin() + 1, ids_.end(), r) -
                                      ids_.begin());
  }
  [[nodiscard]] std::span<const ReplicaId> ids() const { return ids_; }

 private:
  // Mostly the author alone: no allocation per record.
  boost::container::small_vector<ReplicaId, 4> ids_;
};

// --- writing ---------------------------------------------------------------

class RecordWriter {
 public:
  RecordWriter(Writer& w, const TxRecord& t) : w_(w), t_(t), table_(t) {}

  void write() {
    const auto ids = table_.ids();
    w_.u8(static_cast<std::uint8_t>(
        (ids.size() > 1 ? kOtherReplicas : 0) | (t_.lamport != t_.first ? kLamportApart : 0) |
        (t_.deps.empty() ? 0 : kHasDeps) | (t_.ops.size() > 1 ? kSeveralOps : 0)));
    w_.varint(ids[0].value());
    if (ids.size() > 1) {
      w_.varint(ids.size() - 1);
      for (ReplicaId r : ids.subspan(1)) w_.varint(r.value());
    }
    w_.varint(t_.first);
    if (t_.lamport != t_.first) w_.zigzag(static_cast<std::int64_t>(t_.lamport - t_.first));
    if (!t_.deps.empty()) {
      w_.varint(t_.deps.size());
      for (const auto& e : t_.deps.entries()) {
        w_.varint(table_.index(e.replica));
        w_.varint(e.counter);
      }
    }
    if (t_.ops.size() > 1) w_.varint(t_.ops.size());
    std::uint64_t own = t_.first;
    const ObjectId* prev = nullptr;
    for (const Op& op : t_.ops) {
      own_ = own;
      const auto kind = static_cast<std::uint8_t>(op.body.index());
      if (prev != nullptr && *prev == op.target) {
        w_.u8(kind | kSameTarget);
      } else if (op.target.is_root()) {
        w_.u8(kind);
        w_.u8(static_cast<std::uint8_t>(op.target.kind));
        w_.string(op.target.root);
      } else {
        w_.u8(kind | kNestedTarget);
        w_.u8(static_cast<std::uint8_t>(op.target.kind));
        dot(op.target.dot);
      }
      std::visit([&](const auto& b) { body(b); }, op.body);
      prev = &op.target;
      own += op.width();
    }
  }

 private:
  void dot(const Dot& d) {
    const std::uint64_t i = table_.index(d.replica);
    w_.varint(i);
    w_.varint(i == 0 ? own_ - d.counter - 1 : d.counter);
  }
  void dots(const std::vector<Dot>& ds) {
    w_.varint(ds.size());
    for (const Dot& d : ds) dot(d);
  }
  void origins(const Dot& left, const Dot& right) {
    const bool previous = left == Dot{t_.replica, own_ - 1};
    w_.u8(static_cast<std::uint8_t>((previous        ? kLeftIsPrevious
                                     : left.is_nil() ? 0
                                                     : kHasLeft) |
                                    (right.is_nil() ? 0 : kHasRight)));
    if (!left.is_nil() && !previous) dot(left);
    if (!right.is_nil()) dot(right);
  }
  void body(const MapSet& b) {
    w_.string(b.key);
    encode_value(w_, b.value);
    dots(b.supersedes);
  }
  void body(const MapRemove& b) {
    w_.string(b.key);
    dots(b.supersedes);
  }
  void body(const TextInsert& b) {
    origins(b.left, b.right);
    w_.string(b.text);
  }
  void body(const ListInsert& b) {
    origins(b.left, b.right);
    w_.varint(b.values.size());
    for (const Value& v : b.values) encode_value(w_, v);
  }
  void body(const SeqDelete& b) {
    w_.varint(std::uint64_t{b.len} << 1 | (b.backward ? 1 : 0));
    dot(b.target);
  }
  void body(const CounterAdd& b) { w_.zigzag(b.delta); }
  void body(const RegisterSet& b) {
    encode_value(w_, b.value);
    dots(b.supersedes);
  }
  void body(const SetAdd& b) { encode_value(w_, b.value); }
  void body(const SetRemove& b) {
    encode_value(w_, b.value);
    dots(b.supersedes);
  }

  Writer& w_;
  const TxRecord& t_;
  ReplicaTable table_;
  std::uint64_t own_ = 0;  // the first dot of the op being written
};

// --- reading ---------------------------------------------------------------

template <class T>
result<T> fail(errc e) {
  return result<T>(boost::system::in_place_error, e);
}

class RecordReader {
 public:
  // Reads into `t`, whose ops vector (cleared) keeps its capacity: a replica
  // applying keystrokes decodes each into the storage of the previous one.
  RecordReader(Reader& r, TxRecord& t) : r_(r), t_(t) {
    t_.deps = VersionVector{};
    t_.ops.clear();
  }

  result<void> read() {
    if (auto ok = header(); !ok) return ok.error();
    t_.ops.reserve(nops_);
    own_ = t_.first;
    for (std::size_t i = 0; i < nops_; ++i) {
      Op& op = t_.ops.emplace_back();  // built in place; the record is dropped on error
      if (auto ok = read_op(op); !ok) return ok.error();
      const std::uint64_t w = op.width();
      if (w > kMaxClock - own_) return errc::clock_overflow;
      own_ += w;
    }
    t_.width = own_ - t_.first;
    if (t_.last() >= kMaxClock) return errc::clock_overflow;  // its author's next edit must fit
    return {};
  }

 private:
  result<void> header() {
    auto flags = r_.u8();
    if (!flags) return flags.error();
    if ((*flags & ~(kOtherReplicas | kLamportApart | kHasDeps | kSeveralOps)) != 0) {
      return errc::invalid_value;
    }
    auto own = r_.varint();
    if (!own) return own.error();
    if (*own == 0) return errc::invalid_value;
    table_.emplace_back(*own);
    if ((*flags & kOtherReplicas) != 0) {
      auto n = r_.count(1);
      if (!n) return n.error();
      if (*n == 0) return errc::non_canonical;
      for (std::size_t i = 0; i < *n; ++i) {
        auto id = r_.varint();
        if (!id) return id.error();
        if (*id == 0) return errc::invalid_value;
        if (i > 0 && !(table_.back().value() < *id)) return errc::non_canonical;
        if (*id == table_[0].value()) return errc::non_canonical;
        table_.emplace_back(*id);
      }
    }
    t_.replica = table_[0];
    auto first = r_.varint();
    if (!first) return first.error();
    if (*first == 0) return errc::invalid_value;
    if (*first >= kMaxClock) return errc::clock_overflow;
    t_.first = *first;
    t_.lamport = t_.first;
    if ((*flags & kLamportApart) != 0) {
      auto lamport = r_.zigzag();
      if (!lamport) return lamport.error();
      if (*lamport == 0) return errc::non_canonical;
      const std::uint64_t l = t_.first + static_cast<std::uint64_t>(*lamport);
      if (*lamport < 0 && static_cast<std::uint64_t>(-(*lamport + 1)) >= t_.first - 1) {
        return errc::invalid_value;  // Lamport time 0 or below
      }
      if (*lamport > 0 && (l > kMaxClock || l < t_.first)) return errc::clock_overflow;
      t_.lamport = l;
    }
    if ((*flags & kHasDeps) != 0) {
      auto ndeps = r_.count(2);
      if (!ndeps) return ndeps.error();
      if (*ndeps == 0) return errc::non_canonical;
      std::uint64_t prev_index = 0;
      for (std::size_t i = 0; i < *ndeps; ++i) {
        auto idx = r_.varint();
        if (!idx) return idx.error();
        auto ctr = r_.varint();
        if (!ctr) return ctr.error();
        if (*idx == 0 || *idx >= table_.size() || *ctr == 0) return errc::invalid_value;
        if (*idx <= prev_index) return errc::non_canonical;
        prev_index = *idx;
        t_.deps.advance(table_[static_cast<std::size_t>(*idx)], *ctr);
      }
    }
    nops_ = 1;
    if ((*flags & kSeveralOps) != 0) {
      auto n = r_.count(2);
      if (!n) return n.error();
      if (*n < 2) return errc::non_canonical;
      nops_ = *n;
    }
    return {};
  }

  // A dot some op names: always in the record's causal past (an earlier dot of
  // its own replica, or one its deps cover).
  result<Dot> dot() {
    auto idx = r_.varint();
    if (!idx) return idx.error();
    auto v = r_.varint();
    if (!v) return v.error();
    if (*idx >= table_.size()) return errc::invalid_value;
    if (*idx == 0) {
      if (*v >= own_ - 1) return errc::causality_violation;  // not before this op
      return Dot{t_.replica, own_ - 1 - *v};
    }
    const ReplicaId r = table_[static_cast<std::size_t>(*idx)];
    if (*v == 0) return errc::invalid_value;
    if (*v > t_.deps.get(r)) return errc::causality_violation;
    return Dot{r, *v};
  }
  result<Dot> maybe_dot(bool present) {
    if (!present) return Dot{};
    return dot();
  }
  result<std::vector<Dot>> dots(bool non_empty) {
    auto n = r_.count(2);
    if (!n) return n.error();
    if (non_empty && *n == 0) return errc::invalid_value;
    std::vector<Dot> out;
    out.reserve(*n);
    for (std::size_t i = 0; i < *n; ++i) {
      auto d = dot();
      if (!d) return d.error();
      if (!out.empty() && !(out.back() < *d)) return errc::non_canonical;
      out.push_back(*d);
    }
    return out;
  }
  // A value; `self` is the dot an object reference may create (nil: none).
  result<Value> value(const Dot& self) {
    auto v = decode_value<Value>(r_);
    if (!v) return v.error();
    if (v->is<ObjectRef>()) {
      const Dot& d = v->as<ObjectRef>().id;
      if (d != self && !in_past(d)) return errc::causality_violation;
    }
    return v;
  }
  [[nodiscard]] bool in_past(const Dot& d) const {
    return d.replica == t_.replica ? d.counter < own_ : d.counter <= t_.deps.get(d.replica);
  }
  result<std::string> key() { return decode_value<std::string>(r_); }

  // `op`: the record's last op, default-constructed.
  result<void> read_op(Op& op) {
    auto head = r_.u8();
    if (!head) return head.error();
    const std::uint8_t kind = *head & 0x0F;
    if (kind >= std::variant_size_v<OpBody> || (*head & 0xC0) != 0) return errc::invalid_value;
    const Op* prev = t_.ops.size() > 1 ? &t_.ops[t_.ops.size() - 2] : nullptr;
    if ((*head & kSameTarget) != 0) {
      if (prev == nullptr || (*head & kNestedTarget) != 0) return errc::invalid_value;
      op.target = prev->target;
    } else {
      auto ok = *head & kNestedTarget ? nested_target(op.target) : root_target(op.target);
      if (!ok) return ok.error();
      if (prev != nullptr && prev->target == op.target) return errc::non_canonical;
    }
    if (kind == 2) {  // a text insert, most ops by far: read into place
      if (auto ok = text_insert(op.body.emplace<TextInsert>()); !ok) return ok.error();
    } else {
      auto body = read_body(kind);
      if (!body) return body.error();
      op.body = std::move(*body);
    }
    if (!targets(op.body, op.target.kind)) return errc::invalid_value;
    return {};
  }
  result<ObjectKind> object_kind() {
    auto k = r_.u8();
    if (!k) return k.error();
    if (*k >= kObjectKindCount) return errc::invalid_value;
    return static_cast<ObjectKind>(*k);
  }
  result<void> root_target(ObjectId& id) {
    auto k = object_kind();
    if (!k) return k.error();
    auto name = key();
    if (!name) return name.error();
    if (name->empty()) return errc::invalid_value;
    id = ObjectId::named(std::move(*name), *k);
    return {};
  }
  result<void> nested_target(ObjectId& id) {
    auto k = object_kind();
    if (!k) return k.error();
    auto d = dot();
    if (!d) return d.error();
    id = ObjectId{{}, *d, *k};
    return {};
  }

  result<OpBody> read_body(std::uint8_t kind) {
    switch (kind) {
      case 0: {
        MapSet b;
        auto k = key();
        if (!k) return k.error();
        auto v = value(Dot{t_.replica, own_});
        if (!v) return v.error();
        auto s = dots(false);
        if (!s) return s.error();
        b.key = std::move(*k), b.value = std::move(*v), b.supersedes = std::move(*s);
        return OpBody(std::move(b));
      }
      case 1: {
        MapRemove b;
        auto k = key();
        if (!k) return k.error();
        auto s = dots(true);
        if (!s) return s.error();
        b.key = std::move(*k), b.supersedes = std::move(*s);
        return OpBody(std::move(b));
      }
      case 3:
        return list_insert();
      case 4: {
        auto head = r_.varint();
        if (!head) return head.error();
        SeqDelete b;
        const std::uint64_t len = *head >> 1;
        b.backward = (*head & 1) != 0;
        if (len == 0 || len > 0x7FFFFFFFu || (b.backward && len == 1)) return errc::invalid_value;
        b.len = static_cast<std::uint32_t>(len);
        auto d = dot();
        if (!d) return d.error();
        b.target = *d;
        // Every target in the causal past: the highest one is enough.
        if (b.backward ? d->counter < len : d->counter > kMaxClock - len) {
          return errc::invalid_value;
        }
        if (!b.backward && !in_past(Dot{d->replica, d->counter + len - 1})) {
          return errc::causality_violation;
        }
        return OpBody(b);
      }
      case 5: {
        auto d = r_.zigzag();
        if (!d) return d.error();
        return OpBody(CounterAdd{*d});
      }
      case 6: {
        RegisterSet b;
        auto v = value(Dot{t_.replica, own_});
        if (!v) return v.error();
        auto s = dots(false);
        if (!s) return s.error();
        b.value = std::move(*v), b.supersedes = std::move(*s);
        return OpBody(std::move(b));
      }
      case 7: {
        auto v = value(Dot{});
        if (!v) return v.error();
        return OpBody(SetAdd{std::move(*v)});
      }
      default: {
        SetRemove b;
        auto v = value(Dot{});
        if (!v) return v.error();
        auto s = dots(true);
        if (!s) return s.error();
        b.value = std::move(*v), b.supersedes = std::move(*s);
        return OpBody(std::move(b));
      }
    }
  }
  // An insert's origins: flags, then the left origin (none, the dot before the
  // op's first, or written out, never the previous dot: that has its flag),
  // then the right.
  result<std::pair<Dot, Dot>> origins() {
    auto f = r_.u8();
    if (!f) return f.error();
    if ((*f & ~(kHasLeft | kHasRight | kLeftIsPrevious)) != 0) return errc::invalid_value;
    if ((*f & kHasLeft) != 0 && (*f & kLeftIsPrevious) != 0) return errc::invalid_value;
    if ((*f & kLeftIsPrevious) != 0 && own_ == 1) return errc::causality_violation;
    Dot left{t_.replica, own_ - 1};
    if ((*f & kLeftIsPrevious) == 0) {
      auto d = maybe_dot((*f & kHasLeft) != 0);
      if (!d) return d.error();
      if (*d == left) return errc::non_canonical;
      left = *d;
    }
    auto right = maybe_dot((*f & kHasRight) != 0);
    if (!right) return right.error();
    return std::pair{left, *right};
  }
  result<void> text_insert(TextInsert& b) {
    auto o = origins();
    if (!o) return o.error();
    auto s = key();
    if (!s) return s.error();
    const std::uint64_t n = measure_utf8(*s).code_points;
    if (n == 0 || n > 0x7FFFFFFFu) return errc::invalid_value;
    std::tie(b.left, b.right) = *o;
    b.text = std::move(*s), b.len = static_cast<std::uint32_t>(n);
    return {};
  }
  result<OpBody> list_insert() {
    ListInsert b;
    auto o = origins();
    if (!o) return o.error();
    auto n = r_.count(1);
    if (!n) return n.error();
    if (*n == 0 || *n > 0x7FFFFFFFu) return errc::invalid_value;
    std::tie(b.left, b.right) = *o;
    b.values.reserve(*n);
    for (std::size_t i = 0; i < *n; ++i) {
      auto v = value(Dot{t_.replica, own_ + i});
      if (!v) return v.error();
      b.values.push_back(std::move(*v));
    }
    return OpBody(std::move(b));
  }

  Reader& r_;
  TxRecord& t_;
  boost::container::small_vector<ReplicaId, 4> table_;
  std::size_t nops_ = 0;
  std::uint64_t own_ = 0;  // the first dot of the op being read
};

// Payloads at least this large are deflated when that makes them smaller:
// snapshots and catch-up updates repeat replica ids and object names record
// after record. A single keystroke's update stays plain.
constexpr std::size_t kDeflateFrom = 512;

}  // namespace

void encode_record(Writer& w, const TxRecord& t) {
  RecordWriter(w, t).write();
}

TxKey read_key(std::span<const std::uint8_t> record) {
  Reader r(record);
  const std::uint8_t flags = *r.u8();
  TxKey k;
  k.replica = ReplicaId(*r.varint());
  if ((flags & kOtherReplicas) != 0) {
    const std::uint64_t n = *r.varint();
    for (std::uint64_t i = 0; i < n; ++i) (void)*r.varint();
  }
  k.first = *r.varint();
  k.lamport = k.first;
  if ((flags & kLamportApart) != 0) k.lamport += static_cast<std::uint64_t>(*r.zigzag());
  return k;
}

bool deflates(std::size_t payload_bytes) noexcept {
  return payload_bytes >= kDeflateFrom;
}

Bytes frame_update(std::span<const std::span<const std::uint8_t>> records) {
  Writer payload;
  std::size_t size = 0;
  for (const auto& b : records) size += b.size();
  payload.reserve(size + 10);
  payload.varint(records.size());
  for (const auto& b : records) payload.raw(b);
  if (deflates(payload.size())) {
    if (const Bytes packed = deflate_compress(payload.view(), 6);
        packed.size() + 8 < payload.size()) {
      Writer w = begin_frame(TypeTag::doc_update_deflated);
      w.varint(payload.size());
      w.raw(packed);
      return finish_frame(std::move(w));
    }
  }
  Writer w = begin_frame(TypeTag::doc_update);
  w.raw(payload.view());
  return finish_frame(std::move(w));
}

result<std::vector<Received>> decode_update(std::span<const std::uint8_t> bytes, Bytes& inflated) {
  std::vector<Received> out;
  if (auto ok = decode_update(bytes, inflated, out); !ok) return ok.error();
  return out;
}

result<void> decode_update(std::span<const std::uint8_t> bytes, Bytes& inflated,
                           std::vector<Received>& out) {
  auto r = open_frame(bytes, TypeTag::doc_update);
  if (!r && r.error() == errc::wrong_type) {
    auto packed = open_frame(bytes, TypeTag::doc_update_deflated);
    if (!packed) return r.error();
    auto raw_len = packed->varint();
    if (!raw_len) return raw_len.error();
    auto raw = deflate_decompress(*packed->raw(packed->remaining()), *raw_len);
    if (!raw) return raw.error();
    inflated = std::move(*raw);
    // Canonical form: a payload this small would have been sent plain.
    if (inflated.size() < kDeflateFrom) return errc::non_canonical;
    r = Reader(inflated);
  }
  if (!r) return r.error();
  const std::span<const std::uint8_t> payload = r->input();
  auto n = r->count(8);  // a record is at least 8 bytes (header 3, op 5)
  if (!n) return n.error();
  // The records already in `out` are reused, those beyond `n` dropped.
  if (out.size() > *n) out.resize(*n);
  out.reserve(*n);
  for (std::size_t i = 0; i < *n; ++i) {
    const std::size_t start = r->position();
    Received& rec = i < out.size() ? out[i] : out.emplace_back();
    if (auto ok = RecordReader(*r, rec.record).read(); !ok) return ok.error();
    rec.bytes = payload.subspan(start, r->position() - start);
  }
  if (auto end = r->expect_end(); !end) return end.error();
  return {};
}

}  // namespace weft::detail::doc

// The record format. Each record carries a small replica table (its own
// replica first, then the others it mentions, ascending) so that dots cost an
// index instead of a 64-bit id. Layout in docs/doc.md.
#include "record.hpp"

#include <algorithm>

#include "weft/encoding/compress.hpp"
#include "weft/encoding/frame.hpp"
#include "weft/encoding/utf8.hpp"
#include "weft/types/list.hpp"
#include "weft/types/text.hpp"

namespace weft::detail::doc {
namespace {

bool op_targets_ok(OpKind k, ObjectKind o) {
  switch (k) {
    case OpKind::map_set:
    case OpKind::map_remove:
      return o == ObjectKind::map;
    case OpKind::seq_edit:
      return o == ObjectKind::text || o == ObjectKind::list;
    case OpKind::counter_add:
      return o == ObjectKind::counter;
    case OpKind::reg_set:
      return o == ObjectKind::lww_register || o == ObjectKind::mv_register;
    case OpKind::set_add:
    case OpKind::set_remove:
      return o == ObjectKind::set;
  }
  return false;
}

bool has_key(OpKind k) {
  return k == OpKind::map_set || k == OpKind::map_remove;
}
bool has_value(OpKind k) {
  return k == OpKind::map_set || k == OpKind::reg_set || k == OpKind::set_add ||
         k == OpKind::set_remove;
}
bool has_supersedes(OpKind k) {
  return k == OpKind::map_set || k == OpKind::map_remove || k == OpKind::reg_set ||
         k == OpKind::set_remove;
}
bool may_create(OpKind k) {
  return k == OpKind::map_set || k == OpKind::reg_set || k == OpKind::seq_edit;
}

class ReplicaTable {
 public:
  explicit ReplicaTable(const TxRecord& t) {
    ids_.push_back(t.replica);
    auto add = [&](ReplicaId r) {
      if (r != t.replica) ids_.push_back(r);
    };
    for (const auto& e : t.deps.entries()) add(e.replica);
    for (const auto& op : t.ops) {
      if (!op.target.is_root()) add(op.target.dot.replica);
      for (const auto& d : op.supersedes) add(d.replica);
    }
    std::sort(ids_.begin() + 1, ids_.end());
    ids_.erase(std::unique(ids_.begin() + 1, ids_.end()), ids_.end());
  }
  [[nodiscard]] std::uint64_t index(ReplicaId r) const {
    if (r == ids_[0]) return 0;
    return static_cast<std::uint64_t>(std::lower_bound(ids_.begin() + 1, ids_.end(), r) -
                                      ids_.begin());
  }
  [[nodiscard]] const std::vector<ReplicaId>& ids() const { return ids_; }

 private:
  std::vector<ReplicaId> ids_;
};

void write_dot(Writer& w, const ReplicaTable& table, const Dot& d) {
  w.varint(table.index(d.replica));
  w.varint(d.counter);
}

result<Dot> read_dot(Reader& r, const std::vector<ReplicaId>& table) {
  auto idx = r.varint();
  if (!idx) return idx.error();
  auto ctr = r.varint();
  if (!ctr) return ctr.error();
  if (*idx >= table.size() || *ctr == 0) return errc::invalid_value;
  return Dot{table[static_cast<std::size_t>(*idx)], *ctr};
}

// A dot the op at doc counter `own` may refer to: one of its causal past.
bool in_past(const TxRecord& t, std::uint64_t own, const Dot& d) {
  if (d.replica == t.replica) return d.counter < own;
  return d.counter <= t.deps.get(d.replica);
}

template <class Store>
bool engine_ok(std::span<const std::uint8_t> bytes, ReplicaId own) {
  auto ops = seq::Engine<Store>::decode_ops(bytes);
  if (!ops || ops->first.empty()) return false;
  return std::all_of(ops->first.begin(), ops->first.end(),
                     [&](const seq::WireOp& w) { return w.replica == own; });
}

result<Op> read_op(Reader& r, const TxRecord& t, const std::vector<ReplicaId>& table,
                   std::uint64_t own) {
  Op op;
  auto kind = r.u8();
  if (!kind) return kind.error();
  if (*kind >= kOpKindCount) return errc::invalid_value;
  op.kind = static_cast<OpKind>(*kind);

  auto tk = r.u8();
  if (!tk) return tk.error();
  if ((*tk & 0x7F) >= kObjectKindCount || (*tk & 0x70) != 0) return errc::invalid_value;
  op.target.kind = static_cast<ObjectKind>(*tk & 0x7F);
  if (*tk & 0x80) {
    auto d = read_dot(r, table);
    if (!d) return d.error();
    if (!in_past(t, own, *d)) return errc::causality_violation;
    op.target.dot = *d;
  } else {
    auto name = decode_value<std::string>(r);
    if (!name) return name.error();
    if (name->empty()) return errc::invalid_value;
    op.target.root = std::move(*name);
  }
  if (!op_targets_ok(op.kind, op.target.kind)) return errc::invalid_value;

  if (has_key(op.kind)) {
    auto key = decode_value<std::string>(r);
    if (!key) return key.error();
    op.key = std::move(*key);
  }
  if (op.kind == OpKind::seq_edit) {
    auto b = r.bytes();
    if (!b) return b.error();
    const bool ok = op.target.kind == ObjectKind::text
                        ? engine_ok<seq::TextStore>(*b, t.replica)
                        : engine_ok<seq::ListStore<Value>>(*b, t.replica);
    if (!ok) return errc::invalid_value;
    op.engine.assign(b->begin(), b->end());
  }
  if (op.kind == OpKind::counter_add) {
    auto d = r.zigzag();
    if (!d) return d.error();
    op.delta = *d;
  }
  if (has_value(op.kind)) {
    auto v = decode_value<Value>(r);
    if (!v) return v.error();
    op.value = std::move(*v);
  }
  if (has_supersedes(op.kind)) {
    auto n = r.count(2);
    if (!n) return n.error();
    op.supersedes.reserve(*n);
    for (std::size_t i = 0; i < *n; ++i) {
      auto d = read_dot(r, table);
      if (!d) return d.error();
      if (!in_past(t, own, *d)) return errc::causality_violation;
      if (!op.supersedes.empty() && !(op.supersedes.back() < *d)) return errc::non_canonical;
      op.supersedes.push_back(*d);
    }
  }
  if (may_create(op.kind)) {
    auto c = r.u8();
    if (!c) return c.error();
    if (*c > kObjectKindCount) return errc::invalid_value;
    if (*c != 0) {
      op.creates = static_cast<ObjectKind>(*c - 1);
      if (op.kind == OpKind::seq_edit && op.target.kind != ObjectKind::list) {
        return errc::invalid_value;
      }
    }
  }
  if (op.value.is<ObjectRef>()) {
    const auto& ref = op.value.as<ObjectRef>();
    const bool self = ref.id == Dot{t.replica, own};
    if (self ? !(op.creates && *op.creates == ref.kind) : !in_past(t, own, ref.id)) {
      return errc::causality_violation;
    }
  } else if (op.creates && op.kind != OpKind::seq_edit) {
    return errc::invalid_value;  // a created object must be what the op writes
  }
  return op;
}

}  // namespace

void encode_record(Writer& w, const TxRecord& t) {
  const ReplicaTable table(t);
  w.varint(table.ids().size());
  for (ReplicaId r : table.ids()) w.varint(r.value());
  w.varint(t.first);
  w.varint(t.lamport);
  w.varint(t.deps.size());
  for (const auto& e : t.deps.entries()) write_dot(w, table, Dot{e.replica, e.counter});
  w.varint(t.ops.size());
  for (const Op& op : t.ops) {
    w.u8(static_cast<std::uint8_t>(op.kind));
    const auto tk = static_cast<std::uint8_t>(op.target.kind);
    if (op.target.is_root()) {
      w.u8(tk);
      w.string(op.target.root);
    } else {
      w.u8(static_cast<std::uint8_t>(tk | 0x80));
      write_dot(w, table, op.target.dot);
    }
    if (has_key(op.kind)) w.string(op.key);
    if (op.kind == OpKind::seq_edit) w.bytes(op.engine);
    if (op.kind == OpKind::counter_add) w.zigzag(op.delta);
    if (has_value(op.kind)) encode_value(w, op.value);
    if (has_supersedes(op.kind)) {
      w.varint(op.supersedes.size());
      for (const Dot& d : op.supersedes) write_dot(w, table, d);
    }
    if (may_create(op.kind)) {
      w.u8(op.creates ? static_cast<std::uint8_t>(static_cast<std::uint8_t>(*op.creates) + 1) : 0);
    }
  }
}

result<TxRecord> decode_record(Reader& r) {
  TxRecord t;
  auto nrep = r.count(1);
  if (!nrep) return nrep.error();
  if (*nrep == 0) return errc::invalid_value;
  std::vector<ReplicaId> table;
  table.reserve(*nrep);
  for (std::size_t i = 0; i < *nrep; ++i) {
    auto id = r.varint();
    if (!id) return id.error();
    if (*id == 0) return errc::invalid_value;
    if (i > 1 && !(table.back().value() < *id)) return errc::non_canonical;
    if (i > 0 && *id == table[0].value()) return errc::non_canonical;
    table.emplace_back(*id);
  }
  t.replica = table[0];
  auto first = r.varint();
  if (!first) return first.error();
  auto lamport = r.varint();
  if (!lamport) return lamport.error();
  if (*first == 0 || *lamport == 0) return errc::invalid_value;
  t.first = *first;
  t.lamport = *lamport;
  auto ndeps = r.count(2);
  if (!ndeps) return ndeps.error();
  for (std::size_t i = 0; i < *ndeps; ++i) {
    auto d = read_dot(r, table);
    if (!d) return d.error();
    if (d->replica == t.replica || t.deps.get(d->replica) != 0) return errc::invalid_value;
    t.deps.advance(*d);
  }
  auto nops = r.count(3);
  if (!nops) return nops.error();
  if (*nops == 0 || t.first > UINT64_MAX - *nops) return errc::invalid_value;
  t.ops.reserve(*nops);
  for (std::size_t i = 0; i < *nops; ++i) {
    auto op = read_op(r, t, table, t.first + i);
    if (!op) return op.error();
    t.ops.push_back(std::move(*op));
  }
  return t;
}

namespace {

// Payloads at least this large are deflated when that makes them smaller:
// snapshots and catch-up updates repeat replica ids, object names and engine
// headers record after record. A single keystroke's update stays plain.
constexpr std::size_t kDeflateFrom = 512;

}  // namespace

Bytes frame_update(std::span<const Bytes> encoded_records) {
  Writer payload;
  payload.varint(encoded_records.size());
  for (const Bytes& b : encoded_records) payload.raw(b);
  if (payload.size() >= kDeflateFrom) {
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

result<std::vector<TxRecord>> decode_update(std::span<const std::uint8_t> bytes) {
  Bytes inflated;
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
  auto n = r->count(9);
  if (!n) return n.error();
  std::vector<TxRecord> out;
  out.reserve(*n);
  for (std::size_t i = 0; i < *n; ++i) {
    auto t = decode_record(*r);
    if (!t) return t.error();
    out.push_back(std::move(*t));
  }
  if (auto end = r->expect_end(); !end) return end.error();
  return out;
}

}  // namespace weft::detail::doc

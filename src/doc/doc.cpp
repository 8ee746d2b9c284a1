// Doc: history, causal delivery, updates and snapshots.
#include "weft/doc/doc.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "doc_impl.hpp"

namespace weft {
namespace detail::doc {
namespace {

// Adapters so the checks below run over owned records and over pointers alike.
struct OwnedSlot {
  TxRecord rec;
  [[nodiscard]] const TxRecord* second_ptr() const { return &rec; }
};
struct PtrSlot {
  const TxRecord* rec;
  [[nodiscard]] const TxRecord* second_ptr() const { return rec; }
};

// The keys of `pending` in canonical (topological) order: one pass in this
// order integrates every record whose dependencies are present, since a
// record's dependencies all sort before it.
template <class M>
std::vector<PendingKey> causal_order(const M& pending) {
  std::vector<std::pair<TxKey, PendingKey>> keyed;
  keyed.reserve(pending.size());
  for (const auto& [k, slot] : pending) keyed.emplace_back(key_of(*slot.second_ptr()), k);
  std::sort(keyed.begin(), keyed.end());
  std::vector<PendingKey> out;
  out.reserve(keyed.size());
  for (const auto& [tk, k] : keyed) out.push_back(k);
  return out;
}

bool ready(const TxRecord& rec, const VersionVector& sv) {
  return rec.first == sv.get(rec.replica) + 1 && rec.deps.dominated_by(sv);
}

// Removes from `pending` every record that causal delivery would integrate
// after `sv`, advancing `sv` (a dry run of apply_update's loop).
void drain(std::map<PendingKey, PtrSlot>& pending, VersionVector& sv) {
  for (const PendingKey& k : causal_order(pending)) {
    auto it = pending.find(k);
    if (!ready(*it->second.rec, sv)) continue;
    sv.advance(it->second.rec->replica, it->second.rec->last());
    pending.erase(it);
  }
}

// Checks `rec` against the ops of its replica already known (integrated up to
// `have`, or in `known`): covered records are dropped, overlapping ones are a
// causality violation. Returns true when `rec` is new.
template <class M>
result<bool> is_new(const TxRecord& rec, std::uint64_t have, const M& known) {
  if (have >= rec.last()) return false;
  if (have >= rec.first)
    return result<bool>(boost::system::in_place_error, errc::causality_violation);
  auto it = known.lower_bound({rec.replica, rec.first});
  if (it != known.end() && it->first.first == rec.replica) {
    const TxRecord& next = *it->second.second_ptr();
    if (next.first == rec.first && next.last() == rec.last()) return false;  // duplicate
    if (next.first <= rec.last()) {
      return result<bool>(boost::system::in_place_error, errc::causality_violation);
    }
  }
  if (it != known.begin()) {
    const auto& prev = *std::prev(it);
    if (prev.first.first == rec.replica && prev.second.second_ptr()->last() >= rec.first) {
      return result<bool>(boost::system::in_place_error, errc::causality_violation);
    }
  }
  return true;
}

// The common case of snapshots and live updates: nothing is waiting and every
// record is either already integrated or ready when reached in the given
// order. Then the records integrate one by one without the pending buffer's
// bookkeeping. Returns nullopt (having changed nothing) when the update needs
// the general path: something pending, a gap, an overlap or an error to report.
std::optional<UpdateStatus> apply_in_order(DocImpl& m, std::vector<TxRecord>& records,
                                           std::string_view origin) {
  if (!m.pending.empty()) return std::nullopt;
  VersionVector sim = m.sv;
  for (const TxRecord& rec : records) {
    const std::uint64_t have = sim.get(rec.replica);
    if (have >= rec.last()) continue;  // known (or a duplicate within the update)
    if (!ready(rec, sim)) return std::nullopt;
    sim.advance(rec.replica, rec.last());
  }
  std::uint64_t applied = 0;
  m.begin_batch();
  for (TxRecord& rec : records) {
    if (m.sv.get(rec.replica) >= rec.last()) continue;
    applied += rec.ops.size();
    m.integrate(std::move(rec));
  }
  m.end_batch(std::string(origin), false);
  return UpdateStatus{applied, 0};
}

}  // namespace

void DocImpl::integrate(TxRecord&& rec) {
  for (std::size_t i = 0; i < rec.ops.size(); ++i) apply_op(rec.ops[i], rec.dot(i), rec.lamport);
  sv.advance(rec.replica, rec.last());
  lamport = std::max(lamport, rec.lamport);
  Writer w;
  encode_record(w, rec);
  const TxKey key = key_of(rec);
  history.emplace(key, Stored{std::move(rec), std::move(w).take()});
}

void DocImpl::record_local(Op&& op) {
  std::sort(op.supersedes.begin(), op.supersedes.end());
  open.ops.push_back(std::move(op));
}

}  // namespace detail::doc

using detail::doc::DocImpl;
using detail::doc::TxRecord;

Doc::Doc(ReplicaId replica) {
  if (replica.is_nil()) throw std::invalid_argument("weft::Doc: nil replica id");
  impl_ = std::make_unique<DocImpl>(replica);
}
Doc::~Doc() = default;
Doc::Doc(Doc&&) noexcept = default;
Doc& Doc::operator=(Doc&&) noexcept = default;

result<Doc> Doc::load(std::span<const std::uint8_t> snapshot, ReplicaId replica) {
  if (replica.is_nil()) return errc::invalid_value;
  Doc d(replica);
  auto s = d.apply_update(snapshot);
  if (!s) return s.error();
  return d;
}

ReplicaId Doc::replica() const noexcept {
  return impl_->replica;
}

Transaction Doc::transact(std::string origin) {
  auto& m = *impl_;
  if (m.in_tx) throw std::logic_error("weft::Doc::transact: a transaction is already open");
  m.in_tx = true;
  m.open = TxRecord{};
  m.open.replica = m.replica;
  m.open.first = m.sv.get(m.replica) + 1;
  m.open.lamport = m.lamport + 1;
  for (const auto& e : m.sv.entries()) {
    if (e.replica != m.replica) m.open.deps.advance(e.replica, e.counter);
  }
  m.begin_batch();
  return Transaction(*this, std::move(origin));
}

VersionVector Doc::state_vector() const {
  return impl_->sv;
}

Bytes Doc::encode_update_since(const VersionVector& since) const {
  std::vector<Bytes> parts;
  for (const auto& [key, stored] : impl_->history) {
    if (since.get(stored.record.replica) < stored.record.first) parts.push_back(stored.encoded);
  }
  return detail::doc::frame_update(parts);
}

Bytes Doc::encode_snapshot() const {
  return encode_update_since({});
}

result<UpdateStatus> Doc::apply_update(std::span<const std::uint8_t> update) {
  return apply_update(update, {});
}

result<UpdateStatus> Doc::apply_update(std::span<const std::uint8_t> update,
                                       std::string_view origin) {
  using namespace detail::doc;
  auto& m = *impl_;
  if (m.in_tx) throw std::logic_error("weft::Doc::apply_update: a transaction is open");
  auto records = decode_update(update);
  if (!records) return records.error();
  if (auto fast = apply_in_order(m, *records, origin)) return *fast;

  // Classify everything before touching the state.
  std::map<PendingKey, OwnedSlot> fresh;
  std::map<PendingKey, PtrSlot> known;
  for (const auto& [k, rec] : m.pending) known.emplace(k, PtrSlot{&rec});
  std::uint64_t fresh_ops = 0;
  for (TxRecord& rec : *records) {
    auto n = is_new(rec, m.sv.get(rec.replica), known);
    if (!n) return n.error();
    if (!*n) continue;
    const PendingKey k{rec.replica, rec.first};
    fresh_ops += rec.ops.size();
    auto& slot_ref = fresh.emplace(k, OwnedSlot{std::move(rec)}).first->second;
    known.emplace(k, PtrSlot{&slot_ref.rec});
  }
  // Dry run: what would still wait afterwards?
  {
    VersionVector sim = m.sv;
    auto left = known;
    drain(left, sim);
    std::uint64_t waiting = 0;
    for (const auto& [k, s] : left) waiting += s.rec->ops.size();
    if (waiting > m.max_pending_ops) return errc::limit_exceeded;
  }

  for (auto& [k, s] : fresh) m.pending.emplace(k, std::move(s.rec));
  m.pending_ops += fresh_ops;
  std::uint64_t applied = 0;
  m.begin_batch();
  std::vector<PendingKey> order;
  {
    std::map<PendingKey, PtrSlot> view;
    for (const auto& [k, rec] : m.pending) view.emplace(k, PtrSlot{&rec});
    order = causal_order(view);
  }
  for (const PendingKey& k : order) {
    auto it = m.pending.find(k);
    if (!ready(it->second, m.sv)) continue;
    applied += it->second.ops.size();
    m.pending_ops -= it->second.ops.size();
    m.integrate(std::move(it->second));
    m.pending.erase(it);
  }
  m.end_batch(std::string(origin), false);
  return UpdateStatus{applied, m.pending_ops};
}

std::uint64_t Doc::pending_count() const {
  return impl_->pending_ops;
}

Bytes Doc::encode_pending() const {
  if (impl_->pending.empty()) return {};
  std::vector<Bytes> parts;
  for (const auto& [key, rec] : impl_->pending) {
    Writer w;
    detail::doc::encode_record(w, rec);
    parts.push_back(std::move(w).take());
  }
  return detail::doc::frame_update(parts);
}

std::uint64_t Doc::digest() const {
  return impl_->digest();
}

result<void> Doc::adopt_snapshot(std::span<const std::uint8_t> snapshot) {
  if (impl_->in_tx) return errc::invalid_value;
  auto d = load(snapshot, impl_->replica);
  if (!d) return d.error();
  if (d->impl_->sv.get(impl_->replica) < impl_->sv.get(impl_->replica)) return errc::invalid_value;
  d->impl_->observers = impl_->observers;
  d->impl_->observer_errors = impl_->observer_errors;
  d->impl_->commit_hook = std::move(impl_->commit_hook);
  d->impl_->max_pending_ops = impl_->max_pending_ops;
  impl_ = std::move(d->impl_);
  return {};
}

Subscription Doc::observe(const ObjectId& id, ObserverFn fn, PositionUnit unit) {
  auto& reg = *impl_->observers;
  const std::uint64_t sid = reg.next++;
  reg.entries.emplace(sid, detail::doc::ObserverEntry{id, false, unit, std::move(fn)});
  return Subscription(impl_->observers, sid);
}

Subscription Doc::observe_deep(const ObjectId& id, ObserverFn fn, PositionUnit unit) {
  auto& reg = *impl_->observers;
  const std::uint64_t sid = reg.next++;
  reg.entries.emplace(sid, detail::doc::ObserverEntry{id, true, unit, std::move(fn)});
  return Subscription(impl_->observers, sid);
}

std::uint64_t Doc::observer_errors() const noexcept {
  return impl_->observer_errors;
}

void Doc::set_max_pending_ops(std::uint64_t limit) noexcept {
  impl_->max_pending_ops = limit;
}

std::uint64_t Doc::max_pending_ops() const noexcept {
  return impl_->max_pending_ops;
}

void Doc::set_commit_hook(std::function<void(std::span<const std::uint8_t>)> hook) {
  impl_->commit_hook = std::move(hook);
}

result<Bytes> merge_updates(std::span<const Bytes> updates) {
  using namespace detail::doc;
  std::map<PendingKey, OwnedSlot> all;
  for (const Bytes& u : updates) {
    auto records = decode_update(u);
    if (!records) return records.error();
    for (TxRecord& rec : *records) {
      auto n = is_new(rec, 0, all);
      if (!n) return n.error();
      if (*n) all.emplace(PendingKey{rec.replica, rec.first}, OwnedSlot{std::move(rec)});
    }
  }
  std::map<TxKey, Bytes> sorted;
  for (const auto& [k, s] : all) {
    Writer w;
    encode_record(w, s.rec);
    sorted.emplace(key_of(s.rec), std::move(w).take());
  }
  std::vector<Bytes> parts;
  parts.reserve(sorted.size());
  for (auto& [k, b] : sorted) parts.push_back(std::move(b));
  return frame_update(parts);
}

result<VersionVector> update_state_vector(std::span<const std::uint8_t> update) {
  using namespace detail::doc;
  auto records = decode_update(update);
  if (!records) return records.error();
  std::map<PendingKey, std::uint64_t> ranges;  // first -> last
  for (const TxRecord& rec : *records) ranges[{rec.replica, rec.first}] = rec.last();
  VersionVector vv;
  for (const auto& [k, last] : ranges) {
    if (k.second == vv.get(k.first) + 1) vv.advance(k.first, last);
  }
  return vv;
}

}  // namespace weft

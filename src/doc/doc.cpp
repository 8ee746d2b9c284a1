// Doc: the public face of DocImpl, and the update tools that need no Doc.
#include "weft/doc/doc.hpp"

#include <map>
#include <stdexcept>

#include "doc_impl.hpp"

namespace weft {

using detail::doc::DocImpl;

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
  return impl_->replica();
}

Transaction Doc::transact(std::string origin) {
  impl_->begin_tx();
  return Transaction(*this, std::move(origin));
}

VersionVector Doc::state_vector() const {
  return impl_->state_vector();
}

Bytes Doc::encode_update_since(const VersionVector& since) const {
  return impl_->log().encode_since(since);
}

Bytes Doc::encode_snapshot() const {
  return encode_update_since({});
}

result<UpdateStatus> Doc::apply_update(std::span<const std::uint8_t> update) {
  return apply_update(update, {});
}

result<UpdateStatus> Doc::apply_update(std::span<const std::uint8_t> update,
                                       std::string_view origin) {
  if (impl_->in_tx()) throw std::logic_error("weft::Doc::apply_update: a transaction is open");
  return impl_->apply_update(update, origin);
}

std::uint64_t Doc::pending_count() const {
  return impl_->pending_count();
}

Bytes Doc::encode_pending() const {
  return impl_->encode_pending();
}

std::uint64_t Doc::pending_bytes() const noexcept {
  return impl_->pending_bytes();
}

VersionVector Doc::missing() const {
  return impl_->missing();
}

std::uint64_t Doc::pending_woken() const noexcept {
  return impl_->pending_woken();
}

std::uint64_t Doc::digest() const {
  return impl_->digest();
}

result<void> Doc::adopt_snapshot(std::span<const std::uint8_t> snapshot) {
  if (impl_->in_tx()) return errc::invalid_value;
  auto d = load(snapshot, impl_->replica());
  if (!d) return d.error();
  const ReplicaId me = impl_->replica();
  if (d->impl_->state_vector().get(me) < impl_->state_vector().get(me)) return errc::invalid_value;
  d->impl_->take_settings_from(*impl_);
  impl_ = std::move(d->impl_);
  return {};
}

Subscription Doc::observe(const ObjectId& id, ObserverFn fn, PositionUnit unit) {
  return impl_->observe(id, std::move(fn), unit, false);
}

Subscription Doc::observe_deep(const ObjectId& id, ObserverFn fn, PositionUnit unit) {
  return impl_->observe(id, std::move(fn), unit, true);
}

std::uint64_t Doc::observer_errors() const noexcept {
  return impl_->observer_errors();
}

void Doc::set_max_pending_ops(std::uint64_t limit) noexcept {
  impl_->set_max_pending_ops(limit);
}

std::uint64_t Doc::max_pending_ops() const noexcept {
  return impl_->max_pending_ops();
}

void Doc::set_max_pending_bytes(std::uint64_t limit) noexcept {
  impl_->set_max_pending_bytes(limit);
}

std::uint64_t Doc::max_pending_bytes() const noexcept {
  return impl_->max_pending_bytes();
}

void Doc::set_commit_hook(std::function<void(std::span<const std::uint8_t>)> hook) {
  impl_->set_commit_hook(std::move(hook));
}

result<Bytes> merge_updates(std::span<const Bytes> updates) {
  using namespace detail::doc;
  // Every record once, in canonical order, kept as received (canonical bytes).
  std::vector<Bytes> inflated(updates.size());
  std::vector<std::vector<Received>> decoded;
  decoded.reserve(updates.size());
  std::map<PendingKey, const TxRecord*> known;
  std::map<PendingKey, std::span<const std::uint8_t>> bytes;
  for (std::size_t i = 0; i < updates.size(); ++i) {
    auto records = decode_update(updates[i], inflated[i]);
    if (!records) return records.error();
    decoded.push_back(std::move(*records));
  }
  for (const auto& records : decoded) {
    for (const Received& r : records) {
      auto n = is_new(r.record, 0, known);
      if (!n) return n.error();
      if (!*n) continue;
      const PendingKey k{r.record.replica, r.record.first};
      known.emplace(k, &r.record);
      bytes.emplace(k, r.bytes);
    }
  }
  std::map<TxKey, std::span<const std::uint8_t>> sorted;
  for (const auto& [k, rec] : known) sorted.emplace(key_of(*rec), bytes.at(k));
  std::vector<std::span<const std::uint8_t>> parts;
  parts.reserve(sorted.size());
  for (const auto& [k, b] : sorted) parts.push_back(b);
  return frame_update(parts);
}

result<VersionVector> update_state_vector(std::span<const std::uint8_t> update) {
  using namespace detail::doc;
  Bytes inflated;
  auto records = decode_update(update, inflated);
  if (!records) return records.error();
  std::map<PendingKey, std::uint64_t> ranges;  // first -> last
  for (const Received& r : *records) ranges[{r.record.replica, r.record.first}] = r.record.last();
  VersionVector vv;
  for (const auto& [k, last] : ranges) {
    if (k.second == vv.get(k.first) + 1) vv.advance(k.first, last);
  }
  return vv;
}

}  // namespace weft

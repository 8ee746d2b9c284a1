// Remote updates: decode once, deliver causally, validate everything that will
// integrate before anything changes, integrate once.
#include <algorithm>
#include <set>
#include <stdexcept>

#include "doc_impl.hpp"

namespace weft::detail::doc {
namespace {

bool ready(const TxRecord& rec, const VersionVector& sv) {
  return rec.first == sv.get(rec.replica) + 1 && rec.deps.dominated_by(sv);
}

}  // namespace

result<UpdateStatus> DocImpl::apply_update(std::span<const std::uint8_t> update,
                                           std::string_view origin) {
  Bytes inflated;
  auto received = decode_update(update, inflated);
  if (!received) return received.error();

  // The common case (snapshots, live updates): nothing waits, and each record
  // is known or ready when reached in the order given.
  if (pending_.empty() && received->size() == 1) {
    // A live update: one record, checked against the state vector in place.
    const Received& r = received->front();
    if (sv_.get(r.record.replica) >= r.record.last()) return UpdateStatus{0, 0};
    if (ready(r.record, sv_)) {
      Overlay overlay;
      if (auto ok = validate(r.record, overlay, true); !ok) return ok.error();
      begin_batch();
      integrate(r.record, r.bytes);
      end_batch(std::string(origin), false);
      return UpdateStatus{r.record.ops.size(), 0};
    }
  } else if (pending_.empty()) {
    VersionVector sim = sv_;
    std::vector<const Received*> plan;
    bool in_order = true;
    for (const Received& r : *received) {
      if (sim.get(r.record.replica) >= r.record.last()) continue;  // known, or repeated
      if (!ready(r.record, sim)) {
        in_order = false;
        break;
      }
      sim.advance(r.record.replica, r.record.last());
      plan.push_back(&r);
    }
    if (in_order) {
      Overlay overlay;
      for (const Received* r : plan) {
        if (auto ok = validate(r->record, overlay, r == plan.back()); !ok) return ok.error();
      }
      std::uint64_t applied = 0;
      begin_batch();
      for (const Received* r : plan) {
        applied += r->record.ops.size();
        integrate(r->record, r->bytes);
      }
      end_batch(std::string(origin), false);
      return UpdateStatus{applied, 0};
    }
  }

  // The general way: classify everything, plan causal delivery over what waits
  // and what arrived, validate the plan, then change the state.
  std::map<PendingKey, const TxRecord*> known;
  for (const auto& [k, w] : pending_) known.emplace(k, &w.record);
  std::map<PendingKey, const Received*> fresh;
  for (const Received& r : *received) {
    auto n = is_new(r.record, sv_.get(r.record.replica), known);
    if (!n) return n.error();
    if (!*n) continue;
    const PendingKey k{r.record.replica, r.record.first};
    fresh.emplace(k, &r);
    known.emplace(k, &r.record);
  }
  for (;;) {
    // Passes in canonical order, which is topological until Lamport times
    // saturate (kMaxClock), so one pass mostly does it all and a second finds
    // nothing more.
    std::vector<std::pair<TxKey, PendingKey>> order;
    order.reserve(known.size());
    for (const auto& [k, rec] : known) order.emplace_back(key_of(*rec), k);
    std::sort(order.begin(), order.end());
    VersionVector sim = sv_;
    std::vector<PendingKey> plan;
    std::vector<char> planned(order.size(), 0);
    for (bool progress = true; progress;) {
      progress = false;
      for (std::size_t i = 0; i < order.size(); ++i) {
        const TxRecord& rec = *known.at(order[i].second);
        if (planned[i] != 0 || !ready(rec, sim)) continue;
        sim.advance(rec.replica, rec.last());
        plan.push_back(order[i].second);
        planned[i] = 1;
        progress = true;
      }
    }
    std::uint64_t waiting = 0;
    for (std::size_t i = 0; i < order.size(); ++i) {
      if (planned[i] == 0) waiting += known.at(order[i].second)->ops.size();
    }
    if (waiting > max_pending_ops_) return errc::limit_exceeded;

    Overlay overlay;
    bool dropped = false;
    for (const PendingKey& k : plan) {
      auto ok = validate(*known.at(k), overlay, false);
      if (ok) continue;
      if (fresh.contains(k)) return ok.error();
      // A waiting record that is invalid now that its past has arrived: it
      // came in an earlier, accepted update. Drop it and plan again.
      pending_ops_ -= pending_.at(k).record.ops.size();
      pending_.erase(k);
      known.erase(k);
      dropped = true;
      break;
    }
    if (dropped) continue;

    // Nothing below can fail.
    std::uint64_t applied = 0;
    const std::set<PendingKey> now(plan.begin(), plan.end());
    for (const auto& [k, r] : fresh) {
      if (now.contains(k)) continue;
      pending_.emplace(k, Waiting{r->record, Bytes(r->bytes.begin(), r->bytes.end())});
      pending_ops_ += r->record.ops.size();
    }
    begin_batch();
    for (const PendingKey& k : plan) {
      applied += known.at(k)->ops.size();
      if (auto f = fresh.find(k); f != fresh.end()) {
        integrate(f->second->record, f->second->bytes);
      } else {
        auto w = pending_.find(k);
        integrate(w->second.record, w->second.bytes);
        pending_ops_ -= w->second.record.ops.size();
        pending_.erase(w);
      }
    }
    end_batch(std::string(origin), false);
    return UpdateStatus{applied, pending_ops_};
  }
}

Bytes DocImpl::encode_pending() const {
  if (pending_.empty()) return {};
  std::vector<std::span<const std::uint8_t>> parts;
  for (const auto& [key, w] : pending_) parts.emplace_back(w.bytes);
  return frame_update(parts);
}

}  // namespace weft::detail::doc

// Remote updates: decode once, deliver causally, validate everything that will
// integrate before anything changes, integrate once.
#include "delivery_plan.hpp"
#include "doc_impl.hpp"

namespace weft::detail::doc {
namespace {

// Ready: the next record of its replica, with its whole past here (the rule
// of first_unmet, which the general way plans with).
bool ready(const TxRecord& rec, const VersionVector& sv) {
  return sv.get(rec.replica) < rec.first && !first_unmet(rec, sv);
}

// Lends the Doc's decoded-records buffer to one apply_update and takes it back
// after, unless it grew large (a snapshot's records are not worth keeping). A
// callback's nested apply_update borrows an empty one.
class BorrowedRecords {
 public:
  explicit BorrowedRecords(std::vector<Received>& home) : home_(home) { records_.swap(home_); }
  ~BorrowedRecords() {
    if (home_.empty() && records_.capacity() <= kKept) records_.swap(home_);
  }
  BorrowedRecords(const BorrowedRecords&) = delete;
  BorrowedRecords& operator=(const BorrowedRecords&) = delete;
  std::vector<Received>& operator*() noexcept { return records_; }
  std::vector<Received>* operator->() noexcept { return &records_; }

 private:
  static constexpr std::size_t kKept = 16;
  std::vector<Received>& home_;
  std::vector<Received> records_;
};

}  // namespace

result<UpdateStatus> DocImpl::apply_update(std::span<const std::uint8_t> update,
                                           std::string_view origin) {
  Bytes inflated;
  BorrowedRecords received(decoded_);
  if (auto ok = decode_update(update, inflated, *received); !ok) return ok.error();

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

  // The general way: keep what is new, plan causal delivery by waking only
  // the waiting records the plan's records make ready (delivery_plan.hpp),
  // validate the plan, then change the state.
  FreshRecords fresh;
  for (const Received& r : *received) {
    auto n = is_new(r.record, sv_.get(r.record.replica), pending_.records(), fresh);
    if (!n) return n.error();
    if (*n) fresh.emplace(PendingKey{r.record.replica, r.record.first}, &r);
  }
  for (;;) {
    const DeliveryPlan plan = plan_delivery(sv_, replica_, pending_, fresh);
    // A bound lowered below what already waits refuses only what adds to it.
    const bool grows = plan.waiting_ops > pending_.ops() || plan.waiting_bytes > pending_.bytes();
    const bool over =
        plan.waiting_ops > pending_limits_.ops || plan.waiting_bytes > pending_limits_.bytes;
    if (grows && over) return errc::limit_exceeded;

    Overlay overlay;
    bool dropped = false;
    for (const PendingKey& k : plan.order) {
      const auto f = fresh.find(k);
      const bool is_fresh = f != fresh.end();
      auto ok = validate(is_fresh ? f->second->record : pending_.at(k).record, overlay, false);
      if (ok) continue;
      if (is_fresh) return ok.error();
      // A waiting record that is invalid now that its past has arrived: it
      // came in an earlier, accepted update. Drop it and plan again.
      pending_.erase(k);
      dropped = true;
      break;
    }
    if (dropped) continue;

    // Nothing below can fail.
    for (const PendingKey& k : plan.overtaken) pending_.erase(k);
    for (const auto& [k, need] : plan.still_waiting) {
      if (const auto f = fresh.find(k); f != fresh.end()) {
        const Received& r = *f->second;
        pending_.add(r.record, Bytes(r.bytes.begin(), r.bytes.end()), need);
      } else {
        pending_.wait_for(k, need);
      }
    }
    std::uint64_t applied = 0;
    begin_batch();
    for (const PendingKey& k : plan.order) {
      if (const auto f = fresh.find(k); f != fresh.end()) {
        applied += f->second->record.ops.size();
        integrate(f->second->record, f->second->bytes);
      } else {
        const Waiting& w = pending_.at(k);
        applied += w.record.ops.size();
        integrate(w.record, w.bytes);
        pending_.erase(k);
      }
    }
    end_batch(std::string(origin), false);
    return UpdateStatus{applied, pending_.ops()};
  }
}

Bytes DocImpl::encode_pending() const {
  if (pending_.empty()) return {};
  std::vector<std::span<const std::uint8_t>> parts;
  for (const auto& [key, w] : pending_.records()) parts.emplace_back(w.bytes);
  return frame_update(parts);
}

VersionVector DocImpl::missing() const {
  VersionVector out;
  for (const auto& [key, w] : pending_.records()) {
    any_need(w.record, [&](const Dot& d) {
      if (sv_.get(d.replica) < d.counter) out.advance(d);
      return false;
    });
  }
  return out;
}

}  // namespace weft::detail::doc

#include "weft/sync/sync_session.hpp"

#include <algorithm>
#include <utility>

namespace weft {
namespace {

SyncMessage make_message(SyncMessageKind kind, const std::string& doc = {}) {
  SyncMessage m;
  m.kind = kind;
  m.doc = doc;
  return m;
}

}  // namespace

SyncSession::SyncSession(SyncOptions options) : options_(options), budget_(options.limits) {}

void SyncSession::add_document(std::string name, SyncDocument& doc, Access access) {
  auto [it, added] = docs_.try_emplace(std::move(name));
  if (added) bucket_members_[SyncSummary::bucket_of(it->first)].push_back(it);
  DocState& state = it->second;
  DocState fresh;
  fresh.doc = &doc;
  fresh.presence = state.presence;
  fresh.access = access;
  // What the old entry added to the summary is taken out at the next refresh.
  fresh.summary_part = state.summary_part;
  fresh.summary_stale = state.summary_stale;
  state = fresh;
  mark_stale(it);
  unanswered_.push_back(it);
  if (started_ && !closed_ && greets(state)) send_hellos(std::span(&it, 1));
}

void SyncSession::add_presence(std::string name, Presence& presence, Access access) {
  auto [it, added] = docs_.try_emplace(std::move(name));
  if (added) bucket_members_[SyncSummary::bucket_of(it->first)].push_back(it);
  DocState& state = it->second;
  if (!added && state.access != access) {
    // A new policy for the name: what the peer was told or has refused no longer holds.
    state.peer_refuses_writes = false;
    state.peer_refuses_all = false;
  }
  state.presence = &presence;
  state.access = access;
  mark_stale(it);
  if (started_ && !closed_) send_presence_states(it->first, state);
}

void SyncSession::remove_document(std::string_view name) {
  auto it = docs_.find(name);
  if (it == docs_.end() || it->second.doc == nullptr) return;
  // Out of the summary now: a refresh would read the document we no longer hold.
  summary_.replace(it->first, it->second.summary_part, 0);
  std::erase(stale_, it);
  std::erase(unanswered_, it);
  if (it->second.presence != nullptr) {
    DocState kept;
    kept.presence = it->second.presence;
    kept.access = it->second.access;
    it->second = kept;
    return;
  }
  std::erase(bucket_members_[SyncSummary::bucket_of(it->first)], it);
  docs_.erase(it);
}

void SyncSession::start(std::uint64_t now_ms) {
  if (closed_ || started_) return;
  started_ = true;
  now_ms_ = now_ms;
  last_anti_entropy_ms_ = now_ms;
  std::vector<DocIter> greeted;
  for (auto it = docs_.begin(); it != docs_.end(); ++it) {
    if (greets(it->second)) greeted.push_back(it);
  }
  send_hellos(greeted);
  for (auto& [name, state] : docs_) send_presence_states(name, state);
}

void SyncSession::tick(std::uint64_t now_ms) {
  if (closed_ || !started_) return;
  now_ms_ = std::max(now_ms_, now_ms);
  if (now_ms < last_anti_entropy_ms_ + options_.anti_entropy_interval_ms) return;
  last_anti_entropy_ms_ = now_ms;
  // One summary for every document: the peer answers with hellos for the documents in
  // the buckets where we differ, and its own summary tells us where to send ours.
  send_summary();
  greet_unanswered();
  // Summaries compare vectors only: a digest check that must run again is sent here.
  for (const auto& name : std::exchange(recheck_, {})) {
    auto it = docs_.find(name);
    if (it != docs_.end() && greets(it->second)) maybe_send_digest(name, it->second);
  }
}

void SyncSession::greet_unanswered() {
  std::erase_if(unanswered_, [](DocIter it) {
    const DocState& state = it->second;
    return !greets(state) || state.peer_named;
  });
  // A document added twice is listed twice; it is greeted once.
  auto by_node = [](DocIter a, DocIter b) { return &*a < &*b; };
  std::sort(unanswered_.begin(), unanswered_.end(), by_node);
  unanswered_.erase(std::unique(unanswered_.begin(), unanswered_.end()), unanswered_.end());
  send_hellos(unanswered_);
}

void SyncSession::broadcast(std::string_view doc, std::span<const std::uint8_t> update) {
  if (closed_ || !started_) return;
  auto it = docs_.find(doc);
  if (it == docs_.end() || it->second.doc == nullptr) return;
  mark_stale(it);  // the update is ours, so our vector has moved
  if (!may_send_writes(it->second)) return;
  send_update(it->first, it->second, Bytes(update.begin(), update.end()));
}

void SyncSession::send_presence(std::string_view doc, const PresenceUpdate& update) {
  if (closed_ || !started_) return;
  auto it = docs_.find(doc);
  if (it == docs_.end() || it->second.presence == nullptr || !may_send(it->second)) return;
  send_presence_update(it->first, update);
}

void SyncSession::close() {
  if (closed_) return;
  send(make_message(SyncMessageKind::bye));
  closed_ = true;
  emit(SyncEvent::Kind::closed, {});
}

std::vector<Bytes> SyncSession::take_outgoing() {
  return std::exchange(outgoing_, {});
}
std::vector<SyncEvent> SyncSession::take_events() {
  return std::exchange(events_, {});
}

std::optional<VersionVector> SyncSession::peer_state_vector(std::string_view doc) const {
  auto it = docs_.find(doc);
  return it == docs_.end() ? std::nullopt : it->second.peer_sv;
}

Access SyncSession::access(std::string_view doc) const {
  auto it = docs_.find(doc);
  return it == docs_.end() ? Access::none : it->second.access;
}

bool SyncSession::peer_refuses_writes(std::string_view doc) const {
  auto it = docs_.find(doc);
  return it != docs_.end() && (it->second.peer_refuses_writes || it->second.peer_refuses_all);
}

bool SyncSession::peer_hosts(std::string_view doc) const {
  auto it = docs_.find(doc);
  return it != docs_.end() && it->second.doc != nullptr && it->second.peer_named &&
         !it->second.peer_lacks_doc;
}

bool SyncSession::may_send(const DocState& state) noexcept {
  return state.access != Access::none && !state.peer_refuses_all;
}

bool SyncSession::may_send_writes(const DocState& state) noexcept {
  return may_send(state) && !state.peer_refuses_writes && !state.peer_lacks_doc;
}

bool SyncSession::greets(const DocState& state) noexcept {
  return state.doc != nullptr && may_send(state) && !state.peer_lacks_doc;
}

void SyncSession::send(const SyncMessage& message, DocState* about) {
  Bytes bytes = encode_sync_message(message);
  if (bytes.size() > options_.max_message_size) {
    if (about != nullptr)
      emit(SyncEvent::Kind::update_not_sent, message.doc, sync_errc::update_too_large);
    return;
  }
  // An answer costs its asker: a small request for a large answer spends the budget.
  if (answering_) budget_.charge_answer(bytes.size());
  outgoing_.push_back(std::move(bytes));
}

void SyncSession::send_hellos(std::span<const DocIter> docs) {
  for (std::size_t first = 0; first < docs.size(); first += kMaxGreetings) {
    SyncMessage m = make_message(SyncMessageKind::hello);
    for (DocIter it : docs.subspan(first, std::min(kMaxGreetings, docs.size() - first))) {
      m.greetings.push_back(
          {it->first, state_vector_hash(it->second.doc->state_vector()), it->second.peer_named});
    }
    send(m);
  }
}

void SyncSession::send_absent(std::span<const std::string> names) {
  for (std::size_t first = 0; first < names.size(); first += kMaxGreetings) {
    SyncMessage m = make_message(SyncMessageKind::absent);
    for (const auto& name : names.subspan(first, std::min(kMaxGreetings, names.size() - first))) {
      m.greetings.push_back({name, 0});
    }
    send(m);
  }
}

void SyncSession::send_state(const std::string& name, DocState& state) {
  SyncMessage m = make_message(SyncMessageKind::state, name);
  m.state_vector = state.doc->state_vector();
  state.state_sent_hash = state_vector_hash(m.state_vector);
  state.told = m.state_vector;
  send(m);
}

void SyncSession::send_missing(const std::string& name, DocState& state,
                               const VersionVector& peer_has) {
  if (!may_send_writes(state) || state.doc->state_vector().dominated_by(peer_has)) return;
  send_update(name, state, state.doc->encode_update_since(peer_has));
}

void SyncSession::send_summary() {
  refresh_summary();
  SyncMessage m = make_message(SyncMessageKind::summary);
  m.buckets = summary_.buckets();
  send(m);
}

void SyncSession::mark_stale(DocIter it) {
  if (it->second.summary_stale) return;
  it->second.summary_stale = true;
  stale_.push_back(it);
}

void SyncSession::refresh_summary() {
  for (DocIter it : stale_) {
    DocState& state = it->second;
    // Counted only where the peer counts it too: a document both sides host and greeted.
    const bool shared = greets(state) && state.peer_named;
    const std::uint64_t part =
        shared ? SyncSummary::part_of(it->first, state_vector_hash(state.doc->state_vector())) : 0;
    summary_.replace(it->first, state.summary_part, part);
    state.summary_part = part;
    state.summary_stale = false;
  }
  stale_.clear();
}

void SyncSession::send_presence_states(const std::string& name, DocState& state) {
  if (state.presence == nullptr || !may_send(state)) return;
  for (const auto& update : state.presence->known_states()) send_presence_update(name, update);
}

void SyncSession::send_presence_update(const std::string& name, const PresenceUpdate& update) {
  SyncMessage m = make_message(SyncMessageKind::presence, name);
  m.replica = update.replica;
  m.clock = update.clock;
  m.age_ms = update.age_ms;
  m.gone = !update.state.has_value();
  if (update.state) m.payload = *update.state;
  send(m);
}

void SyncSession::reject(const std::string& name, sync_errc code) {
  SyncMessage m = make_message(SyncMessageKind::reject, name);
  m.error_code = static_cast<std::uint32_t>(code);
  m.reason = make_error_code(code).message();
  send(m);
  emit(SyncEvent::Kind::refused, name, code);
}

void SyncSession::send_update(const std::string& name, DocState& state, Bytes update) {
  SyncMessage m = make_message(SyncMessageKind::update, name);
  m.sequence = state.next_sequence++;
  m.payload = std::move(update);
  send(m, &state);
}

void SyncSession::maybe_send_digest(const std::string& name, DocState& state) {
  const VersionVector& ours = state.doc->state_vector();
  if (!state.peer_sv || !(*state.peer_sv == ours)) return;
  const std::uint64_t hash = state_vector_hash(ours);
  if (state.digest_sent_at == hash) return;  // already compared here
  state.digest_sent_at = hash;
  SyncMessage m = make_message(SyncMessageKind::digest, name);
  m.state_hash = hash;  // 8 bytes: the peer holds the same vector or ignores this
  m.digest = state.doc->digest();
  send(m);
}

void SyncSession::send_repair(const std::string& name, DocState& state) {
  const VersionVector ours = state.doc->state_vector();
  if (state.repair_sent_at && *state.repair_sent_at == ours) return;
  if (!budget_.take_snapshot(now_ms_)) {
    emit(SyncEvent::Kind::update_not_sent, name, sync_errc::rate_limited);
    return;
  }
  state.repair_sent_at = ours;
  state.told = ours;
  SyncMessage m = make_message(SyncMessageKind::repair, name);
  m.state_vector = ours;
  m.digest = state.doc->digest();
  m.payload = state.doc->encode_snapshot();
  send(m, &state);
}

void SyncSession::emit(SyncEvent::Kind kind, const std::string& doc,
                       boost::system::error_code error) {
  SyncEvent e;
  e.kind = kind;
  e.doc = doc;
  e.error = error;
  events_.push_back(std::move(e));
}

result<void> SyncSession::fail(boost::system::error_code error) {
  SyncMessage m = make_message(SyncMessageKind::error);
  m.error_code = static_cast<std::uint32_t>(error.value());
  m.reason = error.message();
  send(m);
  closed_ = true;
  emit(SyncEvent::Kind::closed, {}, error);
  return error;
}

result<void> SyncSession::receive(std::span<const std::uint8_t> bytes) {
  if (closed_) return sync_errc::session_closed;
  switch (budget_.on_message(bytes.size(), now_ms_)) {
    case PeerBudget::Verdict::admit:
      break;
    case PeerBudget::Verdict::drop_and_tell:
      reject({}, sync_errc::rate_limited);
      return sync_errc::rate_limited;
    case PeerBudget::Verdict::drop:
      return sync_errc::rate_limited;
    case PeerBudget::Verdict::close:
      return fail(sync_errc::rate_limited);
  }
  if (bytes.size() > options_.max_message_size) return fail(sync_errc::message_too_large);
  auto message = decode_sync_message(bytes);
  if (!message) return fail(message.error());
  answering_ = true;
  auto handled = handle(*message);
  answering_ = false;
  return handled;
}

result<void> SyncSession::handle(SyncMessage& m) {
  if (m.kind == SyncMessageKind::hello) {
    // Each greeting is handled as a hello about one document, which is never fatal;
    // those we do not host are answered at once, so the peer stops greeting them.
    std::vector<std::string> absent;
    std::vector<DocIter> greet_back;  // the peer has not heard us greet these
    for (auto& greeting : m.greetings) {
      auto it = docs_.find(greeting.doc);
      if (it == docs_.end() || it->second.doc == nullptr) {
        emit(SyncEvent::Kind::unhosted, greeting.doc);
        absent.push_back(std::move(greeting.doc));
        continue;
      }
      SyncMessage one = make_message(SyncMessageKind::hello, greeting.doc);
      one.digest = greeting.state_hash;
      (void)handle_one(one);
      // Unless we answered with our vector (which says we host it), greet back once.
      if (!greeting.heard && greets(it->second) &&
          state_vector_hash(it->second.doc->state_vector()) == greeting.state_hash) {
        greet_back.push_back(it);
      }
    }
    send_absent(absent);
    send_hellos(greet_back);
    return {};
  }
  if (m.kind == SyncMessageKind::absent) {
    for (const auto& greeting : m.greetings) {
      auto it = docs_.find(greeting.doc);
      if (it == docs_.end() || it->second.peer_lacks_doc) continue;
      it->second.peer_lacks_doc = true;  // expected when hosts differ: no event
      mark_stale(it);
    }
    return {};
  }
  return handle_one(m);
}

result<void> SyncSession::handle_one(SyncMessage& m) {
  if (m.kind == SyncMessageKind::error) {
    closed_ = true;
    emit(SyncEvent::Kind::closed, {}, sync_errc::peer_error);
    return {};
  }
  if (m.kind == SyncMessageKind::bye) {
    closed_ = true;
    emit(SyncEvent::Kind::closed, {});
    return {};
  }
  if (m.kind == SyncMessageKind::summary) {
    on_summary(m);
    return {};
  }
  if (m.kind == SyncMessageKind::reject &&
      m.error_code == static_cast<std::uint32_t>(sync_errc::rate_limited)) {
    SyncEvent e;  // about the whole session, whatever document it names
    e.kind = SyncEvent::Kind::rejected;
    e.error = sync_errc::rate_limited;
    e.reason = m.reason;
    events_.push_back(std::move(e));
    return {};
  }
  auto it = docs_.find(m.doc);
  if (it == docs_.end()) return {};  // a document we do not host
  const std::string& name = it->first;
  DocState& state = it->second;
  if (m.kind == SyncMessageKind::reject) {
    on_reject(name, state, m);
    mark_stale(it);  // what the peer refuses no longer counts in the summary
    return {};
  }
  if (state.access == Access::none) {
    reject(name, sync_errc::access_denied);
    return {};
  }
  if (m.kind == SyncMessageKind::presence) {
    on_presence(name, state, m);
    return {};
  }
  if (state.doc == nullptr) return {};  // only presence is hosted under this name
  // The peer names the document, so it hosts it: whatever it refused before, it may
  // take now (it re-added the document, or reconnected its own side of it).
  if (m.kind == SyncMessageKind::hello || m.kind == SyncMessageKind::state) {
    state.peer_refuses_all = false;
  }
  // Whatever the peer sends about the document says it hosts it.
  state.peer_lacks_doc = false;
  if (!state.peer_named) {
    state.peer_named = true;
    mark_stale(it);
  }
  switch (m.kind) {
    case SyncMessageKind::hello:
      on_hello(name, state, m);
      return {};
    case SyncMessageKind::state:
      on_state(name, state, m);
      return {};
    case SyncMessageKind::update: {
      auto applied = on_update(name, state, m);
      mark_stale(it);
      return applied;
    }
    case SyncMessageKind::ack:
      if (state.peer_sv) {
        state.peer_sv->join(m.state_vector);
      } else {
        state.peer_sv = m.state_vector;
      }
      maybe_send_digest(name, state);
      return {};
    case SyncMessageKind::digest:
      return on_digest(name, state, m);
    case SyncMessageKind::repair: {
      auto repaired = on_repair(name, state, m);
      mark_stale(it);
      return repaired;
    }
    case SyncMessageKind::error:
    case SyncMessageKind::bye:
    case SyncMessageKind::reject:
    case SyncMessageKind::presence:
    case SyncMessageKind::summary:
    case SyncMessageKind::absent:
      break;
  }
  return {};
}

void SyncSession::on_hello(const std::string& name, DocState& state, const SyncMessage& m) {
  const VersionVector ours = state.doc->state_vector();
  if (state_vector_hash(ours) == m.digest) {
    state.peer_sv = ours;
    state.told = ours;  // the peer holds exactly our vector
    maybe_send_digest(name, state);
    return;
  }
  // Only now does the whole vector travel: the peer answers it with what we lack.
  send_state(name, state);
}

void SyncSession::on_state(const std::string& name, DocState& state, const SyncMessage& m) {
  state.peer_sv = m.state_vector;
  send_missing(name, state, m.state_vector);
  // The peer has what we lack and may not know our vector (our hello may have been
  // lost): pull, unless it already has our vector as it stands.
  const VersionVector ours = state.doc->state_vector();
  if (!m.state_vector.dominated_by(ours) && state.state_sent_hash != state_vector_hash(ours)) {
    send_state(name, state);
  }
  maybe_send_digest(name, state);
}

void SyncSession::on_summary(const SyncMessage& m) {
  refresh_summary();
  const auto& ours = summary_.buckets();
  std::vector<DocIter> differing;
  for (std::size_t bucket = 0; bucket < kSummaryBuckets; ++bucket) {
    if (ours[bucket] == m.buckets[bucket]) continue;
    for (DocIter it : bucket_members_[bucket]) {
      if (greets(it->second)) differing.push_back(it);
    }
  }
  send_hellos(differing);
}

void SyncSession::on_reject(const std::string& name, DocState& state, const SyncMessage& m) {
  // Never answered: two sessions must not reject each other's rejects forever.
  const auto code = static_cast<sync_errc>(m.error_code);
  if (code == sync_errc::read_only && !state.peer_refuses_writes) {
    state.peer_refuses_writes = true;
    // Compare digests again, now that we know the peer's snapshot is the one to keep.
    state.digest_sent_at.reset();
    state.repair_sent_at.reset();
    if (state.doc != nullptr) maybe_send_digest(name, state);
  }
  if (code == sync_errc::access_denied) state.peer_refuses_all = true;
  SyncEvent e;
  e.kind = SyncEvent::Kind::rejected;
  e.doc = name;
  e.error = make_error_code(code);
  e.reason = m.reason;
  events_.push_back(std::move(e));
}

void SyncSession::on_presence(const std::string& name, DocState& state, const SyncMessage& m) {
  if (state.presence == nullptr) return;  // presence is not hosted under this name
  PresenceUpdate update{m.replica, m.clock, m.age_ms, std::nullopt};
  if (!m.gone) update.state = m.payload;
  auto news = state.presence->apply(update);
  if (!news) {
    if (news.error() == sync_errc::presence_too_large) reject(name, sync_errc::presence_too_large);
    return;
  }
  if (!*news) return;
  SyncEvent e;
  e.kind = SyncEvent::Kind::presence_changed;
  e.doc = name;
  e.presence = std::move(update);
  events_.push_back(std::move(e));
}

result<void> SyncSession::on_update(const std::string& name, DocState& state, SyncMessage& m) {
  if (state.access != Access::read_write) {
    reject(name, sync_errc::read_only);  // never applied, acknowledged or relayed
    return {};
  }
  auto status = state.doc->apply_update(m.payload);
  if (!status) return fail(status.error());
  if (state.doc->pending_count() > options_.max_pending) return fail(sync_errc::too_many_pending);
  SyncEvent e;
  e.kind = SyncEvent::Kind::update_applied;
  e.doc = name;
  e.status = *status;
  e.update = std::move(m.payload);
  events_.push_back(std::move(e));
  SyncMessage ack = make_message(SyncMessageKind::ack, name);
  ack.sequence = m.sequence;
  // What rose since we last told the peer: a keystroke's ack names one replica,
  // not every replica the document has seen.
  ack.state_vector = state.doc->state_vector().above(state.told);
  state.told.join(ack.state_vector);
  send(ack);
  return {};
}

result<void> SyncSession::on_digest(const std::string& name, DocState& state,
                                    const SyncMessage& m) {
  const VersionVector& ours = state.doc->state_vector();
  if (state_vector_hash(ours) != m.state_hash) return {};  // stale: one side has moved on
  state.peer_sv = ours;
  if (m.digest == state.doc->digest()) {
    emit(SyncEvent::Kind::synced, name);
    return {};
  }
  emit(SyncEvent::Kind::divergence_detected, name);
  // A peer that refuses our writes would refuse our snapshot too; it sends its own.
  if (may_send_writes(state)) send_repair(name, state);
  return {};
}

result<void> SyncSession::on_repair(const std::string& name, DocState& state,
                                    const SyncMessage& m) {
  if (state.access != Access::read_write) {
    // A read-only peer's snapshot is never applied nor adopted, whatever digest it
    // claims. It gets what it lacks, or at equal vectors our snapshot (again: the first
    // may have crossed its repair), and the next digest exchange runs afresh.
    reject(name, sync_errc::read_only);
    if (state.doc->state_vector() == m.state_vector) {
      state.repair_sent_at.reset();
      send_repair(name, state);
      state.repair_sent_at.reset();
    } else {
      send_missing(name, state, m.state_vector);
    }
    state.digest_sent_at.reset();
    recheck_.push_back(name);
    return {};
  }
  // First, the peer's full state may simply carry operations our vector wrongly claims.
  auto status = state.doc->apply_update(m.payload);
  if (!status) return fail(status.error());
  // Full exchange: the peer gets ours, or only what it lacks when that is the difference.
  if (state.doc->state_vector() == m.state_vector) {
    if (may_send_writes(state)) send_repair(name, state);
  } else {
    send_missing(name, state, m.state_vector);
  }
  const std::uint64_t ours = state.doc->digest();
  if (ours == m.digest) {
    emit(SyncEvent::Kind::repaired, name);
    return {};
  }
  // Same operations by name, different content: only one of the two can be kept.
  // The smaller digest yields, so both sides pick the same survivor; but a peer that
  // refuses our writes keeps its own, so we take its.
  if (ours < m.digest || state.peer_refuses_writes) {
    if (auto adopted = state.doc->adopt_snapshot(m.payload); !adopted) {
      SyncEvent e;
      e.kind = SyncEvent::Kind::repair_failed;
      e.doc = name;
      e.error = adopted.error();
      events_.push_back(std::move(e));
      return {};
    }
    emit(SyncEvent::Kind::repaired, name);
  }
  return {};
}

}  // namespace weft

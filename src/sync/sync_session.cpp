#include "weft/sync/sync_session.hpp"

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

SyncSession::SyncSession(SyncOptions options) : options_(options) {}

void SyncSession::add_document(std::string name, SyncDocument& doc, Access access) {
  DocState& state = docs_[name];
  Presence* presence = state.presence;
  state = DocState{};
  state.doc = &doc;
  state.presence = presence;
  state.access = access;
  if (started_ && !closed_ && may_send(state)) send_hello(name, state);
}

void SyncSession::add_presence(std::string name, Presence& presence, Access access) {
  auto [it, added] = docs_.try_emplace(std::move(name));
  DocState& state = it->second;
  if (!added && state.access != access) {
    // A new policy for the name: what the peer was told or has refused no longer holds.
    state.peer_refuses_writes = false;
    state.peer_refuses_all = false;
  }
  state.presence = &presence;
  state.access = access;
  if (started_ && !closed_) send_presence_states(it->first, state);
}

void SyncSession::start(std::uint64_t now_ms) {
  if (closed_ || started_) return;
  started_ = true;
  last_anti_entropy_ms_ = now_ms;
  for (auto& [name, state] : docs_) {
    if (state.doc != nullptr && may_send(state)) send_hello(name, state);
  }
  for (auto& [name, state] : docs_) send_presence_states(name, state);
}

void SyncSession::tick(std::uint64_t now_ms) {
  if (closed_ || !started_) return;
  if (now_ms < last_anti_entropy_ms_ + options_.anti_entropy_interval_ms) return;
  last_anti_entropy_ms_ = now_ms;
  // A fresh hello is enough: its answer carries whatever we lack, and the peer's
  // own anti-entropy pulls whatever it lacks from us.
  for (auto& [name, state] : docs_) {
    if (state.doc != nullptr && may_send(state)) send_hello(name, state);
  }
}

void SyncSession::broadcast(std::string_view doc, std::span<const std::uint8_t> update) {
  if (closed_ || !started_) return;
  auto it = docs_.find(doc);
  if (it == docs_.end() || it->second.doc == nullptr || !may_send_writes(it->second)) return;
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

bool SyncSession::may_send(const DocState& state) noexcept {
  return state.access != Access::none && !state.peer_refuses_all;
}

bool SyncSession::may_send_writes(const DocState& state) noexcept {
  return may_send(state) && !state.peer_refuses_writes;
}

void SyncSession::send(const SyncMessage& message, DocState* about) {
  Bytes bytes = encode_sync_message(message);
  if (bytes.size() > options_.max_message_size) {
    if (about != nullptr)
      emit(SyncEvent::Kind::update_not_sent, message.doc, sync_errc::update_too_large);
    return;
  }
  outgoing_.push_back(std::move(bytes));
}

void SyncSession::send_hello(const std::string& name, DocState& state) {
  SyncMessage m = make_message(SyncMessageKind::hello, name);
  m.state_vector = state.doc->state_vector();
  send(m);
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
  const VersionVector ours = state.doc->state_vector();
  if (!state.peer_sv || !(*state.peer_sv == ours)) return;
  if (state.digest_sent_at && *state.digest_sent_at == ours) return;  // already compared here
  state.digest_sent_at = ours;
  SyncMessage m = make_message(SyncMessageKind::digest, name);
  m.state_vector = ours;
  m.digest = state.doc->digest();
  send(m);
}

void SyncSession::send_repair(const std::string& name, DocState& state) {
  const VersionVector ours = state.doc->state_vector();
  if (state.repair_sent_at && *state.repair_sent_at == ours) return;
  state.repair_sent_at = ours;
  SyncMessage m = make_message(SyncMessageKind::repair, name);
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
  if (bytes.size() > options_.max_message_size) return fail(sync_errc::message_too_large);
  auto message = decode_sync_message(bytes);
  if (!message) return fail(message.error());
  return handle(*message);
}

result<void> SyncSession::handle(SyncMessage& m) {
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
  auto it = docs_.find(m.doc);
  if (it == docs_.end()) return {};  // a document we do not host
  const std::string& name = it->first;
  DocState& state = it->second;
  if (m.kind == SyncMessageKind::reject) {
    on_reject(name, state, m);
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
  if (m.kind == SyncMessageKind::hello) state.peer_refuses_all = false;
  switch (m.kind) {
    case SyncMessageKind::hello: {
      state.peer_sv = m.state_vector;
      const VersionVector ours = state.doc->state_vector();
      if (!ours.dominated_by(m.state_vector) && may_send_writes(state)) {
        send_update(name, state, state.doc->encode_update_since(m.state_vector));
      }
      maybe_send_digest(name, state);
      return {};
    }
    case SyncMessageKind::update:
      return on_update(name, state, m);
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
    case SyncMessageKind::repair:
      return on_repair(name, state, m);
    case SyncMessageKind::error:
    case SyncMessageKind::bye:
    case SyncMessageKind::reject:
    case SyncMessageKind::presence:
      break;
  }
  return {};
}

void SyncSession::on_reject(const std::string& name, DocState& state, const SyncMessage& m) {
  // Never answered: two sessions must not reject each other's rejects forever.
  const auto code = static_cast<sync_errc>(m.error_code);
  if (code == sync_errc::read_only && !state.peer_refuses_writes) {
    state.peer_refuses_writes = true;
    // Compare digests again, now that we know the peer's snapshot is the one to keep.
    state.digest_sent_at.reset();
    state.repair_sent_at.reset();
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
  ack.state_vector = state.doc->state_vector();
  send(ack);
  return {};
}

result<void> SyncSession::on_digest(const std::string& name, DocState& state,
                                    const SyncMessage& m) {
  const VersionVector ours = state.doc->state_vector();
  if (!(ours == m.state_vector)) return {};  // stale: one side has moved on
  state.peer_sv = m.state_vector;
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
    // claims. It gets ours instead (again: the first may have crossed its repair),
    // and the next digest exchange runs afresh.
    reject(name, sync_errc::read_only);
    state.repair_sent_at.reset();
    send_repair(name, state);
    state.repair_sent_at.reset();
    state.digest_sent_at.reset();
    return {};
  }
  // First, the peer's full state may simply carry operations our vector wrongly claims.
  auto status = state.doc->apply_update(m.payload);
  if (!status) return fail(status.error());
  if (may_send_writes(state)) send_repair(name, state);  // full exchange: the peer gets ours
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

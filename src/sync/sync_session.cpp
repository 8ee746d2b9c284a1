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

void SyncSession::add_document(std::string name, SyncDocument& doc) {
  DocState& state = docs_[name];
  state = DocState{};
  state.doc = &doc;
  if (started_ && !closed_) send_hello(name, state);
}

void SyncSession::start(std::uint64_t now_ms) {
  if (closed_ || started_) return;
  started_ = true;
  last_anti_entropy_ms_ = now_ms;
  for (auto& [name, state] : docs_) send_hello(name, state);
}

void SyncSession::tick(std::uint64_t now_ms) {
  if (closed_ || !started_) return;
  if (now_ms < last_anti_entropy_ms_ + options_.anti_entropy_interval_ms) return;
  last_anti_entropy_ms_ = now_ms;
  // A fresh hello is enough: its answer carries whatever we lack, and the peer's
  // own anti-entropy pulls whatever it lacks from us.
  for (auto& [name, state] : docs_) send_hello(name, state);
}

void SyncSession::broadcast(std::string_view doc, std::span<const std::uint8_t> update) {
  if (closed_ || !started_) return;
  auto it = docs_.find(doc);
  if (it == docs_.end()) return;
  send_update(it->first, it->second, Bytes(update.begin(), update.end()));
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
  switch (m.kind) {
    case SyncMessageKind::hello: {
      state.peer_sv = m.state_vector;
      const VersionVector ours = state.doc->state_vector();
      if (!ours.dominated_by(m.state_vector)) {
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
      break;
  }
  return {};
}

result<void> SyncSession::on_update(const std::string& name, DocState& state, SyncMessage& m) {
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
  send_repair(name, state);
  return {};
}

result<void> SyncSession::on_repair(const std::string& name, DocState& state,
                                    const SyncMessage& m) {
  // First, the peer's full state may simply carry operations our vector wrongly claims.
  auto status = state.doc->apply_update(m.payload);
  if (!status) return fail(status.error());
  send_repair(name, state);  // full exchange: the peer gets ours too
  const std::uint64_t ours = state.doc->digest();
  if (ours == m.digest) {
    emit(SyncEvent::Kind::repaired, name);
    return {};
  }
  // Same operations by name, different content: only one of the two can be kept.
  // The smaller digest yields, so both sides pick the same survivor.
  if (ours < m.digest) {
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

#include "weft/sync/sync_host.hpp"

#include <vector>

namespace weft {

SyncHost::SyncHost(Transport& transport, SyncOptions options)
    : transport_(transport), options_(options) {
  transport_.set_handler(this);
}

SyncHost::~SyncHost() {
  transport_.set_handler(nullptr);
}

void SyncHost::add_document(std::string name, SyncDocument& doc) {
  docs_[name] = &doc;
  for (auto& [peer, session] : sessions_) {
    session->add_document(name, doc);
    flush(peer, *session);
  }
}

void SyncHost::publish(std::string_view doc, std::span<const std::uint8_t> update) {
  for (auto& [peer, session] : sessions_) {
    session->broadcast(doc, update);
    flush(peer, *session);
  }
}

void SyncHost::tick(std::uint64_t now_ms) {
  now_ms_ = now_ms;
  for (auto& [peer, session] : sessions_) {
    session->tick(now_ms);
    flush(peer, *session);
  }
}

void SyncHost::on_connected(PeerId peer) {
  auto session = std::make_unique<SyncSession>(options_);
  for (auto& [name, doc] : docs_) session->add_document(name, *doc);
  session->start(now_ms_);
  auto& placed = *(sessions_[peer] = std::move(session));
  flush(peer, placed);
}

void SyncHost::on_message(PeerId peer, std::span<const std::uint8_t> message) {
  auto it = sessions_.find(peer);
  if (it == sessions_.end()) return;
  SyncSession& session = *it->second;
  (void)session.receive(message);  // failures surface as a closed event below
  flush(peer, session);
  drain_events(peer, session);
}

void SyncHost::on_disconnected(PeerId peer, boost::system::error_code) {
  sessions_.erase(peer);
}

void SyncHost::flush(PeerId peer, SyncSession& session) {
  for (auto& bytes : session.take_outgoing()) (void)transport_.send(peer, bytes);
}

void SyncHost::drain_events(PeerId peer, SyncSession& session) {
  const auto events = session.take_events();
  bool closed = false;
  for (const auto& event : events) {
    if (event.kind == SyncEvent::Kind::update_applied && event.status.applied > 0) {
      // Relay only what was new here, so an update crosses each link a bounded number of times.
      for (auto& [other, other_session] : sessions_) {
        if (other == peer) continue;
        other_session->broadcast(event.doc, event.update);
        flush(other, *other_session);
      }
    }
    closed |= event.kind == SyncEvent::Kind::closed;
    if (on_event) {
      try {
        on_event(peer, event);
      } catch (...) {
        // An observer's failure must not unwind through the transport or our sessions.
      }
    }
  }
  if (closed) {
    sessions_.erase(peer);
    transport_.disconnect(peer);
  }
}

}  // namespace weft

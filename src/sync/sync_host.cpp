#include "weft/sync/sync_host.hpp"

#include <vector>

namespace weft {
namespace {

// Marks the host busy while a session runs, so that presence output produced meanwhile
// (a Presence's hook fires from inside Presence::apply) waits until the session returns.
struct BusyScope {
  explicit BusyScope(int& busy) : busy_(busy) { ++busy_; }
  ~BusyScope() { --busy_; }
  BusyScope(const BusyScope&) = delete;
  BusyScope& operator=(const BusyScope&) = delete;
  int& busy_;
};

}  // namespace

SyncHost::SyncHost(Transport& transport, SyncOptions options)
    : transport_(transport), options_(options) {
  transport_.set_handler(this);
}

SyncHost::~SyncHost() {
  transport_.set_handler(nullptr);
  for (auto& [name, presence] : presences_) presence->set_outgoing_hook({});
}

Access SyncHost::access_of(PeerId peer, std::string_view doc) const {
  if (!access) return Access::read_write;
  try {
    return access(peer, doc);
  } catch (...) {
    return Access::none;  // fail closed
  }
}

void SyncHost::add_document(std::string name, SyncDocument& doc) {
  docs_[name] = &doc;
  for (auto& [peer, session] : sessions_) {
    session->add_document(name, doc, access_of(peer, name));
    flush(peer, *session);
  }
}

void SyncHost::remove_document(std::string_view name) {
  auto it = docs_.find(name);
  if (it == docs_.end()) return;
  for (auto& [peer, session] : sessions_) session->remove_document(name);
  docs_.erase(it);
}

std::size_t SyncHost::peers_hosting(std::string_view doc) const {
  std::size_t count = 0;
  for (const auto& [peer, session] : sessions_) count += session->peer_hosts(doc) ? 1 : 0;
  return count;
}

void SyncHost::add_presence(std::string doc, Presence& presence) {
  auto [it, added] = presences_.try_emplace(std::move(doc), &presence);
  if (!added && it->second != &presence) {
    it->second->set_outgoing_hook({});
    it->second = &presence;
  }
  (void)presence.take_outgoing();  // new sessions get the current state from known_states()
  presence.set_outgoing_hook([this] {
    if (busy_ == 0) send_presence_outgoing();
  });
  presence.tick(now_ms_);
  for (auto& [peer, session] : sessions_) {
    session->add_presence(it->first, presence, access_of(peer, it->first));
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
  {
    BusyScope busy(busy_);
    for (auto& [name, presence] : presences_) presence->tick(now_ms);
    for (auto& [peer, session] : sessions_) {
      session->tick(now_ms);
      flush(peer, *session);
    }
  }
  send_presence_outgoing();
}

void SyncHost::send_presence_outgoing() {
  for (auto& [name, presence] : presences_) {
    for (const auto& update : presence->take_outgoing()) {
      for (auto& [peer, session] : sessions_) {
        session->send_presence(name, update);
        flush(peer, *session);
      }
    }
  }
}

void SyncHost::on_connected(PeerId peer) {
  auto session = std::make_unique<SyncSession>(options_);
  for (auto& [name, doc] : docs_) session->add_document(name, *doc, access_of(peer, name));
  for (auto& [name, presence] : presences_) {
    session->add_presence(name, *presence, access_of(peer, name));
  }
  {
    BusyScope busy(busy_);
    session->start(now_ms_);
  }
  auto& placed = *(sessions_[peer] = std::move(session));
  flush(peer, placed);
}

void SyncHost::on_message(PeerId peer, std::span<const std::uint8_t> message) {
  auto it = sessions_.find(peer);
  if (it == sessions_.end()) return;
  SyncSession& session = *it->second;
  {
    BusyScope busy(busy_);
    (void)session.receive(message);  // failures surface as a closed event below
    flush(peer, session);
    drain_events(peer, session);
  }
  send_presence_outgoing();
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
    if (event.kind == SyncEvent::Kind::presence_changed) {
      // Presence news, likewise: each entry's clock only grows, so relays end.
      for (auto& [other, other_session] : sessions_) {
        if (other == peer) continue;
        other_session->send_presence(event.doc, event.presence);
        flush(other, *other_session);
      }
    }
    closed |= event.kind == SyncEvent::Kind::closed;
    if (event.kind == SyncEvent::Kind::unhosted && on_unhosted) {
      try {
        on_unhosted(peer, event.doc);
      } catch (...) {
        // As for on_event: a failed load must not unwind through our sessions.
      }
    }
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

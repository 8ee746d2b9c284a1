#include "weft/sync/presence.hpp"

#include <stdexcept>
#include <utility>

#include "weft/sync/sync_error.hpp"

namespace weft {

Presence::Presence(ReplicaId self, PresenceOptions options) : self_(self), options_(options) {
  if (self.is_nil()) throw std::invalid_argument("Presence: nil replica id");
  if (options.refresh_ms == 0 || options.refresh_ms >= options.timeout_ms) {
    throw std::invalid_argument("Presence: refresh_ms must be in [1, timeout_ms)");
  }
}

result<void> Presence::set_local_state(Bytes state) {
  if (state.size() > options_.max_state_size) return sync_errc::presence_too_large;
  local_ = PresenceEntry{std::move(state), 0, now_};
  publish_local();
  return {};
}

void Presence::clear_local_state() {
  if (!local_) return;
  local_.reset();
  publish_local();
}

const PresenceEntry* Presence::local_state() const noexcept {
  return local_ ? &*local_ : nullptr;
}

void Presence::publish_local() {
  ++clock_;
  published_ = true;
  last_published_ms_ = now_;
  PresenceUpdate update{self_, clock_, 0, std::nullopt};
  if (local_) {
    local_->clock = clock_;
    local_->last_seen_ms = now_;
    update.state = local_->state;
  }
  outgoing_.push_back(std::move(update));
  if (outgoing_hook_) outgoing_hook_();
}

void Presence::notify(ReplicaId replica, const PresenceEntry* entry) {
  if (!on_change) return;
  try {
    on_change(replica, entry);
  } catch (...) {
    ++observer_errors_;  // an observer's failure must not undo or interrupt integration
  }
}

std::uint64_t Presence::age_of(std::uint64_t last_seen_ms) const noexcept {
  return now_ > last_seen_ms ? now_ - last_seen_ms : 0;
}

void Presence::tick(std::uint64_t now_ms) {
  if (now_ms > now_) now_ = now_ms;
  for (auto it = gone_.begin(); it != gone_.end();) {
    it = age_of(it->second.last_seen_ms) >= options_.timeout_ms ? gone_.erase(it) : std::next(it);
  }
  // Collect first: on_change may call back into this object.
  std::vector<ReplicaId> expired;
  for (const auto& [replica, entry] : remote_) {
    if (age_of(entry.last_seen_ms) >= options_.timeout_ms) expired.push_back(replica);
  }
  for (ReplicaId replica : expired) {
    // No tombstone: any later message about this entry is older than timeout_ms
    // (ages travel with messages) unless the replica speaks again, which is news.
    remote_.erase(replica);
    notify(replica, nullptr);
  }
  if (local_ && now_ - last_published_ms_ >= options_.refresh_ms) publish_local();
}

result<bool> Presence::apply(const PresenceUpdate& update) {
  if (update.replica.is_nil() || update.clock == UINT64_MAX) return errc::invalid_value;
  if (update.state && update.state->size() > options_.max_state_size) {
    return sync_errc::presence_too_large;
  }
  if (update.replica == self_) {
    // Our own entry, echoed back. Newer than ours (or as new but different) means it
    // is from before a restart: move past it so that peers take our present entry.
    // A faithful echo changes nothing, so a cycle of peers cannot loop on it.
    const bool same = update.clock == clock_ &&
                      (local_ ? update.state == local_->state : !update.state.has_value());
    if (update.clock > clock_ || (update.clock == clock_ && !same)) {
      clock_ = update.clock;
      if (local_ || update.state) publish_local();  // a live ghost must be replaced
    }
    return false;
  }
  if (update.age_ms >= options_.timeout_ms) return false;  // would be expired already
  std::uint64_t known = 0;
  auto live = remote_.find(update.replica);
  if (live != remote_.end()) known = live->second.clock;
  if (auto tomb = gone_.find(update.replica); tomb != gone_.end()) known = tomb->second.clock;
  if (update.clock <= known) return false;
  if (known == 0 && remote_.size() + gone_.size() >= options_.max_entries) {
    return sync_errc::presence_too_large;
  }
  const std::uint64_t seen = now_ > update.age_ms ? now_ - update.age_ms : 0;
  if (update.state) {
    gone_.erase(update.replica);
    PresenceEntry& entry = remote_[update.replica];
    entry = PresenceEntry{*update.state, update.clock, seen};
    notify(update.replica, &entry);
  } else {
    gone_[update.replica] = Tombstone{update.clock, seen};
    if (live != remote_.end()) {
      remote_.erase(live);
      notify(update.replica, nullptr);
    }
  }
  return true;
}

std::vector<PresenceUpdate> Presence::known_states() const {
  std::vector<PresenceUpdate> out;
  if (published_) {
    PresenceUpdate own{self_, clock_, 0, std::nullopt};  // we are alive: age 0
    if (local_) own.state = local_->state;
    out.push_back(std::move(own));
  }
  for (const auto& [replica, entry] : remote_) {
    out.push_back({replica, entry.clock, age_of(entry.last_seen_ms), entry.state});
  }
  for (const auto& [replica, tomb] : gone_) {
    out.push_back({replica, tomb.clock, age_of(tomb.last_seen_ms), std::nullopt});
  }
  return out;
}

std::vector<PresenceUpdate> Presence::take_outgoing() {
  return std::exchange(outgoing_, {});
}

}  // namespace weft

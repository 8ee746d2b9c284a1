#pragma once
// Presence (awareness): ephemeral per-document state of each replica, such as a user
// name, a colour, a cursor and selection (encoded by the application, e.g. as stable
// positions), that reaches every peer, disappears when a replica goes silent and is
// never persisted.
//
// Model. Each replica owns one entry {state, clock}. Only the owner changes it:
// set_local_state() and clear_local_state() bump the owner's clock and publish the
// new entry; clearing publishes a tombstone ("gone"). Everyone else keeps, per
// replica, the entry with the highest clock seen (conflict rule: newest clock wins;
// an equal or older clock is ignored, so duplicates and reordering are harmless).
// An entry is news exactly when its clock is higher than what we had, and only news
// is relayed by SyncHost to its other peers, so an entry crosses each link a bounded
// number of times and chains and stars converge like full meshes.
//
// Liveness. The owner re-publishes its state every refresh_ms (bumping the clock).
// A remote entry not refreshed for timeout_ms expires: it is dropped and on_change
// reports nullptr. Messages carry their age (how long ago the sender last heard the
// entry), so a stale entry relayed late by a third peer is not revived: an entry
// older than timeout_ms on arrival is ignored. Tombstones are kept for timeout_ms
// (so a delayed older state cannot revive a replica that left), then forgotten.
// A restarted replica begins again at clock 0; when a peer shows it its own older
// entry with a higher clock, it jumps its clock past it and re-publishes, so it
// reappears immediately instead of being ignored until the old entry expires.
//
// Bounds. A state is at most max_state_size bytes: set_local_state() refuses a
// larger one and received ones are refused (sync_errc::presence_too_large) and
// never stored or relayed. At most max_entries remote replicas are tracked; an
// entry of one more replica is refused the same way until others expire.
//
// Trust. Entries are not authenticated: any peer with access to the document may
// publish an entry under any replica id (as with Yjs awareness). Presence is for
// display; never base a decision on it. A peer that replays our own id is
// harmless: we move past its clock (see above).
//
// Time. Presence has no clock of its own: tick(now_ms) tells it the time (monotonic
// milliseconds; a smaller value than before is ignored). SyncHost::tick forwards
// its time to every hosted Presence.
//
// Complexity: O(log n) per received entry, O(n) per tick, n = known replicas.
// Thread safety: none; use it on the thread that drives its SyncHost.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "weft/core/replica_id.hpp"
#include "weft/encoding/error.hpp"
#include "weft/encoding/writer.hpp"

namespace weft {

struct PresenceOptions {
  std::uint64_t timeout_ms = 30'000;  // a remote entry expires after this long unrefreshed
  std::uint64_t refresh_ms = 10'000;  // our own state is re-published this often
  std::size_t max_state_size = 4096;  // bytes of one state
  std::size_t max_entries = 4096;     // remote replicas tracked (live and tombstones)
};

struct PresenceEntry {
  Bytes state;
  std::uint64_t clock = 0;
  std::uint64_t last_seen_ms = 0;  // when (in tick time) this entry was last refreshed
};

// One replica's entry as it travels (a presence message's content).
struct PresenceUpdate {
  ReplicaId replica;
  std::uint64_t clock = 0;
  std::uint64_t age_ms = 0;    // how long ago the sender last heard this entry
  std::optional<Bytes> state;  // nullopt: the replica left (tombstone)
  friend bool operator==(const PresenceUpdate&, const PresenceUpdate&) = default;
};

class Presence {
 public:
  // Throws std::invalid_argument for a nil replica, refresh_ms == 0 or
  // refresh_ms >= timeout_ms (every entry would expire between two refreshes).
  explicit Presence(ReplicaId self, PresenceOptions options = {});
  // Not copyable or movable: SyncHost refers to it by address.
  Presence(const Presence&) = delete;
  Presence& operator=(const Presence&) = delete;

  // Sets and publishes our state (clock + 1). Over max_state_size: returns
  // sync_errc::presence_too_large and changes nothing.
  result<void> set_local_state(Bytes state);
  // Tells peers we left (a tombstone, clock + 1). Does nothing if we have no state.
  void clear_local_state();

  // Our own entry, or nullptr when none is set.
  [[nodiscard]] const PresenceEntry* local_state() const noexcept;
  // Other replicas' live entries (tombstones and expired entries are not listed).
  [[nodiscard]] const std::map<ReplicaId, PresenceEntry>& remote_states() const noexcept {
    return remote_;
  }
  [[nodiscard]] ReplicaId self() const noexcept { return self_; }
  [[nodiscard]] const PresenceOptions& options() const noexcept { return options_; }
  [[nodiscard]] std::uint64_t now() const noexcept { return now_; }

  // Called when a remote replica's state appears or changes (entry) or goes away:
  // cleared or expired (nullptr). May call set_local_state/clear_local_state. An
  // exception it throws is caught and counted, never propagated.
  std::function<void(ReplicaId, const PresenceEntry*)> on_change;
  [[nodiscard]] std::uint64_t observer_errors() const noexcept { return observer_errors_; }

  // --- used by the sync layer (SyncSession, SyncHost), or by a custom one ---

  // Advances time: expires silent remote entries, forgets old tombstones, and
  // queues a refresh of our own state when refresh_ms has passed.
  void tick(std::uint64_t now_ms);
  // Integrates an entry received from a peer. Returns true when it is news (to be
  // relayed to the other peers), false when it is stale, a duplicate or our own.
  // Errors: sync_errc::presence_too_large (state over max_state_size, or a new
  // replica beyond max_entries), errc::invalid_value (nil replica, or the clock
  // 2^64-1, which nobody could ever supersede); in every case nothing changes.
  result<bool> apply(const PresenceUpdate& update);
  // Everything a newly connected peer should learn: our entry (or tombstone) and
  // every remote live entry and tombstone, with their current age.
  [[nodiscard]] std::vector<PresenceUpdate> known_states() const;
  // Our own entries queued for every peer since the last call (set, clear, refresh).
  [[nodiscard]] std::vector<PresenceUpdate> take_outgoing();
  // Called (with no arguments) whenever take_outgoing() has something new. SyncHost
  // installs its own on add_presence; a Presence belongs to at most one host.
  void set_outgoing_hook(std::function<void()> hook) { outgoing_hook_ = std::move(hook); }

 private:
  struct Tombstone {
    std::uint64_t clock = 0;
    std::uint64_t last_seen_ms = 0;
  };

  void publish_local();
  void notify(ReplicaId replica, const PresenceEntry* entry);
  [[nodiscard]] std::uint64_t age_of(std::uint64_t last_seen_ms) const noexcept;

  ReplicaId self_;
  PresenceOptions options_;
  std::uint64_t now_ = 0;
  std::uint64_t clock_ = 0;             // our latest published clock
  std::optional<PresenceEntry> local_;  // our state, if set
  bool published_ = false;              // we have published at least once
  std::uint64_t last_published_ms_ = 0;
  std::map<ReplicaId, PresenceEntry> remote_;
  std::map<ReplicaId, Tombstone> gone_;
  std::vector<PresenceUpdate> outgoing_;
  std::function<void()> outgoing_hook_;
  std::uint64_t observer_errors_ = 0;
};

}  // namespace weft

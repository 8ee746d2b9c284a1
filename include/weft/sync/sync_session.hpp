#pragma once
// SyncSession: the sync protocol with one remote peer, as a pure state machine.
//
// It does no I/O and starts no threads: feed it what the peer sent (receive),
// tell it the time (tick), hand it local updates (broadcast), and send whatever
// take_outgoing() returns over any Transport. Several documents share one
// session, each under a name both sides agree on.
//
// Protocol (see sync_message.hpp for the wire format):
//  1. start(): a hello for every document, carrying only a hash of our state vector,
//     so a hello is a few bytes however many replicas the document has seen.
//  2. On a hello whose hash differs from ours, we send our whole vector (`state`); on
//     a `state`, we send an update with exactly what the peer lacks (if anything), and
//     our own vector if the peer has what we lack (unless we sent it at this version).
//     Both sides do this, so hellos crossing, states crossing and updates crossing
//     bring both up to date, and one greeting lost on the way costs a trip, not a tick.
//  3. broadcast(): live updates, each numbered; the peer acks each with its new
//     state vector, so we always know what it has.
//  4. tick(): every anti_entropy_interval_ms, one `summary` of every document both
//     sides host (kSummaryBuckets hashes, see sync_summary.hpp), whatever their number.
//     A peer whose buckets differ sends a hello for each document in those buckets
//     only, and step 2 repairs any lost update or ack without reconnecting. The
//     summary is kept up to date incrementally, from the documents this session saw
//     change (its own updates, broadcast() and repairs): publish every local update
//     through broadcast(), as SyncHost does, or the summary goes stale until then.
//  5. When both sides report equal state vectors we compare content digests. A
//     mismatch (equal vectors, different content: e.g. a replica id reused by two
//     replicas) is reported as divergence_detected and repaired by a full exchange:
//     both send full snapshots and apply them; if digests still differ, the side
//     with the smaller digest adopts the other's snapshot (SyncDocument::adopt_snapshot),
//     so both end identical, and the event says so. A repair carries its sender's
//     vector: one that is not ours is answered with what the sender lacks, never with
//     a snapshot; a snapshot goes only at equal vectors, and only as the peer's
//     snapshot budget allows (PeerLimits: snapshot_burst, then one per
//     snapshot_interval_ms; an update_not_sent event with rate_limited reports one
//     held back, and the next digest exchange asks again).
// Rate limits (SyncOptions::limits, see peer_budget.hpp): what the peer sends, and what
// we answer it, is metered. A message over budget is dropped unread: receive() returns
// sync_errc::rate_limited and the session stays open; at the first drop of a window
// the peer is told with reject(rate_limited) (a `refused` event here). What is dropped
// is repaired by anti-entropy once the peer slows down. A peer that keeps sending
// through a window of drops is closed with rate_limited. Time is what start() and
// tick() were last told, so the limits are deterministic under test.
// Bounds: messages over max_message_size are refused (received) or not sent (an
// event reports it); if applying a peer's update leaves more than max_pending
// operations waiting for dependencies, the session closes with too_many_pending.
// Any malformed or unknown message closes the session: an error message is queued
// for the peer, receive() returns the typed error, and every later call is a no-op.
// A hello naming documents not hosted here is answered with `absent` naming them and
// reported as an `unhosted` event per name (a server may then load and add the
// document, which greets the peer): the peer stops greeting them and sending their
// updates until we name them ourselves. Other messages about such documents are ignored.
//
// Access (see access.hpp). Each document is added with the Access the peer has to it,
// and the session enforces it whatever the peer sends:
//  - none: nothing about the document is ever sent; a message from the peer naming it
//    is answered with reject(access_denied) and otherwise ignored (a `refused` event).
//  - read: the peer gets everything, but its updates and repairs are answered with
//    reject(read_only), never applied, acknowledged, relayed or adopted, whatever
//    digest they claim. Divergence with a read-only peer is repaired one way only:
//    we send our snapshot, the peer adopts it.
// A reject received is reported as a `rejected` event and the session stays open.
// After reject(read_only) we stop sending the peer updates and repairs of that
// document (it would refuse them) and, on divergence, adopt its snapshot; after
// reject(access_denied) we send nothing more about that document until the peer
// names it itself. A reject is never answered with a reject.
//
// Presence (see presence.hpp). A Presence added for a document name travels with it
// under the same Access: none = neither sent nor accepted; read and read_write = both.
// On start (or when added later) the session sends the peer every entry the Presence
// knows; received entries are applied, and news is reported as a `presence_changed`
// event for relaying to other peers. Entries over the size bound are refused with
// reject(presence_too_large).
// Not thread-safe; documents and presences must outlive the session.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "weft/sync/access.hpp"
#include "weft/sync/peer_budget.hpp"
#include "weft/sync/presence.hpp"
#include "weft/sync/sync_document.hpp"
#include "weft/sync/sync_error.hpp"
#include "weft/sync/sync_message.hpp"
#include "weft/sync/sync_summary.hpp"

namespace weft {

struct SyncOptions {
  std::size_t max_message_size = std::size_t{64} << 20;
  std::uint64_t max_pending = 1'000'000;
  std::uint64_t anti_entropy_interval_ms = 1000;
  PeerLimits limits{};
};

struct SyncEvent {
  enum class Kind {
    update_applied,       // doc, status, update (the bytes, for relaying to other peers)
    synced,               // doc: equal state vectors and equal digests
    divergence_detected,  // doc: equal state vectors, different digests
    repaired,             // doc: digests agree again after a full exchange
    repair_failed,        // doc, error: digests still differ and adoption failed
    update_not_sent,      // doc, error: an update was over max_message_size
    closed,               // error: why (empty after an orderly bye)
    rejected,             // doc, error, reason: the peer refused what we sent (not fatal)
    refused,              // doc, error: we refused what the peer sent and told it
                          // (rate_limited: doc "", the session stays open)
    presence_changed,     // doc, presence: news from the peer, applied (relay it)
    unhosted,             // doc: the peer greeted a document not hosted here (told `absent`)
  };
  Kind kind = Kind::closed;
  std::string doc;
  UpdateStatus status;
  Bytes update;
  boost::system::error_code error;
  std::string reason;       // rejected: the peer's explanation
  PresenceUpdate presence;  // presence_changed
};

class SyncSession {
 public:
  explicit SyncSession(SyncOptions options = {});

  // Adds a document under `name` (replacing any earlier one of that name), which the
  // peer may use as `access` allows.
  void add_document(std::string name, SyncDocument& doc, Access access = Access::read_write);
  // Adds presence for the document name `name` (replacing any earlier one). `access`
  // applies to the name as a whole: it replaces the access given to add_document.
  void add_presence(std::string name, Presence& presence, Access access = Access::read_write);
  // Stops hosting the document `name` (a presence under the name stays). The peer is not
  // told: its later messages about it are treated as about any document not hosted.
  void remove_document(std::string_view name);
  // The connection is up: greets the peer for every document.
  void start(std::uint64_t now_ms = 0);
  // Processes one message from the peer (rate_limited: dropped unread, still open).
  result<void> receive(std::span<const std::uint8_t> message);
  // Sends a live update of `doc` (made locally, or received from another peer).
  void broadcast(std::string_view doc, std::span<const std::uint8_t> update);
  // Sends a presence entry of `doc` (ours, or news from another peer); nothing if the
  // peer has no access to `doc` or no presence is hosted under that name.
  void send_presence(std::string_view doc, const PresenceUpdate& update);
  // Advances time; runs anti-entropy when due.
  void tick(std::uint64_t now_ms);
  // Ends the session in order (queues a bye).
  void close();

  [[nodiscard]] std::vector<Bytes> take_outgoing();
  [[nodiscard]] std::vector<SyncEvent> take_events();
  [[nodiscard]] bool is_closed() const noexcept { return closed_; }
  // What the peer is known to have for `doc` (from its hellos and acks).
  [[nodiscard]] std::optional<VersionVector> peer_state_vector(std::string_view doc) const;
  // The peer's access to `doc` (Access::none for a name not added).
  [[nodiscard]] Access access(std::string_view doc) const;
  // True once the peer has rejected our writes (read_only) or any mention
  // (access_denied) of `doc` in this session.
  [[nodiscard]] bool peer_refuses_writes(std::string_view doc) const;
  // True when the peer has named `doc` in this session (it hosts it too) and has not
  // since said `absent`: the peer is interested in the document.
  [[nodiscard]] bool peer_hosts(std::string_view doc) const;

 private:
  struct DocState {
    SyncDocument* doc = nullptr;     // null when only presence is hosted under the name
    bool peer_named = false;         // the peer greeted it: it counts in our summary
    bool summary_stale = false;      // queued in stale_ for recomputing
    std::uint64_t summary_part = 0;  // what it adds to summary_ (0: not counted)
    Presence* presence = nullptr;
    Access access = Access::read_write;
    bool peer_refuses_writes = false;  // the peer sent reject(read_only)
    bool peer_refuses_all = false;     // the peer sent reject(access_denied)
    bool peer_lacks_doc = false;       // the peer said `absent`: it does not host it
    std::optional<VersionVector> peer_sv;
    std::uint64_t next_sequence = 1;
    // What this session has told the peer of our vector (state, repair, acks):
    // an ack carries only the entries above it.
    VersionVector told;
    std::optional<std::uint64_t> digest_sent_at;   // our vector's hash when we last sent a digest
    std::optional<VersionVector> repair_sent_at;   // our vector when we last sent a repair
    std::optional<std::uint64_t> state_sent_hash;  // its hash when we last sent our vector
  };

  using DocIter = std::map<std::string, DocState, std::less<>>::iterator;

  void send(const SyncMessage& message, DocState* about = nullptr);
  void send_hellos(std::span<const DocIter> docs);       // in messages of kMaxGreetings
  void send_absent(std::span<const std::string> names);  // in messages of kMaxGreetings
  void send_state(const std::string& name, DocState& state);
  void send_missing(const std::string& name, DocState& state, const VersionVector& peer_has);
  void send_summary();
  void mark_stale(DocIter it);
  void refresh_summary();
  void send_update(const std::string& name, DocState& state, Bytes update);
  void maybe_send_digest(const std::string& name, DocState& state);
  void send_repair(const std::string& name, DocState& state);
  void send_presence_states(const std::string& name, DocState& state);
  void send_presence_update(const std::string& name, const PresenceUpdate& update);
  void reject(const std::string& name, sync_errc code);
  [[nodiscard]] static bool may_send(const DocState& state) noexcept;
  [[nodiscard]] static bool may_send_writes(const DocState& state) noexcept;
  [[nodiscard]] static bool greets(const DocState& state) noexcept;
  void greet_unanswered();
  result<void> handle(SyncMessage& message);
  result<void> handle_one(SyncMessage& message);  // a message about one document
  void on_hello(const std::string& name, DocState& state, const SyncMessage& message);
  void on_summary(const SyncMessage& message);
  void on_state(const std::string& name, DocState& state, const SyncMessage& message);
  void on_reject(const std::string& name, DocState& state, const SyncMessage& message);
  void on_presence(const std::string& name, DocState& state, const SyncMessage& message);
  result<void> on_update(const std::string& name, DocState& state, SyncMessage& message);
  result<void> on_digest(const std::string& name, DocState& state, const SyncMessage& message);
  result<void> on_repair(const std::string& name, DocState& state, const SyncMessage& message);
  result<void> fail(boost::system::error_code error);
  void emit(SyncEvent::Kind kind, const std::string& doc, boost::system::error_code error = {});

  SyncOptions options_;
  std::map<std::string, DocState, std::less<>> docs_;
  std::vector<Bytes> outgoing_;
  std::vector<SyncEvent> events_;
  bool started_ = false;
  bool closed_ = false;
  std::uint64_t last_anti_entropy_ms_ = 0;
  std::uint64_t now_ms_ = 0;

  // Anti-entropy over every document at once: the summary, the documents in each
  // bucket (so a differing bucket costs only its own documents), and those to refresh.
  SyncSummary summary_;
  std::array<std::vector<DocIter>, kSummaryBuckets> bucket_members_;
  std::vector<DocIter> stale_;
  // Documents greeted but not yet named back nor refused by the peer: greeted again at
  // every anti-entropy tick (the hello may have been lost), until they are.
  std::vector<DocIter> unanswered_;
  std::vector<std::string> recheck_;  // digest checks to run again at the next tick

  PeerBudget budget_;
  bool answering_ = false;  // inside receive(): what we send is charged to the peer
};

}  // namespace weft

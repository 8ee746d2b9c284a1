#pragma once
// SimulatedNetwork: an in-memory Transport for tests and simulations, with a
// seeded scheduler and fault injection.
//
// Nodes are numbered 0..n-1; each has its own Transport endpoint. Links are
// bidirectional and carry messages after a random delay drawn per message, so
// they reorder whenever the delay range is wider than zero. Per link one can
// inject loss, duplication and extra reordering delay; partitions silently drop
// every message between groups (connections stay up, as in a real network
// split) until heal(). crash(node) cuts all of a node's connections and drops
// its in-flight messages; restart(node) reconnects it with fresh PeerIds, after
// the caller has restored the node's state (for example from its last snapshot).
//
// Deterministic: the same seed and the same sequence of calls give the same
// deliveries in the same order. Time is virtual milliseconds; nothing sleeps.
// Not thread-safe: drive it from one thread. Handler exceptions propagate out
// of step()/run_*() after the network's own state is consistent.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <vector>

#include "weft/transport/transport.hpp"

namespace weft {

struct LinkFaults {
  double loss = 0.0;       // probability a message is dropped
  double duplicate = 0.0;  // probability a message is delivered twice
  double reorder = 0.0;    // probability a message gets reorder_delay_ms extra
  std::uint64_t min_delay_ms = 1;
  std::uint64_t max_delay_ms = 1;
  std::uint64_t reorder_delay_ms = 50;
};

struct NetworkStats {
  std::uint64_t sent = 0;
  std::uint64_t delivered = 0;
  std::uint64_t dropped = 0;  // loss, partitions, crashes, closed connections
  std::uint64_t duplicated = 0;
  std::uint64_t bytes_sent = 0;
};

class SimulatedNetwork {
 public:
  using NodeId = std::size_t;

  explicit SimulatedNetwork(std::uint64_t seed, std::size_t max_message_size = 64u << 20);
  ~SimulatedNetwork();
  SimulatedNetwork(const SimulatedNetwork&) = delete;
  SimulatedNetwork& operator=(const SimulatedNetwork&) = delete;

  // Adds a node and returns its id; its endpoint is transport(id).
  NodeId add_node();
  [[nodiscard]] std::size_t node_count() const noexcept { return nodes_.size(); }
  [[nodiscard]] Transport& transport(NodeId node);

  // Links two distinct nodes; both get on_connected at the current time.
  // Linking an already linked pair does nothing. Throws std::out_of_range for unknown nodes.
  void connect(NodeId a, NodeId b);
  // Links every pair of nodes.
  void connect_all();

  void set_default_faults(const LinkFaults& faults);
  // Faults of the link between a and b (both directions), overriding the default.
  void set_link_faults(NodeId a, NodeId b, const LinkFaults& faults);

  // Splits the nodes into groups; messages between different groups are dropped.
  // Nodes not named form one more group together.
  void partition(const std::vector<std::vector<NodeId>>& groups);
  void heal();

  // The node dies: its connections close (peers see on_disconnected) and every
  // message to or from it still in flight is lost. It receives nothing until restart.
  void crash(NodeId node);
  // Reconnects a crashed node to the nodes it was linked with.
  void restart(NodeId node);
  [[nodiscard]] bool is_up(NodeId node) const;

  // Runs the next event; false when nothing is scheduled.
  bool step();
  // Runs events until none is left or `max_events` ran; returns how many ran.
  std::size_t run_until_idle(std::size_t max_events = SIZE_MAX);
  // Runs every event scheduled up to now + ms, then sets the clock to now + ms.
  void advance(std::uint64_t ms);
  [[nodiscard]] std::uint64_t now() const noexcept { return now_; }
  [[nodiscard]] bool idle() const noexcept { return events_.empty(); }
  [[nodiscard]] const NetworkStats& stats() const noexcept { return stats_; }

 private:
  class Endpoint;
  struct Connection {
    NodeId a, b;
    PeerId a_sees_b, b_sees_a;  // the PeerId each side uses for the other
    bool open = true;
    bool a_told = false, b_told = false;  // on_connected delivered to that side
  };
  struct Event {
    std::uint64_t time;
    std::uint64_t sequence;  // FIFO among equal times: determinism
    enum class Kind { deliver, connected, disconnected } kind;
    NodeId to;
    PeerId peer;             // as the receiving node names the other side
    std::size_t connection;  // index into connections_
    std::vector<std::uint8_t> bytes;
    friend bool operator>(const Event& x, const Event& y) {
      return x.time != y.time ? x.time > y.time : x.sequence > y.sequence;
    }
  };

  result<void> send_from(NodeId from, PeerId peer, std::span<const std::uint8_t> message);
  void close_connection(std::size_t index);
  void open_connection(NodeId a, NodeId b);
  void schedule(Event event);
  [[nodiscard]] const LinkFaults& faults_between(NodeId a, NodeId b) const;
  [[nodiscard]] bool partitioned(NodeId a, NodeId b) const;
  void dispatch(Event& event);
  void check_node(NodeId node) const;

  std::mt19937_64 rng_;
  std::size_t max_message_size_;
  std::uint64_t now_ = 0;
  std::uint64_t next_sequence_ = 0;
  std::uint64_t next_peer_id_ = 1;
  std::vector<std::unique_ptr<Endpoint>> nodes_;
  std::vector<Connection> connections_;
  std::set<std::pair<NodeId, NodeId>> links_;  // (min, max) pairs ever connected
  LinkFaults default_faults_;
  std::map<std::pair<NodeId, NodeId>, LinkFaults> link_faults_;
  std::vector<std::size_t> group_of_;  // empty when not partitioned
  std::vector<bool> up_;
  std::vector<Event> events_;  // a min-heap on (time, sequence)
  NetworkStats stats_;
};

}  // namespace weft

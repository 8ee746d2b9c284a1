#include "weft/transport/simulated_network.hpp"

#include <algorithm>
#include <stdexcept>

namespace weft {

// One node's view of the network: a Transport whose peers are its open connections.
class SimulatedNetwork::Endpoint final : public Transport {
 public:
  Endpoint(SimulatedNetwork& network, NodeId node) : network_(network), node_(node) {}

  result<void> send(PeerId peer, std::span<const std::uint8_t> message) override {
    return network_.send_from(node_, peer, message);
  }
  void disconnect(PeerId peer) override {
    if (auto it = open_.find(peer); it != open_.end()) network_.close_connection(it->second);
  }
  [[nodiscard]] std::vector<PeerId> peers() const override {
    std::vector<PeerId> out;
    for (const auto& [peer, connection] : open_) out.push_back(peer);
    return out;
  }

  TransportHandler* receiver() const noexcept { return handler(); }
  std::map<PeerId, std::size_t> open_;  // peer -> index into connections_

 private:
  SimulatedNetwork& network_;
  NodeId node_;
};

SimulatedNetwork::SimulatedNetwork(std::uint64_t seed, std::size_t max_message_size)
    : rng_(seed), max_message_size_(max_message_size) {}

SimulatedNetwork::~SimulatedNetwork() = default;

SimulatedNetwork::NodeId SimulatedNetwork::add_node() {
  nodes_.push_back(std::make_unique<Endpoint>(*this, nodes_.size()));
  up_.push_back(true);
  if (!group_of_.empty()) group_of_.push_back(SIZE_MAX);  // joins the "everyone else" group
  return nodes_.size() - 1;
}

Transport& SimulatedNetwork::transport(NodeId node) {
  check_node(node);
  return *nodes_[node];
}

void SimulatedNetwork::check_node(NodeId node) const {
  if (node >= nodes_.size()) throw std::out_of_range("SimulatedNetwork: unknown node");
}

void SimulatedNetwork::connect(NodeId a, NodeId b) {
  check_node(a);
  check_node(b);
  if (a == b) throw std::invalid_argument("SimulatedNetwork: a node cannot link to itself");
  if (!links_.insert({std::min(a, b), std::max(a, b)}).second) return;
  if (up_[a] && up_[b]) open_connection(a, b);
}

void SimulatedNetwork::connect_all() {
  for (NodeId a = 0; a < nodes_.size(); ++a) {
    for (NodeId b = a + 1; b < nodes_.size(); ++b) connect(a, b);
  }
}

void SimulatedNetwork::open_connection(NodeId a, NodeId b) {
  const std::size_t index = connections_.size();
  connections_.push_back({a, b, PeerId{next_peer_id_++}, PeerId{next_peer_id_++}, true});
  const Connection& c = connections_.back();
  nodes_[a]->open_[c.a_sees_b] = index;
  nodes_[b]->open_[c.b_sees_a] = index;
  schedule({now_, 0, Event::Kind::connected, a, c.a_sees_b, index, {}});
  schedule({now_, 0, Event::Kind::connected, b, c.b_sees_a, index, {}});
}

void SimulatedNetwork::close_connection(std::size_t index) {
  Connection& c = connections_[index];
  if (!c.open) return;
  c.open = false;
  nodes_[c.a]->open_.erase(c.a_sees_b);
  nodes_[c.b]->open_.erase(c.b_sees_a);
  // A crashed node hears nothing; the survivor learns of the loss.
  if (up_[c.a]) schedule({now_, 0, Event::Kind::disconnected, c.a, c.a_sees_b, index, {}});
  if (up_[c.b]) schedule({now_, 0, Event::Kind::disconnected, c.b, c.b_sees_a, index, {}});
}

void SimulatedNetwork::set_default_faults(const LinkFaults& faults) {
  default_faults_ = faults;
}

void SimulatedNetwork::set_link_faults(NodeId a, NodeId b, const LinkFaults& faults) {
  check_node(a);
  check_node(b);
  link_faults_[{std::min(a, b), std::max(a, b)}] = faults;
}

const LinkFaults& SimulatedNetwork::faults_between(NodeId a, NodeId b) const {
  auto it = link_faults_.find({std::min(a, b), std::max(a, b)});
  return it != link_faults_.end() ? it->second : default_faults_;
}

void SimulatedNetwork::partition(const std::vector<std::vector<NodeId>>& groups) {
  group_of_.assign(nodes_.size(), SIZE_MAX);
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (NodeId node : groups[g]) {
      check_node(node);
      group_of_[node] = g;
    }
  }
}

void SimulatedNetwork::heal() {
  group_of_.clear();
}

bool SimulatedNetwork::partitioned(NodeId a, NodeId b) const {
  return !group_of_.empty() && group_of_[a] != group_of_[b];
}

void SimulatedNetwork::crash(NodeId node) {
  check_node(node);
  if (!up_[node]) return;
  up_[node] = false;
  std::vector<std::size_t> open;
  for (const auto& [peer, index] : nodes_[node]->open_) open.push_back(index);
  for (std::size_t index : open) close_connection(index);
}

void SimulatedNetwork::restart(NodeId node) {
  check_node(node);
  if (up_[node]) return;
  up_[node] = true;
  for (const auto& [a, b] : links_) {
    if ((a == node && up_[b]) || (b == node && up_[a])) open_connection(a, b);
  }
}

bool SimulatedNetwork::is_up(NodeId node) const {
  check_node(node);
  return up_[node];
}

result<void> SimulatedNetwork::send_from(NodeId from, PeerId peer,
                                         std::span<const std::uint8_t> message) {
  auto& endpoint = *nodes_[from];
  auto it = endpoint.open_.find(peer);
  if (!up_[from] || it == endpoint.open_.end()) return transport_errc::not_connected;
  if (message.size() > max_message_size_) return transport_errc::message_too_large;
  const Connection& c = connections_[it->second];
  const NodeId to = c.a == from ? c.b : c.a;
  const PeerId as_seen_by_receiver = c.a == from ? c.b_sees_a : c.a_sees_b;
  ++stats_.sent;
  stats_.bytes_sent += message.size();

  const LinkFaults& f = faults_between(from, to);
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  // Draw every random decision up front so the stream of draws does not depend on
  // which faults fire: a seed then replays identically even if a probability changes.
  const bool lost = coin(rng_) < f.loss;
  const bool duplicated = coin(rng_) < f.duplicate;
  const int copies = duplicated ? 2 : 1;
  std::uniform_int_distribution<std::uint64_t> delay(f.min_delay_ms,
                                                     std::max(f.min_delay_ms, f.max_delay_ms));
  std::uint64_t times[2];
  for (auto& t : times) {
    t = now_ + delay(rng_);
    if (coin(rng_) < f.reorder) t += f.reorder_delay_ms;
  }
  if (lost || partitioned(from, to)) {
    ++stats_.dropped;
    return {};
  }
  if (duplicated) ++stats_.duplicated;
  for (int i = 0; i < copies; ++i) {
    schedule({times[i], 0, Event::Kind::deliver, to, as_seen_by_receiver, it->second,
              std::vector<std::uint8_t>(message.begin(), message.end())});
  }
  return {};
}

void SimulatedNetwork::schedule(Event event) {
  event.sequence = next_sequence_++;
  events_.push_back(std::move(event));
  std::push_heap(events_.begin(), events_.end(), std::greater<>{});
}

bool SimulatedNetwork::step() {
  if (events_.empty()) return false;
  std::pop_heap(events_.begin(), events_.end(), std::greater<>{});
  Event event = std::move(events_.back());
  events_.pop_back();
  now_ = std::max(now_, event.time);
  dispatch(event);
  return true;
}

void SimulatedNetwork::dispatch(Event& event) {
  Connection& c = connections_[event.connection];
  bool& told = event.to == c.a && event.peer == c.a_sees_b ? c.a_told : c.b_told;
  auto* receiver = nodes_[event.to]->receiver();
  switch (event.kind) {
    case Event::Kind::deliver:
      // A message outlives neither its connection nor a partition raised meanwhile.
      if (!c.open || !up_[event.to] || partitioned(c.a, c.b)) {
        ++stats_.dropped;
        return;
      }
      ++stats_.delivered;
      if (receiver != nullptr) receiver->on_message(event.peer, event.bytes);
      return;
    case Event::Kind::connected:
      if (!c.open) return;
      told = true;
      if (receiver != nullptr) receiver->on_connected(event.peer);
      return;
    case Event::Kind::disconnected:
      // Only a side that heard of the connection hears of its end.
      if (told && receiver != nullptr) receiver->on_disconnected(event.peer, {});
      return;
  }
}

std::size_t SimulatedNetwork::run_until_idle(std::size_t max_events) {
  std::size_t ran = 0;
  while (ran < max_events && step()) ++ran;
  return ran;
}

void SimulatedNetwork::advance(std::uint64_t ms) {
  const std::uint64_t until = now_ + ms;
  while (!events_.empty() && events_.front().time <= until) step();
  now_ = until;
}

}  // namespace weft

#pragma once
// Test support: a set of weft-peer processes on 127.0.0.1, started with
// ephemeral ports, driven through their stdin, and checked through `digest`.
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "network_process/process.hpp"
#include "support/port_hold.hpp"

namespace weft::test {

// The weft-peer binary (env WEFT_PEER_BINARY, set by CMake); empty when unset.
[[nodiscard]] std::string peer_binary();

// Options every test peer gets: quick re-dials and anti-entropy rounds, so
// faults heal within a test's time budget.
[[nodiscard]] std::vector<std::string> fast_options();

struct Digest {
  std::string hex;
  std::size_t length = 0;
};

class Cluster {
 public:
  // Peers listen with `scheme` ("tcp" or "ws").
  explicit Cluster(std::string name, std::string scheme = "tcp");
  ~Cluster();

  // Starts a peer with `args` (plus fast_options()); `listen` adds --listen on a
  // free port and waits for its "listening" line. Returns the peer's index.
  std::size_t start(std::vector<std::string> args, bool listen);
  // Restarts a killed peer with its original arguments, listening on its old URL
  // (kept for it since the kill: see PortHold). Throws when it cannot listen there.
  void restart(std::size_t i);
  // SIGKILL; a listening peer's port is held until restart(i).
  void kill(std::size_t i);

  [[nodiscard]] Process& at(std::size_t i) { return *procs_.at(i); }
  [[nodiscard]] const std::string& url(std::size_t i) const { return urls_.at(i); }
  [[nodiscard]] std::size_t size() const noexcept { return procs_.size(); }
  [[nodiscard]] bool alive(std::size_t i) const { return procs_.at(i) != nullptr; }

  [[nodiscard]] Digest digest(std::size_t i);
  [[nodiscard]] std::string text(std::size_t i);
  // True once every peer in `peers` prints the same digest (checked until `timeout`).
  [[nodiscard]] bool wait_converged(const std::vector<std::size_t>& peers, Millis timeout);
  // True once peer i reports at least n connected peers.
  [[nodiscard]] bool wait_peers(std::size_t i, std::size_t n, Millis timeout);
  // Digests, peer counts and stderr tails of every peer: for failure messages.
  [[nodiscard]] std::string describe();

 private:
  std::string dir_;
  std::string name_;
  std::string scheme_;
  std::vector<std::unique_ptr<Process>> procs_;
  std::vector<std::vector<std::string>> args_;
  std::vector<std::string> urls_;
  std::vector<int> generation_;
  std::vector<std::unique_ptr<PortHold>> holds_;  // killed listeners' ports
};

// The port of a URL such as "tcp://127.0.0.1:4000" or "ws://127.0.0.1:4000/weft".
[[nodiscard]] std::uint16_t port_of(const std::string& url);

// Counts of each character in `text`.
[[nodiscard]] std::map<char, std::size_t> letter_counts(const std::string& text);

}  // namespace weft::test

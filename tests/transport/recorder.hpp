#pragma once
// A TransportHandler that writes down everything it hears.
#include <string>
#include <vector>

#include "weft/transport/transport.hpp"

namespace weft::test {

struct Recorder : TransportHandler {
  struct Entry {
    enum Kind { connected, message, disconnected } kind;
    PeerId peer;
    std::vector<std::uint8_t> bytes;
    friend bool operator==(const Entry&, const Entry&) = default;
  };
  std::vector<Entry> log;
  std::vector<PeerId> connected_peers;

  void on_connected(PeerId peer) override {
    log.push_back({Entry::connected, peer, {}});
    connected_peers.push_back(peer);
  }
  void on_message(PeerId peer, std::span<const std::uint8_t> m) override {
    log.push_back({Entry::message, peer, {m.begin(), m.end()}});
  }
  void on_disconnected(PeerId peer, boost::system::error_code) override {
    log.push_back({Entry::disconnected, peer, {}});
    std::erase(connected_peers, peer);
  }
  [[nodiscard]] std::vector<std::vector<std::uint8_t>> messages() const {
    std::vector<std::vector<std::uint8_t>> out;
    for (const auto& e : log) {
      if (e.kind == Entry::message) out.push_back(e.bytes);
    }
    return out;
  }
};

inline std::vector<std::uint8_t> bytes_of(std::uint32_t n) {
  return {static_cast<std::uint8_t>(n), static_cast<std::uint8_t>(n >> 8),
          static_cast<std::uint8_t>(n >> 16), static_cast<std::uint8_t>(n >> 24)};
}
inline std::uint32_t number_of(const std::vector<std::uint8_t>& b) {
  return b[0] | b[1] << 8 | b[2] << 16 | static_cast<std::uint32_t>(b[3]) << 24;
}

}  // namespace weft::test

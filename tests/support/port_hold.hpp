#pragma once
// Keeps a TCP port of 127.0.0.1 for a listener that will bind it later: a peer
// that was killed and restarts on the URL its peers keep dialling, or a listener
// that a test starts only after a dialler has failed against its port.
//
// Why this works: a socket that is bound but not listening makes the kernel skip
// its port when it picks a port for an outgoing connection or for a bind to port
// 0, and it refuses a bind without SO_REUSEADDR; yet, bound with SO_REUSEADDR
// itself, it lets a socket that also sets SO_REUSEADDR (NetTransport::listen
// does) bind and listen there. Dials to the port are refused meanwhile, as if
// nothing were bound. Without it, under `ctest -j` another test's connection may
// get the port in between, and the listener cannot bind. POSIX only.
#include <cstdint>

namespace weft::test {

class PortHold {
 public:
  // Binds 127.0.0.1:port (0 = any free port) with SO_REUSEADDR. held() is false
  // when that failed (the port was taken before we got it).
  explicit PortHold(std::uint16_t port = 0);
  ~PortHold();
  PortHold(const PortHold&) = delete;
  PortHold& operator=(const PortHold&) = delete;

  [[nodiscard]] bool held() const noexcept { return fd_ >= 0; }
  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace weft::test

// Hardening: no test may fail by chance because another process took its port.
// Tests used to pick a port (bind 0, read it, close) for a child to bind later;
// under `ctest -j` any outgoing connection could get that port in between (once,
// collab_edit_tmux_test: alice saw 0 peers after 15 s). Now every listener binds
// port 0 and reports what it got, on stdout and in --port-file. The one port a
// test must reuse, a killed peer's, whose peers keep dialling it, is held for it
// until it listens again (Cluster + PortHold).
#include <fstream>
#include <sstream>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "network_process/cluster.hpp"
#include "support/catch.hpp"

namespace {

using weft::test::Millis;

// A TCP socket on 127.0.0.1:port, closed at scope exit.
struct Socket {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ~Socket() {
    if (fd >= 0) ::close(fd);
  }
  bool bind(std::uint16_t port) const {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return ::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  }
  std::uint16_t port() const {
    sockaddr_in addr{};
    socklen_t size = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size);
    return ntohs(addr.sin_port);
  }
};

}  // namespace

TEST_CASE("weft-peer listens on port 0 and reports the ports it got, on stdout and in a file",
          "[network][hardening]") {
  if (weft::test::peer_binary().empty()) FAIL("WEFT_PEER_BINARY is not set");
  std::string dir = "/tmp/weft-ports-XXXXXX";
  REQUIRE(::mkdtemp(dir.data()) != nullptr);
  const std::string file = dir + "/ports";
  const std::string log = dir + "/peer.log";
  {
    weft::test::Process peer(
        weft::test::peer_binary(),
        {"--listen", "tcp://127.0.0.1:0", "--listen", "ws://127.0.0.1:0/doc", "--port-file", file},
        log);
    std::string printed;
    for (int i = 0; i < 2; ++i) {
      const auto line = peer.read_line(Millis(10'000));
      REQUIRE(line);
      REQUIRE(line->rfind("listening ", 0) == 0);
      CHECK(weft::test::port_of(line->substr(10)) != 0);
      printed += line->substr(10) + "\n";
    }
    // The file was complete before the first "listening" line.
    std::ifstream in(file);
    std::stringstream written;
    written << in.rdbuf();
    CHECK(written.str() == printed);
    CHECK(printed.find(":0\n") == std::string::npos);
    CHECK(printed.find(":0/") == std::string::npos);
    // The reported URL is the one to dial.
    weft::test::Process dialler(weft::test::peer_binary(),
                                {"--connect", printed.substr(0, printed.find('\n'))}, log);
    CHECK(dialler.command("wait-peers 1 10000", Millis(15'000)) == "ok");
  }
  ::unlink(file.c_str());
  ::unlink(log.c_str());
  ::rmdir(dir.c_str());
}

TEST_CASE("a killed peer's port cannot be taken before it restarts on it", "[network][hardening]") {
  if (weft::test::peer_binary().empty()) FAIL("WEFT_PEER_BINARY is not set");
  weft::test::Cluster cluster("port-race");
  // Killed before anyone connects: no TIME_WAIT connection is left on its port to
  // keep it, as when a peer dies with no open connection or with unread data (RST).
  const std::size_t hub = cluster.start({}, true);
  const std::uint16_t port = weft::test::port_of(cluster.url(hub));
  cluster.kill(hub);
  const std::size_t spoke = cluster.start({"--connect", cluster.url(hub)}, false);

  // What another test's outgoing connection does to a free port: take it, without
  // SO_REUSEADDR, for as long as that connection lives. (The kernel cannot be made
  // to pick a given ephemeral port; an explicit bind obeys the same hold.)
  Socket elsewhere;
  REQUIRE(elsewhere.bind(0));
  REQUIRE(::listen(elsewhere.fd, 1) == 0);
  Socket intruder;
  const bool taken = intruder.bind(port);
  if (taken) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(elsewhere.port());
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    (void)::connect(intruder.fd, reinterpret_cast<const sockaddr*>(&to), sizeof to);
  }
  CHECK_FALSE(taken);

  // The peer comes back on the URL its spoke has been dialling, and they sync.
  REQUIRE_NOTHROW(cluster.restart(hub));
  CHECK(weft::test::port_of(cluster.url(hub)) == port);
  REQUIRE(cluster.wait_peers(spoke, 1, Millis(20'000)));
  REQUIRE(cluster.at(spoke).command("append back") == "ok");
  CHECK(cluster.wait_converged({hub, spoke}, Millis(20'000)));
}

// Hardening: TCP_NODELAY on every TCP connection. weft's frames are small and
// answered (handshake replies, sync acks, pings); with Nagle's algorithm on, a
// small write behind an unacknowledged one waits for the peer's delayed ACK,
// about 40 ms per round trip. The option is read back with getsockopt on both
// ends of a connection, on every stack, so nothing here depends on timing.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "net/net_support.hpp"
#include "support/catch.hpp"

using namespace weft;
using namespace weft::net;
using namespace weft::test::net;

namespace {

// TCP_NODELAY of the socket behind `peer`, or -1 when it cannot be read.
int nodelay_of(const NetTransport& transport, PeerId peer) {
  const int fd = transport.native_handle(peer);
  int on = 0;
  socklen_t size = sizeof on;
  if (fd < 0 || ::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, &size) != 0) return -1;
  return on != 0 ? 1 : 0;
}

}  // namespace

TEST_CASE("Every accepted and every dialled connection has TCP_NODELAY", "[network][hardening]") {
  struct Stack {
    const char* name;
    Protocol protocol;
    bool tls;
  };
  for (const Stack stack :
       {Stack{"tcp", Protocol::tcp, false}, Stack{"ws", Protocol::websocket, false},
        Stack{"tls", Protocol::tcp, true}, Stack{"wss", Protocol::websocket, true}}) {
    INFO("stack " << stack.name);
    boost::asio::io_context io;
    NetOptions server_options = fast_options(31);
    NetOptions client_options = fast_options(32);
    if (stack.tls) {
      server_options.tls.certificate_file = test_pki().server_cert;
      server_options.tls.private_key_file = test_pki().server_key;
      client_options.tls.ca_file = test_pki().ca_cert;
    }
    Recorder server_events, client_events;  // outlive the transports that call them
    NetTransport server(io, server_options);
    NetTransport client(io, client_options);
    server.set_handler(&server_events);
    client.set_handler(&client_events);
    const auto port = server.listen(endpoint(stack.protocol, stack.tls));
    REQUIRE(port);
    client.connect(endpoint(stack.protocol, stack.tls, *port));
    REQUIRE(run_until(io, [&] {
      return server_events.connected.size() == 1 && client_events.connected.size() == 1;
    }));
    CHECK(nodelay_of(server, server_events.connected[0]) == 1);  // accepted
    CHECK(nodelay_of(client, client_events.connected[0]) == 1);  // dialled
    CHECK(server.native_handle(PeerId{999}) == -1);
  }
}

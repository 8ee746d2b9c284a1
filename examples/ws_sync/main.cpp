// Two processes, one document, synced over WebSocket on 127.0.0.1.
//
//   ws_sync listen ws://127.0.0.1:9000/notes    # one terminal
//   ws_sync connect ws://127.0.0.1:9000/notes   # another
//   ws_sync                                     # both, forked (what ctest runs)
//
// Each process types one line into the text "body", and exits once it holds
// both lines (after a moment, so its own line surely left). The sync protocol
// needs nothing else: the hello exchange sends each side what the other lacks.
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <chrono>
#include <cstdio>
#include <string>

#include "weft/doc/doc.hpp"
#include "weft/net/net_transport.hpp"
#include "weft/sync/sync_host.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// README "Connecting replicas" shows this function.
int run(bool listening, const std::string& url, int port_pipe) {
  boost::asio::io_context io;
  weft::Doc doc(weft::ReplicaId::random());
  weft::net::NetTransport net(io, {});
  weft::SyncHost host(net);
  host.add_document("notes", doc);

  auto where = weft::net::parse_endpoint(url).value();
  if (listening) {
    where.port = net.listen(where).value();  // port 0 picks a free one
    if (port_pipe >= 0) (void)::write(port_pipe, &where.port, sizeof where.port);
  } else {
    net.connect(where);  // re-dials with backoff until the listener is up
  }
  {
    auto tx = doc.transact();
    tx.text("body").insert(0, listening ? "from the listener\n" : "from the connector\n");
    host.publish("notes", tx.commit());
  }

  const auto body = weft::ObjectId::named("body", weft::ObjectKind::text);
  const auto start = Clock::now();
  std::optional<Clock::time_point> complete;
  boost::asio::steady_timer timer(io);
  std::function<void()> tick = [&] {
    const auto now = Clock::now();
    host.tick(static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(now - start).count()));
    const std::string text = doc.text(body).to_string();
    if (!complete && text.find("listener") != text.npos && text.find("connector") != text.npos) {
      complete = now;
    }
    if ((complete && now - *complete > std::chrono::milliseconds(500)) ||
        now - start > std::chrono::seconds(20)) {
      net.close();
      return;
    }
    timer.expires_after(std::chrono::milliseconds(20));
    timer.async_wait([&](boost::system::error_code) { tick(); });
  };
  tick();
  io.run();
  std::printf("%s has:\n%s", listening ? "listener" : "connector",
              doc.text(body).to_string().c_str());
  return complete ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3) return run(std::string(argv[1]) == "listen", argv[2], -1);
  // Both roles in two processes: the listener reports its port through a pipe.
  int fds[2];
  if (::pipe(fds) != 0) return 1;
  const pid_t listener = ::fork();
  if (listener == 0) {
    ::close(fds[0]);
    std::_Exit(run(true, "ws://127.0.0.1:0/notes", fds[1]));
  }
  ::close(fds[1]);
  std::uint16_t port = 0;
  if (::read(fds[0], &port, sizeof port) != static_cast<ssize_t>(sizeof port)) return 1;
  std::fflush(stdout);
  const pid_t connector = ::fork();
  if (connector == 0) {
    std::_Exit(run(false, "ws://127.0.0.1:" + std::to_string(port) + "/notes", -1));
  }
  int a = 0;
  int b = 0;
  ::waitpid(listener, &a, 0);
  ::waitpid(connector, &b, 0);
  const bool ok = WIFEXITED(a) && WEXITSTATUS(a) == 0 && WIFEXITED(b) && WEXITSTATUS(b) == 0;
  std::printf(ok ? "both processes hold both lines\n" : "the processes did not converge\n");
  return ok ? 0 : 1;
}

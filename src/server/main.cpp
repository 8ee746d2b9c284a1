// weft-server: hosts any number of documents for any number of clients over the
// network transports, stored in SQLite under --data; see docs/server.md and --help.
#include <csignal>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "server/server.hpp"
#include "server/server_options.hpp"

int main(int argc, char** argv) {
  namespace asio = boost::asio;
  using namespace weft::server;

  std::vector<std::string_view> args(argv + 1, argv + argc);
  std::string error;
  const auto options = parse_server_options(args, error);
  if (!options) {
    std::cerr << "weft-server: " << error << '\n';
    return 2;
  }
  if (options->help) {
    std::cout << server_options_help();
    return 0;
  }
  std::signal(SIGPIPE, SIG_IGN);  // a closed socket or stdout must not kill the server

  asio::io_context io;
  std::unique_ptr<Server> server;
  try {
    server = std::make_unique<Server>(io, *options, &std::cerr);
  } catch (const std::exception& e) {  // --data could not be opened
    std::cerr << "weft-server: " << e.what() << '\n';
    return 1;
  }
  asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](boost::system::error_code ec, int) {
    if (ec) return;
    // Everything acknowledged is on disk once stop() returns; nothing else must run.
    server->stop();
    io.stop();
  });
  auto started = server->start(
      [](const std::string& line) { std::cout << line << '\n'
                                              << std::flush; }, error);
  if (!started) {
    std::cerr << "weft-server: " << error << '\n';
    return 1;
  }
  io.run();
  server.reset();
  return 0;
}

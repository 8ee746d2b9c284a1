// weft-peer: one replica of a shared text on a real network, driven by line
// commands on stdin. Made for multi-process tests, scripts and demos; see
// README.md in this folder for the flags and the command language.
#include <unistd.h>
#include <algorithm>
#include <csignal>
#include <iostream>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "peer_commands.hpp"
#include "peer_node.hpp"

namespace {

namespace asio = boost::asio;
using namespace weft::peer;

constexpr std::size_t kMaxLine = std::size_t{1} << 20;
constexpr auto kPollInterval = std::chrono::milliseconds(20);

void answer(std::string_view line) {
  std::cout << line << '\n' << std::flush;
}

// Escapes spaces too, so several names fit on one line.
std::string escape_word(std::string_view text) {
  std::string out;
  for (const char c : escape(text)) {
    if (c == ' ') {
      out += "\\s";
    } else {
      out += c;
    }
  }
  return out;
}

class CommandLoop {
 public:
  CommandLoop(asio::io_context& io, PeerNode& node, bool exit_on_eof,
              std::function<void(int)> shutdown)
      : node_(node),
        exit_on_eof_(exit_on_eof),
        shutdown_(std::move(shutdown)),
        input_(io),
        timer_(io) {
    boost::system::error_code ec;
    const int fd = ::dup(STDIN_FILENO);
    if (fd >= 0) input_.assign(fd, ec);
    if (fd < 0 || ec) eof_ = true;
  }

  void start() { pump(); }

  void stop() {
    stopped_ = true;
    timer_.cancel();
    boost::system::error_code ignored;
    input_.close(ignored);
  }

 private:
  // Runs every complete line in the buffer until a command has to wait, then reads more.
  void pump() {
    while (!stopped_ && !busy_) {
      const auto newline = buffer_.find('\n');
      if (newline == std::string::npos) break;
      std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      if (discarding_) {
        discarding_ = false;  // the rest of an over-long line: already answered
        continue;
      }
      run(line);
    }
    if (stopped_ || busy_) return;
    if (buffer_.size() > kMaxLine) {
      answer("error line too long");
      buffer_.clear();
      discarding_ = true;
    }
    if (eof_) {
      if (!buffer_.empty() && !discarding_) {  // a last line without newline
        std::string line;
        line.swap(buffer_);
        run(line);
        if (busy_) return;
      }
      if (exit_on_eof_ && !stopped_) shutdown_(0);
      return;
    }
    if (reading_) return;
    reading_ = true;
    input_.async_read_some(asio::buffer(chunk_),
                           [this](boost::system::error_code ec, std::size_t n) {
                             reading_ = false;
                             if (stopped_) return;
                             if (ec) {
                               eof_ = true;
                             } else {
                               buffer_.append(chunk_.data(), n);
                             }
                             pump();
                           });
  }

  void finish_wait(std::string_view reply) {
    answer(reply);
    busy_ = false;
    pump();
  }

  void run(std::string_view line) {
    const Command command = parse_command(line);
    std::visit([this](const auto& c) { execute(c); }, command);
  }

  void execute(const cmd::Nothing&) {}
  void execute(const cmd::Invalid& c) { answer("error " + c.reason); }
  void execute(const cmd::Insert& c) { insert(c.pos, c.text); }
  void execute(const cmd::Append& c) { insert(node_.text().size(), c.text); }
  void execute(const cmd::Delete& c) {
    const std::size_t size = node_.text().size();
    if (c.pos > size || c.count > size - c.pos) {
      answer("error range " + std::to_string(c.pos) + "+" + std::to_string(c.count) +
             " past end (size " + std::to_string(size) + ")");
      return;
    }
    guarded([&](weft::TextRef& text) { text.erase(c.pos, c.count); });
  }
  void execute(const cmd::Print&) { answer("text " + escape(node_.text())); }
  void execute(const cmd::Digest&) { answer(digest_line(node_.text())); }
  void execute(const cmd::Peers&) { answer("peers " + std::to_string(node_.peer_count())); }
  void execute(const cmd::PresenceList&) {
    std::vector<std::string> names;
    for (const auto& [replica, state] : node_.remote_presence()) names.push_back(state.name);
    std::sort(names.begin(), names.end());
    std::string reply = "presence " + std::to_string(names.size());
    for (const auto& name : names) {
      reply += ' ';
      reply += escape_word(name);
    }
    answer(reply);
  }
  void execute(const cmd::WaitPeers& c) {
    busy_ = true;
    wait_peers(c.count, std::chrono::steady_clock::now() + std::chrono::milliseconds(c.timeout_ms));
  }
  void execute(const cmd::Sleep& c) {
    busy_ = true;
    timer_.expires_after(std::chrono::milliseconds(c.ms));
    timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec && !stopped_) finish_wait("ok");
    });
  }
  void execute(const cmd::Quit&) {
    answer("ok");
    shutdown_(0);
  }

  void wait_peers(std::uint64_t count, std::chrono::steady_clock::time_point deadline) {
    if (node_.peer_count() >= count) {
      finish_wait("ok");
      return;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      finish_wait("error timeout: " + std::to_string(node_.peer_count()) + " peers");
      return;
    }
    timer_.expires_after(kPollInterval);
    timer_.async_wait([this, count, deadline](boost::system::error_code ec) {
      if (!ec && !stopped_) wait_peers(count, deadline);
    });
  }

  void insert(std::uint64_t pos, const std::string& text) {
    const std::size_t size = node_.text().size();
    if (pos > size) {
      answer("error position " + std::to_string(pos) + " past end (size " + std::to_string(size) +
             ")");
      return;
    }
    guarded([&](weft::TextRef& ref) { ref.insert(pos, text); });
  }

  // Input was validated already; the catch only turns a surprise into an answer.
  template <typename F>
  void guarded(F&& change) {
    try {
      node_.edit(change);
      answer("ok");
    } catch (const std::exception& e) {
      answer(std::string("error ") + e.what());
    }
  }

  PeerNode& node_;
  bool exit_on_eof_;
  std::function<void(int)> shutdown_;
  asio::posix::stream_descriptor input_;
  asio::steady_timer timer_;
  std::array<char, 64 * 1024> chunk_{};
  std::string buffer_;
  bool reading_ = false;
  bool busy_ = false;
  bool eof_ = false;
  bool discarding_ = false;
  bool stopped_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  std::string error;
  auto options = parse_options(args, error);
  if (!options) {
    std::cerr << "weft-peer: " << error << '\n';
    return 2;
  }
  if (options->help) {
    std::cout
        << "Usage: weft-peer [OPTIONS]\n"
           "Hosts one replica of a shared text (root \"text\" of document --doc), syncs it\n"
           "with every peer it listens for or connects to, and reads commands on stdin.\n\n"
        << options_help()
        << "  --exit-on-eof            exit when stdin ends "
           "(default: keep running until SIGTERM).\n\n"
           "Commands (one per line; each answers one line: ok, error REASON, or a value):\n"
           "  insert POS TEXT     insert TEXT at code-point POS (escapes: \\\\ \\n \\r \\t "
           "\\s \\xHH)\n"
           "  append TEXT         insert TEXT at the end\n"
           "  delete POS COUNT    delete COUNT code points from POS\n"
           "  print               -> text ESCAPED_TEXT\n"
           "  digest              -> digest HEX16 LENGTH (FNV-1a 64 of the UTF-8 text, "
           "code points)\n"
           "  peers               -> peers N (connected peers)\n"
           "  presence            -> presence N NAME... (remote users, sorted, escaped)\n"
           "  wait-peers N [MS]   ok once N peers are connected (default 10000 ms), else "
           "error timeout\n"
           "  sleep MS            ok after MS milliseconds\n"
           "  quit                ok, then exit 0\n"
           "Blank lines and lines starting with # are ignored.\n"
           "Exit status: 0 quit/EOF/SIGTERM, 1 listen/--store/--port-file failed, 2 bad args.\n";
    return 0;
  }
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout or socket must not kill the peer

  asio::io_context io;
  std::unique_ptr<PeerNode> owned;
  try {
    owned = std::make_unique<PeerNode>(io, *options, &std::cerr);
  } catch (const std::exception& e) {  // --store could not be opened
    std::cerr << "weft-peer: " << e.what() << '\n';
    return 1;
  }
  PeerNode& node = *owned;
  int exit_code = 0;
  asio::signal_set signals(io, SIGTERM, SIGINT);
  asio::steady_timer grace(io);
  std::unique_ptr<CommandLoop> loop;
  bool shutting_down = false;
  auto shutdown = [&](int code) {
    if (shutting_down) return;
    shutting_down = true;
    exit_code = code;
    loop->stop();
    signals.cancel();
    node.stop();
    // Let the goodbyes leave, but never hang on a peer that does not read.
    grace.expires_after(std::chrono::milliseconds(300));
    grace.async_wait([&](boost::system::error_code) { io.stop(); });
  };
  loop = std::make_unique<CommandLoop>(io, node, options->exit_on_eof, shutdown);
  signals.async_wait([&](boost::system::error_code ec, int) {
    if (!ec) shutdown(0);
  });
  auto started = node.start([](const std::string& url) { answer("listening " + url); }, error);
  if (!started) {
    std::cerr << "weft-peer: " << error << '\n';
    return 1;
  }
  loop->start();
  io.run();
  return exit_code;
}

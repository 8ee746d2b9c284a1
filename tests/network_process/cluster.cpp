#include "network_process/cluster.hpp"

#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <unistd.h>

namespace weft::test {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

std::string peer_binary() {
  const char* path = std::getenv("WEFT_PEER_BINARY");
  return path ? path : "";
}

std::vector<std::string> fast_options() {
  return {"--reconnect-max-ms", "300", "--anti-entropy-ms", "300"};
}

Cluster::Cluster(std::string name, std::string scheme)
    : name_(std::move(name)), scheme_(std::move(scheme)) {
  std::string pattern = "/tmp/weft-" + name_ + "-XXXXXX";
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
}

Cluster::~Cluster() {
  procs_.clear();  // kills every peer
  std::error_code ignored;
  for (std::size_t i = 0; i < urls_.size(); ++i) {
    for (int g = 0; g <= generation_[i]; ++g) {
      ::unlink((dir_ + "/peer" + std::to_string(i) + "." + std::to_string(g) + ".log").c_str());
    }
  }
  ::rmdir(dir_.c_str());
}

std::size_t Cluster::start(std::vector<std::string> args, bool listen) {
  const std::size_t i = procs_.size();
  args_.push_back(args);
  urls_.emplace_back();
  generation_.push_back(0);
  procs_.emplace_back();
  holds_.emplace_back();
  if (listen) {
    urls_[i] = scheme_ + "://127.0.0.1:0" + (scheme_ == "ws" || scheme_ == "wss" ? "/weft" : "");
  }
  restart(i);
  return i;
}

void Cluster::restart(std::size_t i) {
  std::vector<std::string> args = args_.at(i);
  for (auto& a : fast_options()) args.push_back(a);
  if (!urls_[i].empty()) {
    args.push_back("--listen");
    args.push_back(urls_[i]);
  }
  // The hold keeps the port from outgoing connections, but not during the instant
  // between the kill and the hold: a connection that got the port then ends sooner
  // or later, so a port in use is retried for a while before the test fails.
  constexpr int kAttempts = 50;
  for (int attempt = 1;; ++attempt) {
    ++generation_[i];
    const std::string log =
        dir_ + "/peer" + std::to_string(i) + "." + std::to_string(generation_[i]) + ".log";
    procs_[i] = std::make_unique<Process>(peer_binary(), args, log);
    if (urls_[i].empty()) return;
    auto line = procs_[i]->read_line(Millis(10'000));
    const std::string prefix = "listening ";
    if (line && line->rfind(prefix, 0) == 0) {
      urls_[i] = line->substr(prefix.size());
      holds_[i].reset();  // it listens: the port is its own again
      return;
    }
    const bool in_use = procs_[i]->wait(Millis(5'000)) == 1 &&
                        procs_[i]->log_tail().find("in use") != std::string::npos;
    if (!in_use || attempt == kAttempts) {
      throw std::runtime_error("peer " + std::to_string(i) + " did not listen: " +
                               line.value_or("<nothing>") + "\n" + procs_[i]->log_tail());
    }
    std::this_thread::sleep_for(Millis(200));
  }
}

void Cluster::kill(std::size_t i) {
  procs_.at(i).reset();  // SIGKILL and reaped: its listening socket is closed now
  if (!urls_[i].empty()) holds_[i] = std::make_unique<PortHold>(port_of(urls_[i]));
}

Digest Cluster::digest(std::size_t i) {
  const std::string line = at(i).command("digest");
  std::istringstream in(line);
  std::string word;
  Digest d;
  in >> word >> d.hex >> d.length;
  if (word != "digest" || d.hex.size() != 16) {
    throw std::runtime_error("peer " + std::to_string(i) + " answered '" + line + "' to digest");
  }
  return d;
}

std::string Cluster::text(std::size_t i) {
  const std::string line = at(i).command("print");
  if (line.rfind("text ", 0) != 0) {
    throw std::runtime_error("peer " + std::to_string(i) + " answered '" + line + "' to print");
  }
  return line.substr(5);
}

bool Cluster::wait_converged(const std::vector<std::size_t>& peers, Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const std::string first = digest(peers.at(0)).hex;
    bool same = true;
    for (std::size_t k = 1; k < peers.size() && same; ++k) same = digest(peers[k]).hex == first;
    if (same) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(Millis(100));
  }
}

bool Cluster::wait_peers(std::size_t i, std::size_t n, Millis timeout) {
  return at(i).command("wait-peers " + std::to_string(n) + " " + std::to_string(timeout.count()),
                       timeout + Millis(5'000)) == "ok";
}

std::string Cluster::describe() {
  std::ostringstream out;
  for (std::size_t i = 0; i < procs_.size(); ++i) {
    out << "peer " << i << " (" << (urls_[i].empty() ? "no listener" : urls_[i]) << "): ";
    if (!procs_[i]) {
      out << "killed\n";
      continue;
    }
    if (!procs_[i]->running()) {
      out << "EXITED (crashed?)\n  stderr: " << procs_[i]->log_tail(600) << "\n";
      continue;
    }
    out << procs_[i]->command("digest", Millis(2'000)) << ", "
        << procs_[i]->command("peers", Millis(2'000)) << "\n  stderr: " << procs_[i]->log_tail(600)
        << "\n";
  }
  return out.str();
}

std::uint16_t port_of(const std::string& url) {
  const auto path = url.find('/', url.find("://") + 3);  // npos when there is none
  return static_cast<std::uint16_t>(std::stoul(url.substr(url.rfind(':', path) + 1)));
}

std::map<char, std::size_t> letter_counts(const std::string& text) {
  std::map<char, std::size_t> counts;
  for (const char c : text) ++counts[c];
  return counts;
}

}  // namespace weft::test

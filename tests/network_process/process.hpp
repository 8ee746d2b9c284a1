#pragma once
// Test support: child processes with a line protocol on stdin/stdout (weft-peer)
// and a TCP proxy that cuts connections mid-frame. POSIX only; every wait is
// bounded. There is deliberately no "find a free port" helper: a port found free
// and bound later by a child can be taken in between by any outgoing connection
// under `ctest -j`. Children listen on port 0 and report the port they got.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <sys/types.h>

namespace weft::test {

using Millis = std::chrono::milliseconds;

class Process {
 public:
  // Starts `path` with `args`; stdin and stdout are pipes, stderr goes to `log_path`.
  // Throws std::runtime_error when the process cannot be started.
  Process(const std::string& path, const std::vector<std::string>& args,
          const std::string& log_path);
  ~Process();  // SIGKILL if still running, then reaped
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  void write_line(std::string_view line);
  void close_stdin();  // the child sees EOF
  // The next stdout line, or nullopt after `timeout` or at EOF.
  [[nodiscard]] std::optional<std::string> read_line(Millis timeout);
  // Sends one command and returns its one-line answer ("<no answer>" on timeout).
  [[nodiscard]] std::string command(std::string_view line, Millis timeout = Millis(10'000));

  void kill_hard();  // SIGKILL, reaped
  // SIGTERM, then waits up to `timeout`; returns the exit status, or -1 (then SIGKILL).
  int terminate(Millis timeout);
  // Waits up to `timeout` for the process to exit by itself; exit status or -1.
  int wait(Millis timeout);
  [[nodiscard]] bool running();
  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  // Resident memory (VmRSS of /proc/PID/status) in KiB; 0 when it cannot be read.
  [[nodiscard]] std::size_t resident_kib() const;
  // The last `max` bytes the process wrote to stderr (for failure messages).
  [[nodiscard]] std::string log_tail(std::size_t max = 2000) const;

 private:
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  std::string buffer_;
  std::string log_path_;
  bool eof_ = false;
};

// Forwards 127.0.0.1:port() to 127.0.0.1:target. The first `cuts` connections are
// cut abruptly (RST) after forwarding a random number of bytes in [1, max_bytes]
// (counted over both directions), the last chunk only partly: so a frame is cut in
// the middle. Later connections pass everything.
class CuttingProxy {
 public:
  CuttingProxy(std::uint16_t target, int cuts, std::size_t max_bytes, std::uint64_t seed);
  ~CuttingProxy();
  CuttingProxy(const CuttingProxy&) = delete;
  CuttingProxy& operator=(const CuttingProxy&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] int cuts_done() const noexcept { return cuts_done_.load(); }
  [[nodiscard]] int connections() const noexcept { return connections_.load(); }

 private:
  void run();

  std::uint16_t target_;
  int cuts_;
  std::size_t max_bytes_;
  std::mt19937_64 rng_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> cuts_done_{0};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

}  // namespace weft::test

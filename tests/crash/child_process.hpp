#pragma once
// The crash tests' child processes: spawn one with its stdout on a pipe, and
// read the 8-byte acknowledgements it writes there.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "support/catch.hpp"

namespace weft::test {

struct Child {
  pid_t pid = -1;
  int out = -1;  // read end of the child's stdout
};

inline Child spawn(const char* program, const std::vector<std::string>& args) {
  std::vector<char*> argv{const_cast<char*>(program)};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    ::execv(program, argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  return {pid, fds[0]};
}

// Reads acknowledgements (8-byte ids) until `deadline` (or EOF when
// `until_eof`); returns max(acked, highest id + 1).
inline std::uint64_t read_acks(int fd, std::uint64_t acked,
                               std::chrono::steady_clock::time_point deadline, bool until_eof,
                               std::string& partial) {
  for (;;) {
    int timeout = -1;
    if (!until_eof) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return acked;
      timeout = static_cast<int>(left.count());
    }
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, timeout);
    if (ready == 0) return acked;
    if (ready < 0) continue;
    char buf[4096];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return acked;
    partial.append(buf, static_cast<std::size_t>(n));
    while (partial.size() >= 8) {
      std::uint64_t id = 0;
      std::memcpy(&id, partial.data(), 8);
      partial.erase(0, 8);
      acked = std::max(acked, id + 1);
    }
  }
}

// Lets `child` run until a random moment within `max_delay`, kills it with
// SIGKILL and returns every acknowledgement it wrote (at least `acked`). One
// kill in four counts the delay from the spawn, so kills land in start-up and
// recovery too; the others count from the first new acknowledgement, which
// keeps the test meaningful when a sanitizer makes start-up slow.
// `while_running(acked_now, before)` runs just before the kill.
inline std::uint64_t kill_at_random_moment(
    Child child, std::uint64_t acked, std::uint64_t kill, std::mt19937_64& rng,
    std::chrono::microseconds max_delay,
    const std::function<void(std::uint64_t, std::uint64_t)>& while_running = {}) {
  using Clock = std::chrono::steady_clock;
  std::string partial;
  const auto delay =
      std::chrono::microseconds(rng() % static_cast<std::uint64_t>(max_delay.count()));
  const std::uint64_t before = acked;
  if (kill % 4 != 0) {
    const auto give_up = Clock::now() + std::chrono::seconds(20);
    while (acked == before && Clock::now() < give_up) {
      acked =
          read_acks(child.out, acked, Clock::now() + std::chrono::milliseconds(50), false, partial);
    }
  }
  acked = read_acks(child.out, acked, Clock::now() + delay, false, partial);
  if (while_running) while_running(acked, before);
  ::kill(child.pid, SIGKILL);
  int status = 0;
  REQUIRE(::waitpid(child.pid, &status, 0) == child.pid);
  // Acks written before the kill are still in the pipe.
  acked = read_acks(child.out, acked, {}, true, partial);
  ::close(child.out);
  REQUIRE(WIFSIGNALED(status));  // the child never gave up by itself
  CHECK(WTERMSIG(status) == SIGKILL);
  return acked;
}

}  // namespace weft::test

#include "process.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace weft::test {
namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
  return static_cast<int>(std::max<long long>(0, left));
}

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

void close_hard(int fd) {
  // Linger 0: close sends RST, the peer sees the connection die mid-stream.
  linger l{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  ::close(fd);
}

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const auto n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

Process::Process(const std::string& path, const std::vector<std::string>& args,
                 const std::string& log_path)
    : log_path_(log_path) {
  // A child that died must show up as a failed answer, not kill the test with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  int in[2];
  int out[2];
  if (::pipe2(in, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  if (::pipe2(out, O_CLOEXEC) != 0) {
    ::close(in[0]);
    ::close(in[1]);
    throw std::runtime_error("pipe failed");
  }
  const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  std::vector<std::string> argv_storage{path};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(in[0], STDIN_FILENO);
    ::dup2(out[1], STDOUT_FILENO);
    if (log >= 0) ::dup2(log, STDERR_FILENO);
    ::execv(path.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  if (log >= 0) ::close(log);
  if (pid_ < 0) {
    ::close(in[1]);
    ::close(out[0]);
    throw std::runtime_error("fork failed");
  }
  stdin_fd_ = in[1];
  stdout_fd_ = out[0];
}

Process::~Process() {
  kill_hard();
  if (stdin_fd_ >= 0) ::close(stdin_fd_);
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
}

void Process::write_line(std::string_view line) {
  std::string data(line);
  data += '\n';
  const char* p = data.data();
  std::size_t left = data.size();
  while (left > 0 && stdin_fd_ >= 0) {
    const auto n = ::write(stdin_fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the process is gone: the answer will time out
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

void Process::close_stdin() {
  if (stdin_fd_ >= 0) ::close(stdin_fd_);
  stdin_fd_ = -1;
}

std::optional<std::string> Process::read_line(Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto newline = buffer_.find('\n');
    if (newline != std::string::npos) {
      std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      return line;
    }
    if (eof_ || stdout_fd_ < 0) return std::nullopt;
    pollfd p{stdout_fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return std::nullopt;
    char chunk[4096];
    const auto n = ::read(stdout_fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      eof_ = true;
      continue;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

std::string Process::command(std::string_view line, Millis timeout) {
  write_line(line);
  auto answer = read_line(timeout);
  return answer ? *answer : std::string("<no answer>");
}

void Process::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

int Process::wait(Millis timeout) {
  if (pid_ <= 0) return -1;
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (Clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(Millis(10));
  }
}

int Process::terminate(Millis timeout) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  const int status = wait(timeout);
  if (status < 0) kill_hard();
  return status;
}

bool Process::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

std::string Process::log_tail(std::size_t max) const {
  std::ifstream in(log_path_);
  std::stringstream s;
  s << in.rdbuf();
  std::string all = s.str();
  return all.size() > max ? all.substr(all.size() - max) : all;
}

std::size_t Process::resident_kib() const {
  if (pid_ <= 0) return 0;
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6));  // "VmRSS:  1234 kB"
  }
  return 0;
}

CuttingProxy::CuttingProxy(std::uint16_t target, int cuts, std::size_t max_bytes,
                           std::uint64_t seed)
    : target_(target), cuts_(cuts), max_bytes_(std::max<std::size_t>(max_bytes, 1)), rng_(seed) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr = loopback(0);
  socklen_t len = sizeof addr;
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener_, 16) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw std::runtime_error("proxy: cannot listen");
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { run(); });
}

CuttingProxy::~CuttingProxy() {
  stop_ = true;
  thread_.join();
  ::close(listener_);
}

// One thread, poll() over the listener and every forwarded pair.
void CuttingProxy::run() {
  struct Pair {
    int a = -1;              // accepted (client side)
    int b = -1;              // dialled (target side)
    std::size_t budget = 0;  // bytes left before the cut; SIZE_MAX = never
  };
  std::vector<Pair> pairs;
  while (!stop_) {
    std::vector<pollfd> fds{{listener_, POLLIN, 0}};
    for (const auto& p : pairs) {
      fds.push_back({p.a, POLLIN, 0});
      fds.push_back({p.b, POLLIN, 0});
    }
    if (::poll(fds.data(), fds.size(), 50) <= 0) continue;
    const std::size_t polled = pairs.size();  // a pair accepted below has no pollfd yet
    if (fds[0].revents & POLLIN) {
      const int a = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (a >= 0) {
        const int b = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr = loopback(target_);
        if (b >= 0 && ::connect(b, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
          Pair p{a, b, SIZE_MAX};
          if (connections_.fetch_add(1) < cuts_) {
            p.budget = std::uniform_int_distribution<std::size_t>(1, max_bytes_)(rng_);
          }
          pairs.push_back(p);
        } else {
          if (b >= 0) ::close(b);
          close_hard(a);
        }
      }
    }
    std::vector<bool> dead(pairs.size(), false);
    for (std::size_t i = 0; i < polled; ++i) {
      for (int side = 0; side < 2 && !dead[i]; ++side) {
        const pollfd& f = fds[1 + 2 * i + static_cast<std::size_t>(side)];
        if (!(f.revents & (POLLIN | POLLHUP | POLLERR))) continue;
        Pair& p = pairs[i];
        const int from = side == 0 ? p.a : p.b;
        const int to = side == 0 ? p.b : p.a;
        char chunk[16384];
        const auto n = ::recv(from, chunk, sizeof chunk, 0);
        if (n <= 0) {
          dead[i] = true;
          break;
        }
        auto size = static_cast<std::size_t>(n);
        bool cut = false;
        if (p.budget != SIZE_MAX) {
          if (size >= p.budget) {
            size = p.budget;  // forward only part of this chunk, then cut
            cut = true;
          }
          p.budget -= size;
        }
        if (!write_all(to, chunk, size) || cut) {
          if (cut) ++cuts_done_;
          dead[i] = true;
        }
      }
    }
    for (std::size_t i = pairs.size(); i-- > 0;) {
      if (!dead[i]) continue;
      close_hard(pairs[i].a);
      close_hard(pairs[i].b);
      pairs.erase(pairs.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  for (const auto& p : pairs) {
    close_hard(p.a);
    close_hard(p.b);
  }
}

}  // namespace weft::test

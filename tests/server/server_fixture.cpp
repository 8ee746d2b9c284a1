#include "server/server_fixture.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "network_process/cluster.hpp"

namespace weft::test {
namespace {

using Clock = std::chrono::steady_clock;

std::string after(const std::string& line, const std::string& prefix) {
  return line.rfind(prefix, 0) == 0 ? line.substr(prefix.size()) : std::string();
}

bool valid_metric_name(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (const char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != ':') return false;
  }
  return true;
}

}  // namespace

std::string server_binary() {
  const char* path = std::getenv("WEFT_SERVER_BINARY");
  return path ? path : "";
}

TempDir::TempDir(const std::string& name) {
  std::string pattern = "/tmp/weft-" + name + "-XXXXXX";
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

ServerProcess::ServerProcess(const TempDir& dir, std::vector<std::string> extra) {
  std::vector<std::string> args = {
      "--listen",    "tcp://127.0.0.1:0", "--data", dir.path() + "/data", "--metrics",
      "127.0.0.1:0", "--anti-entropy-ms", "300"};
  args.insert(args.end(), extra.begin(), extra.end());
  static int generation = 0;
  process_ = std::make_unique<Process>(
      server_binary(), args, dir.path() + "/server." + std::to_string(++generation) + ".log");
  for (int i = 0; i < 2; ++i) {
    auto line = process_->read_line(Millis(10'000));
    if (!line) break;
    if (auto u = after(*line, "listening "); !u.empty()) url_ = u;
    if (auto u = after(*line, "metrics "); !u.empty()) metrics_url_ = u;
  }
  if (url_.empty() || metrics_url_.empty()) {
    throw std::runtime_error("weft-server did not start: " + process_->log_tail());
  }
}

std::map<std::string, double> ServerProcess::scrape() {
  auto answer = http_get(metrics_url_, Millis(5'000));
  if (!answer || answer->status != 200) {
    throw std::runtime_error("scrape of " + metrics_url_ + " failed");
  }
  std::string error;
  auto parsed = parse_prometheus(answer->body, error);
  if (!parsed) throw std::runtime_error("malformed metrics: " + error);
  return *parsed;
}

bool ServerProcess::wait_metric(const std::string& name, double value, Millis timeout) {
  return wait_for(
      name, [value](double v) { return v == value; }, timeout);
}

bool ServerProcess::wait_metric_at_least(const std::string& name, double value, Millis timeout) {
  return wait_for(
      name, [value](double v) { return v >= value; }, timeout);
}

bool ServerProcess::wait_for(const std::string& name, const std::function<bool(double)>& good,
                             Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto metrics = scrape();
    if (auto it = metrics.find(name); it != metrics.end() && good(it->second)) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(Millis(50));
  }
}

std::unique_ptr<Process> start_client(const TempDir& dir, const std::string& url,
                                      const std::string& doc, std::vector<std::string> extra) {
  static int count = 0;
  std::vector<std::string> args = {"--doc", doc, "--connect", url};
  for (auto& a : fast_options()) args.push_back(a);
  args.insert(args.end(), extra.begin(), extra.end());
  return std::make_unique<Process>(peer_binary(), args,
                                   dir.path() + "/client." + std::to_string(++count) + ".log");
}

std::string client_text(Process& client) {
  const std::string line = client.command("print");
  return after(line, "text ");
}

bool wait_text(Process& client, const std::string& expected, Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (client_text(client) == expected) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(Millis(50));
  }
}

std::optional<HttpAnswer> http_get(const std::string& url, Millis timeout) {
  // http://127.0.0.1:PORT/PATH only: what weft-server prints.
  const std::string rest = after(url, "http://");
  const auto colon = rest.find(':');
  const auto slash = rest.find('/');
  if (rest.empty() || colon == std::string::npos || slash == std::string::npos) return {};
  const std::string host = rest.substr(0, colon);
  const int port = std::stoi(rest.substr(colon + 1, slash - colon - 1));
  const std::string path = rest.substr(slash);

  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return {};
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return {};
  }
  const std::string request =
      "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return {};
  }
  std::string raw;
  const auto deadline = Clock::now() + timeout;
  for (;;) {  // the server closes after its answer
    const auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
    pollfd p{fd, POLLIN, 0};
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) {
      ::close(fd);
      return {};
    }
    char buffer[4096];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n < 0) {
      ::close(fd);
      return {};
    }
    if (n == 0) break;
    raw.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  const auto end_of_head = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.1 ", 0) != 0 || end_of_head == std::string::npos) return {};
  HttpAnswer answer;
  answer.status = std::stoi(raw.substr(9, 3));
  answer.body = raw.substr(end_of_head + 4);
  return answer;
}

std::optional<std::map<std::string, double>> parse_prometheus(const std::string& text,
                                                              std::string& error) {
  std::map<std::string, double> out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    if (line.rfind("# HELP ", 0) == 0) continue;
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream words(line.substr(7));
      std::string name;
      std::string kind;
      words >> name >> kind;
      const double code = kind == "counter"     ? 0
                          : kind == "gauge"     ? 1
                          : kind == "histogram" ? 2
                                                : -1;
      if (!valid_metric_name(name) || code < 0) {
        error = "bad TYPE line: " + line;
        return std::nullopt;
      }
      out["TYPE " + name] = code;
      continue;
    }
    const auto space = line.rfind(' ');
    if (space == std::string::npos) {
      error = "no value: " + line;
      return std::nullopt;
    }
    const std::string key = line.substr(0, space);
    const std::string name = key.substr(0, key.find('{'));
    if (!valid_metric_name(name) || (key.find('{') != std::string::npos && key.back() != '}')) {
      error = "bad sample name: " + line;
      return std::nullopt;
    }
    const std::string value = line.substr(space + 1);
    char* end = nullptr;
    const double v = value == "+Inf" ? HUGE_VAL : std::strtod(value.c_str(), &end);
    if (value != "+Inf" && (end == value.c_str() || *end != '\0')) {
      error = "bad value: " + line;
      return std::nullopt;
    }
    out[key] = v;
  }
  return out;
}

}  // namespace weft::test

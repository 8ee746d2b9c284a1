#pragma once
// Test support for weft-server: the server and its clients (weft-peer) as real
// processes on 127.0.0.1, every listener on port 0 (the ports are read back from
// stdout), and the metrics endpoint scraped over real HTTP and parsed.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "network_process/process.hpp"

namespace weft::test {

// Binaries from the environment (set by CMake); empty when unset.
[[nodiscard]] std::string server_binary();

// A fresh directory under /tmp, removed with everything in it when destroyed.
class TempDir {
 public:
  explicit TempDir(const std::string& name);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

// One weft-server process. Its data directory is `dir`/data, so a restart with the
// same `dir` serves the same documents.
class ServerProcess {
 public:
  // Starts weft-server --listen tcp://127.0.0.1:0 --data DIR/data --metrics
  // 127.0.0.1:0 plus `extra`, and waits for its "listening" and "metrics" lines.
  // Throws std::runtime_error (with the server's stderr) when they do not come.
  ServerProcess(const TempDir& dir, std::vector<std::string> extra = {});

  [[nodiscard]] const std::string& url() const noexcept { return url_; }
  [[nodiscard]] const std::string& metrics_url() const noexcept { return metrics_url_; }
  [[nodiscard]] Process& process() noexcept { return *process_; }

  // GET /metrics, parsed; throws std::runtime_error when the answer is not 200 or
  // not well-formed Prometheus text.
  [[nodiscard]] std::map<std::string, double> scrape();
  // Polls scrape() until metric `name` equals `value` (true) or `timeout` passes.
  [[nodiscard]] bool wait_metric(const std::string& name, double value, Millis timeout);
  // Likewise until it is at least `value`.
  [[nodiscard]] bool wait_metric_at_least(const std::string& name, double value, Millis timeout);

 private:
  [[nodiscard]] bool wait_for(const std::string& name, const std::function<bool(double)>& good,
                              Millis timeout);

  std::unique_ptr<Process> process_;
  std::string url_;
  std::string metrics_url_;
};

// A weft-peer client of document `doc` dialling `url` (plus `extra` flags), with quick
// re-dials and anti-entropy rounds.
[[nodiscard]] std::unique_ptr<Process> start_client(const TempDir& dir, const std::string& url,
                                                    const std::string& doc,
                                                    std::vector<std::string> extra = {});
// The client's text ("text ESCAPED" answer, unescaped for plain ASCII tests).
[[nodiscard]] std::string client_text(Process& client);
// Polls until the client's text equals `expected` (true) or `timeout` passes.
[[nodiscard]] bool wait_text(Process& client, const std::string& expected, Millis timeout);

struct HttpAnswer {
  int status = 0;
  std::string body;
};
// One HTTP/1.1 GET of `url` ("http://HOST:PORT/PATH"); nullopt when it fails.
[[nodiscard]] std::optional<HttpAnswer> http_get(const std::string& url, Millis timeout);

// Parses Prometheus text format: "# HELP"/"# TYPE" comments and "NAME[{LABELS}] VALUE"
// samples, keyed by NAME{LABELS} as written. Also records each "# TYPE NAME KIND" as
// key "TYPE NAME" with value 0 (counter), 1 (gauge) or 2 (histogram). nullopt (and
// `error` set) on a malformed line.
[[nodiscard]] std::optional<std::map<std::string, double>> parse_prometheus(const std::string& text,
                                                                            std::string& error);

}  // namespace weft::test

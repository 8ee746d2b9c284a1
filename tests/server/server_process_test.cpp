// weft-server as a real process on 127.0.0.1, with weft-peer processes as clients:
// convergence through the server, restarts on the same --data, idle eviction and
// reload seen through the metrics endpoint, SIGTERM, tokens, and bad flags.
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <string>
#include <thread>

#include "server/server_fixture.hpp"
#include "support/catch.hpp"

using namespace weft::test;

namespace {

constexpr Millis kSettle(15'000);

// Two clients of `doc` see one another's edits through the server.
void edit_and_converge(Process& a, Process& b, const std::string& expected_a_then_b) {
  REQUIRE(a.command("append A1") == "ok");
  REQUIRE(wait_text(b, "A1", kSettle));
  REQUIRE(b.command("append B2") == "ok");
  REQUIRE(wait_text(a, expected_a_then_b, kSettle));
}

// A new server on `dir` serves each document with its text, to a fresh client.
void expect_served(const TempDir& dir, const std::map<std::string, std::string>& texts) {
  ServerProcess server(dir);
  for (const auto& [doc, text] : texts) {
    INFO(doc);
    auto fresh = start_client(dir, server.url(), doc);
    CHECK(wait_text(*fresh, text, kSettle));
  }
}

}  // namespace

TEST_CASE("two clients of one document converge through the server; others see nothing",
          "[converge]") {
  TempDir dir("server-converge");
  ServerProcess server(dir);
  auto a = start_client(dir, server.url(), "notes");
  auto b = start_client(dir, server.url(), "notes");
  auto other = start_client(dir, server.url(), "other");
  edit_and_converge(*a, *b, "A1B2");
  CHECK(wait_text(*b, "A1B2", kSettle));
  // Concurrent edits from both sides, then one text on both.
  for (int i = 0; i < 5; ++i) {
    REQUIRE(a->command("insert 0 a") == "ok");
    REQUIRE(b->command("append b") == "ok");
  }
  bool same = false;
  for (int i = 0; i < 200 && !same; ++i) {
    same = client_text(*a) == client_text(*b) && client_text(*a).size() == 14;
    if (!same) std::this_thread::sleep_for(Millis(50));
  }
  CHECK(same);
  CHECK(client_text(*other).empty());
  const auto metrics = server.scrape();
  CHECK(metrics.at("weft_server_documents_open") == 2);
  CHECK(metrics.at("weft_server_peers_connected") == 3);
}

TEST_CASE("a server killed and restarted on the same --data serves everything acknowledged",
          "[restart]") {
  TempDir dir("server-restart");
  std::string expected;
  {
    ServerProcess server(dir);
    auto a = start_client(dir, server.url(), "notes");
    auto b = start_client(dir, server.url(), "notes");
    auto c = start_client(dir, server.url(), "second");
    edit_and_converge(*a, *b, "A1B2");
    REQUIRE(c->command("append C3") == "ok");
    // Seen by b through the server: the server applied it, so stored it first.
    REQUIRE(a->command("append A4") == "ok");
    REQUIRE(wait_text(*b, "A1B2A4", kSettle));
    // c's edit is acknowledged once the server relays nothing but acks it: wait until
    // the server reports it applied (updates counted after storing).
    REQUIRE(server.wait_metric_at_least("weft_server_updates_applied_total", 4, kSettle));
    server.process().kill_hard();  // no flush, no goodbye: only what is on disk counts
  }
  expect_served(dir, {{"notes", "A1B2A4"}, {"second", "C3"}});
}

TEST_CASE("an idle document is evicted and reloaded intact", "[evict]") {
  TempDir dir("server-evict");
  ServerProcess server(dir, {"--idle-ms", "300"});
  CHECK(server.scrape().at("weft_server_documents_open") == 0);
  {
    auto a = start_client(dir, server.url(), "notes");
    REQUIRE(a->command("append kept") == "ok");
    REQUIRE(server.wait_metric_at_least("weft_server_updates_applied_total", 1, kSettle));
    REQUIRE(server.wait_metric("weft_server_documents_open", 1, kSettle));
    // While the client is connected the document stays, however long it is quiet.
    std::this_thread::sleep_for(Millis(1'000));
    CHECK(server.scrape().at("weft_server_documents_open") == 1);
    CHECK(a->command("quit") == "ok");
    CHECK(a->wait(Millis(5'000)) == 0);
  }
  REQUIRE(server.wait_metric("weft_server_documents_open", 0, kSettle));
  CHECK(server.scrape().at("weft_server_documents_evicted_total") == 1);

  auto b = start_client(dir, server.url(), "notes");
  CHECK(wait_text(*b, "kept", kSettle));
  const auto metrics = server.scrape();
  CHECK(metrics.at("weft_server_documents_open") == 1);
  CHECK(metrics.at("weft_server_documents_loaded_total") == 2);
}

TEST_CASE("SIGTERM flushes every open document and exits 0", "[sigterm]") {
  TempDir dir("server-sigterm");
  {
    ServerProcess server(dir, {"--idle-ms", "600000"});
    auto a = start_client(dir, server.url(), "one");
    auto b = start_client(dir, server.url(), "two");
    REQUIRE(a->command("append first") == "ok");
    REQUIRE(b->command("append second") == "ok");
    REQUIRE(server.wait_metric_at_least("weft_server_updates_applied_total", 2, kSettle));
    REQUIRE(server.scrape().at("weft_server_documents_open") == 2);
    // One server per --data: a second one is refused while this one runs.
    Process second(server_binary(),
                   {"--listen", "tcp://127.0.0.1:0", "--data", dir.path() + "/data"},
                   dir.path() + "/second.log");
    CHECK(second.wait(Millis(10'000)) == 1);
    CHECK(second.log_tail().find("cannot open " + dir.path() + "/data/weft.db") !=
          std::string::npos);
    CHECK(server.process().terminate(Millis(10'000)) == 0);
  }
  // The store was closed cleanly (its lock released): a new server opens it.
  expect_served(dir, {{"one", "first"}, {"two", "second"}});
}

TEST_CASE("the metrics endpoint serves every documented metric in Prometheus text", "[metrics]") {
  TempDir dir("server-metrics");
  ServerProcess server(dir);
  auto a = start_client(dir, server.url(), "notes");
  auto b = start_client(dir, server.url(), "notes");
  edit_and_converge(*a, *b, "A1B2");
  const auto m = server.scrape();
  const std::map<std::string, double> types = {
      {"weft_server_documents_open", 1},
      {"weft_server_peers_connected", 1},
      {"weft_server_documents_loaded_total", 0},
      {"weft_server_documents_evicted_total", 0},
      {"weft_server_document_load_failures_total", 0},
      {"weft_server_updates_applied_total", 0},
      {"weft_server_updates_failed_total", 0},
      {"weft_server_received_bytes_total", 0},
      {"weft_server_sent_bytes_total", 0},
      {"weft_server_received_messages_total", 0},
      {"weft_server_sent_messages_total", 0},
      {"weft_server_apply_latency_seconds", 2},
  };
  for (const auto& [name, type] : types) {
    INFO(name);
    REQUIRE(m.count("TYPE " + name) == 1);
    CHECK(m.at("TYPE " + name) == type);
  }
  CHECK(m.at("weft_server_documents_open") == 1);
  CHECK(m.at("weft_server_peers_connected") == 2);
  CHECK(m.at("weft_server_documents_loaded_total") == 1);
  CHECK(m.at("weft_server_updates_applied_total") == 2);
  CHECK(m.at("weft_server_updates_failed_total") == 0);
  CHECK(m.at("weft_server_received_bytes_total") > 0);
  CHECK(m.at("weft_server_sent_bytes_total") > 0);
  CHECK(m.at("weft_server_received_messages_total") >= 2);
  // The histogram: cumulative buckets, +Inf equals the count, every apply observed.
  const double count = m.at("weft_server_apply_latency_seconds_count");
  CHECK(count >= 2);
  CHECK(m.at("weft_server_apply_latency_seconds_bucket{le=\"+Inf\"}") == count);
  CHECK(m.at("weft_server_apply_latency_seconds_sum") > 0);
  std::map<double, double> buckets;  // upper bound -> observations at or below it
  for (const auto& [key, value] : m) {
    if (key.rfind("weft_server_apply_latency_seconds_bucket{le=\"", 0) != 0) continue;
    const std::string bound = key.substr(key.find('"') + 1, key.rfind('"') - key.find('"') - 1);
    buckets[bound == "+Inf" ? HUGE_VAL : std::stod(bound)] = value;
  }
  CHECK(buckets.size() == 13);
  double previous = 0;
  for (const auto& [bound, value] : buckets) {
    CHECK(value >= previous);
    previous = value;
  }
  // Counters only grow.
  const auto later = server.scrape();
  CHECK(later.at("weft_server_received_bytes_total") >= m.at("weft_server_received_bytes_total"));
  // Other paths are not found.
  const std::string base = server.metrics_url().substr(0, server.metrics_url().rfind('/'));
  auto missing = http_get(base + "/other", Millis(5'000));
  REQUIRE(missing);
  CHECK(missing->status == 404);
}

TEST_CASE("a refused token is refused; a read-only token reads but cannot write", "[token]") {
  TempDir dir("server-token");
  ServerProcess server(dir, {"--accept-token", "secret", "--accept-token", "viewer:ro"});
  auto writer = start_client(dir, server.url(), "notes", {"--token", "secret"});
  auto viewer = start_client(dir, server.url(), "notes", {"--token", "viewer"});
  auto intruder = start_client(dir, server.url(), "notes", {"--token", "wrong"});
  auto nobody = start_client(dir, server.url(), "private");  // no token at all

  REQUIRE(writer->command("append W") == "ok");
  CHECK(wait_text(*viewer, "W", kSettle));
  REQUIRE(viewer->command("append V") == "ok");  // rejected by the server
  REQUIRE(intruder->command("append X") == "ok");
  REQUIRE(nobody->command("append N") == "ok");
  std::this_thread::sleep_for(Millis(1'500));  // several anti-entropy rounds

  CHECK(client_text(*writer) == "W");
  CHECK(intruder->command("peers") == "peers 0");
  CHECK(nobody->command("peers") == "peers 0");
  CHECK(client_text(*intruder) == "X");
  const auto m = server.scrape();
  CHECK(m.at("weft_server_peers_connected") == 2);
  CHECK(m.at("weft_server_documents_open") == 1);  // "private" was never loaded
  CHECK(m.at("weft_server_updates_applied_total") == 1);

  // A fresh writer sees only what was accepted.
  auto late = start_client(dir, server.url(), "notes", {"--token", "secret"});
  CHECK(wait_text(*late, "W", kSettle));
}

TEST_CASE("bad flags are refused with a clear message; --help lists every flag", "[flags]") {
  TempDir dir("server-flags");
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--bogus"}, "unknown argument '--bogus'"},
      {{"--listen", "tcp://127.0.0.1:0"}, "--data DIR is required"},
      {{"--data", dir.path()}, "--listen URL is required"},
      {{"--listen", "tcp://127.0.0.1:0", "--data", dir.path(), "--idle-ms", "soon"},
       "--idle-ms needs a positive number, got 'soon'"},
      {{"--listen", "tcp://127.0.0.1:0", "--data", dir.path(), "--idle-ms"},
       "--idle-ms needs a value"},
  };
  int n = 0;
  for (const auto& c : cases) {
    INFO(c.message);
    Process p(server_binary(), c.args, dir.path() + "/flags" + std::to_string(++n) + ".log");
    CHECK(p.wait(Millis(10'000)) == 2);
    CHECK(p.log_tail().find(c.message) != std::string::npos);
  }
  // Well-formed flags that cannot be used: exit 1, saying why.
  {
    Process p(server_binary(),
              {"--listen", "tcp://nonsense", "--data", dir.path() + "/d", "--metrics", "x:y"},
              dir.path() + "/flags-bad-url.log");
    CHECK(p.wait(Millis(10'000)) == 1);
    CHECK(p.log_tail().find("bad --listen URL 'tcp://nonsense'") != std::string::npos);
  }
  {
    Process p(server_binary(),
              {"--listen", "tcp://127.0.0.1:0", "--data", dir.path() + "/d", "--metrics", "x:y"},
              dir.path() + "/flags-bad-metrics.log");
    CHECK(p.wait(Millis(10'000)) == 1);
    CHECK(p.log_tail().find("cannot serve --metrics x:y") != std::string::npos);
  }
  Process help(server_binary(), {"--help"}, dir.path() + "/help.log");
  std::string text;
  while (auto line = help.read_line(Millis(5'000))) text += *line + "\n";
  CHECK(help.wait(Millis(5'000)) == 0);
  for (const char* flag :
       {"--listen", "--data", "--idle-ms", "--anti-entropy-ms", "--metrics", "--accept-token",
        "--tls-cert", "--tls-key", "--tls-ca", "--tls-require-client-cert", "--peer-messages-per-s",
        "--peer-bytes-per-s", "--peer-snapshot-interval-ms", "--port-file", "--verbose",
        "--help"}) {
    INFO(flag);
    CHECK(text.find(flag) != std::string::npos);
  }
}

TEST_CASE("--port-file lists the bound URLs and the metrics URL", "[portfile]") {
  TempDir dir("server-portfile");
  const std::string file = dir.path() + "/ports";
  ServerProcess server(dir, {"--port-file", file});
  std::ifstream in(file);
  std::string first;
  std::string second;
  std::getline(in, first);
  std::getline(in, second);
  CHECK(first == server.url());
  CHECK(second == server.metrics_url());
}

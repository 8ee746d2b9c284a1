// weft-server's pure parts: flag parsing and the Prometheus rendering (checked by the
// same parser the process tests use on the real endpoint).
#include "server/metrics_registry.hpp"
#include "server/server_fixture.hpp"
#include "server/server_options.hpp"
#include "support/catch.hpp"

using namespace weft::server;

namespace {

std::optional<ServerOptions> parse(std::vector<std::string_view> args, std::string& error) {
  return parse_server_options(args, error);
}

}  // namespace

TEST_CASE("server flags: values, defaults and errors", "[server][options]") {
  std::string error;
  auto o = parse({"--listen", "ws://127.0.0.1:0/", "--listen", "tcp://127.0.0.1:0", "--data",
                  "/tmp/d", "--idle-ms", "0x10", "--metrics", "127.0.0.1:9100", "--accept-token",
                  "a:ro", "--accept-token", "b", "--verbose"},
                 error);
  REQUIRE(o);
  CHECK(o->listen.size() == 2);
  CHECK(o->data == "/tmp/d");
  CHECK(o->idle_ms == 16);
  CHECK(o->metrics == "127.0.0.1:9100");
  REQUIRE(o->accept_tokens.size() == 2);
  CHECK(o->accept_tokens[0].token == "a");
  CHECK(o->accept_tokens[0].read_only);
  CHECK_FALSE(o->accept_tokens[1].read_only);
  CHECK(o->verbose);
  CHECK(o->anti_entropy_ms == 1'000);
  CHECK_FALSE(o->peer_messages_per_s);

  CHECK_FALSE(parse({"--listen", "x", "--data", "d", "--idle-ms", "0"}, error));
  CHECK(error == "--idle-ms needs a positive number, got '0'");
  CHECK_FALSE(parse({"--listen", "x", "--data", ""}, error));
  CHECK(error == "--data needs a non-empty value");
  CHECK_FALSE(parse({"--listen", "x", "--data", "d", "--accept-token", ":ro"}, error));
  CHECK(error == "--accept-token needs TOKEN or TOKEN:ro, got ':ro'");
  CHECK_FALSE(parse({"--listen", "x", "--data", "d", "--peer-bytes-per-s", "-1"}, error));
  CHECK(error == "--peer-bytes-per-s needs a positive number, got '-1'");
  CHECK_FALSE(parse({"--data", "d"}, error));
  CHECK(error == "--listen URL is required (see --help)");
  auto help = parse({"--help"}, error);  // nothing else required
  REQUIRE(help);
  CHECK(help->help);
}

TEST_CASE("metrics render as Prometheus text that parses back", "[server][metrics]") {
  MetricsRegistry registry;
  auto& requests = registry.counter("app_requests_total", "Requests.\nSecond line \\ here.");
  requests.add(3);
  std::uint64_t outside = 7;
  registry.counter("app_outside_total", "Sampled.", [&] { return outside; });
  registry.gauge("app_open", "Open things.", [] { return 2.5; });
  auto& latency = registry.histogram("app_latency_seconds", "Latency.", {0.001, 0.01, 0.1});
  latency.observe(0.0005);
  latency.observe(0.001);  // on a bound: counted in it (le)
  latency.observe(0.05);
  latency.observe(3);

  const std::string text = registry.render();
  std::string error;
  auto m = weft::test::parse_prometheus(text, error);
  INFO(text);
  REQUIRE(m);
  CHECK(m->at("app_requests_total") == 3);
  CHECK(m->at("app_outside_total") == 7);
  CHECK(m->at("app_open") == 2.5);
  CHECK(m->at("TYPE app_open") == 1);
  CHECK(m->at("TYPE app_latency_seconds") == 2);
  CHECK(m->at("app_latency_seconds_bucket{le=\"0.001\"}") == 2);
  CHECK(m->at("app_latency_seconds_bucket{le=\"0.01\"}") == 2);
  CHECK(m->at("app_latency_seconds_bucket{le=\"0.1\"}") == 3);
  CHECK(m->at("app_latency_seconds_bucket{le=\"+Inf\"}") == 4);
  CHECK(m->at("app_latency_seconds_count") == 4);
  CHECK(m->at("app_latency_seconds_sum") == Approx(3.0515));
  CHECK(text.find("# HELP app_requests_total Requests.\\nSecond line \\\\ here.\n") !=
        std::string::npos);

  CHECK_THROWS_AS(registry.gauge("app_open", "again", [] { return 0.0; }), std::invalid_argument);
  CHECK_THROWS_AS(registry.counter("1bad", "x"), std::invalid_argument);
  CHECK_THROWS_AS(registry.histogram("h", "x", {1.0, 1.0}), std::invalid_argument);
}

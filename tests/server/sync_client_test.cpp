// SyncClient against real weft-server processes on 127.0.0.1: convergence with no
// publish or tick in the test, failover after kill -9, a refused token that stops
// the dialling, and the order of connection-state callbacks. Plus FailoverSchedule,
// the pure policy behind the failover.
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "client/failover_schedule.hpp"
#include "server/server_fixture.hpp"
#include "support/catch.hpp"
#include "weft/doc/doc.hpp"
#include "weft/net/sync_client.hpp"
#include "weft/storage/persistent_doc.hpp"
#include "weft/storage/sqlite_storage.hpp"

using namespace weft::test;
using weft::net::ConnectionState;
using weft::net::SyncClient;

namespace {

constexpr Millis kSettle(15'000);

// Runs `io` until `done` holds (true) or `timeout` passes (false).
bool run_until(boost::asio::io_context& io, const std::function<bool()>& done, Millis timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    io.restart();
    io.run_for(std::chrono::milliseconds(20));
  }
  return true;
}

void run_for(boost::asio::io_context& io, Millis duration) {
  (void)run_until(
      io, [] { return false; }, duration);
}

weft::net::SyncClientOptions options_for(std::vector<std::string> urls) {
  weft::net::SyncClientOptions options;
  options.document = "notes";
  options.urls = std::move(urls);
  options.failover.initial_delay_ms = 50;
  options.failover.max_delay_ms = 400;
  options.seed = 7;
  return options;
}

// Updates server accepted from clients (scraped; the test's io keeps running meanwhile).
double applied(ServerProcess& server) {
  const auto metrics = server.scrape();
  const auto it = metrics.find("weft_server_updates_applied_total");
  return it == metrics.end() ? 0 : it->second;
}

std::string text_of(const weft::Doc& doc) {
  return doc.text("body").to_string();
}

// Runs `io` until `doc`'s text is `expected`.
bool text_reaches(boost::asio::io_context& io, const weft::Doc& doc, const std::string& expected) {
  return run_until(
      io, [&] { return text_of(doc) == expected; }, kSettle);
}

// Runs `io` until every client is connected.
bool all_connected(boost::asio::io_context& io, std::initializer_list<const SyncClient*> clients) {
  return run_until(
      io,
      [&] {
        for (const auto* c : clients)
          if (c->state() != ConnectionState::connected) return false;
        return true;
      },
      kSettle);
}

void append(weft::Doc& doc, const std::string& text) {
  auto tx = doc.transact();
  tx.text("body").insert(doc.text("body").size(), text);
}

struct StateLog {
  struct Entry {
    ConnectionState state;
    std::string url;
    boost::system::error_code ec;
  };
  std::vector<Entry> entries;
  void attach(SyncClient& client) {
    client.on_state = [this](ConnectionState s, std::string_view url,
                             boost::system::error_code ec) {
      entries.push_back({s, std::string(url), ec});
    };
  }
  [[nodiscard]] std::size_t count(ConnectionState s) const {
    std::size_t n = 0;
    for (const auto& e : entries) n += e.state == s ? 1 : 0;
    return n;
  }
};

}  // namespace

TEST_CASE("FailoverSchedule: next URL at once, backoff between rounds, reset when stable",
          "[schedule]") {
  weft::net::FailoverPolicy policy{
      .initial_delay_ms = 100, .max_delay_ms = 350, .jitter = 0.0, .stable_after_ms = 1000};
  weft::net::client::FailoverSchedule s(3, policy, 1);
  CHECK(s.current() == 0);
  CHECK(s.failed() == 0);
  CHECK(s.current() == 1);
  CHECK(s.failed() == 0);
  CHECK(s.failed() == 100);  // a round of three failed
  CHECK(s.current() == 0);
  CHECK(s.failed() == 0);
  CHECK(s.failed() == 0);
  CHECK(s.failed() == 200);
  for (int i = 0; i < 6; ++i) (void)s.failed();
  CHECK(s.rounds() == 4);
  CHECK(s.failed() == 0);
  CHECK(s.failed() == 0);
  CHECK(s.failed() == 350);  // capped
  // A stable connection to URL 0 ends: URL 1 at once, backoff forgotten.
  CHECK(s.disconnected(5000) == 0);
  CHECK(s.current() == 1);
  CHECK(s.rounds() == 0);
  CHECK(s.failed() == 0);
  CHECK(s.failed() == 0);
  CHECK(s.failed() == 100);
  // A connection that dropped at once counts as a failure.
  weft::net::client::FailoverSchedule one(1, policy, 1);
  CHECK(one.disconnected(10) == 100);
  CHECK(one.disconnected(10) == 200);

  weft::net::FailoverPolicy jittered = policy;
  jittered.jitter = 0.5;
  weft::net::client::FailoverSchedule j(1, jittered, 9);
  for (int i = 0; i < 20; ++i) {
    const auto d = j.failed();
    CHECK(d >= 50);
    CHECK(d <= 525);
  }
  CHECK_THROWS_AS(weft::net::client::FailoverSchedule(0, policy, 1), std::invalid_argument);
}

TEST_CASE("two SyncClients converge through one server with no publish or tick by the test",
          "[client_converge]") {
  TempDir dir("client-converge");
  ServerProcess server(dir);
  boost::asio::io_context io;
  weft::Doc a(weft::ReplicaId::random());
  weft::Doc b(weft::ReplicaId::random());
  SyncClient ca(io, a, options_for({server.url()}));
  SyncClient cb(io, b, options_for({server.url()}));
  ca.start();
  cb.start();
  REQUIRE(all_connected(io, {&ca, &cb}));

  append(a, "A1");
  REQUIRE(text_reaches(io, b, "A1"));
  append(b, " B2");
  REQUIRE(text_reaches(io, a, "A1 B2"));
  CHECK(ca.stats().published >= 1);
  CHECK(cb.stats().published >= 1);
  CHECK(ca.stats().attempts == 1);
  // The server stored what it acknowledged: a third client, started later, catches up.
  weft::Doc c(weft::ReplicaId::random());
  SyncClient cc(io, c, options_for({server.url()}));
  cc.start();
  CHECK(text_reaches(io, c, "A1 B2"));
}

TEST_CASE("a PersistentDoc syncs through the same client; what it sends is stored first",
          "[client_persistent]") {
  TempDir dir("client-persistent");
  ServerProcess server(dir);
  boost::asio::io_context io;
  auto store = weft::storage::open_sqlite_storage(dir.path() + "/local.db", {});
  REQUIRE(store);
  auto pdoc = weft::storage::PersistentDoc::open(**store, "notes");
  REQUIRE(pdoc);
  weft::Doc plain(weft::ReplicaId::random());
  auto cp = std::make_unique<SyncClient>(io, **pdoc, options_for({server.url()}));
  SyncClient cd(io, plain, options_for({server.url()}));
  cp->start();
  cd.start();
  REQUIRE(all_connected(io, {cp.get(), &cd}));
  append((*pdoc)->doc(), "stored");
  REQUIRE(text_reaches(io, plain, "stored"));
  CHECK(cp->stats().published >= 1);
  append(plain, " and back");
  REQUIRE(text_reaches(io, (*pdoc)->doc(), "stored and back"));
  // Both edits are in the local store: reopened, the document has them.
  cp.reset();  // the client goes first: it refers to the document
  pdoc->reset();
  auto reopened = weft::storage::PersistentDoc::open(**store, "notes");
  REQUIRE(reopened);
  CHECK(text_of((*reopened)->doc()) == "stored and back");
}

TEST_CASE("kill -9 the server a SyncClient uses: it fails over to the next URL and keeps syncing",
          "[client_failover]") {
  TempDir dir_a("client-failover-a");
  TempDir dir_b("client-failover-b");
  auto server_a = std::make_unique<ServerProcess>(dir_a);
  ServerProcess server_b(dir_b);
  boost::asio::io_context io;
  weft::Doc mover(weft::ReplicaId::random());
  weft::Doc watcher(weft::ReplicaId::random());
  SyncClient cm(io, mover, options_for({server_a->url(), server_b.url()}));
  SyncClient cw(io, watcher, options_for({server_b.url()}));
  StateLog log;
  log.attach(cm);
  cm.start();
  cw.start();
  REQUIRE(all_connected(io, {&cm}));
  REQUIRE(cm.url() == server_a->url());
  append(mover, "before");
  // Wait until server A stored it (servers do not share documents here, so only
  // the mover carries it to B).
  REQUIRE(run_until(
      io, [&] { return applied(*server_a) >= 1; }, kSettle));
  CHECK(text_of(watcher).empty());

  server_a->process().kill_hard();
  append(mover, " while-away");  // made before the client noticed, or while it dials
  REQUIRE(run_until(
      io, [&] { return cm.state() == ConnectionState::connected && cm.url() == server_b.url(); },
      kSettle));
  REQUIRE(text_reaches(io, watcher, "before while-away"));
  // Still syncing both ways through B.
  append(watcher, " back");
  CHECK(text_reaches(io, mover, "before while-away back"));
  append(mover, " more");
  CHECK(text_reaches(io, watcher, "before while-away back more"));
  CHECK(log.count(ConnectionState::failed) == 0);
  CHECK(cm.stats().connections == 2);
}

TEST_CASE("a refused token is a terminal failure: reported once, never re-dialled",
          "[client_token]") {
  TempDir dir("client-token");
  ServerProcess server(dir, {"--accept-token", "secret"});
  boost::asio::io_context io;
  weft::Doc doc(weft::ReplicaId::random());
  auto options = options_for({server.url(), server.url()});  // a second URL it must not try
  options.net.token = "wrong";
  SyncClient client(io, doc, options);
  StateLog log;
  log.attach(client);
  std::vector<boost::system::error_code> errors;
  std::string reason;
  client.on_error = [&](std::string_view, boost::system::error_code ec, std::string_view what) {
    errors.push_back(ec);
    reason = what;
  };
  client.start();
  REQUIRE(run_until(
      io, [&] { return client.state() == ConnectionState::failed; }, kSettle));
  REQUIRE_FALSE(log.entries.empty());
  CHECK(log.entries.back().state == ConnectionState::failed);
  CHECK(log.entries.back().ec == weft::net::net_errc::authentication_failed);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == weft::net::net_errc::authentication_failed);
  CHECK_FALSE(reason.empty());
  // Well past several backoff rounds (50..400 ms): nothing more happens.
  const std::size_t entries = log.entries.size();
  append(doc, "local edits must not wake it");
  run_for(io, Millis(2'000));
  CHECK(client.stats().attempts == 1);
  CHECK(client.stats().connections == 0);
  CHECK(log.entries.size() == entries);
  CHECK(log.count(ConnectionState::connected) == 0);
  CHECK(server.scrape().at("weft_server_peers_connected") == 0);

  // The right token on the same server works (the refusal was the token's).
  weft::Doc other(weft::ReplicaId::random());
  auto good = options_for({server.url()});
  good.net.token = "secret";
  SyncClient ok(io, other, good);
  ok.start();
  CHECK(run_until(
      io, [&] { return ok.state() == ConnectionState::connected; }, kSettle));
}

TEST_CASE("connection-state callbacks come in order: connecting, connected, disconnected, ...",
          "[client_states]") {
  TempDir dir("client-states");
  auto server = std::make_unique<ServerProcess>(dir);
  const std::string url = server->url();
  boost::asio::io_context io;
  weft::Doc doc(weft::ReplicaId::random());
  SyncClient client(io, doc, options_for({url}));
  StateLog log;
  log.attach(client);
  CHECK(client.url().empty());
  client.start();
  REQUIRE(run_until(
      io, [&] { return client.state() == ConnectionState::connected; }, kSettle));
  REQUIRE(log.entries.size() == 2);
  CHECK(log.entries[0].state == ConnectionState::connecting);
  CHECK(log.entries[1].state == ConnectionState::connected);
  CHECK(log.entries[1].url == url);

  server->process().kill_hard();
  // The lone URL is dialled again at once, refused, then again after backoff.
  REQUIRE(run_until(
      io, [&] { return log.count(ConnectionState::connecting) >= 3; }, kSettle));
  client.stop();
  CHECK(client.state() == ConnectionState::failed);
  const std::size_t at_stop = log.entries.size();
  run_for(io, Millis(1'000));
  CHECK(log.entries.size() == at_stop);  // nothing after stop()

  // connecting -> connected -> disconnected -> connecting -> (disconnected -> connecting)*
  // -> failed; never connected twice in a row, every state about the one URL.
  const std::vector<ConnectionState> expected_head{
      ConnectionState::connecting, ConnectionState::connected, ConnectionState::disconnected,
      ConnectionState::connecting};
  for (std::size_t i = 0; i < expected_head.size(); ++i) {
    INFO(i);
    CHECK(log.entries[i].state == expected_head[i]);
  }
  for (std::size_t i = 4; i + 1 < log.entries.size(); ++i) {
    INFO(i);
    const auto want = i % 2 == 0 ? ConnectionState::disconnected : ConnectionState::connecting;
    CHECK(log.entries[i].state == want);
    CHECK(bool(log.entries[i].ec) == (want == ConnectionState::disconnected));  // why it failed
  }
  CHECK(log.entries.back().state == ConnectionState::failed);
  CHECK_FALSE(log.entries.back().ec);
  for (const auto& e : log.entries) CHECK(e.url == url);
  CHECK(log.count(ConnectionState::connected) == 1);
}

TEST_CASE("stop() from inside the connected callback ends the client cleanly", "[client_states]") {
  TempDir dir("client-stop");
  ServerProcess server(dir);
  boost::asio::io_context io;
  weft::Doc doc(weft::ReplicaId::random());
  SyncClient client(io, doc, options_for({server.url()}));
  std::vector<ConnectionState> seen;
  client.on_state = [&](ConnectionState s, std::string_view, boost::system::error_code) {
    seen.push_back(s);
    if (s == ConnectionState::connected) client.stop();
  };
  client.start();
  REQUIRE(run_until(
      io, [&] { return client.state() == ConnectionState::failed; }, kSettle));
  run_for(io, Millis(500));
  CHECK(seen == std::vector<ConnectionState>{ConnectionState::connecting,
                                             ConnectionState::connected, ConnectionState::failed});
  CHECK(client.stats().attempts == 1);
}

// Multi-process tests: separate weft-peer processes on 127.0.0.1 edit one text
// concurrently through their stdin, over meshes and chains, while peers are
// killed and restarted and connections are cut mid-frame; all must converge to
// identical digests, with every surviving edit present.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <thread>

#include <unistd.h>

#include "network_process/cluster.hpp"
#include "support/catch.hpp"
#include "support/seeds.hpp"

namespace {

using weft::test::Cluster;
using weft::test::Millis;

constexpr Millis kConverge{30'000};

// Checks `cond`; on failure reports every peer's digest, peer count and stderr
// (describe() talks to the peers, so it only runs when needed).
#define REQUIRE_DESCRIBED(cluster, cond)                             \
  do {                                                               \
    if (!(cond)) FAIL(#cond << " failed\n" << (cluster).describe()); \
  } while (0)

enum class Topology { mesh, chain };

// Peer i dials every earlier peer (mesh) or only peer i - 1 (chain).
void start_topology(Cluster& cluster, Topology topology, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::string> args{"--name", "user" + std::to_string(i)};
    for (std::size_t j = 0; j < i; ++j) {
      if (topology == Topology::chain && j + 1 != i) continue;
      args.push_back("--connect");
      args.push_back(cluster.url(j));
    }
    (void)cluster.start(args, true);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t expect = topology == Topology::mesh ? n - 1 : (i == 0 || i + 1 == n ? 1 : 2);
    REQUIRE_DESCRIBED(cluster, cluster.wait_peers(i, expect, Millis(20'000)));
  }
}

// The letter each peer types: inserted characters name their author.
char letter_of(std::size_t peer) {
  return static_cast<char>('a' + peer);
}

// `ops` single-letter inserts (1-3 letters each) at random positions, spread
// over the live peers without waiting for sync: they are concurrent. Returns
// how many letters each peer inserted.
std::vector<std::size_t> insert_burst(Cluster& cluster, std::mt19937_64& rng, std::size_t ops) {
  std::vector<std::size_t> inserted(cluster.size(), 0);
  for (std::size_t op = 0; op < ops; ++op) {
    const std::size_t p = rng() % cluster.size();
    if (!cluster.alive(p)) continue;
    const std::size_t length = cluster.digest(p).length;
    const std::size_t pos = rng() % (length + 1);
    const std::size_t count = 1 + rng() % 3;
    const std::string answer = cluster.at(p).command("insert " + std::to_string(pos) + " " +
                                                     std::string(count, letter_of(p)));
    INFO("peer " << p << " insert at " << pos << " of " << length);
    REQUIRE(answer == "ok");  // inserts only: the length never shrinks under us
    inserted[p] += count;
  }
  return inserted;
}

// Inserts and deletes mixed. A remote delete may shrink the text between our
// length query and the edit, so "past end" errors are accepted; nothing else is.
void mixed_burst(Cluster& cluster, std::mt19937_64& rng, std::size_t ops) {
  for (std::size_t op = 0; op < ops; ++op) {
    const std::size_t p = rng() % cluster.size();
    if (!cluster.alive(p)) continue;
    const std::size_t length = cluster.digest(p).length;
    std::string answer;
    if (length > 0 && rng() % 3 == 0) {
      const std::size_t pos = rng() % length;
      const std::size_t count = std::min<std::size_t>(1 + rng() % 2, length - pos);
      answer = cluster.at(p).command("delete " + std::to_string(pos) + " " + std::to_string(count));
    } else {
      answer = cluster.at(p).command("insert " + std::to_string(rng() % (length + 1)) + " " +
                                     std::string(1, letter_of(p)));
    }
    INFO("peer " << p);
    REQUIRE((answer == "ok" || answer.find("past end") != std::string::npos));
  }
}

std::vector<std::size_t> all_peers(const Cluster& cluster) {
  std::vector<std::size_t> peers(cluster.size());
  for (std::size_t i = 0; i < peers.size(); ++i) peers[i] = i;
  return peers;
}

void check_counts(Cluster& cluster, const std::vector<std::size_t>& inserted) {
  const auto counts = weft::test::letter_counts(cluster.text(0));
  for (std::size_t p = 0; p < inserted.size(); ++p) {
    INFO("letters of peer " << p);
    const auto it = counts.find(letter_of(p));
    CHECK((it == counts.end() ? 0 : it->second) == inserted[p]);
  }
}

}  // namespace

namespace {

// Concurrent inserts, then inserts and deletes, on n peers in `topology` over
// `scheme`; all converge, keep every inserted letter, and see each other's presence.
void run_topology(Topology topology, std::size_t n, const char* scheme, std::uint64_t seed) {
  const char* name = topology == Topology::mesh ? "mesh" : "chain";
  INFO(name << " of " << n << " over " << scheme << ", seed " << seed);
  std::mt19937_64 rng(seed + n);
  Cluster cluster(name, scheme);
  start_topology(cluster, topology, n);
  const auto inserted = insert_burst(cluster, rng, 40 * n);
  REQUIRE_DESCRIBED(cluster, cluster.wait_converged(all_peers(cluster), kConverge));
  check_counts(cluster, inserted);
  mixed_burst(cluster, rng, 30 * n);
  REQUIRE_DESCRIBED(cluster, cluster.wait_converged(all_peers(cluster), kConverge));
  // Presence reaches everyone, through relays in a chain: each end sees all the others.
  std::string expected = "presence " + std::to_string(n - 1);
  for (std::size_t i = 1; i < n; ++i) expected += " user" + std::to_string(i);
  std::string seen;
  for (int i = 0; i < 100 && seen != expected; ++i) {
    seen = cluster.at(0).command("presence");
    if (seen != expected) std::this_thread::sleep_for(Millis(50));
  }
  CHECK(seen == expected);
}

}  // namespace

TEST_CASE("weft-peer processes in meshes and chains converge under concurrent edits",
          "[network][topologies]") {
  if (weft::test::peer_binary().empty()) FAIL("WEFT_PEER_BINARY is not set");
  const std::uint64_t seed = weft::test::seeds(1).front();
  for (const std::size_t n : {3, 5}) {
    run_topology(Topology::mesh, n, "tcp", seed);
    run_topology(Topology::chain, n, "tcp", seed);
  }
}

TEST_CASE("weft-peer processes converge over WebSocket", "[network][ws]") {
  if (weft::test::peer_binary().empty()) FAIL("WEFT_PEER_BINARY is not set");
  run_topology(Topology::chain, 3, "ws", weft::test::seeds(1).front());
}

TEST_CASE("a peer killed with SIGKILL mid-run restarts empty and catches up", "[network][kill]") {
  if (weft::test::peer_binary().empty()) FAIL("WEFT_PEER_BINARY is not set");
  const std::uint64_t seed = weft::test::seeds(1).front();
  for (const Topology topology : {Topology::chain, Topology::mesh}) {
    const std::size_t n = topology == Topology::chain ? 5 : 3;
    const std::size_t victim = topology == Topology::chain ? 2 : 1;  // chain: splits it in two
    INFO((topology == Topology::chain ? "chain" : "mesh") << " of " << n << ", seed " << seed);
    std::mt19937_64 rng(seed);
    Cluster cluster("kill");
    start_topology(cluster, topology, n);
    auto inserted = insert_burst(cluster, rng, 20 * n);
    cluster.kill(victim);
    // The others keep editing while it is gone (the chain is split meanwhile).
    const auto more = insert_burst(cluster, rng, 20 * n);
    for (std::size_t p = 0; p < n; ++p) inserted[p] += more[p];
    cluster.restart(victim);  // nothing persisted: it starts empty and must catch up
    const auto after = insert_burst(cluster, rng, 10 * n);
    for (std::size_t p = 0; p < n; ++p) inserted[p] += after[p];
    REQUIRE_DESCRIBED(cluster, cluster.wait_converged(all_peers(cluster), kConverge));
    // Every survivor's letters are all there. The victim's letters typed before
    // the kill may have died with it if they had not left yet; none can be duplicated.
    const auto counts = weft::test::letter_counts(cluster.text(0));
    for (std::size_t p = 0; p < n; ++p) {
      INFO("letters of peer " << p);
      const auto it = counts.find(letter_of(p));
      const std::size_t have = it == counts.end() ? 0 : it->second;
      if (p == victim) {
        CHECK(have <= inserted[p]);
        CHECK(have >= after[p]);  // typed after the restart: must all arrive
      } else {
        CHECK(have == inserted[p]);
      }
    }
  }
}

TEST_CASE("connections cut mid-frame by a proxy heal and converge", "[network][proxy]") {
  if (weft::test::peer_binary().empty()) FAIL("WEFT_PEER_BINARY is not set");
  const std::uint64_t seed = weft::test::seeds(1).front();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  Cluster cluster("proxy");
  const std::size_t a = cluster.start({}, true);
  // b reaches a only through the proxy, which cuts its first 6 connections after
  // a random number of bytes; c hangs off b, so a and c depend on the cut link.
  weft::test::CuttingProxy proxy(weft::test::port_of(cluster.url(a)), 6, 3000, seed);
  const std::size_t b =
      cluster.start({"--connect", "tcp://127.0.0.1:" + std::to_string(proxy.port())}, true);
  const std::size_t c = cluster.start({"--connect", cluster.url(b)}, false);
  std::vector<std::size_t> inserted(3, 0);
  // Long inserts make frames of several hundred bytes, so cuts land inside them.
  for (int round = 0; round < 60; ++round) {
    const std::size_t p = rng() % 3;
    const std::size_t length = cluster.digest(p).length;
    const std::size_t count = 50 + rng() % 300;
    REQUIRE(cluster.at(p).command("insert " + std::to_string(rng() % (length + 1)) + " " +
                                  std::string(count, letter_of(p))) == "ok");
    inserted[p] += count;
    if (round % 10 == 9) std::this_thread::sleep_for(Millis(150));  // let some frames fly
  }
  INFO("proxy: " << proxy.connections() << " connections, " << proxy.cuts_done() << " cut");
  REQUIRE_DESCRIBED(cluster, cluster.wait_converged({a, b, c}, kConverge));
  check_counts(cluster, inserted);
  CHECK(proxy.cuts_done() >= 1);                   // the fault really happened
  CHECK(proxy.connections() > proxy.cuts_done());  // and a clean connection followed
}

TEST_CASE("a read-only peer reads everything but its edits reach nobody", "[network][access]") {
  if (weft::test::peer_binary().empty()) FAIL("WEFT_PEER_BINARY is not set");
  Cluster cluster("readonly");
  const std::size_t hub =
      cluster.start({"--accept-token", "secret", "--accept-token", "viewer:ro"}, true);
  const std::size_t writer =
      cluster.start({"--connect", cluster.url(hub), "--token", "secret"}, false);
  const std::size_t reader =
      cluster.start({"--connect", cluster.url(hub), "--token", "viewer"}, false);
  const std::size_t stranger =
      cluster.start({"--connect", cluster.url(hub), "--token", "guess"}, false);
  REQUIRE_DESCRIBED(cluster, cluster.wait_peers(hub, 2, Millis(10'000)));
  REQUIRE_DESCRIBED(cluster, cluster.wait_peers(writer, 1, Millis(10'000)));
  REQUIRE_DESCRIBED(cluster, cluster.wait_peers(reader, 1, Millis(10'000)));

  REQUIRE(cluster.at(hub).command("append HUB") == "ok");
  REQUIRE(cluster.at(writer).command("append writer") == "ok");
  REQUIRE(cluster.at(reader).command("insert 0 READER") == "ok");  // accepted locally only
  REQUIRE_DESCRIBED(cluster, cluster.wait_converged({hub, writer}, kConverge));

  // The reader gets every write of the others, next to its own rejected one.
  std::string reader_text;
  for (int i = 0; i < 100; ++i) {
    reader_text = cluster.text(reader);
    if (reader_text.find("HUB") != std::string::npos &&
        reader_text.find("writer") != std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(Millis(100));
  }
  CHECK(reader_text.find("HUB") != std::string::npos);
  CHECK(reader_text.find("writer") != std::string::npos);
  CHECK(reader_text.find("READER") != std::string::npos);
  // Several anti-entropy rounds later (300 ms each) the reader's edit is still nowhere else.
  std::this_thread::sleep_for(Millis(1'500));
  CHECK(cluster.text(hub).find("READER") == std::string::npos);
  CHECK(cluster.text(writer).find("READER") == std::string::npos);
  CHECK(cluster.wait_converged({hub, writer}, kConverge));
  // A wrong token is refused before any document byte: the stranger stays empty.
  CHECK(cluster.at(stranger).command("peers") == "peers 0");
  CHECK(cluster.digest(stranger).length == 0);
  CHECK(cluster.at(hub).command("peers") == "peers 2");
}

TEST_CASE("weft-peer keeps serving after stdin ends, and exits 0 on SIGTERM",
          "[network][commands]") {
  if (weft::test::peer_binary().empty()) FAIL("WEFT_PEER_BINARY is not set");
  Cluster cluster("eof");
  const std::size_t host = cluster.start({}, true);
  REQUIRE(cluster.at(host).command("append kept") == "ok");
  cluster.at(host).close_stdin();
  const std::size_t late = cluster.start({"--connect", cluster.url(host)}, false);
  REQUIRE_DESCRIBED(cluster, cluster.wait_peers(late, 1, Millis(10'000)));
  std::string text;
  for (int i = 0; i < 100 && text != "kept"; ++i) {
    text = cluster.text(late);
    if (text != "kept") std::this_thread::sleep_for(Millis(50));
  }
  CHECK(text == "kept");  // served by a peer whose stdin is closed
  CHECK(cluster.at(host).running());
  CHECK(cluster.at(host).terminate(Millis(5'000)) == 0);
  // With --exit-on-eof, EOF ends the process.
  const std::size_t brief = cluster.start({"--exit-on-eof"}, false);
  cluster.at(brief).close_stdin();
  CHECK(cluster.at(brief).wait(Millis(5'000)) == 0);
}

TEST_CASE("weft-peer answers every line, garbage included, and applies exactly the valid edits",
          "[network][commands]") {
  if (weft::test::peer_binary().empty()) FAIL("WEFT_PEER_BINARY is not set");
  for (const auto seed : weft::test::seeds(2)) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    Cluster cluster("commands");
    const std::size_t p = cluster.start({}, false);
    std::string model;  // ASCII only, so positions are bytes
    for (int op = 0; op < 400; ++op) {
      const int kind = static_cast<int>(rng() % 4);
      std::string line;
      std::string expect_prefix;
      if (kind == 0) {  // a valid insert, sometimes past the end
        const std::size_t pos = rng() % (model.size() + 3);
        std::string text(1 + rng() % 4, static_cast<char>('a' + rng() % 26));
        line = "insert " + std::to_string(pos) + " " + text;
        if (pos <= model.size()) {
          model.insert(pos, text);
          expect_prefix = "ok";
        } else {
          expect_prefix = "error position";
        }
      } else if (kind == 1) {  // a delete, sometimes out of range
        const std::size_t pos = rng() % (model.size() + 2);
        const std::size_t count = rng() % 4;
        line = "delete " + std::to_string(pos) + " " + std::to_string(count);
        if (pos <= model.size() && count <= model.size() - pos) {
          model.erase(pos, count);
          expect_prefix = "ok";
        } else {
          expect_prefix = "error range";
        }
      } else if (kind == 2) {  // random bytes (no newline; not blank, not a comment)
        const std::size_t n = 1 + rng() % 40;
        for (std::size_t i = 0; i < n; ++i) {
          char c = static_cast<char>(rng() % 256);
          if (c == '\n') c = 'x';
          line += c;
        }
        if (line[0] == '#' || line[0] == '\r' || line == "\r") line[0] = 'z';
        expect_prefix = "";  // any single line: error, or a value if it happens to parse
      } else {               // a valid command with a mangled argument
        const char* bad[] = {"insert x y", "delete 1",   "append",   "insert 0 \\xZZ", "print 1",
                             "digest now", "wait-peers", "sleep -1", "insert 0 \\xc3"};
        line = bad[rng() % std::size(bad)];
        expect_prefix = "error";
      }
      const std::string answer = cluster.at(p).command(line);
      INFO("line '" << line << "' answered '" << answer << "'");
      REQUIRE(answer != "<no answer>");
      if (!expect_prefix.empty()) REQUIRE(answer.rfind(expect_prefix, 0) == 0);
    }
    REQUIRE(cluster.text(p) == model);
    REQUIRE(cluster.at(p).command("quit") == "ok");
    CHECK(cluster.at(p).wait(Millis(5'000)) == 0);
  }
}

namespace {

// A throw-away CA and a certificate for 127.0.0.1 signed by it, made with the
// openssl command line in `dir`. False when openssl is missing or fails.
bool make_certificates(const std::string& dir) {
  const std::string script =
      "cd '" + dir +
      "' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1"
      " -subj /CN=weft-test-ca -keyout ca.key -out ca.pem"
      " && openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
      " -subj /CN=127.0.0.1 -keyout peer.key -out peer.csr"
      " && printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > ext.cnf"
      " && openssl x509 -req -in peer.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1"
      " -extfile ext.cnf -out peer.pem"
      " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1"
      " -subj /CN=other-ca -keyout other.key -out other.pem";
  return std::system(("(" + script + ") >/dev/null 2>&1").c_str()) == 0;
}

}  // namespace

TEST_CASE("weft-peer over TLS: a verified peer syncs, one trusting another CA is refused",
          "[network][tls]") {
  if (weft::test::peer_binary().empty()) FAIL("WEFT_PEER_BINARY is not set");
  std::string dir = "/tmp/weft-tls-XXXXXX";
  REQUIRE(::mkdtemp(dir.data()) != nullptr);
  struct Cleanup {
    std::string dir;
    ~Cleanup() { (void)std::system(("rm -rf '" + dir + "'").c_str()); }
  } cleanup{dir};
  if (!make_certificates(dir)) {
    WARN("SKIPPED: the openssl command could not make test certificates");
    return;
  }
  Cluster cluster("tls", "tls");
  const std::size_t server =
      cluster.start({"--tls-cert", dir + "/peer.pem", "--tls-key", dir + "/peer.key"}, true);
  REQUIRE(cluster.url(server).rfind("tls://127.0.0.1:", 0) == 0);
  const std::size_t client =
      cluster.start({"--connect", cluster.url(server), "--tls-ca", dir + "/ca.pem"}, false);
  const std::size_t wrong =
      cluster.start({"--connect", cluster.url(server), "--tls-ca", dir + "/other.pem"}, false);
  REQUIRE_DESCRIBED(cluster, cluster.wait_peers(client, 1, Millis(10'000)));
  REQUIRE(cluster.at(server).command("append over tls") == "ok");
  REQUIRE_DESCRIBED(cluster, cluster.wait_converged({server, client}, kConverge));
  REQUIRE(cluster.at(client).command("insert 0 both ways ") == "ok");
  REQUIRE_DESCRIBED(cluster, cluster.wait_converged({server, client}, kConverge));
  CHECK(cluster.text(client) == "both ways over tls");
  // The peer that cannot verify the server's certificate never connects and learns nothing.
  CHECK(cluster.at(wrong).command("peers") == "peers 0");
  CHECK(cluster.digest(wrong).length == 0);
  CHECK(cluster.at(server).command("peers") == "peers 1");
}

TEST_CASE("a peer with --store restarts with its content and syncs what it missed",
          "[network][store]") {
  if (weft::test::peer_binary().empty()) FAIL("WEFT_PEER_BINARY is not set");
  char dir[] = "/tmp/weft-peer-store-XXXXXX";
  REQUIRE(::mkdtemp(dir) != nullptr);
  const std::string store = std::string(dir) + "/a.db";
  Cluster cluster("store");
  const std::size_t a = cluster.start({"--store", store}, true);
  REQUIRE(cluster.at(a).command("append hello ") == "ok");  // on disk when answered
  cluster.kill(a);

  // b has never met a; it dials a's address while a is down and edits meanwhile.
  const std::size_t b = cluster.start({"--connect", cluster.url(a)}, false);
  REQUIRE(cluster.at(b).command("append world") == "ok");
  cluster.restart(a);
  REQUIRE_DESCRIBED(cluster, cluster.wait_converged({a, b}, Millis(20'000)));
  // "hello " reached b, which never met a before the crash: it came from a's store.
  // (The two runs were typed concurrently at the start: either may come first.)
  const std::string merged = cluster.text(b);
  CHECK((merged == "hello world" || merged == "worldhello "));

  // A second process on the same store is refused, not let in to corrupt it.
  const std::size_t intruder = cluster.start({"--store", store}, false);
  CHECK(cluster.at(intruder).wait(Millis(10'000)) == 1);

  // Down again while b edits: back up, a catches up and keeps its own edits.
  cluster.kill(a);
  REQUIRE(cluster.at(b).command("append !") == "ok");
  cluster.restart(a);
  REQUIRE(cluster.at(a).command("insert 0 >") == "ok");
  REQUIRE_DESCRIBED(cluster, cluster.wait_converged({a, b}, Millis(20'000)));
  CHECK(cluster.text(a) == ">" + merged + "!");
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

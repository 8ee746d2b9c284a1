// DocumentRegistry on its own, with explicit times: a client's greeting loads a
// document from a real SQLite store, it stays open while a client uses it or updates
// arrive, is evicted once idle for idle_ms, and loads again intact.
#include <memory>

#include "server/document_registry.hpp"
#include "server/server_fixture.hpp"
#include "support/catch.hpp"
#include "weft/storage/sqlite_storage.hpp"
#include "weft/transport/simulated_network.hpp"

using namespace weft;
using weft::server::DocumentRegistry;

namespace {

constexpr std::uint64_t kIdleMs = 1'000;

std::string text_of(const Doc& doc) {
  return doc.text(ObjectId::named("body", ObjectKind::text)).to_string();
}

struct World {
  World() : dir("registry"), net(11) {
    auto opened = storage::open_sqlite_storage(dir.path() + "/weft.db", {});
    REQUIRE(opened);
    store = std::move(*opened);
    server_node = net.add_node();
    client_node = net.add_node();
    server = std::make_unique<SyncHost>(net.transport(server_node));
    client = std::make_unique<SyncHost>(net.transport(client_node));
    registry = std::make_unique<DocumentRegistry>(*store, *server, kIdleMs);
    server->on_unhosted = [this](PeerId, std::string_view name) {
      REQUIRE(registry->open(name, net.now()));
    };
  }
  ~World() {
    registry.reset();  // before the host it uses
  }
  // Lets messages flow for `ms` (anti-entropy included), sweeping at the end.
  std::size_t run(std::uint64_t ms) {
    for (std::uint64_t t = 0; t < ms; t += 100) {
      net.advance(100);
      server->tick(net.now());
      client->tick(net.now());
    }
    return registry->sweep(net.now());
  }
  void edit(Doc& doc, const std::string& name, const std::string& text) {
    Bytes update;
    {
      auto tx = doc.transact();
      tx.text("body").insert(doc.text(ObjectId::named("body", ObjectKind::text)).size(), text);
      update = tx.commit();
    }
    client->publish(name, update);
  }

  weft::test::TempDir dir;
  SimulatedNetwork net;
  std::unique_ptr<storage::Storage> store;
  SimulatedNetwork::NodeId server_node = 0;
  SimulatedNetwork::NodeId client_node = 0;
  std::unique_ptr<SyncHost> server;
  std::unique_ptr<SyncHost> client;
  std::unique_ptr<DocumentRegistry> registry;
};

}  // namespace

TEST_CASE("a document is loaded on request, kept while used, evicted when idle, reloaded",
          "[server][registry]") {
  World w;
  Doc notes(ReplicaId{1});
  w.client->add_document("notes", notes);
  w.edit(notes, "notes", "stored");
  w.net.connect(w.server_node, w.client_node);
  w.run(500);
  REQUIRE(w.registry->is_open("notes"));
  CHECK(w.registry->open_count() == 1);
  CHECK(w.registry->stats().loaded == 1);

  // Connected and hosting it: never idle, however long.
  CHECK(w.run(5 * kIdleMs) == 0);
  CHECK(w.registry->is_open("notes"));

  // The client leaves: evicted only once idle_ms have passed.
  w.net.crash(w.client_node);
  CHECK(w.run(kIdleMs / 2) == 0);
  CHECK(w.run(kIdleMs) == 1);
  CHECK_FALSE(w.registry->is_open("notes"));
  CHECK(w.registry->stats().evicted == 1);

  // On disk, intact: a new replica that asks gets it all.
  Doc fresh(ReplicaId{2});
  w.client.reset();  // first: a host detaches itself from the transport when destroyed
  w.client = std::make_unique<SyncHost>(w.net.transport(w.client_node));
  w.client->add_document("notes", fresh);
  w.net.restart(w.client_node);
  w.run(1'000);
  CHECK(w.registry->is_open("notes"));
  CHECK(w.registry->stats().loaded == 2);
  CHECK(text_of(fresh) == "stored");
}

TEST_CASE("close_all flushes every open document and unhosts it", "[server][registry]") {
  World w;
  Doc a(ReplicaId{1});
  Doc b(ReplicaId{2});
  w.client->add_document("a", a);
  w.client->add_document("b", b);
  w.net.connect(w.server_node, w.client_node);
  w.edit(a, "a", "one");
  w.edit(b, "b", "two");
  w.run(1'000);
  REQUIRE(w.registry->open_count() == 2);
  w.registry->close_all();
  CHECK(w.registry->open_count() == 0);
  CHECK(w.server->peers_hosting("a") == 0);  // no session refers to it any more
  // What the store holds is what the clients wrote.
  for (const auto& [name, text] : {std::pair{"a", "one"}, std::pair{"b", "two"}}) {
    auto reopened = storage::PersistentDoc::open(*w.store, name);
    REQUIRE(reopened);
    CHECK(text_of((*reopened)->doc()) == text);
  }
}

TEST_CASE("a document the store cannot load is counted and not hosted", "[server][registry]") {
  World w;
  w.server->on_unhosted = [&](PeerId, std::string_view name) {
    (void)w.registry->open(name, w.net.now());
  };
  // Another open of the same document locks nothing in SQLite, so make the store fail:
  // a record that does not decode is corrupted.
  REQUIRE(w.store->append("bad", std::vector<std::uint8_t>{1, 2, 3}));
  Doc bad(ReplicaId{1});
  w.client->add_document("bad", bad);
  w.net.connect(w.server_node, w.client_node);
  w.run(1'000);
  CHECK_FALSE(w.registry->is_open("bad"));
  CHECK(w.registry->stats().load_failures >= 1);
  CHECK(w.server->peers_hosting("bad") == 0);
}

// Documents on demand (SyncHost::on_unhosted, remove_document, peers_hosting): a
// server that hosts nothing at first loads a document when a client greets it, syncs
// it, and can put it away once no client uses it; a later greeting loads it again.
#include <map>
#include <memory>

#include "support/catch.hpp"
#include "sync/sync_spy.hpp"
#include "weft/transport/simulated_network.hpp"

using namespace weft;
using weft::test::body;

namespace {

struct Pair {
  Pair() : net(7) {
    server_node = net.add_node();
    client_node = net.add_node();
    server = std::make_unique<SyncHost>(net.transport(server_node));
    client = std::make_unique<SyncHost>(net.transport(client_node));
    server->on_unhosted = [this](PeerId peer, std::string_view name) {
      asked.emplace_back(peer, std::string(name));
      if (refuse) return;
      auto& doc = stored[std::string(name)];
      if (!doc) doc = std::make_unique<Doc>(ReplicaId{100});
      server->add_document(std::string(name), *doc);
    };
  }
  // An edit made on the client and published, as an application does.
  void edit(Doc& doc, const std::string& name, std::size_t pos, const std::string& text) {
    Bytes update;
    {
      auto tx = doc.transact();
      tx.text("body").insert(pos, text);
      update = tx.commit();
    }
    client->publish(name, update);
  }
  void settle() {
    for (int i = 0; i < 4; ++i) {
      net.advance(1000);
      server->tick(net.now());
      client->tick(net.now());
      net.advance(1000);
    }
  }

  SimulatedNetwork net;
  SimulatedNetwork::NodeId server_node = 0;
  SimulatedNetwork::NodeId client_node = 0;
  std::unique_ptr<SyncHost> server;
  std::unique_ptr<SyncHost> client;
  std::map<std::string, std::unique_ptr<Doc>> stored;  // the server's "disk"
  std::vector<std::pair<PeerId, std::string>> asked;
  bool refuse = false;
};

std::string text_of(const Doc& doc) {
  return doc.text(body()).to_string();
}

// A client replica holding `text`.
std::unique_ptr<Doc> doc_with(std::uint64_t replica, const std::string& text) {
  auto doc = std::make_unique<Doc>(ReplicaId{replica});
  if (!text.empty()) {
    auto tx = doc->transact();
    tx.text("body").insert(0, text);
  }
  return doc;
}

}  // namespace

TEST_CASE("a greeting for a document not hosted is reported and can be served at once",
          "[sync][host]") {
  Pair p;
  auto owned = doc_with(1, "hello");
  Doc& notes = *owned;
  p.client->add_document("notes", notes);
  p.net.connect(p.server_node, p.client_node);
  p.settle();

  REQUIRE(p.asked.size() == 1);
  CHECK(p.asked[0].second == "notes");
  REQUIRE(p.stored.count("notes") == 1);
  CHECK(text_of(*p.stored["notes"]) == "hello");
  CHECK(p.server->peers_hosting("notes") == 1);
  CHECK(p.server->peers_hosting("other") == 0);

  // Live edits flow both ways once hosted.
  p.edit(notes, "notes", 5, " world");
  p.settle();
  CHECK(text_of(*p.stored["notes"]) == "hello world");
}

TEST_CASE("a declined greeting leaves the document absent, and nothing is loaded", "[sync][host]") {
  Pair p;
  p.refuse = true;
  auto notes = doc_with(1, "");
  p.client->add_document("notes", *notes);
  p.net.connect(p.server_node, p.client_node);
  p.settle();
  CHECK(p.asked.size() == 1);  // told absent: the client stops greeting it
  CHECK(p.stored.empty());
  CHECK(p.server->peers_hosting("notes") == 0);
}

TEST_CASE("remove_document forgets a document; a later greeting loads it again", "[sync][host]") {
  Pair p;
  auto notes = doc_with(1, "kept");
  p.client->add_document("notes", *notes);
  p.net.connect(p.server_node, p.client_node);
  p.settle();
  REQUIRE(text_of(*p.stored["notes"]) == "kept");

  // The client goes away; nobody uses the document; the server puts it away.
  p.net.crash(p.client_node);
  p.settle();
  CHECK(p.server->session_count() == 0);
  CHECK(p.server->peers_hosting("notes") == 0);
  p.server->remove_document("notes");
  p.stored.erase("notes");  // destroyed: the host must not touch it again
  p.settle();

  // A new client (an empty replica) asks for it: loaded again (from the "disk" the
  // test keeps, here emptied, so the client's own copy refills it) and synced.
  p.net.restart(p.client_node);  // reconnects it
  p.settle();
  CHECK(p.asked.size() == 2);
  REQUIRE(p.stored.count("notes") == 1);
  CHECK(text_of(*p.stored["notes"]) == "kept");
  CHECK(p.server->peers_hosting("notes") == 1);
}

TEST_CASE("remove_document while a peer is connected: its messages about it are ignored",
          "[sync][host]") {
  Pair p;
  auto notes = doc_with(1, "");
  auto owned_other = doc_with(2, "");
  Doc& other = *owned_other;
  p.client->add_document("notes", *notes);
  p.client->add_document("other", other);
  p.net.connect(p.server_node, p.client_node);
  p.settle();
  REQUIRE(p.stored.size() == 2);
  p.server->remove_document("notes");
  p.stored.erase("notes");
  // Anti-entropy runs with the document gone: summaries differ, the client greets it
  // again, and it is loaded again; "other" keeps syncing throughout.
  p.edit(other, "other", 0, "x");
  p.settle();
  CHECK(text_of(*p.stored["other"]) == "x");
  CHECK(p.stored.count("notes") == 1);
  CHECK(p.server->peers_hosting("notes") == 1);
}

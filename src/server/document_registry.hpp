#pragma once
// DocumentRegistry: the documents a server has open, loaded from one Storage on
// demand and put away when idle, so memory follows the open documents, not the
// stored ones.
//
// open(name) loads the document from the store (creating it if unknown) as a
// storage::PersistentDoc and hosts it on the SyncHost; every update a peer sends is
// stored before the session acknowledges it (the store's durability mode decides
// what "stored" means; weft-server uses durable). A document is idle when no
// connected peer hosts it (SyncHost::peers_hosting) and no update was applied to it
// for `idle_ms`; sweep() evicts idle ones: removed from the host first (so no
// session refers to it), then closed, which syncs it and records its counter mark.
// close_all() does that for every open document (shutdown).
//
// Loading is synchronous, on the caller's thread (the server's one I/O thread):
// a large document delays every client while it loads.
// Not thread-safe. The store and the host must outlive the registry.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "server/metered_document.hpp"
#include "weft/storage/persistent_doc.hpp"
#include "weft/sync/sync_host.hpp"

namespace weft::server {

struct RegistryStats {
  std::uint64_t loaded = 0;         // documents opened (created ones included)
  std::uint64_t evicted = 0;        // documents put away while idle
  std::uint64_t load_failures = 0;  // opens the store refused
};

class DocumentRegistry {
 public:
  DocumentRegistry(storage::Storage& store, SyncHost& host, std::uint64_t idle_ms);
  ~DocumentRegistry();  // close_all()
  DocumentRegistry(const DocumentRegistry&) = delete;
  DocumentRegistry& operator=(const DocumentRegistry&) = delete;

  // Loads `name` and hosts it, unless already open. `now_ms` starts its idle clock.
  // Errors: the store's (storage_errc::corrupted, io_error, ...); nothing is hosted then.
  result<void> open(std::string_view name, std::uint64_t now_ms);
  // Evicts every document idle at `now_ms`; returns how many.
  std::size_t sweep(std::uint64_t now_ms);
  // Flushes and closes every open document.
  void close_all();

  [[nodiscard]] std::size_t open_count() const noexcept { return docs_.size(); }
  [[nodiscard]] bool is_open(std::string_view name) const { return docs_.contains(name); }
  [[nodiscard]] const RegistryStats& stats() const noexcept { return stats_; }

  // Optional: told of every apply_update of a hosted document (result, seconds).
  MeteredDocument::Observer on_apply;
  // Optional: told of each document loaded or evicted ("load"/"evict", name).
  std::function<void(std::string_view what, std::string_view name)> on_change;

 private:
  struct Open {
    std::unique_ptr<storage::PersistentDoc> doc;
    std::unique_ptr<MeteredDocument> metered;  // what the host syncs
    std::uint64_t last_active_ms = 0;
    bool touched = false;  // an update arrived since the last sweep
  };
  void close(std::map<std::string, Open, std::less<>>::iterator it);

  storage::Storage& store_;
  SyncHost& host_;
  std::uint64_t idle_ms_;
  std::map<std::string, Open, std::less<>> docs_;
  RegistryStats stats_;
};

}  // namespace weft::server

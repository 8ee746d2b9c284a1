#include "server/document_registry.hpp"

namespace weft::server {

DocumentRegistry::DocumentRegistry(storage::Storage& store, SyncHost& host, std::uint64_t idle_ms)
    : store_(store), host_(host), idle_ms_(idle_ms) {}

DocumentRegistry::~DocumentRegistry() {
  close_all();
}

result<void> DocumentRegistry::open(std::string_view name, std::uint64_t now_ms) {
  if (docs_.contains(name)) return {};
  auto loaded = storage::PersistentDoc::open(store_, std::string(name));
  if (!loaded) {
    ++stats_.load_failures;
    return loaded.error();
  }
  auto [it, added] = docs_.try_emplace(std::string(name));
  Open& entry = it->second;
  entry.doc = std::move(*loaded);
  entry.last_active_ms = now_ms;
  // The observer reaches the entry through its name: the map node is stable, but the
  // lookup keeps this correct even if the entry is replaced.
  entry.metered = std::make_unique<MeteredDocument>(
      *entry.doc, [this, key = it->first](const result<UpdateStatus>& status, double seconds) {
        if (auto found = docs_.find(key); found != docs_.end()) found->second.touched = true;
        if (on_apply) on_apply(status, seconds);
      });
  ++stats_.loaded;
  host_.add_document(it->first, *entry.metered);
  if (on_change) on_change("load", it->first);
  return {};
}

std::size_t DocumentRegistry::sweep(std::uint64_t now_ms) {
  std::size_t evicted = 0;
  for (auto it = docs_.begin(); it != docs_.end();) {
    Open& entry = it->second;
    if (entry.touched || host_.peers_hosting(it->first) > 0) {
      entry.touched = false;
      entry.last_active_ms = now_ms;
      ++it;
      continue;
    }
    if (now_ms - entry.last_active_ms < idle_ms_) {
      ++it;
      continue;
    }
    const auto next = std::next(it);
    if (on_change) on_change("evict", it->first);
    close(it);
    ++stats_.evicted;
    ++evicted;
    it = next;
  }
  return evicted;
}

void DocumentRegistry::close_all() {
  while (!docs_.empty()) close(docs_.begin());
}

void DocumentRegistry::close(std::map<std::string, Open, std::less<>>::iterator it) {
  // No session may refer to the document once it is gone.
  host_.remove_document(it->first);
  // Closing the PersistentDoc syncs the store and records the exact counter mark;
  // in durable mode every update it acknowledged is already on disk.
  docs_.erase(it);
}

}  // namespace weft::server

#include "weft/storage/persistent_doc.hpp"

#include <vector>

#include "weft/storage/error.hpp"

namespace weft::storage {
namespace {

// The doc's full state including records still waiting for dependencies
// (encode_snapshot() omits those), as one update.
result<Bytes> full_state(const Doc& doc) {
  Bytes snapshot = doc.encode_snapshot();
  if (doc.pending_count() == 0) return snapshot;
  const std::vector<Bytes> parts{std::move(snapshot), doc.encode_pending()};
  return merge_updates(parts);
}

// Rebuilds the stored document under `replica`.
result<Doc> replay(const DocumentData& data, ReplicaId replica, std::uint64_t& replayed) {
  auto doc = data.snapshot ? Doc::load(*data.snapshot, replica) : result<Doc>(Doc(replica));
  if (!doc) return storage_errc::corrupted;
  for (const Bytes& update : data.updates) {
    if (!doc->apply_update(update)) return storage_errc::corrupted;
    ++replayed;
  }
  return doc;
}

}  // namespace

result<std::unique_ptr<PersistentDoc>> PersistentDoc::open(Storage& store, std::string name,
                                                           PersistentDocOptions options) {
  auto data = store.load(name);
  if (!data) return data.error();
  OpenReport report;
  report.recovery = data->recovery;
  report.created = !data->meta.has_value();
  ReplicaId replica = data->meta ? data->meta->replica : options.replica;
  if (replica == ReplicaId{}) replica = ReplicaId::random();

  auto doc = replay(*data, replica, report.updates_replayed);
  if (!doc) return doc.error();

  // A mark above the log's last own counter: the last session leased counters
  // in relaxed mode and did not close cleanly, so ops it sent may be lost from
  // disk. A store that came back older than it acknowledged (rolled_back) may
  // have lost ops that were sent, counter mark included. Either way reusing
  // their counters could give one Dot two meanings: rotate.
  const bool unclean =
      data->meta && data->meta->counter_high_water > doc->state_vector().get(replica);
  if (unclean || data->recovery.rolled_back) {
    auto state = full_state(*doc);
    if (!state) return storage_errc::corrupted;
    do {
      replica = ReplicaId::random();
    } while (doc->state_vector().get(replica) != 0);
    auto rotated = Doc::load(*state, replica);
    if (!rotated) return storage_errc::corrupted;
    doc = std::move(rotated);
    report.replica_rotated = true;
  }

  const std::uint64_t lease = store.options().durability == Durability::relaxed
                                  ? std::max<std::uint64_t>(options.counter_lease, 1)
                                  : 0;
  DocMeta meta{replica, doc->state_vector().get(replica) + lease};
  if (auto put = store.put_meta(name, meta); !put) return put.error();
  return std::unique_ptr<PersistentDoc>(new PersistentDoc(store, std::move(name), std::move(*doc),
                                                          meta, report, lease, data->next_seq()));
}

PersistentDoc::PersistentDoc(Storage& store, std::string name, Doc doc, DocMeta meta,
                             OpenReport report, std::uint64_t lease, std::uint64_t next_seq)
    : store_(store),
      name_(std::move(name)),
      doc_(std::move(doc)),
      meta_(meta),
      report_(report),
      lease_(lease),
      next_seq_(next_seq) {
  doc_.set_commit_hook([this](std::span<const std::uint8_t> update) { on_local_commit(update); });
}

PersistentDoc::~PersistentDoc() {
  doc_.set_commit_hook({});
  if (failed() || store_.failed()) return;
  if (!store_.sync()) return;
  const DocMeta exact{meta_.replica, doc_.state_vector().get(meta_.replica)};
  if (exact != meta_) (void)store_.put_meta(name_, exact);
}

result<void> PersistentDoc::fail(boost::system::error_code error) {
  if (!failure_) failure_ = error;
  return *failure_;
}

result<void> PersistentDoc::append(std::span<const std::uint8_t> update) {
  auto appended = store_.append(name_, update);
  if (!appended) return fail(appended.error());
  next_seq_ = appended->seq + 1;
  return {};
}

void PersistentDoc::on_local_commit(std::span<const std::uint8_t> update) {
  if (failed() || !append(update)) return;
  // Relaxed mode: keep the durable mark ahead of every counter in use.
  const std::uint64_t used = doc_.state_vector().get(meta_.replica);
  if (lease_ != 0 && used >= meta_.counter_high_water) {
    const DocMeta next{meta_.replica, used + lease_};
    if (auto put = store_.put_meta(name_, next); !put) {
      (void)fail(put.error());
      return;
    }
    meta_ = next;
  }
  if (on_stored_commit) on_stored_commit(update);
}

result<Bytes> PersistentDoc::commit(Transaction& tx) {
  Bytes update = tx.commit();
  if (failure_) return *failure_;
  return update;
}

Bytes PersistentDoc::encode_update_since(const VersionVector& since) const {
  // After a failure the in-memory state may hold ops that are not durable:
  // nothing may leave this replica.
  if (failed()) return doc_.encode_update_since(doc_.state_vector());
  return doc_.encode_update_since(since);
}

Bytes PersistentDoc::encode_snapshot() const {
  if (failed()) return doc_.encode_update_since(doc_.state_vector());
  return doc_.encode_snapshot();
}

result<UpdateStatus> PersistentDoc::apply_update(std::span<const std::uint8_t> update) {
  if (failed()) return make_error_code(storage_errc::closed_after_failure);
  const std::uint64_t pending_before = doc_.pending_count();
  auto status = doc_.apply_update(update);
  if (!status) return status;
  const bool news = status->applied != 0 || doc_.pending_count() > pending_before;
  if (news) {
    if (auto stored = append(update); !stored) return stored.error();
  }
  return status;
}

result<void> PersistentDoc::adopt_snapshot(std::span<const std::uint8_t> snapshot) {
  if (failed()) return make_error_code(storage_errc::closed_after_failure);
  if (auto adopted = doc_.adopt_snapshot(snapshot); !adopted) return adopted;
  auto state = full_state(doc_);
  if (!state) return fail(state.error());
  // The adopted state replaces the whole log, atomically.
  if (auto replaced = store_.replace_prefix(name_, next_seq_, *state); !replaced) {
    return fail(replaced.error());
  }
  return {};
}

Compactor PersistentDoc::compactor() {
  return [](const std::optional<Bytes>& snapshot, std::span<const Bytes> updates) -> result<Bytes> {
    std::vector<Bytes> parts;
    parts.reserve(updates.size() + 1);
    if (snapshot) parts.push_back(*snapshot);
    parts.insert(parts.end(), updates.begin(), updates.end());
    return merge_updates(parts);
  };
}

}  // namespace weft::storage

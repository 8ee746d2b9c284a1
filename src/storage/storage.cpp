#include "weft/storage/storage.hpp"

#include <algorithm>
#include <stdexcept>

#include "ack_mark.hpp"

namespace weft::storage {
namespace {

void check_name(std::string_view doc) {
  if (doc.empty() || doc.size() > kMaxDocNameBytes) {
    throw std::invalid_argument("weft::storage: document names must have 1 to 120 bytes");
  }
}

}  // namespace

Storage::Storage(StorageOptions options, std::shared_ptr<FileSystem> fs, std::string marks_dir)
    : options_(std::move(options)) {
  if (fs) marks_ = std::make_unique<detail::AckMarks>(std::move(fs), std::move(marks_dir));
}

Storage::~Storage() = default;

void Storage::close() noexcept {
  try {
    if (!failed_ && do_sync()) (void)synced();
  } catch (...) {  // std::bad_alloc: the marks only lag, which is safe
  }
}

template <class T>
result<T> Storage::latch(result<T> r) {
  // Only I/O failures poison the store: after one, the on-disk state is no
  // longer known to match what we believe, so nothing more may be acknowledged.
  if (!r &&
      (r.error() == storage_errc::io_error || r.error() == storage_errc::closed_after_failure)) {
    failed_ = true;
  }
  return r;
}

result<AppendResult> Storage::append(std::string_view doc, std::span<const std::uint8_t> update) {
  check_name(doc);
  if (update.size() > options_.max_record_bytes) {
    throw std::invalid_argument("weft::storage::append: update exceeds max_record_bytes");
  }
  if (failed_) return storage_errc::closed_after_failure;
  auto r = latch(do_append(doc, update));
  if (!r) return r;
  // Durable: acknowledged now, so marked now. Relaxed: marked once synced.
  auto marked = options_.durability == Durability::durable ? raise_mark(doc, r->seq + 1)
                                                           : group_commit(doc, r->seq + 1);
  if (auto m = latch(std::move(marked)); !m) return m.error();
  if (auto c = maybe_compact(doc, *r); !c) {
    compaction_error_ = c.error();
    // The update itself is stored; an I/O failure still latched the store.
  }
  return r;
}

result<void> Storage::maybe_compact(std::string_view doc, const AppendResult& appended) {
  if (!options_.compactor || options_.compact_threshold_bytes == 0) return {};
  if (appended.log_bytes < options_.compact_threshold_bytes) return {};
  auto retry = compaction_retry_at_.find(doc);
  if (retry != compaction_retry_at_.end()) {
    if (appended.log_bytes < retry->second) return {};
    compaction_retry_at_.erase(retry);
  }
  auto c = compact(doc);
  if (!c) {
    compaction_retry_at_[std::string(doc)] = appended.log_bytes + options_.compact_threshold_bytes;
  }
  return c;
}

result<void> Storage::group_commit(std::string_view doc, std::uint64_t next_seq) {
  const auto now = std::chrono::steady_clock::now();
  if (unsynced_ == 0) first_unsynced_ = now;
  ++unsynced_;
  unmarked_.insert_or_assign(std::string(doc), next_seq);
  if (unsynced_ < options_.relaxed_max_pending && now - first_unsynced_ < options_.relaxed_window) {
    return {};
  }
  if (auto s = do_sync(); !s) return s;
  return synced();
}

// Everything appended is durable: raise the marks of the documents it went to.
result<void> Storage::synced() {
  unsynced_ = 0;
  const auto unmarked = std::move(unmarked_);
  unmarked_.clear();
  for (const auto& [doc, next_seq] : unmarked) {
    if (auto m = raise_mark(doc, next_seq); !m) return m;
  }
  return {};
}

result<void> Storage::raise_mark(std::string_view doc, std::uint64_t next_seq) {
  unmarked_.erase(std::string(doc));
  if (!marks_) return {};
  auto old = marks_->read(doc);
  if (!old && old.error() != storage_errc::corrupted) return old.error();
  detail::AckMark mark = old && *old ? **old : detail::AckMark{};
  if (old && mark.next_seq >= next_seq) return {};
  mark.next_seq = std::max(mark.next_seq, next_seq);
  return marks_->write(doc, mark);
}

result<DocumentData> Storage::load(std::string_view doc) {
  check_name(doc);
  if (failed_) return storage_errc::closed_after_failure;
  auto data = latch(do_load(doc));
  if (!data || !marks_) return data;
  auto acked = marks_->read(doc);
  if (!acked && acked.error() != storage_errc::corrupted) {
    return latch(result<DocumentData>(acked.error()));
  }
  // A damaged mark says nothing of what was acknowledged: assume the worst.
  data->recovery.rolled_back =
      !acked || (*acked && detail::behind(**acked, {data->next_seq(), data->meta}));
  return data;
}

result<void> Storage::replace_prefix(std::string_view doc, std::uint64_t up_to_seq,
                                     std::span<const std::uint8_t> snapshot) {
  check_name(doc);
  if (failed_) return storage_errc::closed_after_failure;
  auto bounds = latch(do_bounds(doc));
  if (!bounds) return bounds.error();
  const auto [next_seq, snapshot_seq] = *bounds;
  if (up_to_seq < snapshot_seq || up_to_seq > next_seq) {
    throw std::out_of_range("weft::storage::replace_prefix: sequence number outside the log");
  }
  if (snapshot.size() > options_.max_record_bytes) {
    throw std::invalid_argument("weft::storage::replace_prefix: snapshot exceeds max_record_bytes");
  }
  if (auto r = latch(do_replace_prefix(doc, up_to_seq, snapshot)); !r) return r;
  return latch(raise_mark(doc, next_seq));  // compaction is durable in every mode
}

result<void> Storage::compact(std::string_view doc) {
  check_name(doc);
  if (failed_) return storage_errc::closed_after_failure;
  if (!options_.compactor) return {};
  auto data = load(doc);
  if (!data) return data.error();
  if (data->updates.empty()) return {};
  auto snapshot = options_.compactor(data->snapshot, data->updates);
  if (!snapshot) return storage_errc::compactor_failed;
  if (snapshot->size() > options_.max_record_bytes) return storage_errc::compactor_failed;
  if (auto r = latch(do_replace_prefix(doc, data->next_seq(), *snapshot)); !r) return r;
  return latch(raise_mark(doc, data->next_seq()));
}

result<std::vector<std::string>> Storage::list_documents() {
  if (failed_) return storage_errc::closed_after_failure;
  return latch(do_list());
}

result<void> Storage::put_meta(std::string_view doc, const DocMeta& meta) {
  check_name(doc);
  if (failed_) return storage_errc::closed_after_failure;
  if (!marks_) return latch(do_put_meta(doc, meta));
  return latch([&]() -> result<void> {
    auto bounds = do_bounds(doc);
    if (!bounds) return bounds.error();
    auto old = marks_->read(doc);
    if (!old && old.error() != storage_errc::corrupted) return old.error();
    // The mark becomes exactly the stored state: whoever writes the metadata
    // has seen it (PersistentDoc after a rollback, under a fresh id). A mark
    // that goes down is written before the data and one that goes up after,
    // so a crash in between never leaves it above what is stored (a clean
    // close lowers the counter lease).
    const detail::AckMark mark{bounds->first, meta};
    const bool lowers = old && *old && detail::behind(**old, mark);
    if (lowers) {
      if (auto w = marks_->write(doc, mark); !w) return w;
    }
    if (auto put = do_put_meta(doc, meta); !put) return put;
    unmarked_.erase(std::string(doc));
    if (auto s = synced(); !s) return s;  // put_meta made every append durable
    if (!lowers) return marks_->write(doc, mark);
    return {};
  }());
}

result<void> Storage::sync() {
  if (failed_) return storage_errc::closed_after_failure;
  if (auto s = latch(do_sync()); !s) return s;
  return latch(synced());
}

}  // namespace weft::storage

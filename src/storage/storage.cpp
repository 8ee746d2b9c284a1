#include "weft/storage/storage.hpp"

#include <stdexcept>

namespace weft::storage {
namespace {

void check_name(std::string_view doc) {
  if (doc.empty() || doc.size() > kMaxDocNameBytes) {
    throw std::invalid_argument("weft::storage: document names must have 1 to 120 bytes");
  }
}

}  // namespace

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

result<DocumentData> Storage::load(std::string_view doc) {
  check_name(doc);
  if (failed_) return storage_errc::closed_after_failure;
  return latch(do_load(doc));
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
  return latch(do_replace_prefix(doc, up_to_seq, snapshot));
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
  return latch(do_replace_prefix(doc, data->next_seq(), *snapshot));
}

result<std::vector<std::string>> Storage::list_documents() {
  if (failed_) return storage_errc::closed_after_failure;
  return latch(do_list());
}

result<void> Storage::put_meta(std::string_view doc, const DocMeta& meta) {
  check_name(doc);
  if (failed_) return storage_errc::closed_after_failure;
  return latch(do_put_meta(doc, meta));
}

result<void> Storage::sync() {
  if (failed_) return storage_errc::closed_after_failure;
  return latch(do_sync());
}

}  // namespace weft::storage

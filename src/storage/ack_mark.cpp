#include "ack_mark.hpp"

#include <algorithm>
#include <cstring>

#include "file_log_format.hpp"
#include "weft/encoding/crc32c.hpp"
#include "weft/encoding/reader.hpp"

namespace weft::storage::detail {
namespace {

constexpr std::uint8_t kMagic[8] = {'W', 'E', 'F', 'T', 'M', 'R', 'K', 1};
constexpr std::size_t kSlotBytes = 52;
constexpr std::uint64_t kSlotOffset[2] = {0, 4096};

std::uint32_t slot_crc(std::string_view doc, std::span<const std::uint8_t> fields) {
  const auto* name = reinterpret_cast<const std::uint8_t*>(doc.data());
  return crc32c(fields, crc32c({name, doc.size()}));
}

Bytes encode_slot(std::string_view doc, std::uint64_t writes, const AckMark& mark) {
  Writer w;
  w.raw(kMagic);
  w.u64_le(writes);
  w.u64_le(mark.next_seq);
  w.u64_le(mark.meta ? 1 : 0);
  w.u64_le(mark.meta ? mark.meta->replica.value() : 0);
  w.u64_le(mark.meta ? mark.meta->counter_high_water : 0);
  w.u32_le(slot_crc(doc, w.view()));
  return std::move(w).take();
}

struct Slot {
  std::uint64_t writes = 0;
  AckMark mark;
};

std::optional<Slot> decode_slot(std::string_view doc, std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kSlotBytes || std::memcmp(bytes.data(), kMagic, 8) != 0) return std::nullopt;
  Reader r(bytes.subspan(8, kSlotBytes - 8));
  const auto writes = r.u64_le();
  const auto next_seq = r.u64_le();
  const auto has_meta = r.u64_le();
  const auto replica = r.u64_le();
  const auto high_water = r.u64_le();
  const auto crc = r.u32_le();
  if (!writes || !next_seq || !has_meta || !replica || !high_water || !crc) return std::nullopt;
  if (*crc != slot_crc(doc, bytes.first(kSlotBytes - 4)) || *has_meta > 1) return std::nullopt;
  Slot slot{*writes, {*next_seq, std::nullopt}};
  if (*has_meta == 1) slot.mark.meta = DocMeta{ReplicaId(*replica), *high_water};
  return slot;
}

}  // namespace

bool behind(const AckMark& acked, const AckMark& stored) noexcept {
  if (stored.next_seq < acked.next_seq) return true;
  if (!acked.meta) return false;
  return !stored.meta || stored.meta->replica != acked.meta->replica ||
         stored.meta->counter_high_water < acked.meta->counter_high_water;
}

AckMarks::AckMarks(std::shared_ptr<FileSystem> fs, std::string dir)
    : fs_(std::move(fs)), dir_(std::move(dir)) {}

AckMarks::~AckMarks() = default;

std::string AckMarks::path(std::string_view doc) const {
  return dir_ + "/" + hex_name(doc) + ".mark";
}

result<AckMarks::Entry*> AckMarks::entry(std::string_view doc) {
  if (auto it = entries_.find(doc); it != entries_.end()) return &it->second;
  Entry e;
  auto file = fs_->open(path(doc), OpenMode::read);
  if (file) {
    e.exists = true;
    auto size = (*file)->size();
    if (!size) return size.error();
    Bytes bytes(
        static_cast<std::size_t>(std::min<std::uint64_t>(*size, kSlotOffset[1] + kSlotBytes)));
    if (auto r = (*file)->read_at(0, bytes); !r) return r.error();
    std::optional<Slot> best;
    for (const auto offset : kSlotOffset) {
      if (offset >= bytes.size()) continue;
      auto slot = decode_slot(doc, std::span<const std::uint8_t>(bytes).subspan(offset));
      if (slot && (!best || slot->writes > best->writes)) best = slot;
    }
    if (best) {
      e.writes = best->writes;
      e.mark = best->mark;
    } else {
      e.damaged = true;
    }
  } else if (file.error() != storage_errc::not_found) {
    return file.error();
  }
  return &entries_.emplace(std::string(doc), std::move(e)).first->second;
}

result<std::optional<AckMark>> AckMarks::read(std::string_view doc) {
  auto e = entry(doc);
  if (!e) return e.error();
  if ((*e)->damaged) return storage_errc::corrupted;
  return (*e)->mark;
}

result<void> AckMarks::write(std::string_view doc, const AckMark& mark) {
  auto found = entry(doc);
  if (!found) return found.error();
  Entry& e = **found;
  const std::uint64_t writes = e.writes + 1;
  const Bytes slot = encode_slot(doc, writes, mark);
  const std::string final_path = path(doc);
  // A new file gets its name only once it holds a valid slot.
  const std::string target = e.exists ? final_path : final_path + ".tmp";
  auto file = fs_->open(target, e.exists ? OpenMode::read_write : OpenMode::create);
  if (!file) return storage_errc::io_error;
  if (auto w = (*file)->write_at(kSlotOffset[writes % 2], slot); !w) return w.error();
  if (auto s = (*file)->sync(); !s) return s.error();
  file->reset();  // closed before it is renamed
  if (!e.exists) {
    if (auto r = fs_->rename(target, final_path); !r) return r.error();
    if (auto s = fs_->sync_dir(dir_); !s) return s.error();
    e.exists = true;
  }
  e.writes = writes;
  e.mark = mark;
  e.damaged = false;
  return {};
}

}  // namespace weft::storage::detail

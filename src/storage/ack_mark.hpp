#pragma once
// Acknowledgement marks: per document, what a store has acknowledged as
// durable (its next sequence number and metadata), kept outside the data they
// describe, so that data that comes back older is noticed (docs/storage.md,
// "Rollback detection"). Internal.
//
// A damaged SQLite WAL is replayed only up to its first bad frame, and an
// older copy of a file put back is a valid store: both open without error,
// older than what was acknowledged. A replica that continued from there would
// reuse Dots it already gave out (decision 11). The mark lives in its own
// file, `<hex>.mark` in `dir`, so neither rolls it back with the data.
//
// File: two 52-byte slots at offsets 0 and 4096 (different disk sectors),
// written alternately in place and fdatasync'ed, so a torn write leaves the
// other slot intact. A slot: "WEFTMRK" | format 1 | write count u64 | next_seq
// u64 | has meta u8 + 7 zero bytes | replica u64 | counter high-water u64 |
// CRC-32C u32 over the document name and the 48 bytes before it (all LE).
// The valid slot with the higher write count is the mark. A new file is
// written as <hex>.mark.tmp, synced and renamed into place.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "weft/storage/file_system.hpp"
#include "weft/storage/storage.hpp"

namespace weft::storage::detail {

struct AckMark {
  std::uint64_t next_seq = 0;
  std::optional<DocMeta> meta;
};

// Whether `stored` is older than `acked`: fewer updates, or metadata that is
// missing, names another replica, or has a lower counter mark. Another
// replica counts as older because the order of two ids is unknown, and taking
// a fresh id is always safe.
[[nodiscard]] bool behind(const AckMark& acked, const AckMark& stored) noexcept;

class AckMarks {
 public:
  AckMarks(std::shared_ptr<FileSystem> fs, std::string dir);
  AckMarks(const AckMarks&) = delete;
  AckMarks& operator=(const AckMarks&) = delete;
  ~AckMarks();

  // The mark of `doc`: nullopt if none was ever written. Errors: corrupted
  // (the file exists but no slot is valid), io_error.
  result<std::optional<AckMark>> read(std::string_view doc);
  // Replaces the mark of `doc`, durably. Errors: io_error.
  result<void> write(std::string_view doc, const AckMark& mark);

 private:
  // What is known of one document's file. Files are opened per write, not
  // kept open: a SQLite store holds no descriptor per document otherwise.
  struct Entry {
    bool exists = false;
    std::uint64_t writes = 0;  // the write count of the current slot
    std::optional<AckMark> mark;
    bool damaged = false;
  };
  result<Entry*> entry(std::string_view doc);
  [[nodiscard]] std::string path(std::string_view doc) const;

  std::shared_ptr<FileSystem> fs_;
  std::string dir_;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace weft::storage::detail

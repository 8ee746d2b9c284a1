#pragma once
// Byte formats of the file-log backend (see file_log_storage.hpp). Internal.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "weft/encoding/writer.hpp"
#include "weft/storage/storage.hpp"

namespace weft::storage::detail {

inline constexpr std::size_t kHeaderBytes = 32;
inline constexpr std::size_t kRecordHeaderBytes = 8;
inline constexpr std::uint8_t kFileFormatVersion = 1;

enum class FileKind : std::uint8_t { log, snapshot };
enum class RecordKind : std::uint8_t { update = 1, meta = 2 };

struct FileHeader {
  FileKind kind = FileKind::log;
  std::uint64_t generation = 0;
  std::uint64_t base_seq = 0;
};

void write_header(Writer& out, const FileHeader& header);
// Validates magic, version and checksum. Errors: corrupted, unsupported_version.
[[nodiscard]] result<FileHeader> read_header(std::span<const std::uint8_t> file, FileKind kind);

void write_record(Writer& out, RecordKind kind, std::span<const std::uint8_t> data);
void write_meta_record(Writer& out, const DocMeta& meta);

// The result of scanning a log body.
struct LogScan {
  std::vector<std::span<const std::uint8_t>> updates;  // views into the scanned bytes
  std::optional<DocMeta> meta;                         // the last metadata record
  std::uint64_t valid_end = 0;                         // offset just past the last valid record
};
// Scans records from kHeaderBytes to the end of `file`; stops at the first
// record that is incomplete or fails its checksum (valid_end < file.size()).
[[nodiscard]] LogScan scan_log(std::span<const std::uint8_t> file, std::size_t max_record_bytes);

[[nodiscard]] Bytes encode_snapshot_file(std::uint64_t generation, std::uint64_t covers_seq,
                                         std::span<const std::uint8_t> snapshot);
struct SnapshotFile {
  std::uint64_t generation = 0;
  std::uint64_t covers_seq = 0;
  std::span<const std::uint8_t> payload;
};
// Errors: corrupted (any damage), unsupported_version.
[[nodiscard]] result<SnapshotFile> decode_snapshot_file(std::span<const std::uint8_t> file,
                                                        std::size_t max_record_bytes);

[[nodiscard]] std::string hex_name(std::string_view doc);
[[nodiscard]] std::optional<std::string> unhex_name(std::string_view hex);

}  // namespace weft::storage::detail

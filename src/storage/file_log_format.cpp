#include "file_log_format.hpp"

#include <cstring>

#include "weft/encoding/crc32c.hpp"
#include "weft/encoding/reader.hpp"

namespace weft::storage::detail {
namespace {

constexpr std::uint8_t kLogMagic[8] = {'W', 'E', 'F', 'T', 'L', 'O', 'G', 0};
constexpr std::uint8_t kSnapMagic[8] = {'W', 'E', 'F', 'T', 'S', 'N', 'P', 0};

// Masking keeps a CRC stored next to the data it covers from matching runs of
// zeros or of copied CRCs (the trick LevelDB uses for its log).
std::uint32_t mask(std::uint32_t crc) {
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

std::uint32_t load_u32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

}  // namespace

void write_header(Writer& out, const FileHeader& header) {
  const std::size_t start = out.size();
  out.raw(header.kind == FileKind::log ? kLogMagic : kSnapMagic);
  out.u8(kFileFormatVersion);
  out.u8(0);
  out.u8(0);
  out.u8(0);
  out.u64_le(header.generation);
  out.u64_le(header.base_seq);
  out.u32_le(crc32c(out.view().subspan(start, 28)));
}

result<FileHeader> read_header(std::span<const std::uint8_t> file, FileKind kind) {
  if (file.size() < kHeaderBytes) return storage_errc::corrupted;
  const auto* magic = kind == FileKind::log ? kLogMagic : kSnapMagic;
  if (std::memcmp(file.data(), magic, 8) != 0) return storage_errc::corrupted;
  Reader fields(file.subspan(12, kHeaderBytes - 12));
  const auto generation = fields.u64_le();
  const auto base_seq = fields.u64_le();
  const auto crc = fields.u32_le();
  if (!generation || !base_seq || !crc) return storage_errc::corrupted;
  if (*crc != crc32c(file.first(28))) return storage_errc::corrupted;
  if (file[8] != kFileFormatVersion) return storage_errc::unsupported_version;
  if (file[9] != 0 || file[10] != 0 || file[11] != 0) return storage_errc::corrupted;
  return FileHeader{kind, *generation, *base_seq};
}

void write_record(Writer& out, RecordKind kind, std::span<const std::uint8_t> data) {
  const auto length = static_cast<std::uint32_t>(data.size() + 1);
  const std::size_t start = out.size();
  out.u32_le(length);
  out.u32_le(0);  // checksum placeholder
  out.u8(static_cast<std::uint8_t>(kind));
  out.raw(data);
  auto& buf = out.buffer();
  std::uint32_t crc = crc32c(std::span<const std::uint8_t>(buf.data() + start, 4));
  crc = crc32c(std::span<const std::uint8_t>(buf.data() + start + 8, length), crc);
  const std::uint32_t masked = mask(crc);
  for (int i = 0; i < 4; ++i) buf[start + 4 + i] = static_cast<std::uint8_t>(masked >> (8 * i));
}

void write_meta_record(Writer& out, const DocMeta& meta) {
  Writer body;
  body.u64_le(meta.replica.value());
  body.u64_le(meta.counter_high_water);
  write_record(out, RecordKind::meta, body.view());
}

LogScan scan_log(std::span<const std::uint8_t> file, std::size_t max_record_bytes) {
  LogScan scan;
  std::size_t pos = kHeaderBytes;
  scan.valid_end = pos;
  while (pos < file.size()) {
    const std::size_t left = file.size() - pos;
    if (left < kRecordHeaderBytes) break;
    const std::uint32_t length = load_u32(file.data() + pos);
    const std::uint32_t stored = load_u32(file.data() + pos + 4);
    // Validate the declared length against the bytes present before using it.
    if (length == 0 || length - 1 > max_record_bytes || length > left - kRecordHeaderBytes) break;
    const auto payload = file.subspan(pos + kRecordHeaderBytes, length);
    std::uint32_t crc = crc32c(file.subspan(pos, 4));
    crc = crc32c(payload, crc);
    if (mask(crc) != stored) break;
    const auto body = payload.subspan(1);
    if (payload[0] == static_cast<std::uint8_t>(RecordKind::update)) {
      scan.updates.push_back(body);
    } else if (payload[0] == static_cast<std::uint8_t>(RecordKind::meta) && body.size() == 16) {
      Reader in(body);
      const auto replica = in.u64_le();
      const auto high = in.u64_le();
      scan.meta = DocMeta{ReplicaId(*replica), *high};
    } else {
      break;  // a checksummed record of unknown kind: written by a newer format, or damage
    }
    pos += kRecordHeaderBytes + length;
    scan.valid_end = pos;
  }
  return scan;
}

Bytes encode_snapshot_file(std::uint64_t generation, std::uint64_t covers_seq,
                           std::span<const std::uint8_t> snapshot) {
  Writer out;
  out.buffer().reserve(kHeaderBytes + 12 + snapshot.size());
  write_header(out, {FileKind::snapshot, generation, covers_seq});
  out.u64_le(snapshot.size());
  Writer len;
  len.u64_le(snapshot.size());
  out.u32_le(mask(crc32c(snapshot, crc32c(len.view()))));
  out.raw(snapshot);
  return std::move(out).take();
}

result<SnapshotFile> decode_snapshot_file(std::span<const std::uint8_t> file,
                                          std::size_t max_record_bytes) {
  auto header = read_header(file, FileKind::snapshot);
  if (!header) return header.error();
  Reader in(file.subspan(kHeaderBytes));
  const auto length = in.u64_le();
  const auto stored = in.u32_le();
  if (!length || !stored) return storage_errc::corrupted;
  if (*length > max_record_bytes || *length != in.remaining()) return storage_errc::corrupted;
  const auto payload = file.subspan(kHeaderBytes + 12);
  if (mask(crc32c(payload, crc32c(file.subspan(kHeaderBytes, 8)))) != *stored) {
    return storage_errc::corrupted;
  }
  return SnapshotFile{header->generation, header->base_seq, payload};
}

std::string hex_name(std::string_view doc) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(doc.size() * 2);
  for (const char c : doc) {
    const auto b = static_cast<unsigned char>(c);
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 15]);
  }
  return out;
}

std::optional<std::string> unhex_name(std::string_view hex) {
  if (hex.empty() || hex.size() % 2 != 0 || hex.size() > 2 * kMaxDocNameBytes) return std::nullopt;
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = digit(hex[i]);
    const int lo = digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

}  // namespace weft::storage::detail

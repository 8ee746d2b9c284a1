#include "weft/encoding/compress.hpp"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <new>

namespace weft {
namespace {

// Output buffers hold one byte more than the stated size: a decompressor that
// fills exactly the stated size may still need a call to read the end of its
// stream, and one that writes the spare byte produced too much.
// The first buffer is the whole capacity when the stated size is plausible for
// the input, otherwise a modest start that grows as output really arrives.
std::size_t initial_capacity(std::uint64_t packed, std::uint64_t size) {
  return static_cast<std::size_t>(
      std::min<std::uint64_t>(size + 1, std::max<std::uint64_t>(packed * 16, 1u << 16)));
}

// Doubles the output towards the capacity; false when it is already there.
bool grow(Bytes& out, std::uint64_t size) {
  if (out.size() >= size + 1) return false;
  out.resize(static_cast<std::size_t>(std::min<std::uint64_t>(size + 1, out.size() * 2 + 1)));
  return true;
}

// One compression and one decompression context per thread, reused: creating
// a zstd context allocates its tables, which costs more than a small payload.
struct ZstdContexts {
  ZSTD_CCtx* c = nullptr;
  ZSTD_DCtx* d = nullptr;
  ZstdContexts() = default;
  ZstdContexts(const ZstdContexts&) = delete;
  ZstdContexts& operator=(const ZstdContexts&) = delete;
  ~ZstdContexts() {
    ZSTD_freeCCtx(c);
    ZSTD_freeDCtx(d);
  }
};
thread_local ZstdContexts zstd_contexts;

}  // namespace

std::size_t zstd_bound(std::size_t raw_size) noexcept {
  return ZSTD_compressBound(raw_size);
}

std::size_t zstd_compress_into(std::span<std::uint8_t> out, std::span<const std::uint8_t> raw,
                               int level) {
  auto& ctx = zstd_contexts;
  if (ctx.c == nullptr && (ctx.c = ZSTD_createCCtx()) == nullptr) throw std::bad_alloc();
  const std::size_t n =
      ZSTD_compressCCtx(ctx.c, out.data(), out.size(), raw.data(), raw.size(), level);
  // With a bound-sized output only allocation can fail.
  if (ZSTD_isError(n) != 0) throw std::bad_alloc();
  return n;
}

Bytes zstd_compress(std::span<const std::uint8_t> raw, int level) {
  Bytes out(zstd_bound(raw.size()));
  out.resize(zstd_compress_into(out, raw, level));
  return out;
}

result<Bytes> zstd_decompress(std::span<const std::uint8_t> packed, std::uint64_t size) {
  if (!decompress_allowed(packed.size(), size)) return errc::length_too_large;
  auto& ctx = zstd_contexts;
  if (ctx.d == nullptr && (ctx.d = ZSTD_createDCtx()) == nullptr) throw std::bad_alloc();
  ZSTD_DCtx_reset(ctx.d, ZSTD_reset_session_only);
  Bytes out(initial_capacity(packed.size(), size));
  ZSTD_inBuffer in{packed.data(), packed.size(), 0};
  ZSTD_outBuffer o{out.data(), out.size(), 0};
  while (true) {
    const std::size_t r = ZSTD_decompressStream(ctx.d, &o, &in);
    if (ZSTD_isError(r) != 0) return errc::invalid_value;
    if (r == 0) break;  // the frame is complete
    if (o.pos == o.size) {
      if (!grow(out, size)) return errc::invalid_value;  // more output than stated
      o = {out.data(), out.size(), o.pos};
    } else if (in.pos == in.size) {
      return errc::invalid_value;  // the input ended inside the frame
    }
  }
  if (o.pos != size || in.pos != in.size) return errc::invalid_value;
  out.resize(o.pos);
  return out;
}

Bytes deflate_compress(std::span<const std::uint8_t> raw, int level) {
  uLongf n = compressBound(static_cast<uLong>(raw.size()));
  Bytes out(n);
  if (compress2(out.data(), &n, raw.data(), static_cast<uLong>(raw.size()), level) != Z_OK) {
    throw std::bad_alloc();  // with a bound-sized output only allocation can fail
  }
  out.resize(n);
  return out;
}

result<Bytes> deflate_decompress(std::span<const std::uint8_t> packed, std::uint64_t size) {
  if (!decompress_allowed(packed.size(), size)) return errc::length_too_large;
  if (packed.size() > 0xFFFFFFFFu) return errc::length_too_large;  // zlib counts in 32 bits
  z_stream z{};
  if (inflateInit(&z) != Z_OK) throw std::bad_alloc();
  Bytes out(initial_capacity(packed.size(), size));
  z.next_in = const_cast<Bytef*>(packed.data());  // zlib's API is not const-correct
  z.avail_in = static_cast<uInt>(packed.size());
  std::size_t produced = 0;
  int rc = Z_OK;
  while (true) {
    z.next_out = out.data() + produced;
    z.avail_out = static_cast<uInt>(out.size() - produced);
    rc = inflate(&z, Z_NO_FLUSH);
    produced = out.size() - z.avail_out;
    if (rc == Z_STREAM_END || (rc != Z_OK && rc != Z_BUF_ERROR)) break;
    if (z.avail_out == 0) {
      if (!grow(out, size)) {
        rc = Z_DATA_ERROR;  // more output than stated
        break;
      }
    } else if (z.avail_in == 0) {
      rc = Z_DATA_ERROR;  // the input ended inside the stream
      break;
    }
  }
  const bool whole = rc == Z_STREAM_END && z.avail_in == 0 && produced == size;
  inflateEnd(&z);
  if (!whole) return errc::invalid_value;
  out.resize(produced);
  return out;
}

}  // namespace weft

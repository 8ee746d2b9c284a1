#pragma once
// Compact summaries of what a replica has, for anti-entropy that costs the same
// however many replicas a document has seen and however many documents are hosted.
//
// state_vector_hash: 8 bytes standing for a whole version vector. Equal vectors give
// equal hashes; different vectors give different ones except by a 2^-64 accident, and
// a false "equal" only delays repair until a vector changes (the digest check still
// runs on content). A hostile peer can forge a matching hash, but that only keeps
// updates from itself, never from others.
//
// SyncSummary: kSummaryBuckets hashes over many documents. A document falls into the
// bucket picked by its name and adds a hash of (name, state vector hash) to it by XOR,
// so a document's change is folded in or out in O(1) and two sides holding the same
// documents at the same vectors have equal summaries. Buckets that differ name the
// few documents worth a hello.
#include <array>
#include <cstdint>
#include <string_view>

#include "weft/core/version_vector.hpp"

namespace weft {

inline constexpr std::size_t kSummaryBuckets = 64;

// A bijective 64-bit mixer (the splitmix64 finaliser), so that XORed hashes look random.
[[nodiscard]] constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

[[nodiscard]] constexpr std::uint64_t name_hash(std::string_view name) noexcept {
  std::uint64_t h = 0xCBF29CE484222325ull;  // FNV-1a, then mixed
  for (const char c : name) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ull;
  return mix64(h);
}

[[nodiscard]] inline std::uint64_t state_vector_hash(const VersionVector& vv) noexcept {
  std::uint64_t h = mix64(vv.size());
  for (const auto& e : vv.entries()) h = mix64(h ^ mix64(e.replica.value() ^ mix64(e.counter)));
  return h;
}

class SyncSummary {
 public:
  using Buckets = std::array<std::uint64_t, kSummaryBuckets>;

  [[nodiscard]] static std::size_t bucket_of(std::string_view name) noexcept {
    return name_hash(name) % kSummaryBuckets;
  }
  // What a document at `state_hash` adds to its bucket.
  [[nodiscard]] static std::uint64_t part_of(std::string_view name,
                                             std::uint64_t state_hash) noexcept {
    return mix64(name_hash(name) ^ state_hash);
  }
  // Replaces a document's part `old_part` by `new_part` (0 = not counted).
  void replace(std::string_view name, std::uint64_t old_part, std::uint64_t new_part) noexcept {
    buckets_[bucket_of(name)] ^= old_part ^ new_part;
  }
  [[nodiscard]] const Buckets& buckets() const noexcept { return buckets_; }

 private:
  Buckets buckets_{};
};

}  // namespace weft

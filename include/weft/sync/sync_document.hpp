#pragma once
// SyncDocument: what the sync protocol needs from a replica.
//
// Doc implements it; so can any replicated object whose history is described
// by a version vector (Text and List do). The protocol never looks inside
// updates: it asks for "what a peer at this version lacks", hands received
// bytes back to apply_update, and compares digests to catch divergence that
// equal version vectors would hide.
#include <cstdint>
#include <span>

#include "weft/core/update_status.hpp"
#include "weft/core/version_vector.hpp"
#include "weft/encoding/error.hpp"
#include "weft/encoding/writer.hpp"

namespace weft {

class SyncDocument {
 public:
  virtual ~SyncDocument() = default;
  // Everything this replica has integrated.
  [[nodiscard]] virtual VersionVector state_vector() const = 0;
  // Exactly the operations a replica at `since` lacks.
  [[nodiscard]] virtual Bytes encode_update_since(const VersionVector& since) const = 0;
  // Integrates an update from a peer. Malformed bytes: an error, replica unchanged.
  virtual result<UpdateStatus> apply_update(std::span<const std::uint8_t> update) = 0;
  // Operations received but waiting for dependencies.
  [[nodiscard]] virtual std::uint64_t pending_count() const = 0;
  // A hash of the visible content; equal states give equal digests.
  [[nodiscard]] virtual std::uint64_t digest() const = 0;
  // Full state, as an update a fresh replica could apply (encode_update_since({}) by default).
  [[nodiscard]] virtual Bytes encode_snapshot() const { return encode_update_since({}); }
  // Last resort of divergence repair: replace this replica's state with `snapshot`.
  // Replicas that cannot do this return an error and the divergence stays reported.
  virtual result<void> adopt_snapshot(std::span<const std::uint8_t> snapshot) {
    (void)snapshot;
    return errc::invalid_value;
  }
};

}  // namespace weft

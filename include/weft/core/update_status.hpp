#pragma once
// UpdateStatus: what applying an update did, in every replicated type's
// apply_update (Doc, Text, List; see sync/sync_document.hpp).
#include <cstdint>

namespace weft {

// `applied`: operations integrated by this call (including buffered ones it
// released); `pending`: operations that, after this call, wait for
// dependencies that have not arrived. Text and List count one operation per
// inserted or deleted element.
struct UpdateStatus {
  std::uint64_t applied = 0;
  std::uint64_t pending = 0;
  friend constexpr bool operator==(const UpdateStatus&, const UpdateStatus&) noexcept = default;
};

}  // namespace weft

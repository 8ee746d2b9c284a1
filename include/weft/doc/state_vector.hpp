#pragma once
// State vectors on the wire: what a replica has, for a peer to answer with
// encode_update_since. One call each way; framed and checksummed like every
// top-level encoding (TypeTag::version_vector), decoded canonically (entries
// ascending, no zero counters), so a malformed vector is an error, never a
// wrong answer.
#include <span>

#include "weft/core/version_vector.hpp"
#include "weft/types/detail/framing.hpp"

namespace weft {

[[nodiscard]] inline Bytes encode_state_vector(const VersionVector& sv) {
  return detail::encode_framed(TypeTag::version_vector, sv);
}

[[nodiscard]] inline result<VersionVector> decode_state_vector(
    std::span<const std::uint8_t> bytes) {
  return detail::decode_framed<VersionVector>(TypeTag::version_vector, bytes);
}

}  // namespace weft

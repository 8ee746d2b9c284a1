#pragma once
// Origin: an element named by an insert as its left or right neighbour when it
// was made (internal; not API).
#include <cstdint>

namespace weft::detail::seq {

// An element as (counter, replica index in the engine), or none.
struct Origin {
  std::uint64_t counter = 0;  // 0: none (document start / end)
  std::uint32_t replica = 0;  // 0 whenever counter is 0
  friend bool operator==(const Origin&, const Origin&) = default;
};

}  // namespace weft::detail::seq

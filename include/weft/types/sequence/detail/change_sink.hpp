#pragma once
// Where the sequence engine reports changes of the visible content (internal).
//
// A host that needs exact change events (weft::Doc's observers) installs a sink;
// the engine then reports each insert and erase as it happens, with the widths
// of the visible content before it, in every unit at once. Positions are those
// of the content at that moment, so applying the reports in order to a copy of
// the old content yields the new one. No sink, no cost.
#include <cstdint>

#include "weft/types/sequence/detail/tree.hpp"

namespace weft::detail::seq {

template <class Store>
class ChangeSink {
 public:
  // `size` visible elements inserted after `before`; their content is
  // arena[offset, offset + units).
  virtual void inserted(const Widths& before, const Widths& size,
                        const typename Store::Arena& arena, std::uint32_t offset,
                        std::uint32_t units) = 0;
  // `size` visible elements erased after `before`.
  virtual void erased(const Widths& before, const Widths& size) = 0;

 protected:
  ChangeSink() = default;
  ChangeSink(const ChangeSink&) = default;
  ChangeSink& operator=(const ChangeSink&) = default;
  ~ChangeSink() = default;
};

}  // namespace weft::detail::seq

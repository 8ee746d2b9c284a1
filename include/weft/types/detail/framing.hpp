#pragma once
// Framed encode/decode shared by every catalogue type: the frame of
// encoding/frame.hpp around the type's unframed Codec.
#include <span>

#include "weft/encoding/codec.hpp"
#include "weft/encoding/frame.hpp"

namespace weft::detail {

template <class X>
[[nodiscard]] Bytes encode_framed(TypeTag tag, const X& value) {
  Writer w = begin_frame(tag);
  Codec<X>::encode(w, value);
  return finish_frame(std::move(w));
}

template <class X>
[[nodiscard]] result<X> decode_framed(TypeTag tag, std::span<const std::uint8_t> bytes) {
  auto r = open_frame(bytes, tag);
  if (!r) return r.error();
  auto value = Codec<X>::decode(*r);
  if (!value) return value.error();
  if (auto end = r->expect_end(); !end) return end.error();
  return value;
}

}  // namespace weft::detail

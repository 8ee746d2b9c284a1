// Decoders of the core vocabulary and frames: any input decodes or fails with
// an error, and whatever decodes re-encodes to exactly the bytes it consumed
// (the formats are canonical).
#include <cstdlib>

#include "fuzz_support.hpp"
#include "weft/encoding/codec.hpp"

namespace {

template <class T>
void decode_and_check(std::span<const std::uint8_t> input) {
  weft::Reader r(input);
  auto value = weft::decode_value<T>(r);
  if (!value) return;
  weft::Writer w;
  weft::encode_value(w, *value);
  const auto consumed = input.first(r.position());
  if (!std::equal(consumed.begin(), consumed.end(), w.view().begin(), w.view().end())) {
    std::abort();  // two encodings of one value: the decoder accepted a non-canonical form
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  decode_and_check<weft::VersionVector>(input);
  decode_and_check<weft::DotSet>(input);
  decode_and_check<weft::DotContext>(input);
  decode_and_check<weft::Dot>(input);
  decode_and_check<std::string>(input);
  decode_and_check<std::int64_t>(input);
  (void)weft::open_frame(input, weft::TypeTag::version_vector);
  return 0;
}

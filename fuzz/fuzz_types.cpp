// Every catalogue type's decoder, fed the fuzzer's bytes both as a whole
// encoding and as the payload of a valid frame (so the checksum does not stop
// the input before the payload decoder). Whatever decodes must re-encode to
// exactly the bytes given: the formats are canonical.
#include <cstdlib>
#include <string>

#include "fuzz_support.hpp"
#include "weft/types/crdts.hpp"

namespace {

template <class T>
void check(std::span<const std::uint8_t> input) {
  for (const weft::Bytes& candidate :
       {weft::Bytes(input.begin(), input.end()), weft::fuzz::framed(T::type_tag, input)}) {
    auto value = T::decode(candidate);
    if (value && value->encode() != candidate) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  check<weft::GCounter>(input);
  check<weft::PNCounter>(input);
  check<weft::LwwRegister<std::string>>(input);
  check<weft::MvRegister<std::string>>(input);
  check<weft::GSet<std::uint64_t>>(input);
  check<weft::TwoPSet<std::string>>(input);
  check<weft::AwSet<std::string>>(input);
  check<weft::RwSet<std::uint64_t>>(input);
  check<weft::EwFlag>(input);
  check<weft::DwFlag>(input);
  check<weft::OrMap<std::string, weft::AwSet<std::uint64_t>>>(input);
  check<weft::OrMap<std::string, weft::OrMap<std::string, weft::PNCounter>>>(input);
  return 0;
}

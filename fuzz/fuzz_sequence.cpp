// Sequence updates from a hostile peer: Text and List<int64_t> replicas that
// already hold some history are fed the fuzzer's bytes (raw, and as the payload
// of a valid frame). apply() either succeeds or fails leaving the replica
// exactly as it was; decode() of the same bytes never crashes; the structural
// invariants hold afterwards.
#include <cstdlib>

#include "fuzz_support.hpp"
#include "weft/types/list.hpp"
#include "weft/types/text.hpp"

namespace {

template <class Replica>
void apply_and_check(Replica& replica, std::span<const std::uint8_t> bytes) {
  const weft::Bytes before = replica.encode();
  const weft::VersionVector version = replica.version();
  if (!replica.apply(bytes)) {
    if (replica.encode() != before || !(replica.version() == version)) std::abort();
  }
  replica.check_invariants();  // throws (and so aborts the fuzzer) on a broken structure
  (void)Replica::decode(bytes, weft::ReplicaId{9});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  weft::Text text(weft::ReplicaId{1});
  text.insert(0, "héllo wörld 😀");
  text.erase(2, 3);
  weft::List<std::int64_t> list(weft::ReplicaId{2});
  list.insert(0, std::int64_t{5});
  list.insert(1, std::int64_t{-7});
  for (const weft::Bytes& candidate : {weft::Bytes(input.begin(), input.end()),
                                       weft::fuzz::framed(weft::TypeTag::sequence_update, input),
                                       weft::fuzz::framed(weft::TypeTag::sequence, input)}) {
    apply_and_check(text, candidate);
    apply_and_check(list, candidate);
  }
  return 0;
}

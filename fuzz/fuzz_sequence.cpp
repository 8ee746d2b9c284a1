// Sequence updates from a hostile peer: Text and List<int64_t> replicas that
// already hold some history are fed the fuzzer's bytes (raw, and as the payload
// of a valid frame). apply() either succeeds or fails leaving the replica
// exactly as it was; decode() of the same bytes never crashes; the structural
// invariants hold afterwards. The same bytes, read as an Anchor (a peer's cursor
// in a presence message), either fail to decode or re-encode to exactly the
// bytes read, and resolve to a position within the text or to an error. A new
// replica's fast path reaches the general path's verdict.
#include <algorithm>
#include <cstdlib>

#include "fuzz_support.hpp"
#include "weft/types/list.hpp"
#include "weft/types/text.hpp"

namespace {

template <class Replica>
void apply_and_check(Replica& replica, std::span<const std::uint8_t> bytes) {
  const weft::Bytes before = replica.encode();
  const weft::VersionVector version = replica.version();
  if (!replica.apply_update(bytes)) {
    if (replica.encode() != before || !(replica.version() == version)) std::abort();
  }
  replica.check_invariants();  // throws (and so aborts the fuzzer) on a broken structure
  (void)Replica::decode(bytes, weft::ReplicaId{9});
}

// A new replica takes an update by the fast path (apply_encoded, integrating
// while reading) or the general one (decode_ops, then apply): both must end in
// the same state, or refuse it with the same error and hold nothing.
template <class Store>
void fast_path_matches_general(std::span<const std::uint8_t> bytes) {
  using Engine = weft::detail::seq::Engine<Store>;
  Engine fast(weft::ReplicaId{9});
  Engine general(weft::ReplicaId{9});
  const auto a = fast.apply_encoded(bytes);
  weft::result<weft::ApplyResult> b = weft::errc::invalid_value;
  if (auto ops = Engine::decode_ops(bytes)) {
    b = general.apply(std::move(ops->first), std::move(ops->second));
  } else {
    b = ops.error();
  }
  if (a.has_value() != b.has_value()) std::abort();
  if (!a && (a.error() != b.error() || !fast.version().empty() || fast.size(0) != 0)) std::abort();
  if (a && (a->applied != b->applied || a->pending != b->pending ||
            !(fast.version() == general.version()) ||
            fast.encode_since({}) != general.encode_since({}))) {
    std::abort();
  }
  fast.check_invariants();
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
  {
    weft::Reader r(input);
    if (const auto anchor = weft::decode_value<weft::Anchor>(r)) {
      weft::Writer w;
      weft::encode_value(w, *anchor);
      if (!std::equal(w.view().begin(), w.view().end(), input.begin()) ||
          w.size() != r.position()) {
        std::abort();
      }
      for (const auto unit :
           {weft::PositionUnit::code_point, weft::PositionUnit::utf16, weft::PositionUnit::utf8}) {
        const auto at = text.resolve(*anchor, unit);
        if (at && *at > text.size(unit)) std::abort();
      }
      if (const auto at = list.resolve(*anchor); at && *at > list.size()) std::abort();
    }
  }
  for (const weft::Bytes& candidate : {weft::Bytes(input.begin(), input.end()),
                                       weft::fuzz::framed(weft::TypeTag::sequence_update, input),
                                       weft::fuzz::framed(weft::TypeTag::sequence, input)}) {
    apply_and_check(text, candidate);
    apply_and_check(list, candidate);
    fast_path_matches_general<weft::detail::seq::TextStore>(candidate);
    fast_path_matches_general<weft::detail::seq::ListStore<std::int64_t>>(candidate);
  }
  return 0;
}

#pragma once
// The last-writer-wins rule, written once for every register-like slot: the
// catalogue's LwwRegister<T> and a weft::Doc's lww_register objects and map
// keys (src/doc/entries.hpp).
//
// A write supersedes the writes its writer had observed (the dot kernel does
// that part); only writes that did not see each other stay live together, and
// of those the one with the greatest (Lamport time, dot) is shown. Lamport
// time, not wall-clock time: docs/decisions.md, entry 25.
#include <algorithm>
#include <cstdint>
#include <tuple>
#include <utility>

#include "weft/encoding/codec.hpp"
#include "weft/types/detail/dot_fun.hpp"

namespace weft::detail {

// The payload of one write: its Lamport time and its value.
template <class V>
struct Stamped {
  std::uint64_t lamport = 0;
  V value{};
  friend bool operator==(const Stamped&, const Stamped&) = default;
};

// The live concurrent writes of one slot, sorted by dot.
template <class V>
using Writes = DotFun<Stamped<V>>;

// The winning write, or nullptr when there is none.
template <class V>
[[nodiscard]] const typename Writes<V>::Entry* last_writer(const Writes<V>& writes) {
  const typename Writes<V>::Entry* best = nullptr;
  for (const auto& e : writes) {
    if (best == nullptr ||
        std::tie(e.value.lamport, e.dot) > std::tie(best->value.lamport, best->dot)) {
      best = &e;
    }
  }
  return best;
}

// The greatest Lamport time among the live writes (0: none). A writer's clock
// observes it first, so a new write is later than every write it supersedes.
template <class V>
[[nodiscard]] std::uint64_t latest_time(const Writes<V>& writes) {
  std::uint64_t t = 0;
  for (const auto& e : writes) t = std::max(t, e.value.lamport);
  return t;
}

}  // namespace weft::detail

namespace weft {

// The Lamport time (varint), then the value.
template <class V>
struct Codec<detail::Stamped<V>> {
  static void encode(Writer& w, const detail::Stamped<V>& s) {
    encode_value(w, s.lamport);
    encode_value(w, s.value);
  }
  static result<detail::Stamped<V>> decode(Reader& r) {
    auto lamport = decode_value<std::uint64_t>(r);
    if (!lamport) return lamport.error();
    auto value = decode_value<V>(r);
    if (!value) return value.error();
    return detail::Stamped<V>{*lamport, std::move(*value)};
  }
};

}  // namespace weft

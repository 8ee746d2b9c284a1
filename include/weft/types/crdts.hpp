#pragma once
// The state/delta CRDT catalogue in one include.
//
// Common API of every type X below (GCounter, PNCounter, LwwRegister<T>,
// MvRegister<T>, GSet<T>, TwoPSet<T>, AwSet<T>, RwSet<T>, EwFlag, DwFlag,
// OrMap<K, V>):
//   - Mutators take the acting replica's id first, e.g. `set.add(replica, x)`,
//     update the local state and return a Delta<X> to ship. A nil ReplicaId
//     throws std::invalid_argument and leaves the state unchanged; other
//     caller errors are documented per type.
//   - `x.join(other)` / `x.join(delta)`: commutative, associative, idempotent;
//     `join(a, b)` and `leq(a, b)` (delta.hpp) for values; `==` is structural
//     and states that are equal as lattice elements compare equal.
//   - `x.encode()` gives a framed encoding ("WF", version, type tag, payload,
//     CRC-32C); `X::decode(bytes)` returns result<X> and never throws on
//     input. It rejects a bad frame (bad_magic, unsupported_version,
//     wrong_type, checksum_mismatch, trailing_bytes), a cut payload
//     (truncated), declared counts larger than the input (length_too_large,
//     checked before allocating), non-minimal or unordered forms
//     (non_canonical), out-of-range values (invalid_value, invalid_utf8), and
//     causally impossible states: a dot not covered by the state's context,
//     or one dot used twice (causality_violation).
//   - Codec<X> (unframed) is specialised for every type, so types nest in
//     OrMap and in other formats. Element and key types need a Codec, a total
//     order and a hash (weft::Element in detail/hash.hpp).
//   - Queries are const and [[nodiscard]]. Types are values: copy freely;
//     concurrent const access is safe, mutation needs external locking.
#include "weft/types/aw_set.hpp"
#include "weft/types/delta.hpp"
#include "weft/types/dw_flag.hpp"
#include "weft/types/ew_flag.hpp"
#include "weft/types/gcounter.hpp"
#include "weft/types/gset.hpp"
#include "weft/types/lww_register.hpp"
#include "weft/types/mv_register.hpp"
#include "weft/types/or_map.hpp"
#include "weft/types/pncounter.hpp"
#include "weft/types/rw_set.hpp"
#include "weft/types/twop_set.hpp"

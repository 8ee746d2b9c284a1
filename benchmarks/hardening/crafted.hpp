#pragma once
// Updates an attacker writes by hand, in the wire format of docs/doc.md ("Wire
// format"), with the public encoding API: values no honest encoder produces
// (clocks at and past the bound), floods of replicas, and deflate bombs.
#include <cstdint>
#include <string>

#include "weft/encoding/writer.hpp"

namespace weft::bench::attacks {

// One record of replica `author` at counter `first` setting root map "m" key "k" to 7,
// with Lamport time first + `lamport_minus_first` (0: the same as `first`).
Bytes map_set_update(std::uint64_t author, std::uint64_t first, std::int64_t lamport_minus_first);

// One update of `replicas` records, one per replica from `first_author` on, each adding
// 1 to root counter "c": the update names `replicas` replicas.
Bytes replica_flood_update(std::uint64_t first_author, std::uint64_t replicas);

// The payload of one record of `author` inserting `chars` copies of 'a' into root text
// "t" (an update's payload, without its frame).
Bytes text_insert_payload(std::uint64_t author, std::uint64_t chars);

// `payload` as a deflated update (TypeTag::doc_update_deflated) at zlib `level`,
// stating `claimed` bytes of output (0: its true size).
Bytes deflated_update(const Bytes& payload, int level, std::uint64_t claimed = 0);

}  // namespace weft::bench::attacks

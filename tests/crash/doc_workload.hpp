#pragma once
// The Doc crash test's workload: edit `i` is a function of i and the text it
// is applied to, so a reference replica replaying edits 0..k-1 must reach the
// same text as a persisted replica that has k edits. The map key "n" counts
// the edits a document holds (each edit sets it to i + 1 in one transaction).
#include <algorithm>
#include <string>

#include "weft/doc/doc.hpp"

namespace weft::test {

inline const ObjectId kCrashText = ObjectId::named("text", ObjectKind::text);
inline const ObjectId kCrashMeta = ObjectId::named("meta", ObjectKind::map);

inline std::uint64_t edits_in(const Doc& doc) {
  const auto n = doc.map(kCrashMeta).get("n");
  return n ? static_cast<std::uint64_t>(n->as<std::int64_t>()) : 0;
}

inline void crash_edit(Transaction& tx, const Doc& doc, std::uint64_t i) {
  const std::size_t size = doc.text(kCrashText).size();
  auto text = tx.text(kCrashText);
  if (i % 5 == 4 && size > 0) {
    text.erase((i * 31) % size, 1);
  } else {
    text.insert((i * 7919) % (size + 1), std::string(1 + i % 3, static_cast<char>('a' + i % 26)));
  }
  tx.map(kCrashMeta).set("n", static_cast<std::int64_t>(i + 1));
}

}  // namespace weft::test

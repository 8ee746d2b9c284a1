#pragma once
// Replaying a sequential trace through weft::Doc (weft-trace --doc): the path
// an application takes, as opposed to replay.hpp's bare weft::Text.
//
// One call of run_doc is one measured run: a Doc types the trace, one
// transaction per trace txn, keeping every committed update; a second Doc
// applies those updates one at a time, in order; the first Doc's snapshot is
// loaded into a third. Every run checks all three texts against endContent.
#include <cstddef>
#include <optional>
#include <string>

#include "trace.hpp"

namespace weft::bench {

struct DocFigures {
  // Process CPU time, like the *_cpu_ms figures of replay.hpp.
  double replay_ms = 0;  // every txn: transact(), its patches, commit()
  double remote_ms = 0;  // a second Doc applying every update, in order
  double load_ms = 0;    // Doc::load of the snapshot
  double update_avg_bytes = 0;
  std::size_t snapshot_bytes = 0;  // encode_snapshot() of the typed Doc
  // Heap the typed Doc holds after the replay: what destroying it releases.
  // Absent when heap counting is off (sanitizers).
  std::optional<std::size_t> memory_bytes;
  bool final_ok = false;
  std::string failure;  // why final_ok is false
};

// With `observe`, each of the two Docs has one observer on the text, keeping a
// ShadowText from its events; each shadow must end equal to its Doc's text.
// The observers' work is part of replay_ms and remote_ms.
// Throws std::out_of_range when a patch does not fit the document.
[[nodiscard]] DocFigures run_doc(const Trace& trace, bool observe);

}  // namespace weft::bench

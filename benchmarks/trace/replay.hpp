#pragma once
// Replaying a loaded trace into weft::Text, and into the gap-buffer floor.
//
// One call of a run_* function is one measured run; weft-trace takes medians
// over several. Every run checks the resulting texts and reports `final_ok`.
#include <cstddef>
#include <optional>
#include <string>

#include "trace.hpp"

namespace weft::bench {

struct RunFigures {
  double replay_ms = 0;            // local edits (plus, for concurrent traces, catching agents up)
  double merge_ms = 0;             // a fresh replica applying the whole history
  double encode_ms = 0;            // Text::encode() of the whole history
  double decode_ms = 0;            // Text::decode() of that encoding
  std::optional<double> floor_ms;  // gap buffer, sequential traces only
  // The same three phases in process CPU time: robust when the machine is
  // shared and the wall clock includes time spent descheduled.
  double replay_cpu_ms = 0;
  double merge_cpu_ms = 0;
  double encode_cpu_ms = 0;
  double decode_cpu_ms = 0;
  std::optional<double> floor_cpu_ms;
  std::size_t encoded_bytes = 0;
  std::size_t memory_bytes = 0;  // Text::memory_bytes() after replay (after merge if concurrent)
  std::optional<std::size_t> heap_bytes;  // live heap held by that same replica
  bool final_ok = false;
  std::string failure;  // why final_ok is false
};

// Replays the patches `repeat` times in a row into one document (repeat > 1 is
// the B4x100 scaling test; the expected text then comes from the floor).
// Throws std::out_of_range when a patch does not fit the document.
[[nodiscard]] RunFigures run_sequential(const Trace& trace, std::size_t repeat, bool verify_all);

// One replica per agent; see weft-trace's usage text for the protocol.
// `verify_all` also brings every agent's replica up to date and compares it.
[[nodiscard]] RunFigures run_concurrent(const Trace& trace, bool verify_all);

}  // namespace weft::bench

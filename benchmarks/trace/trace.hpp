#pragma once
// Editing traces (github.com/josephg/editing-traces format), loaded into memory.
//
// A trace is a list of transactions, each a list of patches [pos, del, ins] with
// JavaScript splice semantics: at code point `pos` delete `del` code points, then
// insert `ins` there. Sequential traces apply their txns in order to one document;
// concurrent traces form a DAG through `parents` (indexes of earlier txns).
// See /work/shared/traces/README.md for the format. Benchmark tooling only: not
// part of the weft library.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace weft::bench {

struct Patch {
  std::size_t pos = 0;  // code points
  std::size_t del = 0;  // code points
  std::string ins;      // UTF-8
};

struct Txn {
  std::vector<std::size_t> parents;  // indexes of earlier txns (concurrent traces only)
  std::size_t agent = 0;             // 0 for sequential traces
  std::vector<Patch> patches;
};

struct Trace {
  std::string name;  // file name without directories and ".json.gz"
  bool concurrent = false;
  std::size_t num_agents = 1;
  std::string start_content;
  std::string end_content;
  std::vector<Txn> txns;

  [[nodiscard]] std::size_t patch_count() const noexcept;
};

// Reads a (gzipped or plain) trace file. Returns false and sets `error` when the
// file cannot be read, is not JSON, or does not have the trace shape (negative
// numbers, parents that do not precede their txn, agents out of range, invalid
// UTF-8). Patch bounds are checked by whoever replays the trace.
[[nodiscard]] bool load_trace(const std::string& path, Trace& out, std::string& error);

// Number of code points in valid UTF-8 `text`.
[[nodiscard]] std::size_t count_code_points(std::string_view text) noexcept;

}  // namespace weft::bench

#pragma once
// weft-trace --doc's figures over several runs: medians, the ratios to the bare
// Text replay of the same runs, and their JSON keys and table rows.
#include <boost/json/object.hpp>
#include <vector>

#include "doc_replay.hpp"
#include "replay.hpp"

namespace weft::bench {

struct DocSummary {
  DocFigures median;  // every figure a median over runs
  // Medians of per-run ratios to the same run's bare Text replay (CPU time on
  // both sides): the two paths run back to back, so the shared machine's load
  // moves both alike and the ratio is steadier than either time.
  double replay_ratio = 0;  // Doc replay / Text replay
  double remote_ratio = 0;  // Doc remote apply / Text replay
  bool observe = false;
};

// `doc[i]` and `text[i]` come from the same run.
[[nodiscard]] DocSummary summarize_doc(const std::vector<DocFigures>& doc,
                                       const std::vector<RunFigures>& text, bool observe);

void add_doc_json(boost::json::object& out, const DocSummary& s);
void print_doc_table(const DocSummary& s);

}  // namespace weft::bench

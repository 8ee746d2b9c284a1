#pragma once
// The attacks of issue 14 that weft-bench-attacks re-runs, one file each. Each prints
// its own Markdown tables: the attack's figures next to a baseline of the same run.
namespace weft::bench::attacks {

struct Scale {
  bool full = false;  // --full: the largest sizes (1M replicas, 256 MiB bombs)
};

void lamport_overflow(const Scale& scale);    // item 1
void decompression_bomb(const Scale& scale);  // item 3, the nested-section remainder
void replica_flood(const Scale& scale);       // item 4, the per-edit cost
void deep_observer(const Scale& scale);       // item 6
void text_observer(const Scale& scale);       // item 7
void nagle(const Scale& scale);               // item 8

}  // namespace weft::bench::attacks

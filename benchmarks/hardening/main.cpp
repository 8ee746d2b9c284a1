// weft-bench-attacks: issue 14's attacks re-run after their fixes, each with a
// baseline of the same run (see benchmarks/README.md, "Attacks re-run").
// Usage: weft-bench-attacks [--full] [lamport] [bomb] [replicas] [deep] [observer] [nagle]
//   no part named: all of them; --full: the largest sizes (slower).
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "attacks.hpp"

int main(int argc, char** argv) {
  namespace attacks = weft::bench::attacks;
  std::vector<std::string> parts(argv + 1, argv + argc);
  attacks::Scale scale;
  if (const auto full = std::find(parts.begin(), parts.end(), "--full"); full != parts.end()) {
    scale.full = true;
    parts.erase(full);
  }
  struct Part {
    const char* name;
    void (*run)(const attacks::Scale&);
  };
  const Part all[] = {
      {"lamport", attacks::lamport_overflow}, {"bomb", attacks::decompression_bomb},
      {"replicas", attacks::replica_flood},   {"deep", attacks::deep_observer},
      {"observer", attacks::text_observer},   {"nagle", attacks::nagle},
  };
  for (const std::string& p : parts) {
    if (std::none_of(std::begin(all), std::end(all), [&](const Part& a) { return p == a.name; })) {
      std::fprintf(stderr, "unknown part '%s'\n", p.c_str());
      return 2;
    }
  }
  for (const Part& part : all) {
    if (parts.empty() || std::find(parts.begin(), parts.end(), part.name) != parts.end()) {
      part.run(scale);
      std::fflush(stdout);
    }
  }
  return 0;
}

// Manual Release micro-driver (not a ctest test): replays an editing trace into
// Text and prints timings of the engine's phases, for profiling.
//   sequence_trace_driver <trace.json.gz> [phase [reps]]   phase: replay|merge|encode|decode|all
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "trace.hpp"
#include "weft/types/text.hpp"

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const std::string phase = argc > 2 ? argv[2] : "all";
  weft::bench::Trace trace;
  std::string error;
  if (!weft::bench::load_trace(argv[1], trace, error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  using clock = std::chrono::steady_clock;
  auto ms = [](clock::time_point a) {
    return std::chrono::duration<double, std::milli>(clock::now() - a).count();
  };
  const int reps = phase == "all" ? 1 : argc > 3 ? std::atoi(argv[3]) : 20;
  weft::Text text(weft::ReplicaId{1});
  auto t0 = clock::now();
  for (int k = 0; k < (phase == "replay" ? reps : 1); ++k) {
    text = weft::Text(weft::ReplicaId{1});
    for (const auto& txn : trace.txns) {
      for (const auto& p : txn.patches) {
        if (p.del > 0) (void)text.erase(p.pos, p.del);
        if (!p.ins.empty()) (void)text.insert(p.pos, p.ins);
      }
    }
  }
  std::printf("replay %.3f ms ok=%d mem=%zu\n", ms(t0) / (phase == "replay" ? reps : 1),
              text.to_string() == trace.end_content ? 1 : 0, text.memory_bytes());
  weft::Bytes enc;
  t0 = clock::now();
  for (int k = 0; k < (phase == "encode" ? reps : 1); ++k) enc = text.encode();
  if (const char* out = std::getenv("WEFT_DUMP_ENCODING"); out != nullptr) {
    std::ofstream(out, std::ios::binary)
        .write(reinterpret_cast<const char*>(enc.data()), static_cast<std::streamsize>(enc.size()));
  }
  std::printf("encode %.3f ms bytes=%zu\n", ms(t0) / (phase == "encode" ? reps : 1), enc.size());
  t0 = clock::now();
  for (int k = 0; k < (phase == "merge" ? reps : 1); ++k) {
    weft::Text m(weft::ReplicaId{3});
    if (!m.apply_update(enc)) return 1;
  }
  std::printf("merge %.3f ms\n", ms(t0) / (phase == "merge" ? reps : 1));
  t0 = clock::now();
  for (int k = 0; k < (phase == "decode" ? reps : 1); ++k) {
    if (!weft::Text::decode(enc, weft::ReplicaId{4})) return 1;
  }
  std::printf("decode %.3f ms\n", ms(t0) / (phase == "decode" ? reps : 1));
  return 0;
}

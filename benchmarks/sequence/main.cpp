// weft-bench-sequence: the crdt-benchmarks scenarios for Text and List<T>.
// Set WEFT_BENCH_B4X100=1 to add the 100x automerge-paper scaling run.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string_view>

void register_b4x100();

int main(int argc, char** argv) {
  const char* huge = std::getenv("WEFT_BENCH_B4X100");
  if (huge != nullptr && std::string_view(huge) == "1") register_b4x100();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

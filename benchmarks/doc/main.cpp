// weft-bench-doc: the crdt-benchmarks B3 scenarios through weft::Doc, and the
// sync protocol catching up two replicas of a large text.
#include <benchmark/benchmark.h>

BENCHMARK_MAIN();

#!/usr/bin/env bash
# Fuzzes every target in fuzz/ (or those named) for N minutes each with libFuzzer,
# one target at a time on one core, and prints the coverage each reached:
# libFuzzer's final cov: (edges) and ft: (features) figures. See docs/fuzzing.md.
#
# Usage: scripts/fuzz.sh [--fresh] [--baseline] [minutes] [target...]
#   minutes     per target (default 1; fractions allowed, e.g. 0.5)
#   target      doc, doc_replicas, sync_message, ... (default: all of fuzz/fuzz_*.cpp)
#   --fresh     start from an empty corpus instead of the one kept from earlier runs
#   --baseline  instrument only each target's own file, as the CI clang build does
#               (build/clang-fuzz-baseline), to compare against the default
#               build/clang-fuzz, where WEFT_FUZZ instruments the library too
# Corpora are kept in <build>/corpus/<target>; a crash leaves its input in
# <build>/crashes/<target>/ and the script exits non-zero: keep it as
# tests/regressions/<target>/<name> (see tests/regressions/README.md).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

fresh=0
baseline=0
while [[ ${1:-} == --* ]]; do
  case $1 in
    --fresh) fresh=1 ;;
    --baseline) baseline=1 ;;
    *) echo "unknown option $1" >&2 && exit 2 ;;
  esac
  shift
done
minutes=${1:-1}
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then
  for f in "$root"/fuzz/fuzz_*.cpp; do
    f=${f##*/fuzz_}
    targets+=("${f%.cpp}")
  done
fi
seconds=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 }')

if ((baseline)); then
  # WEFT_BUILD_TESTS adds fuzz/ without WEFT_FUZZ; only the fuzz targets are built.
  build=$root/build/clang-fuzz-baseline
  config=(-DWEFT_SANITIZE=ON -DWEFT_BUILD_TESTS=ON)
else
  build=$root/build/clang-fuzz
  config=(-DWEFT_FUZZ=ON -DWEFT_BUILD_TESTS=OFF)
fi
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++-16 -DWEFT_BUILD_EXAMPLES=OFF -DWEFT_BUILD_BENCHMARKS=OFF \
  -DWEFT_INSTALL=OFF "${config[@]}" >/dev/null
# Two jobs at most: the machine is shared.
cmake --build "$build" -j 2 --target "${targets[@]/#/fuzz_}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# Stacks with file:line in the logs (Debian's clang-16 package ships no symbolizer).
if [[ -z ${ASAN_SYMBOLIZER_PATH:-} ]] && command -v llvm-symbolizer >/dev/null; then
  ASAN_SYMBOLIZER_PATH=$(command -v llvm-symbolizer)
  export ASAN_SYMBOLIZER_PATH
fi
status=0
results=()
for t in "${targets[@]}"; do
  corpus=$build/corpus/$t
  crashes=$build/crashes/$t
  ((fresh)) && rm -rf "$corpus"
  mkdir -p "$corpus" "$crashes"
  log=$build/fuzz_$t.log
  echo "== fuzz_$t: ${seconds}s (log: $log)"
  rc=0
  "$build/fuzz/fuzz_$t" "$corpus" -max_total_time="$seconds" -max_len=4096 -timeout=25 \
    -seed=1 -dict="$root/fuzz/varint.dict" -print_final_stats=1 -artifact_prefix="$crashes/" \
    >"$log" 2>&1 || rc=$?
  # The last status line ("#N DONE cov: X ft: Y corp: ..." or the last pulse).
  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1 || true)
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
  ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
  execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log")
  result="ok"
  if ((rc != 0)); then
    result="CRASH: $(sed -n 's/.*Test unit written to //p' "$log" | tail -n 1)"
    status=1
  fi
  results+=("$(printf '%-16s cov %6s  ft %7s  execs %9s  %s' "$t" "${cov:-?}" "${ft:-?}" \
    "${execs:-?}" "$result")")
done

echo "== coverage after ${minutes} min per target ($build)"
printf '%s\n' "${results[@]}"
exit $status

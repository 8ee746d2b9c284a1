#!/usr/bin/env bash
# Builds and runs the whole test suite twice:
#   1. Release, g++ 12, -Wall -Wextra -Werror          (build/gcc-release)
#   2. clang-16 with AddressSanitizer + UBSan          (build/clang-asan)
# Usage: scripts/test.sh [extra ctest arguments, e.g. -L unit]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/install-deps.sh"

jobs=$(nproc)
run_suite() {
  local dir=$1
  shift
  cmake -S "$root" -B "$dir" -G Ninja "$@"
  cmake --build "$dir" -j "$jobs"
  (cd "$dir" && ctest --output-on-failure -j "$jobs" --timeout 900 "${ctest_args[@]}")
}
ctest_args=("$@")

echo "== weft: Release build with g++ (warnings are errors)"
run_suite "$root/build/gcc-release" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++ \
  -DWEFT_WARNINGS_AS_ERRORS=ON -DWEFT_BUILD_TESTS=ON -DWEFT_BUILD_EXAMPLES=ON \
  -DWEFT_BUILD_BENCHMARKS=ON

echo "== weft: clang-16 build with AddressSanitizer and UndefinedBehaviorSanitizer"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_suite "$root/build/clang-asan" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++-16 -DWEFT_SANITIZE=ON -DWEFT_WARNINGS_AS_ERRORS=ON \
  -DWEFT_BUILD_TESTS=ON -DWEFT_BUILD_EXAMPLES=ON -DWEFT_BUILD_BENCHMARKS=ON
echo "== weft: both suites passed"

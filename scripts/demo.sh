#!/usr/bin/env bash
# Builds (if needed) and runs weft's main demo: four replicas of one document
# editing over a faulty, partitioned simulated network (examples/collab_simulation.cpp).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/install-deps.sh"
dir="$root/build/demo"
cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DWEFT_BUILD_TESTS=OFF \
  -DWEFT_BUILD_BENCHMARKS=OFF -DWEFT_BUILD_EXAMPLES=ON >/dev/null
cmake --build "$dir" --target collab_simulation >/dev/null
"$dir/examples/collab_simulation"

#!/usr/bin/env bash
# Benchmarks bpc against its peers in one run and prints ratios (never bare
# times). Needs a built bpc (bash scripts/build.sh). Peers: hand-written C
# (-O3 -march=native -ffast-math, single thread) and NumPy (installed into
# build/bench-venv from PyPI). PyTorch/JAX peers: not yet.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/bench
mkdir -p "$out"
"${BPC:-build/bin/bpc}" build bench/selu.bpm -o "$out/libselu.so"
cc -O3 -march=native -ffast-math -I"$out" -Iruntime/include bench/selu_bench.c \
  -L"$out" -lselu -Wl,-rpath,"$PWD/$out" -lm -o "$out/selu_bench"
result=$("$out/selu_bench")
echo "$result" | head -n -1
c_ns=$(echo "$result" | tail -n 1)
if [ ! -x build/bench-venv/bin/python ]; then
  python3 -m venv build/bench-venv && build/bench-venv/bin/pip -q install numpy
fi
np_ns=$(build/bench-venv/bin/python bench/selu_numpy.py)
python3 -c "print(f'selu 1e6 f32: NumPy / hand-written C = {$np_ns / $c_ns:.2f}')"

#!/usr/bin/env bash
# Benchmarks bpc against its peers in one run and prints ratios to the
# hand-written C peer, never bare times (DESIGN.md §6). Needs a built bpc
# (bash scripts/build.sh; BPC=path/to/bpc picks another build). Workloads:
# selu on 1,000,000 f32, one LogisticRegression step on 200,000 x 10 and one
# LinearNet training step (x 1000 x 100, w 100 x 200: gradients and SGD);
# and, within bpc, 10,000 LIF steps as one bm.for_loop against 10,000 jitted
# calls (bench/lif_loop.bpm).
# Peers: hand-written C (-O3 -march=native -ffast-math, single thread, timed
# in the same process as bpc), NumPy, PyTorch eager and JAX jit on CPU
# (installed into build/bench-venv from PyPI on first use; a peer that does
# not install is reported as skipped). Every side runs one thread, in f32,
# with warm-up; run.sh prints the median and the best of 100 calls.
set -euo pipefail
cd "$(dirname "$0")/.."
bpc=${BPC:-build/bin/bpc}
out=${BENCH_OUT:-build/bench}
venv=${BENCH_VENV:-build/bench-venv}
mkdir -p "$out"

for w in selu lr linear_net; do
  "$bpc" build "bench/$w.bpm" -o "$out/lib$w.so"
  cc -std=c99 -O3 -march=native -ffast-math -I"$out" -Iruntime/include "bench/${w}_bench.c" \
    -L"$out" -l"$w" -Wl,-rpath,"$PWD/$out" -lm -o "$out/${w}_bench"
done

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
for pkg in numpy torch jax; do
  if ! "$venv/bin/python" -c "import $pkg" 2>/dev/null; then
    echo "installing $pkg into $venv ..." >&2
    # PyTorch's own CPU-only index is tried first (much smaller); PyPI after.
    if [ "$pkg" = torch ]; then
      "$venv/bin/pip" -q install torch --index-url https://download.pytorch.org/whl/cpu \
        >/dev/null 2>&1 || "$venv/bin/pip" -q install torch >/dev/null 2>&1 ||
        echo "note: PyTorch did not install; its column is skipped" >&2
    else
      "$venv/bin/pip" -q install "$pkg" >/dev/null 2>&1 ||
        echo "note: $pkg did not install; its column is skipped" >&2
    fi
  fi
done

{
  "$out/selu_bench"
  "$out/lr_bench"
  "$out/linear_net_bench"
  if "$venv/bin/python" -c "import numpy" 2>/dev/null; then
    "$venv/bin/python" bench/peers.py
  else
    echo "SKIP numpy/torch/jax: no NumPy in $venv"
  fi
  # One bm.for_loop of 10,000 LIF steps against 10,000 jitted calls, in
  # `bpc run` (the progress bars it draws go to lif_loop.err).
  "$bpc" run bench/lif_loop.bpm 2> "$out/lif_loop.err"
} > "$out/results.txt"

python3 - "$out/results.txt" <<'PY'
import sys
names = {"selu": "selu, 1e6 f32", "lr": "LogisticRegression step, 200000x10 f32",
         "linear_net": "LinearNet train step, 1000x100x200"}
peers = {"bpc": "bpc", "c": "hand-written C", "numpy": "NumPy", "torch": "PyTorch eager",
         "jax": "JAX jit (CPU)"}
results, notes, lif = {}, [], []
for line in open(sys.argv[1]):
    f = line.split()
    if f and f[0] == "RESULT":
        results.setdefault(f[1], {})[f[2]] = (float(f[3]), float(f[4]))
    elif f and f[0] == "LIFLOOP":
        lif.append(f[1:])
    elif f and not f[0].isdigit() and not f[0].startswith("LIF,"):
        notes.append(line.rstrip())
print("time per call / hand-written C time (single thread, f32; lower is better)")
print(f"{'workload':<40} {'peer':<16} {'median':>8} {'best':>8}")
for w, title in names.items():
    r = results.get(w, {})
    if "c" not in r:
        print(f"{title:<40} (no hand-written C result)")
        continue
    cm, cb = r["c"]
    for p, label in peers.items():
        if p in r:
            m, b = r[p]
            print(f"{title:<40} {label:<16} {m / cm:>8.2f} {b / cb:>8.2f}")
        title = ""
for w, title in names.items():
    r = results.get(w, {})
    if "bpc" in r and "torch" in r:
        print(f"{title}: bpc / PyTorch eager = {r['bpc'][0] / r['torch'][0]:.2f} (median), "
              f"{r['bpc'][1] / r['torch'][1]:.2f} (best)")
if lif:
    print()
    print(f"LIF, {lif[0][1]} steps under bpc run: {lif[0][1]} jitted calls / one bm.for_loop "
          "(CPU time; higher is better)")
    print(f"{'neurons':>8} {'for_loop us/step':>17} {'with bar':>9} {'calls us/step':>14} "
          f"{'ratio':>7}  same final state")
    for num, steps, t_loop, t_calls, t_bar, same in lif:
        n, t_loop, t_calls, t_bar = int(steps), float(t_loop), float(t_calls), float(t_bar)
        print(f"{num:>8} {t_loop / n * 1e6:>17.3f} {t_bar / n * 1e6:>9.3f} "
              f"{t_calls / n * 1e6:>14.3f} {t_calls / t_loop:>7.2f}  {same}")
for n in notes:
    print(n)
PY

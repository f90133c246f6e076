#!/usr/bin/env bash
# Compile time of each seed example (examples/*.bpm) with `bpc run`: a cold
# run with an empty kernel cache (every eager op and jit specialisation is
# compiled), then a warm run of the unchanged script (every kernel is loaded
# from the disk cache), and the kernels each compiled; plus `bpc build` of
# the library where the example exports one. Wall-clock seconds, best of
# $REPEAT runs (default 3). Usage: bash bench/compile_times.sh [examples...]
set -euo pipefail
cd "$(dirname "$0")/.."
bpc=${BPC:-build/bin/bpc}
repeat=${REPEAT:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Best wall time of running "$@" $repeat times; $before runs (untimed) first.
best() {
  local best=""
  for _ in $(seq "$repeat"); do
    eval "$before"
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>"$work/stderr" || return 1
    t1=$(date +%s.%N)
    best=$(echo "$t0 $t1 $best" | awk '{d = $2 - $1; if ($3 == "" || d < $3) print d; else print $3}')
  done
  printf '%.3f' "$best"
}

files=("$@")
[ ${#files[@]} -gt 0 ] || files=(examples/*.bpm)
printf '%-28s %9s %9s %9s %9s %9s\n' example "cold (s)" "warm (s)" "no cache" kernels "build (s)"
for f in "${files[@]}"; do
  cache="$work/cache"
  before="rm -rf '$cache'"
  if ! cold=$(best env BPC_CACHE_DIR="$cache" "$bpc" run "$f" 2>/dev/null); then
    printf '%-28s %s\n' "$(basename "$f")" \
      "bpc run fails: $(grep -m1 error "$work/stderr" | sed 's/^[^ ]* //')"
    continue
  fi
  kernels=$(BPC_CACHE_DIR="$work/count" BPC_CACHE_STATS=1 "$bpc" run "$f" 2>&1 >/dev/null |
    sed -n 's/^bpc kernels: compiled=\([0-9]*\).*/\1/p')
  kernels=${kernels:-0} # no arrays: no kernels, no executor
  rm -rf "$work/count"
  before=""
  warm=$(best env BPC_CACHE_DIR="$cache" "$bpc" run "$f")
  nocache=$(best env BPC_NO_CACHE=1 "$bpc" run "$f")
  if "$bpc" build "$f" -o "$work/libm.so" >/dev/null 2>&1; then
    build=$(best env BPC_CACHE_DIR="$cache" "$bpc" build "$f" -o "$work/libm.so")
  else
    build="-"
  fi
  printf '%-28s %9s %9s %9s %9s %9s\n' "$(basename "$f")" "$cold" "$warm" "$nocache" "$kernels" "$build"
done

#!/usr/bin/env bash
# Fuzzes the front end with libFuzzer for a bounded time (default 60 s):
#   bash scripts/fuzz.sh [SECONDS]
# Builds an instrumented copy of the front end with clang-19 in build-fuzz/,
# seeds the corpus from tests/fuzz/seeds and examples/, and fails on any crash,
# leak, timeout (10 s per input) or out-of-memory report.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
bash scripts/setup.sh
CC=clang-19 CXX=clang++-19 cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DBPC_ENABLE_FUZZER=ON >/dev/null
ninja -C build-fuzz -j"$(nproc)" bpc-fuzz-frontend
corpus=build-fuzz/corpus
mkdir -p "$corpus"
cp -n tests/fuzz/seeds/* examples/*.bpm tests/frontend/*/*.bpm "$corpus"/ 2>/dev/null || true
echo "fuzz: running the front end for ${seconds}s"
log=build-fuzz/fuzz.log
set +e
build-fuzz/bin/bpc-fuzz-frontend "$corpus" -max_total_time="$seconds" -timeout=10 \
  -rss_limit_mb=4096 -max_len=65536 -print_final_stats=1 -artifact_prefix=build-fuzz/ >"$log" 2>&1
status=$?
set -e
grep -E "^(Done|stat::number_of_executed_units|==[0-9]+==|SUMMARY|artifact_prefix)" "$log" || true
if [ "$status" -ne 0 ]; then
  tail -40 "$log"
  echo "fuzz: FAILED (exit $status); the input is in build-fuzz/ (crash-*, leak-*, timeout-*)"
  exit 1
fi
echo "fuzz: no crash, leak or timeout"

#!/usr/bin/env bash
# Sets up, builds and runs every test: doctest unit tests and lit/FileCheck
# golden tests (through ctest), then the front-end fuzzer for a bounded time.
#   bash scripts/test.sh            (FUZZ_SECONDS=60 by default; 0 skips fuzzing)
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
bash scripts/build.sh
echo "== unit tests (doctest)"
build/bin/bpc-unit-tests
echo "== golden tests (lit + FileCheck)"
python3 /usr/lib/llvm-19/build/utils/lit/lit.py -sv build/tests
fuzz_seconds=${FUZZ_SECONDS:-60}
if [ "$fuzz_seconds" != "0" ]; then
  echo "== fuzzing the front end"
  bash scripts/fuzz.sh "$fuzz_seconds"
fi
echo "== all tests passed in $(( $(date +%s) - start ))s"

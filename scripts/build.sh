#!/usr/bin/env bash
# Sets up the machine (scripts/setup.sh) and builds bpc into build/ (Release, Ninja).
# Afterwards the compiler is build/bin/bpc.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build -j"$(nproc)" "$@"

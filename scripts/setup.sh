#!/usr/bin/env bash
# Installs every Debian package bpc needs to build and test (idempotent, quiet when done).
# Versions are fixed by ../shared/TOOLCHAIN.md: LLVM/MLIR 19, ANTLR 4.7.2 tool + 4.9 runtime.
set -euo pipefail

PKGS=(cmake ninja-build antlr4 libantlr4-runtime-dev libfmt-dev doctest-dev
      llvm-19-dev libmlir-19-dev mlir-19-tools llvm-19-tools clang-19 libclang-rt-19-dev
      default-jre-headless python3)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "setup: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=900 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"

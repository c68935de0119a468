#!/usr/bin/env bash
# README command 2: install dependencies, build Kendall and run every test with CTest.
# With CI=true (as .ci/run does) warnings are errors and the sanitizer build runs too.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

preset=release
[ "${CI:-}" = "true" ] && preset=ci
cmake --preset "$preset"
cmake --build --preset "$preset"
ctest --preset "$preset"

if [ "${CI:-}" = "true" ] || [ "${KENDALL_ASAN:-}" = "1" ]; then
  cmake --preset ci-asan
  cmake --build --preset ci-asan
  ctest --preset ci-asan
fi

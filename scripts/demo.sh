#!/usr/bin/env bash
# README command 1: install dependencies, build Kendall (release) and run the main job on the
# bundled example: the replica plan, then the whole loop against the live login service
# (calibrate, predict, load-test, compare) with `kendall validate --quick`, under a minute.
# Extra arguments are passed to `kendall plan`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release
k=./build/release/cli/kendall
$k plan examples/user-services.yaml "$@"

echo
echo "== kendall validate --quick: the bundled user-login-service on 127.0.0.1, predicted vs measured"
status=0
$k validate --quick examples/user-services.yaml --out build/validation-report || status=$?
echo "report: build/validation-report/report.html"
# Exit code 4 means a level missed its tolerance: the table above shows it; anything else failed.
if [ "$status" -ne 0 ] && [ "$status" -ne 4 ]; then
  exit "$status"
fi

#!/usr/bin/env bash
# README command 1: install dependencies, build Kendall (release) and run the main job on the
# bundled example. Extra arguments are passed to the kendall command.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release
./build/release/cli/kendall plan examples/user-services.yaml "$@"

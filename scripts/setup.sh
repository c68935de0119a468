#!/usr/bin/env bash
# Installs every package Kendall needs to build, test and benchmark, from Debian 12 only.
# Idempotent: safe to run again; it installs only what is missing. Run as root (or with sudo).
set -euo pipefail

packages=(
  # toolchain
  cmake ninja-build g++ pkg-config git
  # libraries (see cmake/KendallDependencies.cmake)
  libeigen3-dev libglpk-dev libboost-dev libyaml-cpp-dev nlohmann-json3-dev libcli11-dev
  libfmt-dev libspdlog-dev
  # services: store, password hashing
  libsqlite3-dev libsodium-dev libargon2-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev python3-simpy clang-format
  # peers for side-by-side benchmarks (bench/compare_*.sh) and kubectl-free checks
  wrk nginx-light
  # desktop app (gui/): Qt 6 Widgets and Charts; Qt6Charts needs Qt6OpenGL, Qt6Gui the GL and Vulkan
  # headers; the offscreen platform (screenshots, tests) needs a font
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev libgl-dev libglx-dev libvulkan-dev fonts-dejavu-core
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: run as root, or install sudo" >&2; exit 1; }
  SUDO=sudo
fi
echo "setup: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

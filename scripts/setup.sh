#!/usr/bin/env bash
# Install what the project needs (Debian packages), then configure and build it in build/.
# Safe to run again: it installs only what is missing and rebuilds only what changed.
# Options: BUILD_DIR (default build), CMAKE_ARGS (extra arguments for cmake).
set -eu
cd "$(dirname "$0")/.."

packages="build-essential cmake pkg-config zlib1g-dev check libcmocka-dev libinih-dev
  gnuplot-nox python3 bsdutils gzip groff-base man-db
  libtracecmd-dev libtraceevent-dev libtracefs-dev trace-cmd valgrind
  parallel slurm-wlm munge"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup: installing$missing"
  as_root=""
  [ "$(id -u)" -eq 0 ] || as_root="sudo"
  $as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq $missing > /dev/null
fi

build=${BUILD_DIR:-build}
# shellcheck disable=SC2086
cmake -S . -B "$build" ${CMAKE_ARGS:-} > /dev/null
cmake --build "$build" -j "$(nproc)" > /dev/null
echo "setup: built in $build/"

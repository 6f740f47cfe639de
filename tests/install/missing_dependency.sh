#!/bin/bash
# Configuring the project where pkg-config finds nothing must fail, naming the Debian package
# to install for the first missing dependency (zlib).
set -eu
work=$TDPSIM_WORK/missing-dependency
rm -rf "$work" "$work.log"

# No .pc file anywhere: no default directories, no PKG_CONFIG_PATH, no CMAKE_PREFIX_PATH.
if env -u PKG_CONFIG_PATH -u CMAKE_PREFIX_PATH PKG_CONFIG_LIBDIR=/nonexistent \
	"$TDPSIM_CMAKE" -S "$TDPSIM_SOURCE_DIR" -B "$work" -G "$TDPSIM_GENERATOR" \
	-DCMAKE_C_COMPILER="$TDPSIM_CC" >"$work.log" 2>&1; then
	cat "$work.log"
	echo "configure succeeded although pkg-config can find nothing"
	exit 1
fi
if ! grep -F "apt-get install zlib1g-dev" "$work.log"; then
	cat "$work.log"
	echo "the error does not say: apt-get install zlib1g-dev"
	exit 1
fi

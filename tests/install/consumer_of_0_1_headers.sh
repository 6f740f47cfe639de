#!/bin/bash
# A consumer compiled against the public headers of 0.1 (tests/install/abi-0.1.0) still
# links with today's installed shared library and runs, and the library writes no more than
# 0.1's structs hold.  $1: a trace with a mark and faults to replay.
set -eu
work=$TDPSIM_WORK/consumer-of-0.1
lib=$TDPSIM_PREFIX/$TDPSIM_LIBDIR
src=$(dirname "$0")/abi-0.1.0
rm -rf "$work" && mkdir -p "$work"
# shellcheck disable=SC2086 # the flags are lists
"$TDPSIM_CC" -std=c99 -Wall -Wextra -Werror $TDPSIM_CONSUMER_FLAGS -I"$src" \
	"$src/old_consumer.c" -o "$work/old_consumer" -L"$lib" -ltdpsim
export LD_LIBRARY_PATH=$lib
ldd "$work/old_consumer" | grep "libtdpsim\.so\.0 => $lib/"
"$work/old_consumer" "$1"

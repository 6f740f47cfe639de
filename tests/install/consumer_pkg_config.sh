#!/bin/bash
# Build the consumer out of tree with `pkg-config --cflags --libs tdpsim` against the scratch
# prefix, check that it uses the installed shared library, and run it.
set -eu
work=$TDPSIM_WORK/consumer-pkg-config
lib=$TDPSIM_PREFIX/$TDPSIM_LIBDIR
rm -rf "$work" && mkdir -p "$work"

# tdpsim.pc from the scratch prefix (zlib.pc, for Requires.private, from the system).
export PKG_CONFIG_PATH=$lib/pkgconfig
[ "$(pkg-config --modversion tdpsim)" = "$TDPSIM_VERSION" ]
cflags=$(pkg-config --cflags tdpsim)
libs=$(pkg-config --libs tdpsim)
echo "pkg-config: $cflags $libs"
case "$cflags $libs" in
*"$TDPSIM_PREFIX/"*) ;;
*) echo "pkg-config does not point into $TDPSIM_PREFIX"; exit 1 ;;
esac

# Strict C99 with -Werror: the public headers must compile cleanly in any consumer.
# shellcheck disable=SC2086 # the flags are lists
"$TDPSIM_CC" -std=c99 -Wall -Wextra -Wpedantic -Werror $TDPSIM_CONSUMER_FLAGS $cflags \
	"$TDPSIM_CONSUMER_SRC/consumer.c" -o "$work/consumer" $libs

# It must load the installed libtdpsim.so.0, from the prefix, by the RPATH tdpsim.pc gave it:
# no LD_LIBRARY_PATH (a prefix of one's own is not on the loader's path).
unset LD_LIBRARY_PATH
ldd "$work/consumer" | grep -E "libtdpsim\.so\.0 => $lib/|libtdpsim\.so\.0 => .*/$TDPSIM_LIBDIR/libtdpsim"
"$work/consumer" "$work"

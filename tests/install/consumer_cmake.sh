#!/bin/bash
# Build the consumer out of tree as a CMake project with find_package(tdpsim) against the
# scratch prefix, linking the imported target $1 (tdpsim::tdpsim or tdpsim::tdpsim_static),
# check which library it links, and run it.
set -eu
target=$1
work=$TDPSIM_WORK/consumer-cmake-${target#tdpsim::}
lib=$TDPSIM_PREFIX/$TDPSIM_LIBDIR
rm -rf "$work"

"$TDPSIM_CMAKE" -S "$TDPSIM_CONSUMER_SRC" -B "$work" -G "$TDPSIM_GENERATOR" \
	${TDPSIM_MAKE_PROGRAM:+-DCMAKE_MAKE_PROGRAM="$TDPSIM_MAKE_PROGRAM"} \
	-DCMAKE_C_COMPILER="$TDPSIM_CC" \
	-DCMAKE_C_FLAGS="-Wall -Wextra -Werror $TDPSIM_CONSUMER_FLAGS" \
	-DCMAKE_PREFIX_PATH="$TDPSIM_PREFIX" -DTDPSIM_TARGET="$target" \
	-DTDPSIM_EXPECTED_VERSION="$TDPSIM_VERSION"

# The package must be the scratch prefix's, not another installed copy.
grep -x "tdpsim_DIR:PATH=$lib/cmake/tdpsim" "$work/CMakeCache.txt"
"$TDPSIM_CMAKE" --build "$work"

# The shared consumer needs libtdpsim.so.0; the static one must not.
needed=$(readelf -d "$work/consumer" | grep NEEDED)
echo "$needed"
case "$target:$needed" in
tdpsim::tdpsim:*"[libtdpsim.so.0]"*) ;;
tdpsim::tdpsim_static:*libtdpsim*) echo "the static consumer needs libtdpsim.so"; exit 1 ;;
tdpsim::tdpsim_static:*) ;;
*) echo "the shared consumer does not need libtdpsim.so.0"; exit 1 ;;
esac

# Without LD_LIBRARY_PATH: CMake gave the consumer the prefix's library folder as its RPATH.
env -u LD_LIBRARY_PATH "$work/consumer" "$work"

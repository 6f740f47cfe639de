#!/bin/bash
# Install the build tree $1 (configuration $2, may be empty) into a fresh scratch prefix and
# check that every part landed: both libraries (the shared one with its SONAME link), every
# public header, tdpsim.pc, the CMake package, the program and the man page.
set -eu
build=$1 config=${2:-}
p=$TDPSIM_PREFIX
lib=$p/$TDPSIM_LIBDIR

rm -rf "$p"
"$TDPSIM_CMAKE" --install "$build" --prefix "$p" ${config:+--config "$config"}

status=0
for f in "$lib/libtdpsim.a" "$lib/libtdpsim.so" "$lib/pkgconfig/tdpsim.pc" \
	"$lib/cmake/tdpsim/tdpsimConfig.cmake" "$lib/cmake/tdpsim/tdpsimConfigVersion.cmake" \
	"$lib/cmake/tdpsim/tdpsimTargets.cmake" "$p/$TDPSIM_BINDIR/tdpsim" \
	"$p/$TDPSIM_MANDIR/man1/tdpsim.1"; do
	[ -e "$f" ] || { echo "not installed: $f"; status=1; }
done

# The headers: exactly those of include/tdpsim.
if ! diff <(cd "$TDPSIM_SOURCE_DIR/include/tdpsim" && ls) <(cd "$p/$TDPSIM_INCLUDEDIR/tdpsim" && ls); then
	echo "installed headers differ from include/tdpsim"
	status=1
fi

# The shared library's SONAME carries the major version, and that name is installed too.
soname=$(readelf -d "$lib/libtdpsim.so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
if [ "$soname" != "libtdpsim.so.${TDPSIM_VERSION%%.*}" ] || [ ! -e "$lib/$soname" ]; then
	echo "SONAME '$soname' is wrong or not installed"
	status=1
fi

# share/tdpsim: the format, the examples and the model files, as in the source tree; and an
# installed example replays with the installed program.
share=$p/$TDPSIM_DATADIR/tdpsim
for d in traces/examples models/kvm models/cpu; do
	if ! diff <(cd "$TDPSIM_SOURCE_DIR/$d" && ls) <(cd "$share/${d#traces/}" && ls); then
		echo "installed $d differs from the source tree's"
		status=1
	fi
done
cmp "$TDPSIM_SOURCE_DIR/traces/FORMAT.md" "$share/FORMAT.md" || status=1
"$p/$TDPSIM_BINDIR/tdpsim" replay "$share/examples/quickstart.tdpt" --json -o "$TDPSIM_WORK/q.json" ||
	{ echo "the installed example does not replay"; status=1; }

# The installed program runs and is this version.
version=$("$p/$TDPSIM_BINDIR/tdpsim" --version)
[ "$version" = "tdpsim $TDPSIM_VERSION" ] || { echo "tdpsim --version: '$version'"; status=1; }
exit $status

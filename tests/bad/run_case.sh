#!/bin/bash
# run_case.sh TDPSIM CASE SCRATCH: feed one malformed trace of EXPECTED to tdpsim and check
# that it is refused cleanly: exit status 2, the place and the reason on stderr, and no
# output file or temporary file left behind.  SCRATCH is this case's own directory, so the
# cases can run in parallel.
# run_case.sh --manifest: check that EXPECTED and the corpus agree.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
manifest=$here/EXPECTED

if [ "${1-}" = --manifest ]; then
	# A case file or generator that EXPECTED does not list would never run.
	bad=0
	names=$(grep -v '^#' "$manifest" | cut -f1)
	for c in $(cd "$here/cases" && ls) $(bash "$here/gen.sh" --list); do
		if ! printf '%s\n' "$names" | grep -qxF -- "$c"; then
			echo "FAIL: $c is in the corpus but not in EXPECTED" >&2
			bad=1
		fi
	done
	# Five tab-separated fields, none of the characters that CMake lists would split on.
	if grep -v '^#' "$manifest" | grep -q '[;[]'; then
		echo "FAIL: EXPECTED holds ';' or '['" >&2
		bad=1
	fi
	if ! grep -v '^#' "$manifest" | awk -F'\t' 'NF != 5 { exit 1 }'; then
		echo "FAIL: EXPECTED has a line without exactly five fields" >&2
		bad=1
	fi
	dups=$(printf '%s\n' "$names" | sort | uniq -d)
	if [ -n "$dups" ]; then
		echo "FAIL: listed twice in EXPECTED: $dups" >&2
		bad=1
	fi
	exit $bad
fi

[ $# -eq 3 ] || { echo "usage: run_case.sh TDPSIM CASE SCRATCH | --manifest" >&2; exit 2; }
tdpsim=$1
name=$2
scratch=$3
# The case runs inside SCRATCH: make both paths absolute.
case $tdpsim in /*) ;; *) tdpsim=$PWD/$tdpsim ;; esac
case $scratch in /*) ;; *) scratch=$PWD/$scratch ;; esac

entry=$(awk -F'\t' -v c="$name" '$1 == c' "$manifest")
[ -n "$entry" ] || { echo "FAIL: $name is not in EXPECTED" >&2; exit 1; }
IFS=$'\t' read -r _ kind _ where why <<<"$entry"

# A fresh directory each run: files left by an earlier run must not hide or fake a failure.
rm -rf "$scratch"
mkdir -p "$scratch"
cd "$scratch"
if [ -f "$here/cases/$name" ]; then
	cp "$here/cases/$name" .
else
	bash "$here/gen.sh" "$name" "$name"
fi

fails=0
fail() {
	echo "FAIL: $name: $*" >&2
	fails=1
}

# Exit status exactly 2.  A status of 128 or more is a signal (a crash); ASan and UBSan
# exit with 1.
check_status() { # WHAT STATUS
	if [ "$2" -ge 128 ]; then
		fail "$1 crashed (status $2, signal $(($2 - 128)))"
	elif [ "$2" -ne 2 ]; then
		fail "$1 exited with status $2, expected 2"
	fi
}

# Nothing half-written is left: no temporary beside FILE (and, after a failure, no FILE).
check_no_tmp() { # FILE
	for tmp in "$1".tdpsim-tmp.*; do
		[ ! -e "$tmp" ] || fail "temporary file $tmp was left behind"
	done
}
check_not_written() { # FILE
	check_no_tmp "$1"
	[ ! -e "$1" ] || fail "$1 was written"
}

# Show stderr in the log, bounded: a message may quote a line of the trace.
show() {
	echo "--- $1 (status $2):"
	head -c 2000 "$1" | cat -v
	echo
}

status=0
"$tdpsim" replay "$name" -o out.json >replay.stdout 2>replay.stderr || status=$?
show replay.stderr "$status"
check_status replay "$status"
grep -qF -- "$where" replay.stderr || fail "replay: stderr does not name the place '$where'"
grep -qF -- "$why" replay.stderr || fail "replay: stderr does not say '$why'"
[ ! -s replay.stdout ] || fail "replay wrote to stdout although it failed"
check_not_written out.json

# Both encodings, since each has its own writer.  convert re-encodes without simulating, so
# it may accept what only the machine refuses.
for out in out.tdpb out.tdpt; do
	status=0
	"$tdpsim" convert "$name" "$out" >convert.stdout 2>convert.stderr || status=$?
	show convert.stderr "$status"
	if [ "$kind" = machine ] && [ "$status" -eq 0 ]; then
		check_no_tmp "$out"
		continue
	fi
	check_status "convert to $out" "$status"
	check_not_written "$out"
	if [ "$kind" = machine ]; then
		continue
	fi
	grep -qF -- "$where" convert.stderr || fail "convert: stderr does not name the place '$where'"
	grep -qF -- "$why" convert.stderr || fail "convert: stderr does not say '$why'"
done

# A passing case leaves nothing behind (one of them is 10 MB); a failing one keeps its files.
[ "$fails" -ne 0 ] || rm -rf "$scratch"
exit $fails

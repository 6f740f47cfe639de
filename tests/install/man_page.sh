#!/bin/bash
# The installed tdpsim(1) exists, groff finds nothing to warn about, and the rendered text
# has the sections, the commands and their options.
set -eu
page=$TDPSIM_PREFIX/$TDPSIM_MANDIR/man1/tdpsim.1
work=$TDPSIM_WORK/man-page
rm -rf "$work" && mkdir -p "$work"
[ -s "$page" ] || { echo "not installed or empty: $page"; exit 1; }
export LC_ALL=C MANWIDTH=80

if command -v man >/dev/null; then
	man -l "$page" >"$work/tdpsim.txt" 2>"$work/warnings"
elif command -v groff >/dev/null; then
	groff -man -Tascii -P-cbou "$page" >"$work/tdpsim.txt" 2>"$work/warnings"
else
	echo "skipped: neither man nor groff is installed"
	exit 77
fi
# -ww: every groff warning (none expected).
if command -v groff >/dev/null; then
	groff -man -ww -z "$page" 2>>"$work/warnings"
fi
if [ -s "$work/warnings" ]; then
	cat "$work/warnings"
	exit 1
fi

status=0
for word in NAME SYNOPSIS DESCRIPTION COMMANDS SETTINGS OUTPUT "EXIT STATUS" "SEE ALSO" \
	"tdpsim replay" "tdpsim info" "tdpsim convert" --set --json --csv "-o file" --check \
	--progress --no-progress --timing --help --version nx_huge_pages seed traces/FORMAT.md; do
	grep -qF -- "$word" "$work/tdpsim.txt" || { echo "not in the rendered page: $word"; status=1; }
done
[ $status = 0 ] && echo "tdpsim(1) renders without warnings, with every section and option"
exit $status

#!/bin/bash
# The shared library $1 exports only tdpsim_* symbols (besides the linker's own), and every
# function the public headers in $2 declare TDPSIM_EXTERN.
set -eu
lib=$1 headers=$2

exported=$(nm -D --defined-only "$lib" | awk '{ print $NF }' | sort -u)
[ -n "$exported" ] || { echo "nm lists nothing for $lib"; exit 1; }
others=$(grep -vxE 'tdpsim_[A-Za-z0-9_]+|_init|_fini|__bss_start|_edata|_end' <<<"$exported" || true)
if [ -n "$others" ]; then
	echo "exported, not tdpsim_*:"
	echo "$others"
	exit 1
fi

declared=$(grep -hoE 'TDPSIM_EXTERN[^(;]*\btdpsim_[a-z0-9_]+\(' "$headers"/*.h |
	grep -oE 'tdpsim_[a-z0-9_]+\($' | tr -d '(' | sort -u)
missing=$(comm -23 <(echo "$declared") <(echo "$exported"))
if [ -n "$missing" ]; then
	echo "declared TDPSIM_EXTERN but not exported:"
	echo "$missing"
	exit 1
fi
echo "$(wc -l <<<"$exported") symbols exported, all tdpsim_*; all $(wc -l <<<"$declared") declared"

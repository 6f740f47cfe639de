#!/bin/bash
# The command-line programs (tools/) include only the public headers (<tdpsim/...> or
# "tdpsim/...") besides their own and the C library's: nothing of libtdpsim/.  $1: the tree.
set -eu
cd "$1"
found=$(grep -rnE '#[[:space:]]*include[[:space:]]*"' tools --include='*.c' --include='*.h' \
	| grep -vE '#[[:space:]]*include[[:space:]]*"(tdpsim/[a-z_]+\.h|[a-z_]+\.h)"' || true)
inner=$(grep -rnE '#[[:space:]]*include[[:space:]]*"[a-z_]+\.h"' tools --include='*.c' --include='*.h' \
	| while IFS=: read -r file line text; do
		h=$(sed -E 's/.*"([a-z_]+\.h)".*/\1/' <<<"$text")
		[ -f "$(dirname "$file")/$h" ] || echo "$file:$line:$text"
	done)
if [ -n "$found$inner" ]; then
	echo "tools/ include headers outside the public API:"
	printf '%s\n' "$found" "$inner" | sed '/^$/d'
	exit 1
fi
echo "tools/ include only <tdpsim/...> and their own headers"

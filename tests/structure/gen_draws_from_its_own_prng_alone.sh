#!/bin/bash
# tdpsim gen's traces are the same bytes for the same seed on every machine: its sources
# (tools/tdpsim/cmd_gen.c, gen*.c) take randomness from gen_rng.c alone - never rand(),
# random(), drand48(), the clock or the process id - and compute powers with gen_pow_neg(),
# not libm's pow(), exp() or log(), whose last bits may differ between C libraries.  $1: the tree.
set -eu
cd "$1"
files="tools/tdpsim/cmd_gen.c $(ls tools/tdpsim/gen*.c tools/tdpsim/gen*.h)"
pattern='(^|[^_a-zA-Z0-9])(s?rand|s?random|[dlm]rand48|rand_r|arc4random|getrandom|time|clock|'
pattern+='clock_gettime|gettimeofday|getpid|now_seconds|pow|powl|powf|exp|expm1|exp2|log|log2|'
pattern+='log10|log1p)[[:space:]]*\('
found=""
for f in $files; do
	# The code without its string literals and comment lines (the help's words may be anything).
	hits=$(sed -E 's/"([^"\\]|\\.)*"/""/g' "$f" | grep -nE "$pattern" |
	       grep -vE '^[0-9]+:[[:space:]]*(/?\*|//)' || true)
	[ -z "$hits" ] || found+=$(printf '%s\n' "$hits" | sed "s|^|$f:|")$'\n'
done
if [ -n "$found" ]; then
	echo "tdpsim gen draws or computes with something other than gen_rng.c:"
	printf '%s\n' "$found"
	exit 1
fi
echo "tdpsim gen uses its own PRNG and powers alone ($(echo $files | wc -w) files)"

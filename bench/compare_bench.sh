#!/usr/bin/env bash
# tdpsim compare against the single replays it stands for (bench/RESULTS.md, "compare").
#
#   bench/compare_bench.sh TDPSIM [--accesses N] [--runs R] [--jobs J] [--dir D]
#
# Builds an access trace of at least N guest accesses (default 10,000,000) from
# traces/examples/dirty-logging.tdpt (its sweeps repeated more), then, R times (default 3),
# interleaved: each of the 4 policies replayed alone (tdpsim replay --set ...), then all 4
# by one `tdpsim compare -j J` (default: the online cores).  Prints the best wall time of
# each, the bound 1.2 x ceil(4 / J) x the slowest single replay, and whether compare met it.
# It checks that compare's stats are those of the single replays; it never fails on time.
set -eu
tdpsim=$(cd "$(dirname "$1")" && pwd)/$(basename "$1"); shift
accesses=10000000 runs=3 jobs=$(nproc) dir=${TMPDIR:-/tmp}/tdpsim-compare-bench
while [ $# -gt 0 ]; do
  case $1 in
  --accesses) accesses=$2; shift 2 ;;
  --runs) runs=$2; shift 2 ;;
  --jobs) jobs=$2; shift 2 ;;
  --dir) dir=$2; shift 2 ;;
  *) echo "usage: compare_bench.sh TDPSIM [--accesses N] [--runs R] [--jobs J] [--dir D]"; exit 2 ;;
  esac
done
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$dir" && cd "$dir"
policies=(eager:eager_page_split=1 lazy:eager_page_split=0 nx-off:nx_huge_pages=off
          lazy-nx-off:eager_page_split=0,nx_huge_pages=off)

# The example has 1,589,248 accesses with every sweep at repeat=2 but the first (196,608):
# each step of repeat adds (1,589,248 - 196,608) / 2 = 696,320.
repeat=$(( (accesses - 196608 + 696319) / 696320 ))
[ "$repeat" -ge 1 ] || repeat=1
sed "s/repeat=2/repeat=$repeat/" "$src/traces/examples/dirty-logging.tdpt" > bench.tdpt
"$tdpsim" convert bench.tdpt bench.tdpb
n=$("$tdpsim" info bench.tdpb | awk '/^accesses/ { print $2 }')
[ "$n" -ge "$accesses" ] || { echo "the trace has $n accesses, fewer than $accesses"; exit 1; }

now() { date +%s.%N; }
best() { sort -g | head -1; }
declare -A single
: > compare.times
for r in $(seq 1 "$runs"); do
  for p in "${policies[@]}"; do
    name=${p%%:*} sets=()
    IFS=, read -ra kv <<< "${p#*:}"
    for s in "${kv[@]}"; do sets+=(--set "$s"); done
    t0=$(now); "$tdpsim" replay bench.tdpb "${sets[@]}" --json -o "$name.json"; t1=$(now)
    awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }' >> "single-$name.times"
  done
  args=(); for p in "${policies[@]}"; do args+=(--policy "$p"); done
  t0=$(now); "$tdpsim" compare bench.tdpb "${args[@]}" -j "$jobs" --stats all --json > compare.json; t1=$(now)
  awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }' >> compare.times
done

python3 - "${policies[@]}" <<'PY'
import json, sys
c = json.load(open("compare.json"))
for p in sys.argv[1:]:
    name = p.split(":")[0]
    assert c["policies"][name]["stats"] == json.load(open(name + ".json"))["final"], name
PY
slowest=0
echo "$n accesses, $(nproc) online cores, -j $jobs, best of $runs (wall seconds)"
for p in "${policies[@]}"; do
  name=${p%%:*}
  b=$(best < "single-$name.times")
  printf '  replay %-12s %8.3f\n' "$name" "$b"
  slowest=$(awk -v a="$b" -v b="$slowest" 'BEGIN { print (a > b ? a : b) }')
  rm -f "single-$name.times"
done
cmp_best=$(best < compare.times)
waves=$(( (${#policies[@]} + jobs - 1) / jobs ))
printf '  compare (4 policies) %8.3f\n' "$cmp_best"
awk -v w="$waves" -v s="$slowest" -v c="$cmp_best" 'BEGIN {
  printf "  bound 1.2 x %d x %.3f = %.3f: %s (compare / slowest single = %.2f)\n", w, s,
         1.2 * w * s, c <= 1.2 * w * s ? "met" : "NOT met", c / s }'
echo "stats: compare's equal the single replays'"

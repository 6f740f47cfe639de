#!/usr/bin/env bash
# Replay one golden trace: its JSON must equal the expected file beside it byte for byte, the
# hand-derived `# expect` lines in the trace must hold (and its `# expect[KEY=VALUE]` lines
# in a replay with --set KEY=VALUE), the digest must recompute
# independently (digest.py), a second run and a binary+gzip copy must give the same bytes, and
# the invariant checker (--check) must pass after every event.
# Usage: golden.sh TDPSIM TRACE SCRATCH
set -eu
tdpsim=$1 trace=$2 scratch=$3
expected=${trace%.tdpt}.json
here=$(dirname "$0")
rm -rf "$scratch" && mkdir -p "$scratch"

"$tdpsim" replay "$trace" --json -o "$scratch/text.json"
python3 "$here/expect.py" "$trace" "$scratch/text.json"
python3 "$here/digest.py" "$scratch/text.json"
if ! cmp -s "$expected" "$scratch/text.json"; then
  echo "FAIL: $trace: output differs from $expected:"
  diff -u "$expected" "$scratch/text.json" || true
  exit 1
fi

# Expectations for the same trace under another setting (e.g. the TDP MMU for contrast).
for setting in $(sed -n 's/^#[[:space:]]*expect\[\([^]]*\)\].*/\1/p' "$trace" | sort -u); do
  "$tdpsim" replay "$trace" --json --check --set "$setting" -o "$scratch/contrast.json"
  python3 "$here/expect.py" "$trace" "$scratch/contrast.json" "$setting"
done

"$tdpsim" replay "$trace" --json --check -o "$scratch/again.json"
cmp "$scratch/text.json" "$scratch/again.json"
"$tdpsim" convert "$trace" "$scratch/trace.tdpb.gz"
"$tdpsim" replay "$scratch/trace.tdpb.gz" --json -o "$scratch/binary.json"
cmp "$scratch/text.json" "$scratch/binary.json"
echo "ok: $trace"

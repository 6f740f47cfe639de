#!/usr/bin/env bash
# Replay one golden trace and compare its JSON byte for byte with the expected file beside it;
# replay it again in binary+gzip form (the same JSON must come out), and recompute the digest
# independently (digest.py).  Usage: golden.sh TDPSIM TRACE SCRATCH
set -eu
tdpsim=$1 trace=$2 scratch=$3
expected=${trace%.tdpt}.json
here=$(dirname "$0")
rm -rf "$scratch" && mkdir -p "$scratch"

"$tdpsim" replay "$trace" --json -o "$scratch/text.json"
if ! cmp -s "$expected" "$scratch/text.json"; then
  echo "FAIL: $trace: output differs from $expected:"
  diff -u "$expected" "$scratch/text.json" || true
  exit 1
fi
python3 "$here/digest.py" "$scratch/text.json"

"$tdpsim" convert "$trace" "$scratch/trace.tdpb.gz"
"$tdpsim" replay "$scratch/trace.tdpb.gz" --json -o "$scratch/binary.json"
cmp "$scratch/text.json" "$scratch/binary.json"
echo "ok: $trace"

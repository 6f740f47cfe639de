#!/usr/bin/env bash
# The command line, one behaviour per case.  Usage: cli.sh CASE TDPSIM SRCDIR SCRATCH
set -eu
case_name=$1 tdpsim=$2 src=$3 scratch=$4
rm -rf "$scratch" && mkdir -p "$scratch" && cd "$scratch"
quick=$src/traces/examples/quickstart.tdpt
gold=$src/traces/golden/dispatch-settings-memslots-marks-and-clock.tdpt

fail() { echo "FAIL: $*"; exit 1; }
# Run, keeping stdout, stderr and the status.
run() { set +e; "$@" > out.txt 2> err.txt; status=$?; set -e; }
expect_status() { [ "$status" -eq "$1" ] || { cat err.txt; fail "exit $status, expected $1"; }; }
expect_in() { grep -qF -- "$2" "$1" || { cat "$1"; fail "'$2' not in $1"; }; }
expect_not_in() { ! grep -qF -- "$2" "$1" || { cat "$1"; fail "'$2' in $1"; }; }

# A binary trace long enough for the progress bar (4M accesses; replays in about a second).
make_long_trace() {
  { echo "tdpsim-trace 1"
    for i in $(seq 1 2048); do
      echo "access vcpu=0 gva=0x$(printf %x $((i * 4096))) op=r"
    done
  } > unit.tdpt
  "$tdpsim" convert unit.tdpt unit.tdpb
  # 2048 copies of the same block of accesses, concatenated as text, converted once
  for i in $(seq 1 1024); do tail -n +2 unit.tdpt; done | { echo "tdpsim-trace 1"; cat; } > long.tdpt
  "$tdpsim" convert long.tdpt long.tdpb
}

case "$case_name" in
help_lists_every_command_and_option)
  run "$tdpsim" --help; expect_status 0
  for w in replay info convert --version "Exit status"; do expect_in out.txt "$w"; done
  run "$tdpsim" replay --help; expect_status 0
  for w in --set --json --csv -o --check --progress --timing; do expect_in out.txt "$w"; done
  run "$tdpsim" info --help; expect_status 0
  run "$tdpsim" convert --help; expect_status 0
  run "$tdpsim" --version; expect_status 0; expect_in out.txt "tdpsim 0."
  ;;
usage_errors_exit_2_with_a_message)
  run "$tdpsim"; expect_status 2
  run "$tdpsim" frobnicate; expect_status 2; expect_in err.txt "unknown command 'frobnicate'"
  run "$tdpsim" replay; expect_status 2; expect_in err.txt "expected exactly one TRACE"
  run "$tdpsim" replay "$quick" --bogus; expect_status 2; expect_in err.txt "unknown option"
  run "$tdpsim" replay "$quick" --set nx_huge_pages; expect_status 2; expect_in err.txt "KEY=VALUE"
  run "$tdpsim" replay "$quick" --set colour=red; expect_status 2
  expect_in err.txt "unknown setting 'colour'"
  run "$tdpsim" replay "$quick" --set nx_huge_pages=sometimes; expect_status 2
  expect_in err.txt "off|force|auto|never"
  run "$tdpsim" replay missing.tdpt; expect_status 2; expect_in err.txt "missing.tdpt: cannot open"
  run "$tdpsim" convert "$quick" out.txt; expect_status 2; expect_in err.txt "cannot tell the encoding"
  ;;
pinned_setting_ignores_trace_sets_and_reports_once)
  printf 'tdpsim-trace 1\nset nx_huge_pages=off\nset nx_huge_pages=never\nset vcpus=3\n' > p.tdpt
  run "$tdpsim" replay p.tdpt --set nx_huge_pages=force --json; expect_status 0
  expect_in out.txt '"nx_huge_pages": "force"'
  expect_in out.txt '"vcpus": "3"'   # not pinned: the trace's value
  [ "$(grep -c 'ignored: pinned' err.txt)" -eq 1 ] || { cat err.txt; fail "reported other than once"; }
  expect_in err.txt "the trace sets nx_huge_pages=off; ignored: pinned to force"
  ;;
json_is_byte_identical_across_runs_and_has_every_part)
  "$tdpsim" replay "$quick" --json -o a.json
  "$tdpsim" replay "$quick" --json -o b.json --timing 2> timing.txt
  cmp a.json b.json
  expect_in timing.txt "timing:"           # wall-clock figures go to stderr only
  expect_not_in a.json "timing"
  python3 - a.json <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
assert list(doc) == ["settings", "final", "vcpus", "marks", "notices", "halted", "digest"], list(doc)
assert doc["halted"] is None
assert len(doc["vcpus"]) == 2 and sum(v["pf_taken"] for v in doc["vcpus"]) == doc["final"]["pf_taken"]
assert [m["label"] for m in doc["marks"]] == ["boot", "populate", "dirty-logging", "after-migration"]
assert doc["settings"]["vcpus"] == "2" and "nx_huge_pages" in doc["settings"]
assert doc["final"] == doc["marks"][-1]["stats"]
PY
  python3 "$src/tests/scenarios/digest.py" a.json
  ;;
csv_has_one_row_per_mark_then_final)
  "$tdpsim" replay "$gold" --csv -o g.csv
  [ "$(wc -l < g.csv)" -eq 5 ] || fail "expected header + 3 marks + final"
  expect_in g.csv "label,pages_4k,pages_2m,pages_1g,"
  [ "$(sed -n 2p g.csv | cut -d, -f1)" = slots ] || fail "first row is not the first mark"
  col=$(head -n 1 g.csv | tr , '\n' | grep -nx events | cut -d: -f1)
  [ "$(tail -n 1 g.csv | cut -d, -f1)" = final ] || fail "last row is not final"
  [ "$(tail -n 1 g.csv | cut -d, -f"$col")" = 20 ] || fail "final events is not 20"
  ;;
table_shows_marks_final_and_digest)
  run "$tdpsim" replay "$quick"; expect_status 0
  for w in "replay of" "settings:" "populate" "final" "accesses" "digest 0x"; do
    expect_in out.txt "$w"; done
  ;;
output_file_appears_complete_and_only_on_success)
  "$tdpsim" replay "$quick" --json -o out.json
  python3 -c "import json; json.load(open('out.json'))"
  printf 'tdpsim-trace 1\nmark label=x\nbogus\n' > bad.tdpt
  run "$tdpsim" replay bad.tdpt --json -o out2.json; expect_status 2
  expect_in err.txt "bad.tdpt:3: unknown command 'bogus'"
  [ ! -e out2.json ] || fail "output written for bad input"
  [ -z "$(ls out2.json.tmp.* 2>/dev/null)" ] || fail "temporary left behind"
  ;;
info_reports_counts_duration_ranges_and_kind)
  run "$tdpsim" info "$quick"; expect_status 0
  expect_in out.txt "encoding  text"
  expect_in out.txt "access-level"
  expect_in out.txt "events    23"
  expect_in out.txt "accesses  1179648"     # 3 write + 1 read sweeps of 131072, 5 x 131072 fetches
  expect_in out.txt "duration  1300000000 ns"
  expect_in out.txt "gva  [0x40000000, 0x80800000)"
  expect_in out.txt "hva  [0x7f0000000000, 0x7f0040000000)"
  printf 'tdpsim-trace 1\nfault vcpu=0 gpa=0x1000 err=0x2\n' > f.tdpt
  "$tdpsim" convert f.tdpt f.tdpb.gz
  run "$tdpsim" info f.tdpb.gz; expect_status 0
  expect_in out.txt "binary, gzip"; expect_in out.txt "fault-level"
  ;;
convert_is_lossless_between_every_encoding)
  "$tdpsim" replay "$quick" --json -o want.json
  prev=$quick
  for out in q.tdpb q.tdpt.gz q.tdpb.gz q.tdpt; do
    "$tdpsim" convert "$prev" "$out"
    "$tdpsim" replay "$out" --json -o got.json
    cmp want.json got.json || fail "$out replays differently"
    prev=$out
  done
  # the text written back is a fixed point: converting it again changes nothing
  "$tdpsim" convert q.tdpt q2.tdpt
  cmp q.tdpt q2.tdpt
  "$tdpsim" convert q.tdpb.gz - > stdout.tdpt
  cmp q.tdpt stdout.tdpt
  ;;
stdin_is_read_with_dash)
  "$tdpsim" convert "$quick" q.tdpb.gz
  "$tdpsim" replay - --json < q.tdpb.gz > a.json
  "$tdpsim" replay "$quick" --json > b.json
  cmp a.json b.json
  ;;
check_mode_replays_the_same)
  "$tdpsim" replay "$quick" --json -o a.json
  "$tdpsim" replay "$quick" --json --check -o b.json
  cmp a.json b.json
  ;;
progress_bar_only_on_a_terminal)
  command -v script > /dev/null || fail "script(1) is needed (Debian package bsdutils)"
  # script(1) copies its standard input to the terminal it makes: give it an empty one, or
  # whatever the caller's stdin holds ends up in the transcript.
  make_long_trace
  # stderr is a pipe: never a bar, even when asked for
  run "$tdpsim" replay long.tdpb --progress; expect_status 0
  [ ! -s err.txt ] || { cat err.txt; fail "stderr not empty in a pipe"; }
  # a terminal, asked for at once: the bar shows share, rate and ETA, then is erased
  script -qec "$tdpsim replay long.tdpb --progress -o t.txt" /dev/null < /dev/null > tty.txt
  expect_in tty.txt "events/s"; expect_in tty.txt "ETA"; expect_in tty.txt "%"
  # a terminal, but switched off
  script -qec "$tdpsim replay long.tdpb --no-progress -o t.txt" /dev/null < /dev/null > tty2.txt
  expect_not_in tty2.txt "events/s"
  # a terminal, default: a short replay stays quiet (the bar waits for a second); a handful
  # of events without sweeps is short even under the sanitizers
  printf 'tdpsim-trace 1\nset vcpus=2\nmark label=a\nadvance s=1\nmark label=b\n' > short.tdpt
  script -qec "$tdpsim replay short.tdpt -o t.txt" /dev/null < /dev/null > tty3.txt
  expect_not_in tty3.txt "events/s"
  # progress comes with the work: a replay of few events but many accesses shows an access rate
  script -qec "$tdpsim replay $quick --progress -o t.txt" /dev/null < /dev/null > tty4.txt
  expect_in tty4.txt "accesses/s"
  ;;
readme_example_compiles_and_runs)
  # The README's library example, taken from between its markers, built against this tree.
  sed -n '/<!-- example:begin -->/,/<!-- example:end -->/p' "$src/README.md" \
    | sed '1,2d;$d' | sed '$d' > example.c
  [ -s example.c ] || fail "no example found in README.md"
  cc -std=c11 -Wall -Wextra -Werror -I"$src/include" example.c \
     "$(dirname "$tdpsim")/../libtdpsim/libtdpsim.a" -lz -linih -pthread ${SANITIZE_FLAGS:-} -o example
  run ./example "$quick"; expect_status 0
  expect_in out.txt "accesses"
  ;;
*)
  fail "unknown case $case_name"
  ;;
esac
echo "ok: $case_name"

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

# A binary trace long enough for the progress bar (2M accesses: 1024 rounds over 2048 pages;
# replays in about a second), written by one awk, not a shell loop.
make_long_trace() {
  awk 'BEGIN { print "tdpsim-trace 1"
    for (r = 0; r < 1024; r++) for (i = 1; i <= 2048; i++) printf "access vcpu=0 gva=0x%x op=r\n", i * 4096 }' > long.tdpt
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
  # An option without its value is named as such, not as an unknown option.
  run "$tdpsim" replay "$quick" -o; expect_status 2; expect_in err.txt "replay: -o needs a value"
  run "$tdpsim" compare "$quick" --policy; expect_status 2
  expect_in err.txt "compare: --policy needs a value"
  run "$tdpsim" grid --trace; expect_status 2; expect_in err.txt "grid: --trace needs a value"
  run "$tdpsim" plot t.csv --kind; expect_status 2; expect_in err.txt "plot: --kind needs a value"
  run "$tdpsim" import --from; expect_status 2; expect_in err.txt "import: --from needs a value"
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
assert list(doc) == ["settings", "resolved", "final", "vcpus", "marks", "notices", "halted",
                     "digest"], list(doc)
assert list(doc["resolved"]) == list(doc["settings"])
assert doc["halted"] is None
assert len(doc["vcpus"]) == 2 and sum(v["pf_taken"] for v in doc["vcpus"]) == doc["final"]["pf_taken"]
assert [m["label"] for m in doc["marks"]] == ["boot", "populate", "dirty-logging", "after-migration"]
assert doc["settings"]["vcpus"] == "2" and "nx_huge_pages" in doc["settings"]
assert doc["final"] == doc["marks"][-1]["stats"]
PY
  python3 "$src/tests/scenarios/digest.py" a.json
  ;;
json_and_table_say_what_each_auto_setting_became)
  # KVM's rules: nx_huge_pages=auto is on where the CPU has X86_BUG_ITLB_MULTIHIT
  # (get_nx_auto_mode; skylake-sp has it, zen4 does not), multihit=auto a machine check
  # there, tdp_mmu=auto the profile's default (5.10: the legacy MMU, 6.18: the TDP MMU),
  # host_kernel=auto the profile's release; PML needs the CPU's (AMD has none).
  "$tdpsim" replay "$quick" --json --set cpu=skylake-sp --set kvm=5.10 -o sky.json
  "$tdpsim" replay "$quick" --json --set cpu=zen4 --set kvm=6.18 -o zen.json
  "$tdpsim" replay "$quick" --set cpu=skylake-sp --set kvm=5.10 -o sky.txt
  python3 - sky.json zen.json <<'PY'
import json, sys
sky, zen = (json.load(open(p)) for p in sys.argv[1:])
for doc in sky, zen:
    assert doc["settings"]["nx_huge_pages"] == "auto" and doc["settings"]["tdp_mmu"] == "auto"
    assert doc["settings"]["host_kernel"] == "auto" and doc["settings"]["multihit"] == "auto"
r = sky["resolved"]
assert (r["nx_huge_pages"], r["multihit"], r["tdp_mmu"], r["host_kernel"], r["pml"]) == \
       ("force", "machine-check", "0", "5.10", "1"), r
r = zen["resolved"]
assert (r["nx_huge_pages"], r["multihit"], r["tdp_mmu"], r["host_kernel"], r["pml"]) == \
       ("off", "none", "1", "6.18", "0"), r
assert sky["resolved"]["vcpus"] == sky["settings"]["vcpus"]
PY
  expect_in sky.txt "nx_huge_pages=auto(force)"
  expect_in sky.txt "tdp_mmu=auto(0)"
  ;;
every_stat_is_documented_with_its_kind_in_the_man_page_and_docs)
  # Each counter the CSV header names (before the settings' columns, from mmu on) has a row in
  # docs/stats.md saying gauge or total, and an entry in the man page's OUTPUT section.
  "$tdpsim" replay "$quick" --csv -o s.csv
  for name in $(head -n 1 s.csv | tr , ' '); do
    [ "$name" = label ] && continue
    [ "$name" = mmu ] && break
    grep -qE "^\| [^|]*\`$name\`[^|]* \| (gauge|total) \|" "$src/docs/stats.md" ||
      fail "$name: no row with its kind in docs/stats.md"
    sed -n '/^\.SH OUTPUT/,/^\.SS/p' "$src/docs/tdpsim.1" | grep -qw -- "$name" ||
      fail "$name: not in the man page's OUTPUT section"
  done
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
csv_rows_carry_the_settings_as_they_stood_at_each_mark)
  # After the counters, every setting as resolved at that row: nx_huge_pages=auto is force on
  # skylake-sp (it has X86_BUG_ITLB_MULTIHIT: kvm/mmu.c get_nx_auto_mode) until the trace
  # sets it off; eager_page_split 1 (KVM's default) until it sets 0.
  printf 'tdpsim-trace 1\nmemslot slot=0 gpa=0 size=1G hva=0x7f0000000000\nmark label=before\nset nx_huge_pages=off eager_page_split=0\nmark label=after\n' > chg.tdpt
  "$tdpsim" replay chg.tdpt --csv -o chg.csv
  python3 - <<'P' || fail "see above"
import csv
rows = {r["label"]: r for r in csv.DictReader(open("chg.csv"))}
assert (rows["before"]["nx_huge_pages"], rows["before"]["eager_page_split"]) == ("force", "1"), rows["before"]
for label in ("after", "final"):
    assert (rows[label]["nx_huge_pages"], rows[label]["eager_page_split"]) == ("off", "0"), rows[label]
assert all(r["kvm"] == "6.18" and r["tdp_mmu"] == "1" for r in rows.values())
P
  run "$tdpsim" replay chg.tdpt --json; expect_status 0
  python3 -c 'import json; m=json.load(open("out.txt"))["marks"]; assert [x["resolved"]["nx_huge_pages"] for x in m] == ["force", "off"]' || fail "JSON marks"
  ;;
table_shows_marks_final_and_digest)
  run "$tdpsim" replay "$quick"; expect_status 0
  for w in "replay of" "settings:" "populate" "final" "accesses" "digest 0x"; do
    expect_in out.txt "$w"; done
  ;;
table_columns_line_up_for_every_stat)
  run "$tdpsim" replay "$quick"; expect_status 0
  # From the "stat" header to the blank line after the last stat: every row has the same
  # length, so each number sits right under its column's label (names are up to 25+ chars).
  awk '/^stat /{on=1} on && /^$/{exit} on{print length($0)}' out.txt | sort -u > widths.txt
  [ "$(wc -l < widths.txt)" = 1 ] || fail "table rows of different lengths: $(tr '\n' ' ' < widths.txt)"
  [ "$(awk '/^stat /{on=1} on && /^$/{exit} on' out.txt | wc -l)" -gt 20 ] || fail "no stat rows"
  ;;
output_file_appears_complete_and_only_on_success)
  "$tdpsim" replay "$quick" --json -o out.json
  python3 -c "import json; json.load(open('out.json'))"
  printf 'tdpsim-trace 1\nmark label=x\nbogus\n' > bad.tdpt
  run "$tdpsim" replay bad.tdpt --json -o out2.json; expect_status 2
  expect_in err.txt "bad.tdpt:3: unknown command 'bogus'"
  [ ! -e out2.json ] || fail "output written for bad input"
  [ -z "$(ls out2.json.tdpsim-tmp.* 2>/dev/null)" ] || fail "temporary left behind"
  ;;
output_onto_a_fifo_or_symlink_writes_through_it_and_never_replaces_it)
  # A FIFO is written through (a reader gets the JSON), still a FIFO after.
  mkfifo pipe
  cat pipe > from-pipe.json &
  reader=$!
  "$tdpsim" replay "$gold" --json -o pipe
  wait "$reader"
  [ -p pipe ] || fail "the FIFO was replaced"
  python3 -c "import json; json.load(open('from-pipe.json'))"
  # A symlink's target is the file written; the link stays a link.
  echo old > target.json
  ln -s target.json link.json
  "$tdpsim" replay "$gold" --json -o link.json
  [ -L link.json ] || fail "the symlink was replaced"
  python3 -c "import json; json.load(open('target.json'))"
  # A dangling link's target is created, as the shell's > does, relative to the link's
  # folder; a loop of links is refused.
  mkdir links
  ln -s ../made.json links/dangling.json
  "$tdpsim" replay "$gold" --json -o links/dangling.json
  [ -L links/dangling.json ] || fail "the dangling symlink was replaced"
  python3 -c "import json; json.load(open('made.json'))"
  ln -s loop-b loop-a; ln -s loop-a loop-b
  run "$tdpsim" replay "$gold" --json -o loop-a; expect_status 2
  expect_in err.txt "loop-a: a loop of symlinks"
  # /dev/null stays the device (as root, a rename over it would make it a file).
  if [ -c /dev/null ]; then
    "$tdpsim" replay "$gold" --json -o /dev/null
    [ -c /dev/null ] || fail "/dev/null is no longer a character device"
  fi
  # A folder is refused before anything runs.
  mkdir folder
  run "$tdpsim" replay "$gold" --json -o folder; expect_status 2
  expect_in err.txt "is a folder"
  ;;
output_onto_an_input_is_refused_before_anything_runs)
  cp "$gold" t.tdpt
  cp t.tdpt keep.tdpt
  ln -s t.tdpt link.tdpt
  check() { # WHAT-IN-STDERR ARGS...
    local want=$1; shift
    run "$tdpsim" "$@"; expect_status 2; expect_in err.txt "$want"
    cmp t.tdpt keep.tdpt || fail "$* changed its input"
  }
  check "t.tdpt is the trace being replayed" replay t.tdpt -o t.tdpt
  check "link.tdpt is the trace being replayed" replay t.tdpt --json -o link.tdpt
  check "t.tdpt is the trace being replayed" replay t.tdpt --timeline t.tdpt
  check "t.tdpt is IN itself" convert t.tdpt t.tdpt
  check "link.tdpt is IN itself" convert t.tdpt link.tdpt
  check "is the trace t.tdpt itself" compare t.tdpt --policy a -o t.tdpt
  check "-o t.tdpt is an input" import --from ftrace t.tdpt -o t.tdpt
  ;;
output_in_a_missing_folder_is_refused_before_the_replay)
  # The output is opened first: the message is the folder's, and no replay ran (a replay
  # of this trace would have failed at its line 3 - that error must not be the one given).
  printf 'tdpsim-trace 1\nset vcpus=1\nbogus\n' > bad.tdpt
  run "$tdpsim" replay bad.tdpt -o no/such/folder/r.txt; expect_status 2
  expect_in err.txt "no/such/folder/r.txt: its folder does not exist"
  ! grep -q "bad.tdpt:3" err.txt || fail "the replay ran before the output was checked"
  run "$tdpsim" convert "$gold" no/such/t.tdpb; expect_status 2
  expect_in err.txt "no/such/t.tdpb: its folder does not exist"
  ;;
cannot_write_the_output_is_exit_2_everywhere)
  # One status for "cannot write the output" (tdpsim.1, EXIT STATUS): a full device, for each
  # command that writes a report there.
  if [ -c /dev/full ]; then
    run "$tdpsim" replay "$gold" --json -o /dev/full; expect_status 2
    expect_in err.txt "/dev/full: cannot write"
    run "$tdpsim" compare "$gold" --policy a -o /dev/full; expect_status 2
    expect_in err.txt "/dev/full: cannot write"
    run "$tdpsim" grid --trace "$gold" -o /dev/full; expect_status 2
    expect_in err.txt "/dev/full: cannot write"
  fi
  # A file that cannot be made: its folder is a regular file.
  echo x > plain
  run "$tdpsim" replay "$gold" -o plain/r.txt; expect_status 2
  expect_in err.txt "plain/r.txt: its folder does not exist"
  run "$tdpsim" convert "$gold" plain/t.tdpt; expect_status 2
  expect_in err.txt "plain/t.tdpt: its folder does not exist"
  ;;
a_hostile_trace_is_refused_at_its_line_with_its_cost)
  # The resource budget (--max-work, --max-memory): each of these few-line traces means hours
  # of work or gigabytes, and is refused before that work starts, exit status 2.
  hdr='tdpsim-trace 1
memslot slot=0 gpa=0 size=1G hva=0x7f0000000000
backing hva=0x7f0000000000 size=1G kind=hugetlb2m populate=1
guest-pt gpa=0x3ff00000 size=1M
guest-map gva=0x40000000 gpa=0 size=2M page=2m prot=rw'
  # Work before the last line: 1 (memslot) + 512 (2M pages populated) + 1 + 1 (one 2M page
  # mapped) = 515 units.  A sweep of 2^40 accesses (a 2M range, stride 4K: 512 accesses,
  # repeated 2^31 times) is 2^40 units, past the default 64G = 2^36.
  printf '%s\nsweep vcpu=0 gva=0x40000000 len=2M stride=4K repeat=2147483648 op=r\n' "$hdr" > sweep.tdpt
  run "$tdpsim" replay sweep.tdpt; expect_status 2
  expect_in err.txt "sweep.tdpt:6: sweep of 1099511627776 accesses is 1099511627776 units of work; after the 515 done that passes the work budget of 68719476736 (--max-work)"
  # The same trace with a budget that holds it exactly, and one unit short: 515 + 16 = 531.
  printf '%s\nsweep vcpu=0 gva=0x40000000 len=64K stride=4K op=r\n' "$hdr" > small.tdpt
  run "$tdpsim" replay small.tdpt --max-work 531; expect_status 0
  run "$tdpsim" replay small.tdpt --max-work 530; expect_status 2
  expect_in err.txt "small.tdpt:6: sweep of 16 accesses is 16 units of work; after the 515 done"
  # The recovery worker woken every millisecond over 2^62 ns: on 6.18 it starts at the first
  # KVM_RUN (the access, at 0 ns) and passes at 1 ms, 2 ms, ...: floor(2^62 / 10^6) =
  # 4611686018427 passes, plus the advance itself.
  printf '%s\nset nx_huge_pages=force nx_huge_pages_recovery_period_ms=1\naccess vcpu=0 gva=0x40000000 op=r\nadvance ns=4611686018427387904\n' "$hdr" > worker.tdpt
  run "$tdpsim" replay worker.tdpt; expect_status 2
  # khugepaged: (2^62 - 10^10) / 10^10 + 1 = 461168601 passes from 10 s, 9 units each.
  expect_in err.txt "worker.tdpt:8: advance of 4611686018427387904 ns: 4611686018427 passes of the NX recovery worker, 0 timeline samples, khugepaged 4150517409, aging 0 is 4615836535837 units of work"
  # The aging scanner every millisecond over 1 s from its start at 0 ns (set before the
  # machine starts): passes at 1, 2, ..., 1000 ms, each 1 + 262144 units (the 1 GiB backing's
  # 4K pages, hugetlb or not): 1000 x 262145 = 262145000.
  printf 'tdpsim-trace 1\nset host_age_period_ms=1\n%s\nadvance s=1\n' "$(printf '%s' "$hdr" | tail -n +2)" > aging.tdpt
  run "$tdpsim" replay aging.tdpt --max-work 1000000; expect_status 2
  expect_in err.txt "aging 262145000 is"
  # 4 TiB of 4K memory populated: 2^30 pages need 2^21 PTE tables and 2^12 PMD tables,
  # (2^21 + 2^12) * 4 KiB = 8 GiB and 16 MiB of host page tables, refused before the first.
  printf 'tdpsim-trace 1\nbacking hva=0x100000000000 size=4T kind=4k populate=1\n' > populate.tdpt
  run "$tdpsim" replay populate.tdpt --max-memory 4G; expect_status 2
  expect_in err.txt "populate.tdpt:2: backing [0x100000000000, 0x140000000000) populate=1 needs 8.0 GiB more for the host page tables"
  expect_in err.txt "past the memory budget of 4.0 GiB (--max-memory)"
  # Marks by the ten thousand: each keeps a copy of the stats (hundreds of bytes), so 1 MiB
  # holds a few thousand; the one that would pass it is refused with the part that grew.
  awk 'BEGIN { print "tdpsim-trace 1"; for (i = 0; i < 10000; i++) print "mark label=m" i }' > marks.tdpt
  run "$tdpsim" replay marks.tdpt --max-memory 1M; expect_status 2
  expect_in err.txt "out of memory budget: the marks and notices would grow by"
  expect_in err.txt "past the budget of 1.0 MiB (--max-memory)"
  run "$tdpsim" replay marks.tdpt --max-memory 64M -o /dev/null; expect_status 0
  # A bad value is a usage error; compare and grid take the same options.
  run "$tdpsim" replay small.tdpt --max-memory lots; expect_status 2
  expect_in err.txt "--max-memory takes a positive number with K, M, G or T, or 'none'; got 'lots'"
  run "$tdpsim" compare sweep.tdpt --policy a --policy b:nx_huge_pages=off; expect_status 2
  expect_in err.txt "passes the work budget of 68719476736"
  run "$tdpsim" compare small.tdpt --policy a --max-work 531; expect_status 0
  run "$tdpsim" grid --trace sweep.tdpt --max-work 1G; expect_status 2
  expect_in err.txt "passes the work budget of 1073741824"
  ;;
a_counter_the_kernel_profile_lacks_is_absent_in_every_output_not_0)
  # 5.10 counts pf_fixed but has no pf_taken (it came with 5.19's page-fault stats).
  run "$tdpsim" replay "$quick" --set kvm=5.10 --json; expect_status 0
  expect_in out.txt '"pf_taken": null,'
  python3 -c 'import json,sys; d=json.load(open("out.txt")); assert d["final"]["pf_fixed"] > 0 and d["vcpus"][0]["pf_taken"] is None' || fail "JSON"
  run "$tdpsim" replay "$quick" --set kvm=6.18 --json; expect_status 0
  python3 -c 'import json; d=json.load(open("out.txt")); assert None not in d["final"].values() and d["final"]["pf_taken"] > 0' || fail "JSON 6.18"
  run "$tdpsim" replay "$quick" --set kvm=5.10 --csv; expect_status 0
  python3 -c 'import csv; r=list(csv.DictReader(open("out.txt"))); assert r[-1]["pf_taken"] == "" and int(r[-1]["pf_fixed"]) > 0' || fail "CSV"
  run "$tdpsim" replay "$quick" --set kvm=5.10; expect_status 0
  grep -Eq '^pf_taken +- +' out.txt || { cat out.txt; fail "table"; }
  run "$tdpsim" replay "$quick" --set kvm=5.10 --timeline tl.csv -o /dev/null; expect_status 0
  python3 -c 'import csv; r=list(csv.DictReader(open("tl.csv"))); assert all(x["pf_taken"] == "" and x["pf_fixed"] != "" for x in r)' || fail "timeline"
  run "$tdpsim" compare "$quick" --policy new:kvm=6.18 --policy old:kvm=5.10 --json; expect_status 0
  python3 -c 'import json; p=json.load(open("out.txt"))["policies"]; assert p["old"]["stats"]["pf_taken"] is None and p["new"]["stats"]["pf_taken"] > 0 and p["old"]["ratio"]["pf_taken"] is None and p["old"]["resolved"]["kvm"] == "5.10" and p["new"]["resolved"]["tdp_mmu"] == "1"' || { cat out.txt; fail "compare"; }
  run "$tdpsim" grid --trace "$quick" --axis kvm=5.10,6.18 -o g.csv; expect_status 0
  python3 -c 'import csv; r=[x for x in csv.DictReader(open("g.csv")) if x["mark"] == "final"]; assert {x["kvm"]: x["pf_taken"] == "" for x in r} == {"5.10": True, "6.18": False}, r' || { cat g.csv; fail "grid"; }
  ;;
signals_remove_the_temporary_and_a_killed_run_is_cleaned_next_time)
  # The trace comes through a FIFO held open and silent, so the replay waits mid-read with
  # its output's temporary made (outputs are opened first).  SIGTERM and SIGINT remove the
  # temporary and no output appears; after SIGKILL the temporary stays, named for this host
  # and the dead process, and the next run writing the same output removes it.
  python3 - "$tdpsim" "$gold" <<'P' || fail "see above"
import glob, os, signal, subprocess, sys, time
tdpsim, gold = sys.argv[1:3]
# replay's report and convert's trace (the library's writer): the same rules.
for cmd, out in ((["replay", "in.fifo", "--json", "-o"], "out.json"),
                 (["convert", "in.fifo"], "out.tdpb.gz")):
    def start():
        if os.path.exists("in.fifo"):
            os.unlink("in.fifo")
        os.mkfifo("in.fifo")
        p = subprocess.Popen([tdpsim] + cmd + [out])
        w = open("in.fifo", "w")
        w.write("tdpsim-trace 1\nset vcpus=1\n")
        w.flush()
        for _ in range(6000):       # wait for the temporary, at most 10 minutes
            if glob.glob(out + ".tdpsim-tmp.*"):
                return p, w
            time.sleep(0.1)
        sys.exit(cmd[0] + ": no temporary appeared")
    for sig in (signal.SIGTERM, signal.SIGINT):
        p, w = start()
        p.send_signal(sig)
        rc = p.wait()
        w.close()
        assert rc == -sig, (cmd[0], "exit", rc)
        left = glob.glob(out + "*")
        assert not left, (cmd[0], sig, left)
    p, w = start()
    tmp = glob.glob(out + ".tdpsim-tmp.*")[0]
    assert tmp.startswith("%s.tdpsim-tmp.%s.%d." % (out, os.uname().nodename, p.pid)), tmp
    p.send_signal(signal.SIGKILL)
    p.wait()
    w.close()
    assert os.path.exists(tmp) and not os.path.exists(out)
    again = [gold if a == "in.fifo" else a for a in cmd] + [out]
    subprocess.run([tdpsim] + again, check=True, stdout=subprocess.DEVNULL)
    assert not os.path.exists(tmp), cmd[0] + ": the dead process's temporary is still there"
    assert os.path.exists(out)
P
  ;;
a_trace_names_only_model_files_beside_it_or_in_a_models_folder)
  mkdir -p tr models elsewhere
  sed 's/^name = 6.1$/name = 6.1-beside/' "$src/models/kvm/6.1.ini" > tr/beside.ini
  sed 's/^name = 6.1$/name = 6.1-models/' "$src/models/kvm/6.1.ini" > models/m.ini
  sed 's/^name = 6.1$/name = 6.1-else/' "$src/models/kvm/6.1.ini" > elsewhere/e.ini
  mkfifo tr/fifo.ini
  with() { printf 'tdpsim-trace 1\nset kvm=%s\n' "$1" > tr/t.tdpt; }
  kvm_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["settings"]["kvm"])' out.txt; }
  # Beside the trace, relative to its folder (not to the current one): read.
  with beside.ini; run "$tdpsim" replay tr/t.tdpt --json; expect_status 0
  [ "$(kvm_of)" = 6.1-beside ] || fail "the file beside the trace was not read"
  # Outside its folder, by a relative or an absolute path: refused, naming the line.
  with ../elsewhere/e.ini; run "$tdpsim" replay tr/t.tdpt --json; expect_status 2
  expect_in err.txt "tr/t.tdpt:2: ../elsewhere/e.ini: outside the trace's folder"
  with "$PWD/elsewhere/e.ini"; run "$tdpsim" replay tr/t.tdpt --json; expect_status 2
  expect_in err.txt "outside the trace's folder and every models folder"
  # A device or a FIFO: refused without being opened (a FIFO would block the reader).
  with /dev/zero; run "$tdpsim" replay tr/t.tdpt --json; expect_status 2
  expect_in err.txt "/dev/zero: not a regular file"
  with fifo.ini; run timeout 60 "$tdpsim" replay tr/t.tdpt --json; expect_status 2
  expect_in err.txt "fifo.ini: not a regular file"
  # A models folder given on the command line: read.
  with ../models/m.ini; run "$tdpsim" replay tr/t.tdpt --models models --json; expect_status 0
  [ "$(kvm_of)" = 6.1-models ] || fail "--models was not honoured"
  run "$tdpsim" replay tr/t.tdpt --models nowhere; expect_status 2
  expect_in err.txt "--models nowhere: nowhere: not a folder of models"
  # --set, which the user writes, may name any file.
  with 6.1; run "$tdpsim" replay tr/t.tdpt --set kvm=elsewhere/e.ini --json; expect_status 0
  [ "$(kvm_of)" = 6.1-else ] || fail "--set could not name a file elsewhere"
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
a_cold_2d_walk_reads_24_entries_from_memory_without_caches)
  # A CPU model with no paging-structure caches (a model file by path): every walk of 4-level
  # guest paging over 4-level EPT with 4K pages reads 4 x (4 + 1) + 4 = 24 entries from memory.
  sed -e 's/^psc_guest = .*/psc_guest = 0 0 0 ; none/' -e 's/^psc_ept = .*/psc_ept = 0 0 0 ; none/' \
      -e 's/^name = skylake-sp/name = no-psc/' "$src/models/cpu/skylake-sp.ini" > no-psc.ini
  grep -v '^set cpu=' "$src/traces/golden/walk-references-cold-and-warm.tdpt" > w.tdpt
  "$tdpsim" replay w.tdpt --set cpu="$PWD/no-psc.ini" --json -o w.json
  python3 - w.json <<'PY'
import json, sys
m = {x["label"]: x["stats"] for x in json.load(open(sys.argv[1]))["marks"]}
assert m["cold"]["walk_refs"] == 24 and m["cold"]["walk_refs_cached"] == 0, m["cold"]
assert m["warm"]["walk_refs"] - m["cold"]["walk_refs"] == 24, m["warm"]
assert m["hit"]["walk_refs"] == m["warm"]["walk_refs"]
PY
  ;;
itlb_multihit_machine_check_on_skylake_sp_without_nx)
  mh=$src/traces/examples/itlb-multihit.tdpt
  run "$tdpsim" replay "$mh" --set cpu=skylake-sp --set nx_huge_pages=off --json -o mc.json
  expect_status 3
  expect_in err.txt "itlb-multihit.tdpt:28: the simulated machine took a machine check"
  python3 - mc.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["final"]["machine_checks"] == 1 and d["final"]["multihit_events"] == 1, d["final"]
assert d["halted"]["gva"] == "0x80000000" and d["halted"]["vcpu"] == 0, d["halted"]
assert [m["label"] for m in d["marks"]] == ["ran-4k", "fetched-nearby"]  # later events did not run
PY
  "$tdpsim" replay "$mh" --set cpu=skylake-sp --set nx_huge_pages=off > table.txt || true
  expect_in table.txt "HALTED: machine check"
  ;;
itlb_multihit_prevented_by_nx_huge_pages)
  mh=$src/traces/examples/itlb-multihit.tdpt
  for nx in force auto; do
    run "$tdpsim" replay "$mh" --set cpu=skylake-sp --set nx_huge_pages=$nx --json -o nx.json
    expect_status 0
    python3 - nx.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
f = d["final"]
# executable memory is mapped 4K only: two tracked NX splits, 4K code leaves, no 2M leaf
assert f["machine_checks"] == 0 and f["multihit_events"] == 0 and d["halted"] is None, f
assert f["nx_lpage_splits"] == 2 and f["pages_2m"] == 0 and f["pages_4k"] == 6, f
PY
  done
  ;;
itlb_multihit_is_harmless_on_zen4)
  mh=$src/traces/examples/itlb-multihit.tdpt
  run "$tdpsim" replay "$mh" --set cpu=zen4 --set nx_huge_pages=off --json -o z.json
  expect_status 0
  python3 - z.json <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))["final"]
assert f["machine_checks"] == 0 and f["multihit_events"] == 0 and f["pages_2m"] == 2, f
PY
  # but a model that counts sees the same stale pair
  run "$tdpsim" replay "$mh" --set cpu=zen4 --set nx_huge_pages=off --set multihit=count --json -o c.json
  expect_status 0
  python3 -c "import json,sys; f=json.load(open('c.json'))['final']; assert f['multihit_events']==1 and f['machine_checks']==0, f"
  ;;
*)
  fail "unknown case $case_name"
  ;;
esac
echo "ok: $case_name"

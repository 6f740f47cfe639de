#!/usr/bin/env bash
# Timelines, tdpsim plot and tdpsim compare, one behaviour per case.
# Usage: research.sh CASE TDPSIM SRCDIR SCRATCH
set -eu
case_name=$1 tdpsim=$2 src=$3 scratch=$4
rm -rf "$scratch" && mkdir -p "$scratch" && cd "$scratch"
dirty=$src/traces/examples/dirty-logging.tdpt
quick=$src/traces/examples/quickstart.tdpt

fail() { echo "FAIL: $*"; exit 1; }
run() { set +e; "$@" > out.txt 2> err.txt; status=$?; set -e; }
expect_status() { [ "$status" -eq "$1" ] || { cat err.txt; fail "exit $status, expected $1"; }; }
expect_in() { grep -qF -- "$2" "$1" || { cat "$1"; fail "'$2' not in $1"; }; }
need_gnuplot() { command -v gnuplot > /dev/null || { echo "SKIP: gnuplot is not installed"; exit 77; }; }

# A VM with 1 GiB on 4K host pages, the guest's 64 MiB on 4K pages at gva 1 GiB; then
# 10 sweeps of 1000 pages (4000K at 4K stride), a mark before the last 5 and 50 ms.
small_trace() {
  { echo "tdpsim-trace 1"
    echo "memslot slot=0 gpa=0 size=1G hva=0x7f0000000000"
    echo "backing hva=0x7f0000000000 size=1G kind=4k"
    echo "guest-pt gpa=0x3ff00000 size=1M"
    echo "guest-map gva=0x40000000 gpa=0 size=64M page=4k prot=rw user=1"
    for i in 1 2 3 4 5; do echo "sweep vcpu=0 gva=0x40000000 len=4000K stride=4K op=w"; done
    echo "mark label=second-half"
    echo "advance ms=50"
    for i in 1 2 3 4 5; do echo "sweep vcpu=0 gva=0x40000000 len=4000K stride=4K op=r"; done
  } > small.tdpt
}

# Column $2 of CSV file $1 (by header name), one value a line, without the header.
column() { python3 -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); print("\n".join(x[sys.argv[2]] for x in r))' "$1" "$2"; }

# PNG: the signature and the IHDR size; SVG: parses as XML with an <svg> root.
well_formed() {
  python3 - "$@" <<'PY'
import struct, sys, xml.etree.ElementTree as ET
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    if path.endswith(".png"):
        assert data[:8] == b"\x89PNG\r\n\x1a\n", path + ": no PNG signature"
        assert data[12:16] == b"IHDR", path + ": no IHDR"
        w, h = struct.unpack(">II", data[16:24])
        assert w >= 600 and h >= 400, (path, w, h)
        assert data[-8:-4] == b"IEND", path + ": truncated"
    else:
        root = ET.fromstring(data)
        assert root.tag.endswith("svg"), (path, root.tag)
        assert len(list(root.iter())) > 50, path + ": next to nothing drawn"
PY
}

case "$case_name" in
timeline_has_a_row_per_interval_inside_a_sweep)
  small_trace
  # 10 sweeps of 1000 accesses = 10000 accesses; every 2500: 4 rows, all within sweeps.
  "$tdpsim" replay small.tdpt --timeline t.csv --interval 2500 > /dev/null
  [ "$(column t.csv end | tr '\n' ' ')" = "2500 5000 7500 10000 " ] || fail "ends: $(column t.csv end)"
  [ "$(column t.csv accesses | sort -u)" = "2500" ] || fail "not 2500 accesses per row"
  [ "$(column t.csv unit | sort -u)" = "accesses" ] || fail "unit"
  ;;
timeline_per_interval_counts_sum_to_the_final_stats)
  "$tdpsim" replay "$dirty" --timeline t.csv --interval 30k --json > r.json
  python3 - t.csv r.json <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
final = json.load(open(sys.argv[2]))["final"]
for col in ["accesses", "accesses_read", "accesses_write", "stlb_misses", "stlb_hits",
            "dtlb_misses_4k", "dtlb_misses_2m", "walk_refs", "pf_taken", "pf_fixed", "pf_fast",
            "cycles", "cycles_walk", "cycles_kvm", "cycles_background", "tlb_flushes"]:
    assert sum(int(r[col]) for r in rows) == final[col], col
for col in ["pages_4k", "pages_2m", "pages_1g", "nx_lpage_splits", "dirty_pages"]:
    assert int(rows[-1][col]) == final[col], col       # levels: the last row is the end
assert int(rows[-1]["accesses_total"]) == final["accesses"]
assert int(rows[-1]["events_total"]) == final["events"]
# 1589248 accesses every 30000: 52 whole intervals and a partial last one
assert len(rows) == 53, len(rows)
PY
  ;;
timeline_by_simulated_time_steps_through_an_advance)
  small_trace
  # 50 ms of simulated time every 10 ms: five rows, all inside the one advance; the first
  # holds the 5000 accesses before it, the rest none; a last row for the 5000 after it.
  "$tdpsim" replay small.tdpt --timeline t.csv --interval 10ms > /dev/null
  [ "$(column t.csv end | tr '\n' ' ')" = "10000000 20000000 30000000 40000000 50000000 50000000 " ] ||
    fail "ends: $(column t.csv end | tr '\n' ' ')"
  [ "$(column t.csv sim_ns | tr '\n' ' ')" = "10000000 20000000 30000000 40000000 50000000 50000000 " ] ||
    fail "sim_ns"
  [ "$(column t.csv accesses | tr '\n' ' ')" = "5000 0 0 0 0 5000 " ] || fail "accesses"
  [ "$(column t.csv stlb_mpka | sed -n 2p)" = "" ] || fail "mpka without accesses is not empty"
  ;;
timeline_by_events_counts_events)
  small_trace
  # 16 events (4 setup, 10 sweeps, mark, advance) every 5events: rows at 5, 10, 15, then
  # a last row for the 16th.
  "$tdpsim" replay small.tdpt --timeline t.csv --interval 5events > /dev/null
  [ "$(column t.csv events_total | tr '\n' ' ')" = "5 10 15 16 " ] || fail "$(column t.csv events_total)"
  [ "$(column t.csv unit | sort -u)" = "events" ] || fail "unit"
  ;;
timeline_mark_column_is_the_mark_in_force)
  small_trace
  "$tdpsim" replay small.tdpt --timeline t.csv --interval 1000 > /dev/null
  # rows end at 1000 ... 10000 accesses; the mark comes after the 5th sweep (5000)
  [ "$(column t.csv mark | tr '\n' ',')" = ",,,,,second-half,second-half,second-half,second-half,second-half," ] ||
    fail "marks: $(column t.csv mark | tr '\n' ,)"
  ;;
timeline_leaves_the_replay_unchanged)
  "$tdpsim" replay "$dirty" --json -o plain.json
  for i in 1000 7ms 3events; do
    "$tdpsim" replay "$dirty" --json -o with.json --timeline t.csv --interval $i
    cmp plain.json with.json || fail "--interval $i changed the replay"
  done
  ;;
timeline_columns_are_the_documented_ones)
  small_trace
  "$tdpsim" replay small.tdpt --timeline t.csv > /dev/null
  head -1 t.csv | tr ',' '\n' > cols.txt
  # every column has a row `| column |` in docs/timeline.md, and no documented one is missing
  grep -oE '^\| `[a-z0-9_]+`' "$src/docs/timeline.md" | sed 's/^| `//; s/`$//' > documented.txt
  diff cols.txt documented.txt || fail "the columns and docs/timeline.md differ"
  # default interval: about 200 rows over the 10000 accesses = every 50
  [ "$(column t.csv end | head -1)" = "50" ] || fail "default interval"
  ;;
interval_takes_units_and_rejects_anything_else)
  small_trace
  for good in 100 2k 1M 10events 5ms 500us 1s 100ns; do
    run "$tdpsim" replay small.tdpt --timeline t.csv --interval $good; expect_status 0
  done
  for bad in 0 -5 10xs ms 1.5ms 10kevents2 ""; do
    run "$tdpsim" replay small.tdpt --timeline t.csv --interval "$bad"; expect_status 2
    expect_in err.txt "is not an interval"
  done
  run "$tdpsim" replay small.tdpt --interval 10; expect_status 2
  expect_in err.txt "--interval is for --timeline or --plot"
  run "$tdpsim" replay - --timeline t.csv < small.tdpt; expect_status 2
  expect_in err.txt "needs --interval"
  run "$tdpsim" replay - --timeline t.csv --interval 100 < small.tdpt; expect_status 0
  run "$tdpsim" replay small.tdpt --timeline -; expect_status 2
  expect_in err.txt "--timeline needs a file name"
  ;;
compare_output_is_identical_for_j1_and_j4)
  pol=(--policy eager:eager_page_split=1 --policy lazy:eager_page_split=0
       --policy nx-off:nx_huge_pages=off --policy skx:cpu=icelake-server)
  for fmt in "" --json --csv; do
    "$tdpsim" compare "$dirty" "${pol[@]}" $fmt -j 1 > j1.txt
    "$tdpsim" compare "$dirty" "${pol[@]}" $fmt -j 4 > j4.txt
    cmp j1.txt j4.txt || fail "compare $fmt differs between -j 1 and -j 4"
  done
  ;;
compare_columns_are_the_single_replays_in_policy_order)
  "$tdpsim" compare "$dirty" --policy lazy:eager_page_split=0 --policy eager:eager_page_split=1 \
    --policy both:eager_page_split=1,nx_huge_pages=off --stats all --json > c.json
  "$tdpsim" replay "$dirty" --set eager_page_split=0 --json > lazy.json
  "$tdpsim" replay "$dirty" --set eager_page_split=1 --json > eager.json
  "$tdpsim" replay "$dirty" --set eager_page_split=1 --set nx_huge_pages=off --json > both.json
  python3 - <<'PY'
import json
c = json.load(open("c.json"))
assert c["order"] == ["lazy", "eager", "both"] and list(c["policies"]) == c["order"], c["order"]
assert c["baseline"] == "lazy"
for name in c["order"]:
    single = json.load(open(name + ".json"))
    p = c["policies"][name]
    assert p["stats"] == single["final"], name
    assert p["digest"] == single["digest"], name
    assert p["settings"] == single["settings"], name
assert c["policies"]["both"]["set"] == {"eager_page_split": "1", "nx_huge_pages": "off"}
PY
  ;;
compare_ratio_is_each_value_over_the_first)
  "$tdpsim" compare "$dirty" --policy eager:eager_page_split=1 --policy lazy:eager_page_split=0 \
    --csv > c.csv
  python3 - <<'PY'
import csv
rows = list(csv.DictReader(open("c.csv")))
assert list(rows[0]) == ["stat", "eager", "lazy", "lazy/eager"], list(rows[0])
for r in rows:
    e, l, q = int(r["eager"]), int(r["lazy"]), r["lazy/eager"]
    if e == 0:
        assert q == ("1" if l == 0 else ""), r     # 0/0 is 1; n/0 is left empty
    else:
        assert abs(float(q) - l / e) <= 1e-5 * (l / e), r
# pf_fast: eager splitting never meets a write-protected huge page, lazy does
assert [r for r in rows if r["stat"] == "pf_fast"][0]["lazy/eager"] == ""
PY
  ;;
compare_stats_chooses_the_rows)
  "$tdpsim" compare "$dirty" --policy a: --policy b:eager_page_split=0 \
    --stats pages_2m,stlb_misses,cycles --csv > c.csv
  [ "$(cut -d, -f1 c.csv | tr '\n' ' ')" = "stat pages_2m stlb_misses cycles " ] || fail "rows"
  run "$tdpsim" compare "$dirty" --policy a: --stats pages_2m,colour; expect_status 2
  expect_in err.txt "no stat 'colour'"
  "$tdpsim" compare "$dirty" --policy a: --stats all --csv > all.csv
  [ "$(($(wc -l < all.csv) - 1))" -eq "$(head -1 <("$tdpsim" replay "$dirty" --csv) | tr ',' '\n' | tail -n +2 | sed '/^mmu$/,$d' | wc -l)" ] ||
    fail "--stats all is not every stat"
  ;;
compare_rejects_bad_policies_with_a_message)
  run "$tdpsim" compare "$dirty"; expect_status 2; expect_in err.txt "at least one --policy"
  run "$tdpsim" compare "$dirty" --policy :nx_huge_pages=off; expect_status 2
  expect_in err.txt "needs a name"
  run "$tdpsim" compare "$dirty" --policy a:nx_huge_pages; expect_status 2
  expect_in err.txt "is not KEY=VALUE"
  run "$tdpsim" compare "$dirty" --policy a: --policy a:eager_page_split=0; expect_status 2
  expect_in err.txt "two policies are called 'a'"
  run "$tdpsim" compare "$dirty" --policy 'a/b:'; expect_status 2; expect_in err.txt "the name may hold"
  run "$tdpsim" compare "$dirty" --policy a: -j 0; expect_status 2; expect_in err.txt "-j takes"
  run "$tdpsim" compare - --policy a: < "$dirty"; expect_status 2; expect_in err.txt "not standard input"
  run "$tdpsim" compare "$dirty" --policy a: --plot r.png; expect_status 2
  expect_in err.txt "needs two policies or more"
  ;;
compare_reports_a_failing_policy_by_name)
  run "$tdpsim" compare "$dirty" --policy good: --policy bad:colour=red -o c.txt; expect_status 2
  expect_in err.txt "policy bad: colour=red: unknown setting 'colour'"
  [ ! -e c.txt ] || fail "a table was written despite the failure"
  run "$tdpsim" compare missing.tdpt --policy a:; expect_status 2
  expect_in err.txt "missing.tdpt: cannot open"
  ;;
plot_every_kind_makes_a_well_formed_png_and_svg)
  need_gnuplot
  "$tdpsim" replay "$dirty" --set eager_page_split=1 --timeline eager.csv --interval 20k > /dev/null
  "$tdpsim" replay "$dirty" --set eager_page_split=0 --timeline lazy.csv --interval 20k > /dev/null
  for ext in png svg; do
    "$tdpsim" plot eager.csv -o pressure.$ext
    "$tdpsim" plot eager.csv lazy.csv --kind pagesizes -o pagesizes.$ext
    "$tdpsim" plot lazy.csv --kind cycles -o cycles.$ext
    "$tdpsim" plot eager.csv lazy.csv --kind compare -o compare.$ext
    "$tdpsim" plot eager.csv --kind compare --stat dtlb_walk_mpka -o compare-stat.$ext
    "$tdpsim" plot lazy.csv --kind overview -o overview.$ext
  done
  well_formed ./*.png ./*.svg
  ls ./*.tdpsim-tmp.* 2> /dev/null && fail "temporary files left behind"
  true
  ;;
plot_keep_script_reruns_in_gnuplot)
  need_gnuplot
  "$tdpsim" replay "$dirty" --timeline t.csv > /dev/null
  "$tdpsim" plot t.csv --kind cycles -o c.png --keep-script c.gp
  expect_in c.gp "set output 'c.png'"
  expect_in c.gp "t.csv"
  rm c.png
  gnuplot c.gp
  well_formed c.png
  ;;
plot_marks_become_labelled_vertical_lines)
  need_gnuplot
  small_trace
  "$tdpsim" replay small.tdpt --timeline t.csv --interval 1000 > /dev/null
  "$tdpsim" plot t.csv -o p.png --keep-script p.gp
  # the mark took effect in the row ending at 6000, which starts at 5000 accesses: the
  # axis counts thousands (the run reaches 10000), so the line stands at x = 5
  expect_in p.gp "set arrow 1 from 5, graph 0 to 5, graph 1 nohead"
  expect_in p.gp "set label 1 'second-half' at 5, graph 0.98 rotate by 90"
  expect_in p.gp "set xlabel 'guest accesses (thousands)'"
  [ "$(grep -c '^set arrow' p.gp)" -eq 1 ] || fail "one mark, one line"
  ;;
plot_without_gnuplot_says_how_to_install_it)
  "$tdpsim" replay "$quick" --timeline t.csv > /dev/null
  mkdir empty
  run env PATH="$scratch/empty" "$tdpsim" plot t.csv -o p.png; expect_status 2
  expect_in err.txt "apt-get install gnuplot-nox"
  run env PATH="$scratch/empty" "$tdpsim" replay "$quick" --plot p.png; expect_status 2
  expect_in err.txt "apt-get install gnuplot-nox"
  run env PATH="$scratch/empty" "$tdpsim" compare "$quick" --policy a: --policy b:eager_page_split=0 --plot p.png
  expect_status 2; expect_in err.txt "apt-get install gnuplot-nox"
  [ ! -e p.png ] || fail "a picture without gnuplot"
  ;;
plot_rejects_what_is_not_a_timeline)
  printf 'a,b\n1,2\n' > not.csv
  run "$tdpsim" plot not.csv -o p.png; expect_status 2; expect_in err.txt "not a tdpsim timeline"
  run "$tdpsim" plot missing.csv -o p.png; expect_status 2; expect_in err.txt "missing.csv: cannot open"
  run "$tdpsim" plot not.csv -o p.jpg; expect_status 2; expect_in err.txt "must end in .png or .svg"
  run "$tdpsim" plot not.csv -o p.png --kind pie; expect_status 2; expect_in err.txt "unknown --kind 'pie'"
  run "$tdpsim" plot -o p.png; expect_status 2; expect_in err.txt "expected one or more"
  [ ! -e p.png ] || fail "a picture from bad input"
  ;;
replay_plot_draws_the_overview)
  need_gnuplot
  "$tdpsim" replay "$quick" --plot q.png --json > q.json
  "$tdpsim" replay "$quick" --json > plain.json
  cmp q.json plain.json || fail "--plot changed the replay's output"
  well_formed q.png
  [ "$(ls)" = "$(printf 'err.txt\nout.txt\nplain.json\nq.json\nq.png\n' 2>/dev/null | grep -v -e err.txt -e out.txt)" ] ||
    fail "files left behind: $(ls)"
  ;;
compare_plots_ratios_and_pressure)
  need_gnuplot
  "$tdpsim" compare "$dirty" --policy eager:eager_page_split=1 --policy lazy:eager_page_split=0 \
    --plot r.svg --pressure-plot p.png --timelines tl > /dev/null
  well_formed r.svg p.png
  [ -s tl/eager.csv ] && [ -s tl/lazy.csv ] || fail "--timelines kept no CSV"
  "$tdpsim" replay "$dirty" --set eager_page_split=0 --timeline lazy.csv > /dev/null
  cmp lazy.csv tl/lazy.csv || fail "compare's timeline differs from replay's"
  ;;
readme_quick_start_compare_runs)
  need_gnuplot
  # The quick start's first command, without the setup, with this build and tree.
  cmd=$(awk '/^## Quick start/{q=1} q&&/^```sh/{b=1;next} b&&/^```/{exit} b{print}' "$src/README.md" |
        sed -e 's/\\$//' | tr '\n' ' ' | sed -e 's|^\./scripts/setup\.sh && ||')
  case "$cmd" in *"tdpsim compare"*--pressure-plot*) ;; *) fail "the first command is not a compare: $cmd";; esac
  cmd=${cmd//build\/bin\/tdpsim/$tdpsim}
  cmd=${cmd//traces\//$src/traces/}
  eval "$cmd" > table.txt
  expect_in table.txt "lazy/eager"
  png=$(grep -oE -- '--pressure-plot [^ ]+' <<<"$cmd" | cut -d' ' -f2)
  well_formed "$png"
  ;;
help_of_compare_and_plot_has_an_example)
  for c in compare plot replay; do
    run "$tdpsim" $c --help; expect_status 0; expect_in out.txt "example:"
  done
  run "$tdpsim" --help; expect_status 0; expect_in out.txt "compare TRACE"; expect_in out.txt "plot TIMELINE"
  ;;
man_page_documents_compare_plot_and_timelines)
  command -v man > /dev/null || { echo "SKIP: man is not installed"; exit 77; }
  LC_ALL=C MANWIDTH=100 man -l "$src/docs/tdpsim.1" > page.txt 2> warnings.txt
  [ ! -s warnings.txt ] || { cat warnings.txt; fail "man warned"; }
  for w in "tdpsim compare" "tdpsim plot" --policy -j --stats --pressure-plot --timelines \
           --timeline --interval 5000events 10ms --kind pressure pagesizes cycles overview \
           --keep-script "apt-get install gnuplot-nox" docs/timeline.md; do
    expect_in page.txt "$w"
  done
  ;;
*)
  fail "unknown case $case_name"
  ;;
esac
echo "ok: $case_name"

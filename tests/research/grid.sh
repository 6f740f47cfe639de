#!/usr/bin/env bash
# tdpsim grid, one behaviour per case.
# Usage: grid.sh CASE TDPSIM SRCDIR SCRATCH
set -eu
case_name=$1 tdpsim=$2 src=$3 scratch=$4
rm -rf "$scratch" && mkdir -p "$scratch" && cd "$scratch"

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
run() { set +e; "$@" > out.txt 2> err.txt; status=$?; set -e; }
expect_status() { [ "$status" -eq "$1" ] || { cat err.txt; fail "exit $status, expected $1"; }; }
expect_in() { grep -qF -- "$2" "$1" || { cat "$1"; fail "'$2' not in $1"; }; }

ex=$src/traces/examples
gd=$src/traces/golden
# Two small traces with marks (3 and 2), quick also under the sanitizers.
t1=$gd/dispatch-settings-memslots-marks-and-clock.tdpt
t2=$gd/nx-exec-fault-splits-a-2m-leaf-into-512-4k-and-tracks-one.tdpt
# A grid of 2 traces x 2 x 2 values: 8 cells.
write_grid() {
  cat > study.grid <<EOF
tdpsim-grid 1
# a comment, then the grid
trace $t1	dispatch
trace $t2	nx
axis nx_huge_pages=off,force
axis eager_page_split=0,1
stats pages_4k,pages_2m,pf_taken,stlb_misses,cycles
EOF
}
grid_opts=(--trace "$t1" --trace "$t2"
  --axis nx_huge_pages=off,force --axis eager_page_split=0,1
  --stats pages_4k,pages_2m,pf_taken,stlb_misses,cycles)
# The inode and change time of every result file in folder $1.
results_state() { stat -c '%n %i %Z' "$1"/c-*.cell | sort; }

case "$case_name" in
csv_has_a_row_per_cell_and_mark_equal_to_single_replays)
  write_grid
  run "$tdpsim" grid study.grid -o grid.csv -j 2; expect_status 0
  # 2 traces x 2 x 2 = 8 cells; dispatch's have 3 marks + final, nx's 2 + final:
  # 4 x 4 + 4 x 3 = 28 rows, and the header.
  [ "$(wc -l < grid.csv)" -eq 29 ] || fail "expected 29 lines, got $(wc -l < grid.csv)"
  expect_in grid.csv "cell,trace,nx_huge_pages,eager_page_split,mark,status,events,digest,pages_4k,pages_2m,pf_taken,stlb_misses,cycles"
  # Every cell's final row is what tdpsim replay --set gives for the same trace and settings.
  for t in "dispatch:$t1" "nx:$t2"; do
    for nx in off force; do for eps in 0 1; do
      "$tdpsim" replay "${t#*:}" --set nx_huge_pages=$nx --set eager_page_split=$eps \
        --json > one.json
      python3 - "${t%%:*}" $nx $eps <<'P' || fail "cell ${t%%:*} $nx $eps differs from its replay"
import csv, json, sys
name, nx, eps = sys.argv[1:]
one = json.load(open("one.json"))
rows = [r for r in csv.DictReader(open("grid.csv")) if r["trace"] == name
        and r["nx_huge_pages"] == nx and r["eager_page_split"] == eps]
final = [r for r in rows if r["mark"] == "final"][0]
for k in ("pages_4k", "pages_2m", "pf_taken", "stlb_misses", "cycles"):
    assert int(final[k]) == one["final"][k], (k, final[k], one["final"][k])
assert final["digest"] == one["digest"] and final["status"] == "ok"
marks = [r["mark"] for r in rows]
assert marks == [m["label"] for m in one["marks"]] + ["final"], marks
for r, m in zip(rows, one["marks"]):
    assert int(r["cycles"]) == m["stats"]["cycles"], (r["mark"], r["cycles"])
P
    done; done
  done
  ;;
grid_file_and_command_line_give_the_same_csv)
  write_grid
  "$tdpsim" grid study.grid -o a.csv
  "$tdpsim" grid "${grid_opts[@]}" -o b.csv
  # The command line names the traces by their paths: only the trace column differs.
  sed -e "s#,$t1,#,dispatch,#" -e "s#,$t2,#,nx,#" b.csv > b2.csv
  cmp a.csv b2.csv || fail "file and command line differ"
  ;;
output_is_identical_for_j1_and_j4)
  write_grid
  "$tdpsim" grid study.grid -j 1 -o j1.csv
  "$tdpsim" grid study.grid -j 4 -o j4.csv --cells other
  cmp j1.csv j4.csv || fail "-j 1 and -j 4 differ"
  ;;
finished_cells_are_not_run_again)
  write_grid
  "$tdpsim" grid study.grid --cells cells -o first.csv 2> err1.txt
  results_state cells > before.txt
  [ "$(wc -l < before.txt)" -eq 8 ] || fail "expected 8 results"
  victim=$(head -1 before.txt | cut -d' ' -f1)
  rm "$victim"
  run "$tdpsim" grid study.grid --cells cells -o second.csv; expect_status 0
  expect_in err.txt "7 of 8 cells were done in"
  results_state cells > after.txt
  # The 7 kept results are the same files (inode and change time); the removed one is back.
  grep -v "^$victim " before.txt > kept.txt
  grep -v "^$victim " after.txt > kept2.txt
  cmp kept.txt kept2.txt || fail "a finished cell was run again"
  [ -f "$victim" ] || fail "the removed cell did not run"
  cmp first.csv second.csv || fail "the resumed CSV differs"
  # A result written half-way (a temporary left by a killed cell) is not taken for one.
  echo junk > "cells/c-0000000000000000.cell.tdpsim-tmp.$(hostname).1.abcdef"
  "$tdpsim" grid --merge cells -o third.csv
  cmp first.csv third.csv || fail "merge took a temporary"
  ;;
a_changed_trace_or_setting_runs_its_cells_anew)
  cp "$t2" t.tdpt
  "$tdpsim" grid --trace t.tdpt --axis eager_page_split=0,1 --cells cells -o a.csv
  # Another grid holding one of those cells (eager_page_split=1) reuses its result...
  run "$tdpsim" grid --trace t.tdpt --axis eager_page_split=1 --cells cells -o b.csv
  expect_status 0; expect_in err.txt "1 of 1 cells were done in"
  # ... and one more setting pinned makes other cells: none is taken as done.
  run "$tdpsim" grid --trace t.tdpt --axis eager_page_split=0,1 --set kvm=6.1 --cells cells \
    -o k.csv
  expect_status 0
  ! grep -q "were done" err.txt || fail "cells with another setting were taken as done"
  touch -d '2001-01-01' t.tdpt # the trace changed: its cells are not done any more
  run "$tdpsim" grid --trace t.tdpt --axis eager_page_split=0,1 --cells cells -o c.csv
  expect_status 0
  ! grep -q "were done" err.txt || fail "cells of a changed trace were taken as done"
  cmp a.csv c.csv || fail "the same trace content gave another CSV"
  ;;
list_shows_every_cell_done_or_todo)
  write_grid
  run "$tdpsim" grid study.grid --cells cells --list; expect_status 0
  [ "$(grep -c $'\ttodo\t' out.txt)" -eq 8 ] || { cat out.txt; fail "expected 8 todo"; }
  expect_in out.txt $'0\ttodo\ttrace dispatch, nx_huge_pages=off, eager_page_split=0'
  expect_in out.txt $'7\ttodo\ttrace nx, nx_huge_pages=force, eager_page_split=1'
  "$tdpsim" grid study.grid --cells cells > /dev/null
  run "$tdpsim" grid study.grid --cells cells --list
  [ "$(grep -c $'\tdone\t' out.txt)" -eq 8 ] || { cat out.txt; fail "expected 8 done"; }
  ;;
gnu_parallel_runs_the_job_list_to_the_local_csv)
  command -v parallel > /dev/null || skip "GNU parallel is not installed (apt-get install parallel)"
  write_grid
  "$tdpsim" grid study.grid -o local.csv -j 2
  run "$tdpsim" grid study.grid --cells jobs-cells --emit-jobs jobs.txt; expect_status 0
  expect_in err.txt "parallel < jobs.txt"
  [ "$(wc -l < jobs.txt)" -eq 8 ] || fail "expected a job per cell"
  # Merging before the jobs ran names the cells that have no result.
  run "$tdpsim" grid --merge jobs-cells -o early.csv; expect_status 2
  expect_in err.txt "8 of 8 cells have no result"
  [ ! -e early.csv ] || fail "merge wrote a CSV without the results"
  parallel --will-cite -j 2 < jobs.txt
  "$tdpsim" grid --merge jobs-cells -o merged.csv
  cmp local.csv merged.csv || fail "parallel's CSV differs from the local one"
  # The jobs again: every cell is done, nothing changes.
  results_state jobs-cells > s1.txt
  parallel --will-cite -j 2 < jobs.txt
  results_state jobs-cells > s2.txt
  cmp s1.txt s2.txt || fail "a job ran a finished cell again"
  ;;
slurm_job_array_runs_the_grid_to_the_local_csv)
  command -v slurmctld > /dev/null && command -v slurmd > /dev/null && command -v munged > /dev/null ||
    skip "Slurm is not installed (apt-get install slurm-wlm munge)"
  [ "$(id -u)" -eq 0 ] || skip "a single-node Slurm needs root here (slurmd)"
  write_grid
  "$tdpsim" grid study.grid -o local.csv -j 2
  "$tdpsim" grid study.grid --cells "$scratch/slurm-cells" --emit-jobs jobs.txt 2> /dev/null
  expect_in jobs.txt.sbatch "#SBATCH --array=0-7"
  . "$src/tests/research/slurm-local.sh"
  slurm_keep_logs=$scratch/slurm-logs
  trap slurm_stop EXIT
  slurm_start || skip "Slurm cannot start here: $slurm_why"
  # Submit, then poll until the array has left the queue (sbatch --wait polls at up to 32 s);
  # a job that cannot start is requeued for ever: give the array five minutes at most.
  job=$(sbatch --parsable jobs.txt.sbatch 2> sbatch.txt) || { cat sbatch.txt; fail "sbatch failed"; }
  for _ in $(seq 600); do
    [ -z "$(squeue -h -j "$job" 2> /dev/null)" ] && break
    sleep 0.5
  done
  if [ -n "$(squeue -h -j "$job" 2> /dev/null)" ]; then
    scancel "$job" 2> /dev/null || true
    cat "$scratch"/slurm-cells/slurm-*.out 2> /dev/null || true
    tail -n 20 "$slurm_dir"/log/slurmd.log
    fail "the job array did not finish in five minutes"
  fi
  [ "$(ls "$scratch"/slurm-cells/slurm-"$job"_*.out | wc -l)" -eq 8 ] || fail "expected 8 tasks' output"
  "$tdpsim" grid --merge slurm-cells -o merged.csv
  cmp local.csv merged.csv || fail "the Slurm array's CSV differs from the local one"
  ;;
more_cells_than_slurm_tasks_share_the_tasks)
  # 40 x 30 = 1200 cells: a task per cell would pass Slurm's default MaxArraySize (1001), so
  # 1000 tasks run cells k and k + 1000.  Task 3's loop is run by hand (no Slurm needed).
  axes=(--axis nx_huge_pages_recovery_ratio=$(seq -s, 0 39)
        --axis nx_huge_pages_recovery_period_ms=$(seq -s, 0 29))
  "$tdpsim" grid --trace "$t2" "${axes[@]}" --cells cells \
    --emit-jobs jobs.txt 2> err.txt || { cat err.txt; fail "emit failed"; }
  expect_in jobs.txt.sbatch "#SBATCH --array=0-999"
  [ "$(wc -l < jobs.txt)" -eq 1200 ] || fail "expected 1200 jobs"
  SLURM_ARRAY_TASK_ID=3 sh jobs.txt.sbatch
  "$tdpsim" grid --trace "$t2" "${axes[@]}" --cells cells --list > list.txt
  [ "$(grep -c $'\tdone\t' list.txt)" -eq 2 ] || fail "task 3 should run 2 cells"
  expect_in list.txt $'3\tdone'
  expect_in list.txt $'1003\tdone'
  ;;
machine_check_cells_are_marked_and_exit_3)
  run "$tdpsim" grid --trace "$ex/itlb-multihit.tdpt" --axis nx_huge_pages=off,force -o g.csv
  # skylake-sp has the erratum: with nx_huge_pages=off the guest's exec on a 2M page mixed
  # with 4K takes the machine check; forced NX huge pages split it and it does not.
  expect_status 3
  expect_in err.txt "in 1 cells the machine took a machine check"
  grep -q ",off,final,machine-check," g.csv || { cat g.csv; fail "off not marked"; }
  grep -q ",force,final,ok," g.csv || { cat g.csv; fail "force not ok"; }
  ;;
a_failing_cell_is_named_and_the_others_are_kept)
  printf 'tdpsim-trace 1\nset vcpus=1\nmemslot slot=0 gpa=0 size=2M hva=0x7f0000000000\nbackng hva=0x7f0000000000 size=2M kind=4k\n' > bad.tdpt
  run "$tdpsim" grid --trace bad.tdpt --trace "$t2" \
    --axis eager_page_split=0,1 --cells cells -o g.csv
  expect_status 2
  expect_in err.txt "cell 0 (trace bad.tdpt, eager_page_split=0): "
  expect_in err.txt "bad.tdpt:4"
  expect_in err.txt "2 of 4 cells failed"
  [ ! -e g.csv ] || fail "a CSV was written without every cell"
  [ "$(ls cells/c-*.cell | wc -l)" -eq 2 ] || fail "the good cells' results are not kept"
  ;;
bad_grids_are_refused_with_a_message)
  check() { # WHAT-IN-STDERR ARGS...
    local want=$1; shift
    run "$tdpsim" grid "$@"; expect_status 2; expect_in err.txt "$want"
  }
  check "no trace" --axis eager_page_split=0,1
  check "nx_huge_pages=sometimes" --trace "$t2" --axis nx_huge_pages=off,sometimes
  check "--axis: axis eager_page_split: not KEY=VALUE1" --trace "$t2" --axis eager_page_split
  check "no stat 'tlb_pressure'" --trace "$t2" --stats pages_2m,tlb_pressure
  check "trace nothere.tdpt: No such file" --trace nothere.tdpt
  check "two policies are called 'a'" --trace "$t2" --policy a:eager_page_split=0 --policy a
  check "eager_page_split is an axis twice" --trace "$t2" --axis eager_page_split=0 --axis eager_page_split=1
  printf 'tdpsim-grid 1\ntrace %s\nbananas 3\n' "$t2" > g1.grid
  check "g1.grid:3: 'bananas' is not a grid line" g1.grid
  printf 'trace x\n' > g2.grid
  check "g2.grid:1: a grid file begins with the line 'tdpsim-grid 1'" g2.grid
  check "is a trace, not a grid file: give it with --trace" "$t2"
  check "--emit-jobs needs --cells DIR" --trace "$t2" --emit-jobs j.txt
  check "holds no grid" --merge .
  mkdir -p c && "$tdpsim" grid --trace "$t2" --cells c --emit-jobs j.txt 2> /dev/null
  check "--cell 5: the grid in c has cells 0 to 0" --cell 5 c
  check "no grid options with them" --cell 0 c --axis eager_page_split=1
  ;;
policies_and_fixed_settings_make_the_cells)
  # 1 trace x 2 policies x 2 values of an axis; set pins kvm=6.1 in every cell.
  run "$tdpsim" grid --trace "$ex/dirty-logging.tdpt" --set kvm=6.1 \
    --policy eager:eager_page_split=1 --policy lazy:eager_page_split=0 \
    --axis manual_dirty_log_protect=0,1 --stats pf_taken -o g.csv; expect_status 0
  expect_in g.csv "cell,trace,policy,manual_dirty_log_protect,mark,status,events,digest,pf_taken"
  [ "$(grep -c ',final,' g.csv)" -eq 4 ] || fail "expected 4 cells"
  "$tdpsim" replay "$ex/dirty-logging.tdpt" --set kvm=6.1 --set eager_page_split=0 \
    --set manual_dirty_log_protect=1 --json > one.json
  want=$(python3 -c 'import json; print(json.load(open("one.json"))["final"]["pf_taken"])')
  grep -q "^3,$ex/dirty-logging.tdpt,lazy,1,final,ok,[0-9]*,0x[0-9a-f]*,$want\$" g.csv ||
    { cat g.csv; fail "cell 3 (lazy, manual protect) is not its replay ($want)"; }
  ;;
help_has_examples_and_the_man_page_documents_grid)
  run "$tdpsim" grid --help; expect_status 0
  expect_in out.txt "example"
  expect_in out.txt "--emit-jobs FILE"
  expect_in out.txt "parallel < jobs.txt"
  man_out=$(MANWIDTH=100 man -l "$src/docs/tdpsim.1" 2> /dev/null | col -b)
  for w in "tdpsim grid" "--emit-jobs" "--merge dir" "--cell k dir" "sbatch" "parallel < file"; do
    grep -qF -- "$w" <<< "$man_out" || fail "man page lacks '$w'"
  done
  [ -f "$src/docs/grid.md" ] || fail "docs/grid.md is missing"
  ;;
*) fail "unknown case $case_name" ;;
esac
echo "ok $case_name"

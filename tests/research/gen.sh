#!/usr/bin/env bash
# tdpsim gen, one behaviour per case.
# Usage: gen.sh CASE TDPSIM SRCDIR SCRATCH
set -eu
case_name=$1 tdpsim=$2 src=$3 scratch=$4
rm -rf "$scratch" && mkdir -p "$scratch" && cd "$scratch"

fail() { echo "FAIL: $*"; exit 1; }
run() { set +e; "$@" > out.txt 2> err.txt; status=$?; set -e; }
expect_status() { [ "$status" -eq "$1" ] || { cat err.txt; fail "exit $status, expected $1"; }; }
expect_in() { grep -qF -- "$2" "$1" || { cat "$1"; fail "'$2' not in $1"; }; }

workloads="sequential uniform zipfian pointer-chase jit migration boot"

# Small versions of every workload: a few thousand accesses in 64 MiB of guest memory.
small_args() {
  case $1 in
  sequential) echo "--size 1M --passes 2 --write-fraction 0.5" ;;
  uniform) echo "--size 8M --count 2000" ;;
  zipfian) echo "--size 8M --count 2000" ;;
  pointer-chase) echo "--size 4M --count 2000" ;;
  jit) echo "--code-size 8M --data-size 4M --count 16" ;;
  migration) echo "--size 16M --dirty-size 2M --count 1000 --rounds 2" ;;
  boot) echo "--kernel-text 4M --kernel-data 4M --user-text 2M --user-data 4M --count 2000 --vcpus 2" ;;
  esac
}
gen_small() { # WORKLOAD OUT [more options]
  local w=$1 out=$2
  shift 2
  # shellcheck disable=SC2046
  "$tdpsim" gen "$w" --mem 64M $(small_args "$w") "$@" -o "$out" 2> gen-err.txt ||
    { cat gen-err.txt; fail "gen $w failed"; }
}
# The final value of stat $2 (or of mark $3's) in replay JSON $1.
stat() {
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
s=d["final"] if len(sys.argv) < 4 else [m for m in d["marks"] if m["label"]==sys.argv[3]][0]["stats"]
print(s[sys.argv[2]])' "$@"
}
events() { grep -v '^#' "$1"; } # the events of a text trace, without the comments

case "$case_name" in
same_seed_and_options_give_byte_identical_traces)
  for w in $workloads; do
    for ext in tdpt tdpb.gz; do
      gen_small "$w" "a.$ext" --seed 42
      gen_small "$w" "b.$ext" --seed 42
      cmp "a.$ext" "b.$ext" || fail "$w: two runs with seed 42 differ ($ext)"
    done
  done
  ;;
different_seeds_give_different_traces)
  for w in $workloads; do
    gen_small "$w" a.tdpt --seed 1
    gen_small "$w" b.tdpt --seed 2
    # The events differ, not only the comment that records the command line.
    if cmp -s <(events a.tdpt) <(events b.tdpt); then fail "$w: seeds 1 and 2 give the same events"; fi
  done
  ;;
every_workload_replays_cleanly_also_under_check)
  for w in $workloads; do
    gen_small "$w" "$w.tdpt"
    run "$tdpsim" replay "$w.tdpt" --json -o "$w.json"; expect_status 0
    run "$tdpsim" replay --check "$w.tdpt"; expect_status 0
    # gen reports how many accesses it wrote; the replay made as many.
    n=$(sed -n 's/.*, \([0-9]*\) accesses$/\1/p' gen-err.txt)
    [ "$(stat "$w.json" accesses)" = "$n" ] || fail "$w: replay made $(stat "$w.json" accesses) accesses, gen wrote $n"
    [ "$n" -gt 0 ] || fail "$w: no accesses"
    [ "$(stat "$w.json" guest_page_faults)" = 0 ] || fail "$w: guest #PF: an access its mapping forbids"
  done
  ;;
every_encoding_replays_to_the_same_digest)
  for ext in tdpt tdpb tdpt.gz tdpb.gz; do gen_small zipfian "z.$ext" --seed 5; done
  for ext in tdpt tdpb tdpt.gz tdpb.gz; do
    "$tdpsim" replay "z.$ext" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])' > "d.$ext"
  done
  for ext in tdpb tdpt.gz tdpb.gz; do cmp d.tdpt "d.$ext" || fail "$ext digest differs"; done
  # The binary form is the same events: converted back it is the text without its comments.
  "$tdpsim" convert z.tdpb back.tdpt
  cmp <(events z.tdpt) back.tdpt || fail "binary and text hold different events"
  ;;
sequential_sweeps_each_vcpus_share_once_a_pass)
  "$tdpsim" gen sequential --mem 64M --size 1M --stride 4K --passes 3 --vcpus 2 -o s.tdpt 2> /dev/null
  # 1M / 4K = 256 pages a pass, 128 for each of the 2 vCPUs: 2 sweeps of 512K a pass.
  [ "$(grep -c '^sweep' s.tdpt)" = 6 ] || fail "$(grep '^sweep' s.tdpt)"
  expect_in s.tdpt "sweep vcpu=1 gva=0x40080000 len=512K stride=4K op=r"
  expect_in s.tdpt "set vcpus=2"
  "$tdpsim" replay s.tdpt --json > s.json
  [ "$(stat s.json accesses)" = 768 ] || fail "accesses $(stat s.json accesses), expected 3 x 256"
  [ "$(stat s.json accesses pass-1)" = 256 ] || fail "pass-1 mark"
  # --count stops part way: 300 accesses, the second pass cut at 44.
  "$tdpsim" gen sequential --mem 64M --size 1M --count 300 -o c.tdpt 2> /dev/null
  "$tdpsim" replay c.tdpt --json > c.json
  [ "$(stat c.json accesses)" = 300 ] || fail "--count 300 gave $(stat c.json accesses)"
  # A mix of reads and writes: one access line each, about half writes.
  "$tdpsim" gen sequential --mem 64M --size 4M --passes 1 --write-fraction 0.5 -o m.tdpt 2> /dev/null
  [ "$(grep -c '^access' m.tdpt)" = 1024 ] || fail "not 1024 access lines"
  w=$(grep -c 'op=w' m.tdpt)
  [ "$w" -gt 412 ] && [ "$w" -lt 612 ] || fail "$w writes of 1024 at a fraction of 0.5"   # 512 +- 6 sigma (16)
  ;;
zipfian_hottest_item_takes_its_share)
  # 4M of 4K items: n = 1024; packed, rank 1 is the first page.  Its share is
  # 1 / sum_{k=1..n} k^-0.99; 20000 draws must land within 5 standard deviations of it.
  "$tdpsim" gen zipfian --mem 64M --size 4M --granule 4K --theta 0.99 --layout packed \
      --count 20000 -o z.tdpt 2> /dev/null
  python3 - z.tdpt <<'PY'
import collections, math, sys
pages = collections.Counter(int(l.split("gva=")[1].split()[0], 16) >> 12
                            for l in open(sys.argv[1]) if l.startswith("access"))
n, N = 1024, sum(pages.values())
p = 1 / sum(k ** -0.99 for k in range(1, n + 1))
top = pages[0x40000000 >> 12] / N
sigma = math.sqrt(p * (1 - p) / N)
assert abs(top - p) < 5 * sigma, (top, p, sigma)
# rank 2's share is 2^-0.99 of rank 1's
second = pages[(0x40000000 >> 12) + 1] / N
assert abs(second - p * 2 ** -0.99) < 5 * sigma, (second, p * 2 ** -0.99)
assert set(pages) <= set(range(0x40000000 >> 12, (0x40000000 >> 12) + n)), "outside the set"
PY
  # theta 0 is uniform: no page gets more than 4 times its 1/1024 share.
  "$tdpsim" gen zipfian --mem 64M --size 4M --theta 0 --layout packed --count 20000 -o u.tdpt 2> /dev/null
  top=$(grep '^access' u.tdpt | sed 's/.*gva=\(0x[0-9a-f]*\)[0-9a-f]\{3\} .*/\1/' | sort | uniq -c | sort -rn | head -1 | awk '{print $1}')
  [ "$top" -lt 80 ] || fail "theta 0: a page taken $top times of 20000"   # 20000 / 1024 = 19.5
  ;;
pointer_chase_visits_every_node_once_a_lap)
  # 1M of 4K nodes: 256 of them in one cycle; 512 steps are two laps in the same order.
  "$tdpsim" gen pointer-chase --mem 64M --size 1M --granule 4K --count 512 --build 0 -o p.tdpt 2> /dev/null
  grep '^access' p.tdpt | sed 's/.*gva=\(0x[0-9a-f]*\) .*/\1/' > order.txt
  [ "$(wc -l < order.txt)" = 512 ] || fail "not 512 steps"
  [ "$(head -256 order.txt | sort -u | wc -l)" = 256 ] || fail "the first lap misses nodes"
  cmp <(head -256 order.txt) <(tail -256 order.txt) || fail "the second lap differs"
  python3 -c 'import sys; a=[int(x,16) for x in open(sys.argv[1])]; assert all(0x40000000<=x<0x40100000 and x%4096==0 for x in a)' order.txt
  # --build 1 writes every node first, in address order.
  "$tdpsim" gen pointer-chase --mem 64M --size 1M --count 10 -o b.tdpt 2> /dev/null
  expect_in b.tdpt "sweep vcpu=0 gva=0x40000000 len=1M stride=4K op=w"
  ;;
jit_under_forced_nx_huge_pages_takes_exec_faults_and_splits)
  # An 8M code cache: 4 regions of 2M; 16 functions put code in all 4.  THP, populated:
  # the first write to a region maps it with a 2M leaf.  With nx_huge_pages=force that
  # leaf is not executable, so the first fetch in each region is one more fault (an exec
  # fault) that splits it: 4 NX splits and 4 more faults than with nx_huge_pages=off.
  "$tdpsim" gen jit --mem 64M --code-size 8M --data-size 4M --count 16 -o j.tdpt 2> /dev/null
  "$tdpsim" replay j.tdpt --set nx_huge_pages=force --json > force.json
  "$tdpsim" replay j.tdpt --set nx_huge_pages=off --json > off.json
  [ "$(stat force.json nx_lpage_splits)" = 4 ] || fail "force: $(stat force.json nx_lpage_splits) splits, expected 4"
  [ "$(stat off.json nx_lpage_splits)" = 0 ] || fail "off: splits"
  [ $(( $(stat force.json pf_taken) - $(stat off.json pf_taken) )) = 4 ] || fail "not 4 exec faults more"
  # The code runs from 4K leaves: 4 regions x 512.
  [ "$(stat force.json pages_4k)" = 2048 ] || fail "force: pages_4k $(stat force.json pages_4k)"
  [ "$(stat off.json pages_4k)" = 0 ] || fail "off: pages_4k"
  [ "$(stat force.json accesses_exec)" -gt 0 ] || fail "no instruction fetches"
  grep -q '^sweep.*op=x' j.tdpt || fail "no x accesses in the trace"
  ;;
migration_dirties_pages_and_recovers_huge_pages)
  # Writes only, 4000 of them to random lines of the first 1M (256 pages): every page is
  # written in every round.  The log also holds the guest's 4 page-table pages (PML4, PDPT,
  # PD, PT) the walks touch: with EPT A/D bits the processor's accesses to guest paging
  # structures count as writes (the Intel SDM, "Accessed and Dirty Flags for EPT").  So each round dirties 256 + 4 pages.
  "$tdpsim" gen migration --mem 64M --size 16M --dirty-size 1M --count 4000 --write-fraction 1 \
      --rounds 2 -o m.tdpt 2> /dev/null
  [ "$(grep -c '^get-dirty-log slot=0' m.tdpt)" = 2 ] || fail "not 2 get-dirty-log"
  [ "$(grep -c '^clear-dirty-log slot=0 first=0 num=16384' m.tdpt)" = 2 ] || fail "not 2 clear-dirty-log (64M = 16384 pages)"
  expect_in m.tdpt "set manual_dirty_log_protect=1"
  "$tdpsim" replay m.tdpt --json > m.json
  for r in round-1 round-2; do
    [ "$(stat m.json dirty_pages $r)" = 260 ] || fail "$r: dirty_pages $(stat m.json dirty_pages $r), expected 260"
  done
  # THP-backed: 16M of working set and the 4M page-table region are 9 2M leaves (the
  # working set's 8 and one for the page tables' first touch) before; eager splitting turns
  # them into 9 x 512 4K leaves while logging; when it is off the reads map them 2M again.
  [ "$(stat m.json pages_2m before)" = 9 ] || fail "before: pages_2m $(stat m.json pages_2m before)"
  [ "$(stat m.json pages_2m round-2)" = 0 ] || fail "round-2: pages_2m"
  [ "$(stat m.json pages_4k round-2)" = 4608 ] || fail "round-2: pages_4k"
  [ "$(stat m.json pages_2m recovery)" = 9 ] || fail "recovery: pages_2m $(stat m.json pages_2m recovery)"
  # Without manual protection: get-dirty-log alone.
  "$tdpsim" gen migration --mem 64M --size 16M --dirty-size 1M --count 100 --manual-protect 0 -o g.tdpt 2> /dev/null
  if grep -q 'clear-dirty-log\|manual_dirty_log_protect' g.tdpt; then fail "--manual-protect 0 clears"; fi
  run "$tdpsim" replay g.tdpt --json -o g.json; expect_status 0
  [ "$(stat g.json dirty_pages)" -gt 0 ] || fail "no dirty pages"
  ;;
boot_mixes_kernel_and_user_code_and_data)
  "$tdpsim" gen boot --mem 64M --kernel-text 4M --kernel-data 4M --user-text 2M --user-data 4M \
      --count 2000 -o b.tdpt 2> /dev/null
  grep -q '^access.*op=x cpl=0' b.tdpt || fail "no kernel fetches"
  grep -q '^access.*op=[rw] cpl=0' b.tdpt || fail "no kernel data accesses"
  grep '^access' b.tdpt | grep -v cpl=0 | grep -q 'op=x' || fail "no user fetches"
  grep '^access' b.tdpt | grep -v cpl=0 | grep -q 'op=[rw]' || fail "no user data accesses"
  expect_in b.tdpt "guest-map gva=0xffffffff81000000"
  "$tdpsim" replay b.tdpt --set nx_huge_pages=force --json > b.json
  # Code in 3 2M regions (the kernel's 4M, the program's 2M): 3 NX splits.
  [ "$(stat b.json nx_lpage_splits)" = 3 ] || fail "nx_lpage_splits $(stat b.json nx_lpage_splits), expected 3"
  [ "$(stat b.json guest_page_faults)" = 0 ] || fail "guest #PF"
  ;;
vcpus_ticks_and_settings_go_into_the_trace)
  "$tdpsim" gen uniform --mem 64M --size 1M --count 9 --vcpus 3 --set nx_huge_pages=force -o u.tdpt 2> /dev/null
  [ "$(grep '^access' u.tdpt | sed 's/.*vcpu=\([0-9]\).*/\1/' | tr -d '\n')" = 012012012 ] || fail "vCPUs not in turn"
  expect_in u.tdpt "set vcpus=3"
  expect_in u.tdpt "set nx_huge_pages=force"
  # 1000 accesses with a tick of 100 at 1ms: 10 ms, and 10 ms at the end of the phase.
  "$tdpsim" gen uniform --mem 64M --size 1M --count 1000 --tick 100 --tick-time 1ms -o t.tdpt 2> /dev/null
  [ "$(grep -c '^advance ms=1$' t.tdpt)" = 10 ] || fail "not 10 ticks"
  "$tdpsim" replay t.tdpt --json > t.json
  [ "$(stat t.json sim_ns)" = 20000000 ] || fail "sim_ns $(stat t.json sim_ns)"
  # The command line is recorded, without -o.
  expect_in t.tdpt "# generated by: tdpsim gen uniform --seed 1 --mem 64M"
  if grep -q 't.tdpt' t.tdpt; then fail "the output name is in the trace"; fi
  # Standard output.
  "$tdpsim" gen uniform --mem 64M --size 1M --count 9 -o - > o.tdpt
  cmp <(events o.tdpt) <(events u.tdpt | grep -v '^set' | sed 's/vcpu=[12]/vcpu=0/') || fail "stdout"
  ;;
bad_workloads_and_values_exit_2_with_a_message)
  check() { # MESSAGE ARGS...
    local msg=$1
    shift
    run "$tdpsim" gen "$@"; expect_status 2; expect_in err.txt "$msg"
    [ ! -s out.txt ] || fail "output on stdout for $*"
  }
  check "unknown workload 'bogus'" bogus -o x.tdpt
  check "workloads: sequential, uniform, zipfian, pointer-chase, jit, migration, boot" bogus -o x.tdpt
  check "expected a WORKLOAD"
  check "-o FILE is required" uniform
  check "the workload uniform takes no option '--theta'" uniform --theta 1 -o x.tdpt
  check "unknown option '--colour'" uniform --colour red -o x.tdpt
  check "--theta takes a number from 0 to 5, not '9'" zipfian --theta 9 -o x.tdpt
  check "--theta takes a number, not 'hot'" zipfian --theta hot -o x.tdpt
  check "--write-fraction takes a number from 0 to 1, not '1.5'" uniform --write-fraction 1.5 -o x.tdpt
  check "--count takes at least 1, not '0'" uniform --count 0 -o x.tdpt
  check "--count takes a whole number, not '1e6'" uniform --count 1e6 -o x.tdpt
  check "--count needs a value" uniform --count -o x.tdpt
  check "--mem 3M: guest memory is a multiple of 2M" uniform --mem 3M -o x.tdpt
  check "hugetlb1g backing needs a multiple of 1G" uniform --mem 1536M --size 64M --backing hugetlb1g -o x.tdpt
  check "--backing takes 4k, thp, hugetlb2m, hugetlb1g, anon, shmem, memory-backend-ram, memory-backend-memfd or memory-backend-file, not 'huge'" uniform --backing huge -o x.tdpt
  check "--guest-pages takes 4k or 2m, not '1g'" uniform --guest-pages 1g -o x.tdpt
  check "uniform needs 2G of guest memory" uniform --size 2G -o x.tdpt
  check "jit: --code-size 3M: a multiple of 2M" jit --code-size 3M -o x.tdpt
  check "--dirty-size is at most --size" migration --size 16M --dirty-size 32M -o x.tdpt
  check "--tick-time takes a time with a unit" uniform --tick-time 5 -o x.tdpt
  check "use --vcpus N" uniform --set vcpus=2 -o x.tdpt
  check "unknown setting 'colour'" uniform --set colour=red -o x.tdpt
  check "cannot tell the encoding from the name" uniform --count 5 -o x.txt
  check "one WORKLOAD only" uniform zipfian -o x.tdpt
  [ -z "$(ls)" ] || [ "$(ls)" = "$(printf 'err.txt\nout.txt')" ] || fail "files left behind: $(ls)"
  ;;
help_documents_every_workload_with_an_example)
  run "$tdpsim" gen --help; expect_status 0
  cp out.txt general.txt
  expect_in general.txt "example:"
  for w in $workloads; do
    expect_in general.txt "  $w "
    run "$tdpsim" gen "$w" --help; expect_status 0
    expect_in out.txt "example:"
    expect_in out.txt "tdpsim gen $w "
    expect_in out.txt "(default "
  done
  for o in --seed --mem --count --backing --guest-pages -o --set; do expect_in general.txt "$o"; done
  run "$tdpsim" gen zipfian --help; expect_in out.txt "--theta T"
  run "$tdpsim" gen migration --help; expect_in out.txt "--rounds N"
  run "$tdpsim" --help; expect_in out.txt "gen WORKLOAD"
  # The examples in the help run as given (small enough here).
  "$tdpsim" gen jit --seed 7 --count 500 --guest-pages 2m -o jit.tdpt 2> /dev/null
  ;;
man_page_and_docs_document_gen)
  command -v man > /dev/null || { echo "SKIP: man is not installed"; exit 77; }
  LC_ALL=C MANWIDTH=100 man -l "$src/docs/tdpsim.1" > page.txt 2> warnings.txt
  [ ! -s warnings.txt ] || { cat warnings.txt; fail "man warned"; }
  for w in "tdpsim gen" $workloads --seed --guest-pages --backing docs/gen.md; do expect_in page.txt "$w"; done
  for w in $workloads; do expect_in "$src/docs/gen.md" "## \`$w\`"; done
  expect_in "$src/README.md" "docs/gen.md"
  ;;
*)
  fail "unknown case $case_name"
  ;;
esac

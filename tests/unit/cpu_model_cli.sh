#!/usr/bin/env bash
# The CPU models on the command line: `tdpsim info --cpus` lists the built-in ones with every
# field, `--set cpu=zen4` selects one (and nx_huge_pages=auto follows its multihit status), a
# model file is selected by its path, and an unknown name exits 2 naming the known ones.
# Usage: cpu_model_cli.sh TDPSIM SRCDIR SCRATCH
set -eu
tdpsim=$1 src=$2 scratch=$3
rm -rf "$scratch" && mkdir -p "$scratch" && cd "$scratch"
quick=$src/traces/examples/quickstart.tdpt

fail() { echo "FAIL: $*"; exit 1; }
run() { set +e; "$@" > out.txt 2> err.txt; status=$?; set -e; }
expect_status() {
  [ "$status" -eq "$1" ] || { cat out.txt err.txt; fail "exit $status, expected $1"; }
}
expect_in() { grep -qF -- "$2" "$1" || { cat "$1"; fail "'$2' not in $1"; }; }
expect_line() { grep -qE -- "$2" "$1" || { cat "$1"; fail "no line matching '$2' in $1"; }; }
# The final nx_lpage_splits of a JSON report.
final_splits() { sed -n '/"final"/,/}/s/.*"nx_lpage_splits": \([0-9]*\).*/\1/p' "$1"; }

# The listing: every model with its description, a header row and a row per field.
run "$tdpsim" info --cpus; expect_status 0
expect_line out.txt '^  skylake-sp +Intel Skylake-SP'
expect_line out.txt '^  zen4 +AMD Zen 4'
expect_line out.txt '^field +icelake-server +sapphire-rapids +skylake-sp +zen3 +zen4$'
expect_line out.txt '^itlb_multihit +false +false +true +false +false$'
expect_line out.txt '^stlb +2048/16 +2048/16 +1536/12 +2048/16 +3072/24$'
expect_line out.txt '^pml +true +true +true +false +false$'
expect_line out.txt '^maxphyaddr +46 +52 +46 +48 +52$'
expect_line out.txt '^la57 +true +true +false +false +true$'
expect_line out.txt '^ept_5level +true +true +false +false +true$'
expect_line out.txt '^cpu_mhz( +[0-9]+){5}$'
[ "$(grep -c -E '^[a-z0-9_]+( +[a-z0-9/ ]+){5}$' out.txt)" -ge 36 ] || fail "not 36 field rows"
for f in vendor ept_1g itlb_4k itlb_2m itlb_1g dtlb_4k dtlb_2m dtlb_1g stlb_1g stlb_holds_2m \
         replacement psc_guest psc_ept cyc_l1_tlb_hit cyc_stlb_hit cyc_walk_ref_cached \
         cyc_walk_ref_memory cyc_vmexit cyc_guest_pf cyc_fast_page_fault cyc_topup cyc_faultin \
         cyc_hugepage_adjust cyc_map_per_level cyc_make_spte cyc_split_per_table \
         cyc_zap_per_spte cyc_flush cyc_ipi; do
  expect_line out.txt "^$f "
done
run "$tdpsim" info --help; expect_status 0; expect_in out.txt "--cpus"

# --set cpu=zen4 selects the model, and the JSON says so.  The quickstart trace runs code
# from 4K guest pages over 2M host pages: on skylake-sp nx_huge_pages=auto is on and splits
# the huge pages that code runs from; on zen4 (no multihit bug) it is off and nothing splits.
run "$tdpsim" replay "$quick" --set cpu=zen4 --json; expect_status 0
expect_in out.txt '"cpu": "zen4"'
[ "$(final_splits out.txt)" = 0 ] || fail "zen4: nx_lpage_splits $(final_splits out.txt), not 0"
run "$tdpsim" replay "$quick" --json; expect_status 0
expect_in out.txt '"cpu": "skylake-sp"'
[ "$(final_splits out.txt)" -gt 0 ] || fail "skylake-sp: no nx_lpage_splits"
run "$tdpsim" replay "$quick" --set cpu=sapphire-rapids --json; expect_status 0
expect_in out.txt '"cpu": "sapphire-rapids"'
[ "$(final_splits out.txt)" = 0 ] || fail "sapphire-rapids: nx_lpage_splits"

# An unknown model: exit 2, naming the ones this build knows.
run "$tdpsim" replay "$quick" --set cpu=pentium; expect_status 2
expect_in err.txt "cpu='pentium'"
expect_in err.txt "icelake-server|sapphire-rapids|skylake-sp|zen3|zen4"

# A model file, by path: it goes by its name, and auto follows its multihit status; a bad one
# is refused with file:line.
sed 's/^name = zen4$/name = my-zen4/; s/^itlb_multihit = false /itlb_multihit = true /' \
  "$src/models/cpu/zen4.ini" > my.ini
run "$tdpsim" replay "$quick" --set cpu=./my.ini --json; expect_status 0
expect_in out.txt '"cpu": "my-zen4"'
[ "$(final_splits out.txt)" -gt 0 ] || fail "my-zen4 (multihit on): no nx_lpage_splits"
sed 's/^stlb = 3072\/24 .*/stlb = 3072\/16/' my.ini > bad.ini
run "$tdpsim" replay "$quick" --set cpu=./bad.ini; expect_status 2
expect_line err.txt "\./bad\.ini:[0-9]+: stlb = 3072/16: 192 sets, not a power of two"
sed 's/^cyc_vmexit = .*/cyc_vmexit = soon/' my.ini > bad2.ini
run "$tdpsim" replay "$quick" --set cpu=./bad2.ini; expect_status 2
expect_line err.txt "\./bad2\.ini:[0-9]+: cyc_vmexit = 'soon': not a number"
echo "ok"

#!/usr/bin/env bash
# The kernel profiles on the command line: `tdpsim info --profiles` lists the built-in ones
# with their switches, `--set kvm=6.1` selects one, a profile file is selected by its path,
# an unknown name exits 2 naming the known ones, and a switch turned off in a file takes effect.
# Usage: profile_cli.sh TDPSIM SRCDIR SCRATCH
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

# The listing: every profile with its description, a header row and a row per switch.
run "$tdpsim" info --profiles; expect_status 0
for v in 5.10 5.15 6.1 6.6 6.12 6.18; do expect_line out.txt "^  $v +Linux $v"; done
expect_line out.txt '^switch +5\.10 +5\.15 +6\.1 +6\.6 +6\.12 +6\.18$'
expect_line out.txt '^split_on_fault +false +false +false +true +true +true$'
expect_line out.txt '^log_off_recovery +zap-leaves +zap-leaves +zap-collapsible +zap-collapsible'\
' +zap-collapsible +recover-in-place$'
[ "$(grep -c -E '^[a-z0-9_]+ +(true|false|zap-|recover-|sync-keeps|in-place|tlbs-dirty)' out.txt)" -eq 22 ] || fail "not 22 switch rows"
run "$tdpsim" info --help; expect_status 0; expect_in out.txt "--profiles"

# --set kvm=6.1 selects the profile, and the JSON says so.
run "$tdpsim" replay "$quick" --set kvm=6.1 --json; expect_status 0
expect_in out.txt '"kvm": "6.1"'
run "$tdpsim" replay "$quick" --set kvm=6.12 --json; expect_status 0
expect_in out.txt '"kvm": "6.12"'

# An unknown profile: exit 2, naming the ones this build knows.
run "$tdpsim" replay "$quick" --set kvm=4.19; expect_status 2
expect_in err.txt "kvm='4.19'"
expect_in err.txt "5.10|5.15|6.1|6.6|6.12|6.18"

# A profile file, by path: it goes by its name; a bad one is refused with file:line.
sed 's/^name = 6\.1$/name = my-6.1/' "$src/models/kvm/6.1.ini" > my.ini
run "$tdpsim" replay "$quick" --set kvm=./my.ini --json; expect_status 0
expect_in out.txt '"kvm": "my-6.1"'
sed 's/^nx_never = true .*/nx_never = maybe/' my.ini > bad.ini
run "$tdpsim" replay "$quick" --set kvm=./bad.ini; expect_status 2
expect_line err.txt "\./bad\.ini:[0-9]+: nx_never = 'maybe': not a boolean"

# A profile file with one switch turned off changes what KVM does: without
# nested_eager_page_split (6.0), logging on leaves L2's four 2M EPT02 leaves in place
# (only write-protected, one flush), and each splits at L2's first write to it, with a
# flush for the dropped leaf: 4 more flushes by "written" (the golden's 5.15 contrast).
sed 's/^name = 6\.18$/name = 6.18-no-nested-split/; s/^nested_eager_page_split = true/nested_eager_page_split = false/' \
  "$src/models/kvm/6.18.ini" > ns.ini
grep -q '^nested_eager_page_split = false' ns.ini || fail "ns.ini: switch not turned off"
nested=$src/traces/golden/nested-dirty-logging-while-l2-runs-splits-its-2m-ept02-leaves-eagerly.tdpt
run "$tdpsim" replay "$nested" --set kvm=./ns.ini --json -o ns.json; expect_status 0
python3 - ns.json <<'PY' || fail "ns.json: nested split not switched off"
import json, sys
def marks(d):
    if isinstance(d, dict):
        if "marks" in d: return d["marks"]
        d = list(d.values())
    for v in d if isinstance(d, list) else []:
        r = marks(v)
        if r: return r
m = {x["label"]: x.get("stats", x) for x in marks(json.load(open(sys.argv[1])))}
assert m["logging-on"]["pages_2m"] == 4, m["logging-on"]
assert m["logging-on"]["remote_tlb_flush_requests"] == 1
assert m["written"]["pages_2m"] == 0 and m["written"]["remote_tlb_flush_requests"] == 5
PY
echo "ok"

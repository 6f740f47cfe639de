#!/usr/bin/env python3
# Check a replay's JSON against the expectations written in its trace, lines of the form
#     # expect LABEL: stat=value stat=value ...
#     # expect FROM..TO: stat=value ...      (the change between two marks)
#     # expect[KEY=VALUE] LABEL: ...         (only for a replay with --set KEY=VALUE)
# where LABEL names a mark (or "final"); a value `absent` expects a counter the kernel profile
# does not have (JSON null), and a value `LO..HI` a count in that range (a seeded draw's,
# bounded by its distribution).  The values are derived by hand from KVM's rules in
# the trace's comments, never copied from an output.  Usage: expect.py TRACE JSON [KEY=VALUE]
# (without KEY=VALUE the plain lines are checked, with it the lines for that setting).
import json
import re
import sys

LINE = re.compile(r"^#\s*expect(?:\[([^\]]+)\])?\s+([^:]+):\s*(.*)$")


def main():
    trace, out = sys.argv[1], sys.argv[2]
    setting = sys.argv[3] if len(sys.argv) > 3 else None
    doc = json.load(open(out))
    marks = {m["label"]: m["stats"] for m in reversed(doc["marks"])}
    marks["final"] = doc["final"]
    bad, checked = 0, 0
    for n, line in enumerate(open(trace), 1):
        m = LINE.match(line.strip())
        if not m or m.group(1) != setting:
            continue
        label = m.group(2).strip()
        first, _, last = label.partition("..")
        if first not in marks or (last and last not in marks):
            print("%s:%d: no mark '%s' in the output" % (trace, n, label))
            bad += 1
            continue
        for item in m.group(3).split():
            key, _, want = item.partition("=")
            got = marks[first].get(key, "missing")
            checked += 1
            if want == "absent":
                if got is not None:
                    print("%s:%d: %s: %s = %s, expected absent" % (trace, n, label, key, got))
                    bad += 1
                continue
            if got == "missing":
                got = None
            if last and got is not None and key in marks[last]:
                got = marks[last][key] - got
            lo, dots, hi = want.partition("..")
            if dots and got is not None and int(lo, 0) <= got <= int(hi, 0):
                continue
            if got is None or dots or got != int(want, 0):
                print("%s:%d: %s: %s = %s, expected %s" % (trace, n, label, key, got, want))
                bad += 1
    print("%s: %d expectations checked, %d failed" % (trace, checked, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

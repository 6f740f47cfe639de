#!/usr/bin/env python3
# Recompute a replay's digest from its JSON as docs/digest.md defines it, independently of the
# C code, and check it against the "digest" the JSON carries.  Exit 0 when they agree.
import json
import sys

FNV_OFFSET = 0xcbf29ce484222325
FNV_PRIME = 0x100000001b3


def fnv1a64(data):
    h = FNV_OFFSET
    for b in data:
        h ^= b
        h = (h * FNV_PRIME) & 0xffffffffffffffff
    return h


def canonical(doc):
    lines = ["tdpsim-digest 1", "[settings]"]
    lines += ["%s=%s" % (k, v) for k, v in doc["settings"].items()]
    for mark in doc["marks"]:
        lines += ["[mark]", "label=%s" % mark["label"]]
        lines += ["%s=%d" % (k, v or 0) for k, v in mark["stats"].items()]
    lines += ["[final]"]
    lines += ["%s=%d" % (k, v or 0) for k, v in doc["final"].items()]
    for vcpu in doc.get("vcpus", []):
        lines += ["[vcpu]"]
        lines += ["%s=%d" % (k, v or 0) for k, v in vcpu.items()]
    return ("\n".join(lines) + "\n").encode()


def main():
    doc = json.load(open(sys.argv[1]))
    want = "0x%016x" % fnv1a64(canonical(doc))
    if doc["digest"] != want:
        print("%s: digest %s, recomputed %s" % (sys.argv[1], doc["digest"], want))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

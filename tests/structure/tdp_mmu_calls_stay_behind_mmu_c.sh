#!/bin/bash
# Only the TDP MMU itself (kvm/tdp_mmu.c) and the MMU's fan-outs (kvm/mmu.c, as in KVM, whose
# mmu.c calls kvm_tdp_mmu_* beside the rmap-based part) call kvm_tdp_mmu_* functions; every
# other file goes through kvm/mmu.h.  $1: the source tree.
set -eu
cd "$1"
found=$(grep -rnE '\bkvm_tdp_mmu_[a-z0-9_]+[[:space:]]*\(' libtdpsim tools bench tests --include='*.c' \
	| grep -vE '^libtdpsim/kvm/(tdp_mmu|mmu)\.c:' \
	| grep -vE ':[0-9]+:[[:space:]]*(/\*|\*)' || true)
if [ -n "$found" ]; then
	echo "calls to the TDP MMU outside kvm/tdp_mmu.c and kvm/mmu.c:"
	echo "$found"
	exit 1
fi
# The header that declares them is included by those two files only.
inc=$(grep -rln '#include "kvm/tdp_mmu.h"' libtdpsim | grep -vE '^libtdpsim/kvm/(tdp_mmu|mmu|check)\.c$' || true)
if [ -n "$inc" ]; then
	echo "kvm/tdp_mmu.h included outside the MMU: $inc"
	exit 1
fi
echo "kvm_tdp_mmu_* is called from kvm/tdp_mmu.c and kvm/mmu.c only"

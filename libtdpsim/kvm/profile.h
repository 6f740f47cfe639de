/* SPDX-License-Identifier: MIT */
/*
 * Internal: kernel version profiles - the behaviour switches that differ between KVM
 * releases (reference section 8).  The policies issue adds the older profiles; each switch
 * names the change behind it.
 */
#ifndef TDPSIM_KVM_PROFILE_H
#define TDPSIM_KVM_PROFILE_H

#include <stdbool.h>

struct kvm_profile {
	const char *name;
	/* 6.2 "split huge pages in place on fault" (tdp_mmu_split_huge_page in
	 * kvm_tdp_mmu_map); before, the huge SPTE was zapped and an empty table linked. */
	bool split_on_fault;
	/* 6.1 NX rework: disallowed_hugepage_adjust needs the child SP to be NX-tagged;
	 * before, any present table at the goal level forced a step down. */
	bool nx_child_must_be_tagged;
	/* 6.10 early SPURIOUS at the target level when the old leaf already allows it. */
	bool target_spurious_early_out;
};

/* The profile called `name`, or NULL. */
const struct kvm_profile *kvm_profile_find(const char *name);

#endif

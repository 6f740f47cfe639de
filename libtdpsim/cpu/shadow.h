/* SPDX-License-Identifier: MIT */
/*
 * Internal: the processor's walk under shadow paging (Intel SDM vol. 3, 4.5): CR3 holds
 * the root of KVM's shadow tables, which the processor walks as ordinary x86 page tables,
 * one dimension, by the guest-virtual address.  A missing or refusing entry is a #PF, which
 * KVM intercepts (kvm_mmu_page_fault with the gva); a reserved bit (KVM's MMIO SPTEs) is
 * a #PF with RSVD.
 */
#ifndef TDPSIM_CPU_SHADOW_H
#define TDPSIM_CPU_SHADOW_H

#include <stdint.h>

#include "kvm/mmu_page.h"

struct shadow_walk {
	uint64_t *leaf;      /* the entry the walk ended at */
	int level;           /* its level */
	int guest_level;     /* the level of the guest's page (the last guest table's page) */
	uint32_t sp_id;      /* the shadow page holding the leaf */
	unsigned index;      /* and its index there */
	unsigned refs;       /* entries read */
};

/* Walk from `root` (KVM's root hpa, `levels` 4 or 5) for an access of kind `op`
 * (TDPSIM_OP_*) at `cpl`, reading from level `start` down (the levels above were served by
 * the paging-structure caches, whose entries are the ones on the way).  0 when it
 * translates - with Accessed set on every entry walked and Dirty on the leaf for a write,
 * as the processor does - else 1 with the #PF error code (P, W, U, RSVD, I/D) in *err: a
 * supervisor read of a not-present page has error code 0, so the code cannot say it. */
int shadow_translate(const struct sp_pool *mem, uint64_t root, int levels, int start,
		     uint64_t gva, int op, int cpl, struct shadow_walk *w, uint32_t *err);

/* The leaf that maps gva under `root` now, present or not, its level and the shadow page
 * that holds it (--check). */
uint64_t shadow_lookup(const struct sp_pool *mem, uint64_t root, int levels, uint64_t gva,
		       int *level, const struct kvm_mmu_page **leaf_sp);

#endif

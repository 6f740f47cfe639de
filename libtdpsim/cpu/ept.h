/* SPDX-License-Identifier: MIT */
/*
 * Internal: the processor's EPT walk (Intel SDM vol. 3, 29.3 "The extended page table
 * mechanism"): from the EPTP the vCPU runs on, through the tables in host memory - KVM's
 * shadow pages, wherever its MMU put them - to the leaf or to the entry that stops the walk.
 */
#ifndef TDPSIM_CPU_EPT_H
#define TDPSIM_CPU_EPT_H

#include <stdint.h>

#include "kvm/mmu_page.h"

/* The entry the walk to gfn ends at (a leaf, or an entry without R/W/X), and its level.
 * `mem` holds the tables: frame SP_PFN_BASE + id is table id.  `levels`: the EPT's depth,
 * 4 or 5 - the EPTP's page-walk length plus one (vmx.c construct_eptp). */
uint64_t *ept_walk(const struct sp_pool *mem, uint64_t eptp, int levels, uint64_t gfn,
		   int *level);

/* What an access of kind `op` (TDPSIM_OP_*) to `gpa` finds: 0 when it translates;
 * otherwise the error code KVM builds from the EPT violation (or RSVD for a
 * misconfiguration, as KVM's MMIO SPTEs are).  Also the entry the walk ended at and its
 * level (0: gpa is beyond what an EPT of `levels` maps, nothing was read). */
uint32_t ept_translate(const struct sp_pool *mem, uint64_t eptp, int levels, uint64_t gpa,
		       int op, uint64_t *spte, int *level);

#endif

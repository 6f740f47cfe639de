/* SPDX-License-Identifier: MIT */
/*
 * The hardware's walk of the guest page tables (Intel SDM vol. 3, 4.5-4.8), with CR0.WP=1,
 * EFER.NXE=1, CR4.SMEP=CR4.SMAP=0 and 1G pages supported.  It is on the path of every TLB
 * miss: no allocation, one entry read per level.
 *
 * What the simulator chooses where the hardware leaves room:
 *  - A non-canonical gva is a #GP on real hardware, not a #PF.  There is no #GP here: it is
 *    reported as GUEST_WALK_PF with error code 0 and no entry read (refs 0).
 *  - An address space never used (no root yet) has nothing present: a not-present #PF with
 *    no entry read, since there is no root GPA to read through.
 *  - Memory outside the guest-pt regions is not stored: a table there reads as zeros, so its
 *    entries are not present.
 *  - A and D are set only when the translation succeeds (the SDM allows setting A on the way
 *    even when the walk then faults; not doing so keeps a faulting walk free of side effects).
 *  - `access` may be NULL: no EPT stands between the walker and guest memory.
 */
#include <string.h>

#include "guest/pt_mem.h"
#include "tdpsim/trace.h"

/*
 * Is a paging-structure access a write, for EPT?  KVM enables EPT A/D bits, and with them
 * the CPU treats every guest paging-structure access as a write for EPT purposes, whether
 * or not this walk then sets an A or D bit (SDM vol. 3, "Accessed and Dirty Flags for
 * EPT").
 */
#define PT_ACCESS_IS_WRITE 1

/* Bits of a huge leaf's frame below its alignment, past PAT (bit 12), are reserved. */
static uint64_t huge_rsvd_mask(int level)
{
	return (level_size(level) - 1) & ~(uint64_t)(2 * PAGE_SIZE - 1);
}

/* A reserved bit set: PS in a PML5E or PML4E, or a misaligned huge frame. */
static int pte_reserved(uint64_t pte, int level)
{
	if (!(pte & PT_PAGE_SIZE_MASK) || level == PG_LEVEL_4K) /* bit 7 of a PTE is PAT */
		return 0;
	return level > PG_LEVEL_1G || (pte & huge_rsvd_mask(level));
}

static int pte_is_leaf(uint64_t pte, int level)
{
	return level == PG_LEVEL_4K || (pte & PT_PAGE_SIZE_MASK);
}

/* The error code's bits that say what the access was. */
static uint32_t access_bits(int kind, int cpl)
{
	uint32_t ec = cpl == 3 ? TDPSIM_PFERR_USER : 0;

	if (kind == GUEST_WRITE)
		ec |= TDPSIM_PFERR_WRITE;
	else if (kind == GUEST_FETCH)
		ec |= TDPSIM_PFERR_FETCH;
	return ec;
}

/* Rights combined over every level: U and R/W must be set in all, XD clear in all. */
static int permitted(uint64_t all_set, uint64_t any_nx, int kind, int cpl)
{
	if (cpl == 3 && !(all_set & PT_USER_MASK))
		return 0;
	if (kind == GUEST_WRITE && !(all_set & PT_WRITABLE_MASK))
		return 0; /* CR0.WP=1: supervisor writes obey R/W too */
	if (kind == GUEST_FETCH && any_nx)
		return 0;
	return 1;
}

static enum guest_walk_status page_fault(struct guest_walk *out, uint32_t error_code)
{
	out->error_code = error_code;
	return GUEST_WALK_PF;
}

/* A successful translation marks what it used: A on every level, D on the leaf of a write. */
static void set_accessed_dirty(uint64_t *const *ptep, int top, int leaf, int write)
{
	int level;

	for (level = top; level >= leaf; level--)
		if (!(*ptep[level] & PT_ACCESSED_MASK))
			*ptep[level] |= PT_ACCESSED_MASK;
	if (write && !(*ptep[leaf] & PT_DIRTY_MASK))
		*ptep[leaf] |= PT_DIRTY_MASK;
}

enum guest_walk_status guest_walk(struct guest_mm *g, uint32_t cr3, uint64_t gva, int kind,
				  int cpl, guest_gpa_access_fn access, void *ctx,
				  struct guest_walk *out)
{
	uint64_t *ptep[PT_MAX_LEVEL + 1];
	const struct addr_space *as;
	uint64_t table, pte, all_set = PT_USER_MASK | PT_WRITABLE_MASK, any_nx = 0;
	uint32_t ec = access_bits(kind, cpl);
	int level;

	memset(out, 0, sizeof(*out));
	if (!gva_canonical(g->levels, gva))
		return page_fault(out, 0);
	as = gpt_space(g, cr3);
	if (!as)
		return page_fault(out, ec);
	table = as->root;
	for (level = g->levels;; level--) {
		uint64_t pte_gpa = table + 8ull * pt_index(gva, level);
		uint64_t *entries;

		if (access && access(ctx, pte_gpa, PT_ACCESS_IS_WRITE)) {
			out->pt_gpa = pte_gpa;
			out->pt_write = PT_ACCESS_IS_WRITE;
			return GUEST_WALK_EPT;
		}
		out->refs++;
		entries = gpt_page(g, pte_gpa);
		ptep[level] = entries ? &entries[pt_index(gva, level)] : NULL;
		pte = entries ? *ptep[level] : 0;
		if (!(pte & PT_PRESENT_MASK))
			return page_fault(out, ec);
		if (pte_reserved(pte, level))
			return page_fault(out, ec | TDPSIM_PFERR_PRESENT | TDPSIM_PFERR_RSVD);
		all_set &= pte;
		any_nx |= pte & PT64_NX_MASK;
		if (pte_is_leaf(pte, level))
			break;
		table = pte & PT64_ADDR_MASK;
	}
	if (!permitted(all_set, any_nx, kind, cpl))
		return page_fault(out, ec | TDPSIM_PFERR_PRESENT);
	set_accessed_dirty(ptep, g->levels, level, kind == GUEST_WRITE);
	out->level = level;
	out->leaf_pte = *ptep[level];
	out->gpa = (pte & PT64_ADDR_MASK & ~(level_size(level) - 1)) |
		   (gva & (level_size(level) - 1));
	return GUEST_WALK_OK;
}

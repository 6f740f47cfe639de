/* SPDX-License-Identifier: MIT */
/* Building SPTEs as KVM's spte.c does (make_spte, make_small_spte, ...), in EPT format. */
#include "kvm/spte.h"
#include "tdpsim/trace.h"

uint64_t make_spte(int level, uint64_t pfn, unsigned access, bool host_writable,
		   bool prefetch, bool nx_huge_page_workaround, bool *wrprot)
{
	uint64_t spte = SPTE_MMU_PRESENT_MASK | VMX_EPT_READABLE_MASK;

	*wrprot = false;
	/* A prefetched SPTE starts without Accessed (mark_spte_for_access_track, A/D on). */
	if (!prefetch)
		spte |= SPTE_ACCESSED_MASK;
	/* NX huge pages: a huge leaf is never executable while the workaround is on. */
	if (level > PG_LEVEL_4K && (access & ACC_EXEC_MASK) && nx_huge_page_workaround)
		access &= ~ACC_EXEC_MASK;
	if (access & ACC_EXEC_MASK)
		spte |= VMX_EPT_EXECUTABLE_MASK;
	/* ACC_USER maps to R in EPT, already set as the present mask. */
	if (level > PG_LEVEL_4K)
		spte |= SPTE_PAGE_SIZE_MASK;
	spte |= VMX_EPT_MT_WB | VMX_EPT_IPAT_BIT; /* RAM, no non-coherent DMA */
	if (host_writable)
		spte |= SPTE_HOST_WRITABLE;
	else
		access &= ~ACC_WRITE_MASK;
	spte |= pfn << PAGE_SHIFT;
	/* In pure TDP nothing is write-tracked, so mmu_try_to_unsync_pages always allows:
	 * a writable SPTE is created with Dirty already set (spte.c make_spte). */
	if (access & ACC_WRITE_MASK)
		spte |= VMX_EPT_WRITABLE_MASK | SPTE_MMU_WRITABLE | SPTE_DIRTY_MASK;
	return spte;
}

uint64_t make_nonleaf_spte(uint64_t child_pfn)
{
	return SPTE_MMU_PRESENT_MASK | VMX_EPT_RWX_MASK | SPTE_ACCESSED_MASK |
	       (child_pfn << PAGE_SHIFT);
}

uint64_t make_small_spte(uint64_t huge_spte, int child_level, unsigned index, bool nx_huge)
{
	uint64_t child_pfn = spte_to_pfn(huge_spte) + (uint64_t)index * pages_per_hpage(child_level);
	uint64_t spte = (huge_spte & ~SPTE_PFN_MASK) | (child_pfn << PAGE_SHIFT);

	if (child_level == PG_LEVEL_4K) {
		spte &= ~SPTE_PAGE_SIZE_MASK;
		/* NX no longer applies at 4K: the split restores exec (TDP access is ACC_ALL). */
		if (nx_huge)
			spte |= VMX_EPT_EXECUTABLE_MASK;
	}
	return spte;
}

uint64_t make_mmio_spte(uint64_t gfn, uint64_t generation)
{
	uint64_t gen = generation & ((1ull << MMIO_SPTE_GEN_BITS) - 1);

	return SHADOW_MMIO_VALUE | ((gen & 0xff) << MMIO_SPTE_GEN_LOW_SHIFT) |
	       ((gen >> 8) << MMIO_SPTE_GEN_HIGH_SHIFT) | (gfn << PAGE_SHIFT);
}

bool spte_allows(uint64_t spte, int op)
{
	if (!is_shadow_present_pte(spte))
		return false;
	switch (op) {
	case TDPSIM_OP_WRITE: return spte & VMX_EPT_WRITABLE_MASK;
	case TDPSIM_OP_EXEC: return spte & VMX_EPT_EXECUTABLE_MASK;
	default: return spte & VMX_EPT_READABLE_MASK;
	}
}

/* SPDX-License-Identifier: MIT */
/* Building SPTEs as KVM's spte.c does (make_spte, make_small_spte, ...), in EPT format. */
#include "kvm/spte.h"
#include "kvm/kvm.h"
#include "kvm/shadow_mmu.h"
#include "tdpsim/trace.h"

/* kvm_mmu_set_ept_masks with has_exec_only (vmx.c: cpu_has_vmx_ept_execute_only, which the
 * modelled processors have): R is the user bit only, so that an SPTE for an execute-only
 * EPT12 page is execute-only too; SPTE_MMU_PRESENT_MASK says present. */
const struct spte_masks spte_masks_ept = {
	.present = 0,
	.user = VMX_EPT_READABLE_MASK,
	.x = VMX_EPT_EXECUTABLE_MASK,
	.nx = 0,
	.accessed = SPTE_ACCESSED_MASK,
	.dirty = SPTE_DIRTY_MASK,
	.host_writable = SPTE_HOST_WRITABLE,
	.mmu_writable = SPTE_MMU_WRITABLE,
	.mmio_value = SHADOW_MMIO_VALUE,
	.mmio_mask = SHADOW_MMIO_MASK,
	.memtype = VMX_EPT_MT_WB | VMX_EPT_IPAT_BIT, /* RAM, no non-coherent DMA */
	.acc_track = VMX_EPT_RWX_MASK,
};

/* kvm_mmu_set_ept_masks(has_ad_bits = false): no Accessed, no Dirty; every SPTE is aged by
 * access tracking. */
const struct spte_masks spte_masks_ept_noad = {
	.present = 0,
	.user = VMX_EPT_READABLE_MASK,
	.x = VMX_EPT_EXECUTABLE_MASK,
	.nx = 0,
	.accessed = 0,
	.dirty = 0,
	.host_writable = SPTE_HOST_WRITABLE,
	.mmu_writable = SPTE_MMU_WRITABLE,
	.mmio_value = SHADOW_MMIO_VALUE,
	.mmio_mask = SHADOW_MMIO_MASK,
	.memtype = VMX_EPT_MT_WB | VMX_EPT_IPAT_BIT,
	.acc_track = VMX_EPT_RWX_MASK,
};

/* The x86 format: software bits 9 and 10 (DEFAULT_SPTE_HOST_WRITABLE, _MMU_WRITABLE); an
 * MMIO SPTE is present with reserved bit 51 set, so the processor's walk faults with RSVD. */
const struct spte_masks spte_masks_x86 = {
	.present = PT_PRESENT_MASK,
	.user = PT_USER_MASK,
	.x = 0,
	.nx = PT64_NX_MASK,
	.accessed = PT_ACCESSED_MASK,
	.dirty = PT_DIRTY_MASK,
	.host_writable = 1ull << 9,
	.mmu_writable = 1ull << 10,
	.mmio_value = (1ull << 51) | PT_PRESENT_MASK,
	.mmio_mask = (1ull << 51) | PT_PRESENT_MASK,
	.memtype = 0,
};

/*
 * The goto out of make_spte over a writable old SPTE, by release: `keep` builds the new
 * SPTE without the unsync attempt and without Dirty, `*skip_unsync` only skips the attempt.
 */
static bool old_writable_keeps(enum spte_old_writable rule, uint64_t old_spte, int level,
			       bool synchronizing, bool *skip_unsync)
{
	bool leaf = is_last_spte(old_spte, level), keep;

	*skip_unsync = false;
	if (!is_writable_pte(old_spte))
		return false;
	switch (rule) {
	case OLD_WRITABLE_SYNC_KEEPS: /* <= 5.15: if (!can_unsync && is_writable_pte(old)) */
		keep = synchronizing;
		break;
	case OLD_WRITABLE_KEEPS: /* 5.16: if (is_writable_pte(old)), tables too */
		keep = true;
		break;
	case OLD_WRITABLE_LEAF_KEEPS: /* 6.13's fix in 6.6.y/6.12.y: a leaf only */
		keep = leaf;
		break;
	default: /* 6.13: Dirty always; a writable leaf needs no unsync */
		*skip_unsync = leaf;
		return false;
	}
	*skip_unsync = keep;
	return keep;
}

bool make_spte(struct kvm_vcpu *vcpu, const struct kvm_mmu_page *sp,
	       struct kvm_memory_slot *slot, unsigned pte_access, uint64_t gfn, uint64_t pfn,
	       uint64_t old_spte, bool prefetch, bool synchronizing, bool host_writable,
	       uint64_t *new_spte)
{
	struct kvm *kvm = vcpu->kvm;
	const struct spte_masks *m = kvm->spte;
	int level = sp->role.level;
	uint64_t spte = SPTE_MMU_PRESENT_MASK | m->present;
	bool wrprot = false, keep, skip_unsync;
	/* spte_shadow_accessed_mask / spte_shadow_dirty_mask: none on an A/D-less SPTE */
	uint64_t accessed = sp->role.ad_disabled ? 0 : m->accessed;
	uint64_t dirty = sp->role.ad_disabled ? 0 : m->dirty;

	if (sp->role.ad_disabled)
		spte |= SPTE_TDP_AD_DISABLED;
	if (!prefetch || synchronizing)
		spte |= accessed;
	/* NX huge pages: a huge leaf is never executable while the workaround is on, in
	 * every MMU (the shadow MMU's too, for simplicity, as KVM says). */
	if (level > PG_LEVEL_4K && (pte_access & ACC_EXEC_MASK) && is_nx_huge_page_enabled(kvm))
		pte_access &= ~ACC_EXEC_MASK;
	spte |= pte_access & ACC_EXEC_MASK ? m->x : m->nx;
	if (pte_access & ACC_USER_MASK)
		spte |= m->user;
	if (level > PG_LEVEL_4K)
		spte |= SPTE_PAGE_SIZE_MASK;
	spte |= m->memtype;
	if (host_writable)
		spte |= m->host_writable;
	else
		pte_access &= ~ACC_WRITE_MASK;
	spte |= pfn << PAGE_SHIFT;
	if (pte_access & ACC_WRITE_MASK) {
		spte |= VMX_EPT_WRITABLE_MASK | m->mmu_writable;
		keep = old_writable_keeps(kvm->profile->make_spte_old_writable, old_spte, level,
					  synchronizing, &skip_unsync);
		/* Unsync the guest tables the writable SPTE reaches, or write-protect it. */
		if (!skip_unsync && mmu_try_to_unsync_pages(kvm, slot, gfn, synchronizing, prefetch)) {
			wrprot = true;
			spte &= ~(VMX_EPT_WRITABLE_MASK | m->mmu_writable);
		} else if (!keep) {
			spte |= dirty;
		}
	}
	/* A prefetched SPTE starts old: without Accessed, or access-tracked (A/D-less). */
	if (prefetch && !synchronizing)
		spte = mark_spte_for_access_track(m, spte);
	/* Only ever 4K while logging: kvm_mmu_hugepage_adjust maps nothing larger. */
	if (slot && is_writable_pte(spte))
		mark_page_dirty_in_slot(slot, gfn);
	*new_spte = spte;
	return wrprot;
}

uint64_t make_nonleaf_spte(const struct spte_masks *m, uint64_t child_pfn)
{
	return SPTE_MMU_PRESENT_MASK | m->present | VMX_EPT_WRITABLE_MASK | m->user | m->x |
	       m->accessed | (child_pfn << PAGE_SHIFT);
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

uint64_t make_mmio_spte(const struct spte_masks *m, uint64_t gfn, uint64_t generation)
{
	uint64_t gen = generation & ((1ull << MMIO_SPTE_GEN_BITS) - 1);

	return m->mmio_value | ((gen & 0xff) << MMIO_SPTE_GEN_LOW_SHIFT) |
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

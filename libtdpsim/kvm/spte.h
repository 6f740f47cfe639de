/* SPDX-License-Identifier: MIT */
/*
 * Internal: KVM's SPTEs in EPT format (spte.h, vmx.h, vmx.c kvm_mmu_set_ept_masks).  Leaf and
 * non-leaf entries of KVM's own tables, with KVM's software bits: MMU-present (bit 11),
 * host-writable (57) and MMU-writable (58).
 */
#ifndef TDPSIM_KVM_SPTE_H
#define TDPSIM_KVM_SPTE_H

#include <stdbool.h>
#include <stdint.h>

#include "x86/paging.h"

#define VMX_EPT_READABLE_MASK 0x1ull
#define VMX_EPT_WRITABLE_MASK 0x2ull
#define VMX_EPT_EXECUTABLE_MASK 0x4ull
#define VMX_EPT_RWX_MASK 0x7ull
#define VMX_EPT_MT_EPTE_SHIFT 3
#define VMX_EPT_MT_WB (6ull << VMX_EPT_MT_EPTE_SHIFT)
#define VMX_EPT_IPAT_BIT (1ull << 6)
#define SPTE_PAGE_SIZE_MASK (1ull << 7)   /* PS: a huge leaf at level 2 or 3 */
#define SPTE_ACCESSED_MASK (1ull << 8)    /* EPT A (EPTP A/D enabled) */
#define SPTE_DIRTY_MASK (1ull << 9)       /* EPT D */
#define SPTE_MMU_PRESENT_MASK (1ull << 11) /* KVM's "shadow-present" */
/* SPTE_TDP_AD_*: whether an EPT SPTE has A/D bits - KVM's marker in bits 52-53, set on SPTEs
 * of pages whose role is ad_disabled (EPT A/D off: kvm_intel.ept_ad=0, or L1's EPTP has no
 * A/D for L2).  Such SPTEs are aged by access tracking instead. */
#define SPTE_TDP_AD_SHIFT 52
#define SPTE_TDP_AD_MASK (3ull << SPTE_TDP_AD_SHIFT)
#define SPTE_TDP_AD_DISABLED (1ull << SPTE_TDP_AD_SHIFT)
/* An access-tracked SPTE keeps its R and X in bits 54 and 56 while RWX are clear. */
#define SHADOW_ACC_TRACK_SAVED_BITS_MASK (VMX_EPT_READABLE_MASK | VMX_EPT_EXECUTABLE_MASK)
#define SHADOW_ACC_TRACK_SAVED_BITS_SHIFT 54
#define SPTE_HOST_WRITABLE (1ull << 57)
#define SPTE_MMU_WRITABLE (1ull << 58)
#define SHADOW_NONPRESENT_VALUE (1ull << 63) /* suppress #VE: KVM's non-present value */
#define SPTE_PFN_MASK 0x000ffffffffff000ull

/* MMIO SPTEs: W|X without R, an EPT misconfiguration; gfn and generation inside. */
#define SHADOW_MMIO_VALUE (VMX_EPT_WRITABLE_MASK | VMX_EPT_EXECUTABLE_MASK)
#define SHADOW_MMIO_MASK VMX_EPT_RWX_MASK
#define MMIO_SPTE_GEN_LOW_SHIFT 3   /* generation bits 0..7 in SPTE bits 3..10 */
#define MMIO_SPTE_GEN_HIGH_SHIFT 52 /* generation bits 8..18 in SPTE bits 52..62 */
#define MMIO_SPTE_GEN_BITS 19

/* KVM's access bits (ACC_*): what make_spte is allowed to grant. */
#define ACC_EXEC_MASK 1u
#define ACC_WRITE_MASK 2u
#define ACC_USER_MASK 4u
#define ACC_ALL (ACC_EXEC_MASK | ACC_WRITE_MASK | ACC_USER_MASK)

static inline bool is_shadow_present_pte(uint64_t spte)
{
	return spte & SPTE_MMU_PRESENT_MASK;
}

static inline bool is_mmio_spte(uint64_t spte)
{
	return (spte & SHADOW_MMIO_MASK) == SHADOW_MMIO_VALUE && !is_shadow_present_pte(spte);
}

static inline bool is_large_pte(uint64_t spte)
{
	return spte & SPTE_PAGE_SIZE_MASK;
}

/* A leaf at `level`: every present 4K entry, or a huge one. */
static inline bool is_last_spte(uint64_t spte, int level)
{
	return level == PG_LEVEL_4K || is_large_pte(spte);
}

static inline uint64_t spte_to_pfn(uint64_t spte)
{
	return (spte & SPTE_PFN_MASK) >> PAGE_SHIFT;
}

static inline bool is_writable_pte(uint64_t spte)
{
	return spte & VMX_EPT_WRITABLE_MASK;
}

static inline bool is_mmu_writable_spte(uint64_t spte)
{
	return spte & SPTE_MMU_WRITABLE;
}

static inline bool is_executable_pte(uint64_t spte)
{
	return spte & VMX_EPT_EXECUTABLE_MASK;
}

static inline uint64_t mmio_spte_gen(uint64_t spte)
{
	return ((spte >> MMIO_SPTE_GEN_LOW_SHIFT) & 0xff) |
	       (((spte >> MMIO_SPTE_GEN_HIGH_SHIFT) & 0x7ff) << 8);
}

struct kvm_mmu_page;

/*
 * KVM's shadow_*_mask (spte.c: kvm_mmu_set_ept_masks under EPT, kvm_mmu_reset_all_pte_masks
 * for shadow paging): the format of every SPTE the VM's MMUs write.  Both formats share
 * bit 0 (EPT R / x86 P: "readable"), bit 1 (W), bit 7 (PS), bit 11 (MMU-present) and the
 * frame bits, so the helpers above that use only those serve both; the rest differ.
 */
struct spte_masks {
	uint64_t present;       /* shadow_present_mask */
	uint64_t user;          /* shadow_user_mask (EPT: R) */
	uint64_t x, nx;         /* shadow_x_mask (EPT) or shadow_nx_mask (x86) */
	uint64_t accessed, dirty;
	uint64_t host_writable; /* shadow_host_writable_mask */
	uint64_t mmu_writable;  /* shadow_mmu_writable_mask */
	uint64_t mmio_value, mmio_mask;
	uint64_t memtype;       /* what get_mt_mask adds to a leaf (EPT: WB, ignore PAT) */
	uint64_t acc_track;     /* shadow_acc_track_mask: cleared to access-track (EPT: RWX) */
};

extern const struct spte_masks spte_masks_ept; /* kvm_mmu_set_ept_masks, A/D enabled */
extern const struct spte_masks spte_masks_ept_noad; /* ... without A/D (ept_ad=0) */
extern const struct spte_masks spte_masks_x86; /* kvm_mmu_reset_all_pte_masks, MAXPHYADDR < 52 */

/* is_executable_pte: X set (EPT) or NX clear (x86). */
static inline bool spte_executable(const struct spte_masks *m, uint64_t spte)
{
	return (spte & (m->x | m->nx)) == m->x;
}

static inline bool spte_is_mmio(const struct spte_masks *m, uint64_t spte)
{
	return (spte & m->mmio_mask) == m->mmio_value && !is_shadow_present_pte(spte);
}

/* spte_ad_enabled: the SPTE has A/D bits (always in the x86 format, which has no marker). */
static inline bool spte_ad_enabled(uint64_t spte)
{
	return (spte & SPTE_TDP_AD_MASK) != SPTE_TDP_AD_DISABLED;
}

/* is_access_track_spte: an A/D-less SPTE aged by clearing its RWX. */
static inline bool is_access_track_spte(const struct spte_masks *m, uint64_t spte)
{
	return !spte_ad_enabled(spte) && !(spte & m->acc_track);
}

/* is_accessed_spte: young - A set, or (A/D-less) not access-tracked. */
static inline bool is_accessed_spte(const struct spte_masks *m, uint64_t spte)
{
	return spte_ad_enabled(spte) ? (spte & m->accessed) != 0 : !is_access_track_spte(m, spte);
}

/* mark_spte_for_access_track: clear A, or (A/D-less) save R/X and clear RWX, so that the
 * next access faults and fast_page_fault restores it. */
static inline uint64_t mark_spte_for_access_track(const struct spte_masks *m, uint64_t spte)
{
	if (spte_ad_enabled(spte))
		return spte & ~m->accessed;
	if (is_access_track_spte(m, spte))
		return spte;
	spte |= (spte & SHADOW_ACC_TRACK_SAVED_BITS_MASK) << SHADOW_ACC_TRACK_SAVED_BITS_SHIFT;
	return spte & ~m->acc_track;
}

/* restore_acc_track_spte: the saved R/X back (W comes back only through the fast path's
 * MMU-writable rule). */
static inline uint64_t restore_acc_track_spte(const struct spte_masks *m, uint64_t spte)
{
	uint64_t saved = (spte >> SHADOW_ACC_TRACK_SAVED_BITS_SHIFT) &
			 SHADOW_ACC_TRACK_SAVED_BITS_MASK;

	spte &= ~(m->acc_track | (SHADOW_ACC_TRACK_SAVED_BITS_MASK <<
				  SHADOW_ACC_TRACK_SAVED_BITS_SHIFT));
	return spte | saved;
}

struct kvm_vcpu;
struct kvm_memory_slot;

/*
 * make_spte (spte.c): in *new_spte, the leaf SPTE that maps `gfn` to `pfn` in `sp` (at its
 * level) with `pte_access` (ACC_*), in the VM's format, to replace `old_spte`.  `prefetch`
 * leaves Accessed clear unless `synchronizing` (FNAME(sync_spte)); without `host_writable`
 * there is no write.  A write is granted (with Dirty) only where mmu_try_to_unsync_pages
 * allows it; over a writable old SPTE the profile says what is skipped
 * (make_spte_old_writable).  A writable result marks gfn dirty in a dirty-logged slot
 * (mark_page_dirty_in_slot).  Returns whether the write was taken away (wrprot).
 */
bool make_spte(struct kvm_vcpu *vcpu, const struct kvm_mmu_page *sp,
	       struct kvm_memory_slot *slot, unsigned pte_access, uint64_t gfn, uint64_t pfn,
	       uint64_t old_spte, bool prefetch, bool synchronizing, bool host_writable,
	       uint64_t *new_spte);

/* The write access make_spte takes back when the gfn may not be written (wrprot). */
static inline uint64_t spte_wrprot(const struct spte_masks *m, uint64_t spte)
{
	return spte & ~(VMX_EPT_WRITABLE_MASK | m->mmu_writable | m->dirty);
}

/* make_nonleaf_spte: a link to a child table, full access (restrictions live in leaves). */
uint64_t make_nonleaf_spte(const struct spte_masks *m, uint64_t child_pfn);

/* make_small_spte: child `index` of `huge_spte` at `child_level` (splits); exec restored at
 * 4K when the NX workaround took it away. */
uint64_t make_small_spte(uint64_t huge_spte, int child_level, unsigned index, bool nx_huge);

/* make_mmio_spte (mark_mmio_spte): an MMIO SPTE for gfn with the memslot generation. */
uint64_t make_mmio_spte(const struct spte_masks *m, uint64_t gfn, uint64_t generation);

/* The access an EPT leaf grants: TDPSIM_OP_* allowed? */
bool spte_allows(uint64_t spte, int op);

#endif

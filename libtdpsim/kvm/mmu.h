/* SPDX-License-Identifier: MIT */
/*
 * Internal: the MMU as the rest of KVM calls it (mmu.c, after KVM's mmu.h): creating and
 * loading each vCPU's MMU context, and the operations over slots and ranges that every MMU
 * takes part in.  Each fans out as KVM's does - the rmap-based part first, then the TDP
 * MMU's - so callers never name an MMU.
 */
#ifndef TDPSIM_KVM_MMU_H
#define TDPSIM_KVM_MMU_H

#include "kvm/kvm.h"

/*
 * kvm_mmu_max_gfn (mmu.h): the last gfn KVM maps.  Under TDP the host's MAXPHYADDR, not the
 * guest's: EPT cannot map a GPA beyond what the host addresses, and a guest access beyond
 * it takes a #PF(RSVD) in the guest, never an EPT violation.  Shadow paging: 52 bits.
 */
static inline uint64_t kvm_mmu_max_gfn(const struct kvm *kvm)
{
	unsigned bits = kvm->tdp_enabled ? kvm->host_maxphyaddr : 52;

	return (1ull << (bits - PAGE_SHIFT)) - 1;
}

/* The roots of an MMU, as kvm_mmu_free_roots and kvm_mmu_invalidate_addr name them. */
#define KVM_MMU_ROOT_CURRENT 1u
#define KVM_MMU_ROOT_PREVIOUS(i) (1u << (1 + (i)))
#define KVM_MMU_ROOTS_ALL ((1u << (1 + KVM_MMU_NUM_PREV_ROOTS)) - 1)

/* kvm_mmu_create + kvm_init_mmu: the vCPU's contexts, root_mmu chosen as KVM chooses it
 * (init_kvm_tdp_mmu under TDP). */
void kvm_mmu_create(struct kvm_vcpu *vcpu);
/* kvm_mmu_load: make sure the MMU in use has a root (allocating it, or finding the one of
 * the same role); 0 or a negative code. */
int kvm_mmu_load(struct kvm_vcpu *vcpu);
/* kvm_mmu_reload (mmu.h): before every entry, load only if there is no root. */
static inline int kvm_mmu_reload(struct kvm_vcpu *vcpu)
{
	if (__builtin_expect(vcpu->arch.mmu->root.hpa != INVALID_PAGE, 1))
		return 0;
	return kvm_mmu_load(vcpu);
}
/* KVM_REQ_MMU_FREE_OBSOLETE_ROOTS: the vCPU lets go of the roots a zap made obsolete, in
 * root_mmu and guest_mmu. */
void kvm_mmu_free_obsolete_roots(struct kvm_vcpu *vcpu);
/* kvm_mmu_free_roots: the roots of `mmu` named by KVM_MMU_ROOT_* bits are put. */
void kvm_mmu_free_roots(struct kvm *kvm, struct kvm_mmu *mmu, unsigned roots_to_free);
/* kvm_init_shadow_ept_mmu (nested EPT): guest_mmu for L1's EPTP new_eptp; see mmu.c. */
void kvm_init_shadow_ept_mmu(struct kvm_vcpu *vcpu, bool accessed_dirty, uint64_t new_eptp);
/* The VM's MMU state at creation and teardown (kvm_mmu_init_vm / kvm_mmu_uninit_vm); the
 * TDP MMU or the legacy one, as tdp_mmu= says. */
int kvm_mmu_init_vm(struct kvm *kvm, bool tdp_mmu);
void kvm_mmu_uninit_vm(struct kvm *kvm);
/* A memslot was created, deleted, moved or changed (kvm_arch_commit_memory_region). */
void kvm_mmu_memslots_changed(struct kvm *kvm, bool created_or_deleted);

/* kvm_mmu_zap_all_fast: every mapping of every MMU goes (a memslot deleted or moved, the
 * NX mitigation flipped); true if the caller must flush. */
bool kvm_mmu_zap_all_fast(struct kvm *kvm);
/* set_nx_huge_pages: the mitigation changed at run time; KVM zaps every mapping. */
void kvm_mmu_nx_huge_pages_changed(struct kvm *kvm);

/* kvm_ad_enabled: KVM's SPTEs have A/D bits (EPT A/D on, or the x86 format). */
static inline bool kvm_ad_enabled(const struct kvm *kvm)
{
	return kvm->spte->accessed != 0;
}

/* kvm_age_gfn / kvm_test_age_gfn (the MMU notifier's young callbacks) over gfns [start,
 * end): young or not; kvm_age_gfn also ages every young SPTE (clears A, or access-tracks). */
bool kvm_age_gfn(struct kvm *kvm, uint64_t start, uint64_t end);
bool kvm_test_age_gfn(struct kvm *kvm, uint64_t start, uint64_t end);
/* kvm_unmap_gfn_range (the MMU notifier): zap what maps [start, end); true: flush. */
bool kvm_unmap_gfn_range(struct kvm *kvm, uint64_t start, uint64_t end);

/* Dirty logging's operations (x86.c kvm_mmu_slot_apply_flags and the dirty-log ioctls). */
void kvm_mmu_slot_remove_write_access(struct kvm *kvm, const struct kvm_memory_slot *slot,
				      int start_level);
void kvm_mmu_slot_leaf_clear_dirty(struct kvm *kvm, const struct kvm_memory_slot *slot);
void kvm_mmu_slot_try_split_huge_pages(struct kvm *kvm, const struct kvm_memory_slot *slot,
				       int target_level);
void kvm_mmu_try_split_huge_pages(struct kvm *kvm, const struct kvm_memory_slot *slot,
				  uint64_t start, uint64_t end, int target_level);
/* Logging off gives back what eager splitting kept in its caches. */
void kvm_mmu_free_eager_page_split_caches(struct kvm *kvm);
void kvm_arch_mmu_enable_log_dirty_pt_masked(struct kvm *kvm, struct kvm_memory_slot *slot,
					     uint64_t gfn_offset, uint64_t mask);
/* Dirty logging off: huge pages back, as the profile's kernel does it
 * (kvm_mmu_recover_huge_pages 6.13+, kvm_mmu_zap_collapsible_sptes before). */
void kvm_mmu_recover_huge_pages(struct kvm *kvm, const struct kvm_memory_slot *slot);

/* The NX recovery worker's zap of one tracked page (kvm_recover_nx_huge_pages), and the
 * flush at the end of its pass (kvm_mmu_remote_flush_or_zap: true if it flushed). */
void kvm_mmu_zap_possible_nx_huge_page(struct kvm *kvm, struct kvm_mmu_page *sp);
bool kvm_mmu_remote_flush_or_zap(struct kvm *kvm, bool flush);

/* KVM_REQ_TLB_FLUSH_CURRENT, served before the vCPU enters again: the entries of its
 * current context (the machine's flush_tlb_current). */
static inline void kvm_flush_tlb_current(struct kvm_vcpu *vcpu)
{
	if (vcpu->kvm->flush_tlb_current)
		vcpu->kvm->flush_tlb_current(vcpu->kvm->flush_ctx, vcpu->vcpu_idx);
}

/* Before 5.16 the shadow MMU flushed the current vCPU's TLB after a sync and after making
 * an SPTE read-only for a shadowed guest table (profile shadow_sync). */
static inline bool shadow_flushes_current(const struct kvm *kvm)
{
	return kvm->profile->shadow_sync != SHADOW_SYNC_FLUSH;
}

/* The entry the walk to gfn ends at in the root of the MMU in use on vcpu 0's side
 * (the lockless walks of the fast path and of the MMIO check), and its level. */
uint64_t *kvm_mmu_get_last_sptep(const struct kvm *kvm, uint64_t root_hpa, uint64_t gfn,
				 int *level);

/* kvm_flush_remote_tlbs (kvm_main.c): every vCPU's TLB entries from KVM's tables go. */
void kvm_flush_remote_tlbs(struct kvm *kvm);

/* The SP of a root's hpa (root_to_sp). */
static inline struct kvm_mmu_page *root_to_sp(const struct kvm *kvm, uint64_t hpa)
{
	return spte_to_child_sp(&kvm->pool, hpa);
}

/* kvm_mmu_slot_gfn_write_protect: no leaf mapping gfn at min_level or above stays writable
 * (rmaps, then the TDP MMU); true if the caller must flush. */
bool kvm_mmu_slot_gfn_write_protect(struct kvm *kvm, struct kvm_memory_slot *slot,
				    uint64_t gfn, int min_level);

/* ---- shadow paging (shadow_paging.c) ---- */

/* kvm_mmu_new_pgd: a guest CR3 load; the root for it from the cached ones, or none (then
 * kvm_mmu_reload makes one).  The caller then syncs (kvm_mmu_sync_roots) and flushes. */
void kvm_mmu_new_pgd(struct kvm_vcpu *vcpu, uint64_t new_pgd);
/* KVM_REQ_MMU_SYNC: the unsync pages under the current root are synced. */
void kvm_mmu_sync_roots(struct kvm_vcpu *vcpu);
/* kvm_mmu_invalidate_addr: addr's SPTEs in unsync pages of `mmu` are synced in the roots
 * named (KVM_MMU_ROOT_*), and - a gva, unless mmu is guest_mmu, whose addresses are L2
 * gpas - its processor TLB entry goes.  kvm_mmu_invlpg is INVLPG's exit: every root of
 * walk_mmu, counted in invlpg. */
void kvm_mmu_invalidate_addr(struct kvm_vcpu *vcpu, struct kvm_mmu *mmu, uint64_t addr,
			     unsigned roots);
void kvm_mmu_invlpg(struct kvm_vcpu *vcpu, uint64_t gva);
/* kvm_mmu_track_write (kvm_page_track_write): an emulated guest write of `bytes` at gpa,
 * `new_gpte` what it stores, reaching the shadow pages of the guest table there. */
void kvm_mmu_track_write(struct kvm_vcpu *vcpu, uint64_t gpa, uint64_t new_gpte, unsigned bytes);
/* A guest store of 8 bytes to a page-table entry at gpa (shadow paging; see the function). */
int kvm_mmu_guest_pte_store(struct kvm_vcpu *vcpu, uint64_t gpa, uint64_t value);
/* The emulator's write of 8 bytes at gva (x86.c emulator_write_phys): translated by the
 * guest's tables in software, the memory written (and logged), the page-track notifier
 * told. */
void kvm_emulate_guest_write(struct kvm_vcpu *vcpu, uint64_t gva, uint32_t access);
/* emulator_write_phys: the emulator's write of `value` (8 bytes) at a gpa, logged and told
 * to the page-track notifier (a write to a table KVM shadows). */
void kvm_emulate_gpa_write(struct kvm_vcpu *vcpu, uint64_t gpa, uint64_t value);
/* kvm_set_cr3: the guest loads CR3 = cr3 (the gpa of its top-level table). */
void kvm_set_cr3(struct kvm_vcpu *vcpu, uint64_t cr3);

/* --check: recount and verify (after KVM's BUG/WARN checks); 0 or EINTERNAL naming what broke. */
int kvm_mmu_check(const struct kvm *kvm);

#endif

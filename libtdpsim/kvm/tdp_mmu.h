/* SPDX-License-Identifier: MIT */
/*
 * Internal: the TDP MMU (tdp_mmu.c): mapping, splitting and zapping in KVM's own tables.
 * Only mmu.c calls these (KVM's mmu.c fans out to them); everything else goes through
 * kvm/mmu.h.
 */
#ifndef TDPSIM_KVM_TDP_MMU_H
#define TDPSIM_KVM_TDP_MMU_H

#include "kvm/kvm.h"

struct kvm_page_fault;

/* for_each_tdp_mmu_root: every root on kvm->tdp_mmu_roots, newest first. */
#define for_each_tdp_mmu_root(kvm, root)                                                   \
	for ((root) = (kvm)->tdp_mmu_roots == SP_NONE ? NULL                               \
						       : sp_by_id(&(kvm)->pool, (kvm)->tdp_mmu_roots); \
	     (root); (root) = (root)->next_root == SP_NONE ? NULL                           \
							     : sp_by_id(&(kvm)->pool, (root)->next_root))

/* kvm_tdp_mmu_get_vcpu_root_hpa: the root of the vCPU's role, found or made. */
int kvm_tdp_mmu_get_vcpu_root_hpa(struct kvm_vcpu *vcpu, uint64_t *hpa);

/* kvm_tdp_mmu_map: hugepage_adjust, then walk, split, link and set the target SPTE. */
int kvm_tdp_mmu_map(struct kvm_vcpu *vcpu, struct kvm_page_fault *fault);

/* kvm_tdp_mmu_age_gfn_range / kvm_tdp_mmu_test_age_gfn: young leaves of [start, end);
 * unless test_only, each is aged. */
bool kvm_tdp_mmu_age_gfn_range(struct kvm *kvm, uint64_t start, uint64_t end, bool test_only);
/* kvm_tdp_mmu_unmap_gfn_range: zap every leaf that maps part of [start, end) (gfns); true
 * if any was zapped, so the caller must flush. */
bool kvm_tdp_mmu_unmap_gfn_range(struct kvm *kvm, uint64_t start, uint64_t end);

/* Zap everything below every root; true if anything was zapped. */
bool kvm_tdp_mmu_zap_all(struct kvm *kvm);

/* kvm_mmu_zap_all_fast's TDP MMU part, as the profile's release does it (tdp_fast_zap):
 * zap every root in place (5.10), or invalidate the roots, zap them, give the vCPUs new
 * roots and free the old ones (5.13+).  True if the caller must flush (5.10-5.17, when
 * anything was zapped). */
bool kvm_tdp_mmu_zap_all_fast(struct kvm *kvm);

/* The last SPTE on the walk to gfn in `root` (the leaf, or the first non-present entry)
 * and its level, as kvm_tdp_mmu_fast_pf_get_last_sptep finds it for the lockless paths. */
uint64_t *kvm_tdp_mmu_get_last_sptep(const struct kvm *kvm, const struct kvm_mmu_page *root,
				     uint64_t gfn, int *level);

/* Dirty logging (x86.c kvm_mmu_slot_apply_flags and what it calls in tdp_mmu.c). */
bool kvm_tdp_mmu_wrprot_slot(struct kvm *kvm, const struct kvm_memory_slot *slot, int min_level);
bool kvm_tdp_mmu_clear_dirty_slot(struct kvm *kvm, const struct kvm_memory_slot *slot);
void kvm_tdp_mmu_clear_dirty_pt_masked(struct kvm *kvm, uint64_t gfn, uint64_t mask,
				       bool wrprot);
bool kvm_tdp_mmu_write_protect_gfn(struct kvm *kvm, uint64_t gfn, int min_level);
void kvm_tdp_mmu_try_split_huge_pages(struct kvm *kvm, uint64_t start, uint64_t end,
				      int target_level);
void kvm_tdp_mmu_recover_huge_pages(struct kvm *kvm, const struct kvm_memory_slot *slot);

/* NX recovery: zap a tracked SP (through its parent SPTE). */
void kvm_tdp_mmu_zap_possible_nx_huge_page(struct kvm *kvm, struct kvm_mmu_page *sp);

#endif

/* SPDX-License-Identifier: MIT */
/* Internal: the TDP MMU (tdp_mmu.c): mapping, splitting and zapping in KVM's own tables. */
#ifndef TDPSIM_KVM_TDP_MMU_H
#define TDPSIM_KVM_TDP_MMU_H

#include "kvm/kvm.h"

/* KVM's RET_PF_* values (mmu_internal.h, 6.12+). */
enum {
	RET_PF_CONTINUE = 0,
	RET_PF_RETRY = 1,
	RET_PF_EMULATE = 2,
	RET_PF_WRITE_PROTECTED = 3,
	RET_PF_INVALID = 4,
	RET_PF_FIXED = 5,
	RET_PF_SPURIOUS = 6,
};

int kvm_tdp_mmu_alloc_root(struct kvm *kvm);

/* kvm_tdp_mmu_map: hugepage_adjust, then walk, split, link and set the target SPTE. */
int kvm_tdp_mmu_map(struct kvm *kvm, struct kvm_page_fault *fault);

/* Zap every leaf that maps part of [start, end) (gfns); true if any was zapped, so the
 * caller must flush. */
bool kvm_tdp_mmu_zap_leafs(struct kvm *kvm, uint64_t start, uint64_t end);

/* Zap everything below the root (memslot deletion or move with KVM_X86_QUIRK_SLOT_ZAP_ALL,
 * the 6.x default); true if anything was zapped. */
bool kvm_tdp_mmu_zap_all(struct kvm *kvm);

/* The last SPTE on the walk to gfn (the leaf, or the first non-present entry) and its level,
 * as kvm_tdp_mmu_fast_pf_get_last_sptep finds it for the lockless paths. */
uint64_t *kvm_tdp_mmu_get_last_sptep(const struct kvm *kvm, uint64_t gfn, int *level);

/* Write a leaf's new value outside the map path (fast_page_fault), telling the hooks. */
void kvm_tdp_mmu_set_leaf_fast(struct kvm *kvm, uint64_t *sptep, uint64_t gfn, int level,
			       uint64_t new_spte);

/* kvm_flush_remote_tlbs: every vCPU's TLB entries from KVM's tables go. */
void kvm_flush_remote_tlbs(struct kvm *kvm);

/* Access already allowed by the SPTE for this fault (is_access_allowed). */
bool is_access_allowed(const struct kvm_page_fault *fault, uint64_t spte);

/* The public descriptor of a fault (for hooks and the policy). */
void kvm_fault_describe(const struct kvm_page_fault *f, int result, tdpsim_fault *out);

/* NX recovery: zap a tracked SP (through its parent SPTE), or just unaccount it. */
void kvm_tdp_mmu_zap_sp(struct kvm *kvm, struct kvm_mmu_page *sp);
void unaccount_nx_huge_page(struct kvm *kvm, struct kvm_mmu_page *sp);

/* kvm_mmu_max_mapping_level for a gfn of a slot: lpage_info, then the host's level. */
int kvm_mmu_max_mapping_level_gfn(const struct kvm *kvm, const struct kvm_memory_slot *slot,
				  uint64_t gfn);

/* From mmu.c, used by the map walk. */
void kvm_mmu_hugepage_adjust(struct kvm *kvm, struct kvm_page_fault *fault);
void disallowed_hugepage_adjust(struct kvm *kvm, struct kvm_page_fault *fault, uint64_t spte,
				int cur_level);

#endif

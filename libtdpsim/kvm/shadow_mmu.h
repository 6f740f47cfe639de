/* SPDX-License-Identifier: MIT */
/*
 * Internal: the rmap-based MMU (shadow_mmu.c) - KVM's mmu.c without the TDP MMU: role-keyed
 * shadow pages in mmu_page_hash and on active_mmu_pages, the rmaps, mmu_set_spte, zapping
 * with prepare/commit, the shadow-page budget, and direct_page_fault for the legacy TDP MMU
 * (tdp_mmu=0).  Only mmu.c calls these.
 */
#ifndef TDPSIM_KVM_SHADOW_MMU_H
#define TDPSIM_KVM_SHADOW_MMU_H

#include "kvm/kvm.h"

struct kvm_page_fault;

#define KVM_MMU_HASH_SHIFT 12
#define KVM_NUM_MMU_PAGES (1u << KVM_MMU_HASH_SHIFT)
#define KVM_MIN_FREE_MMU_PAGES 5
#define KVM_REFILL_PAGES 25
#define KVM_MIN_ALLOC_MMU_PAGES 64
#define KVM_MEMSLOT_PAGES_TO_MMU_PAGES_RATIO 50
#define PTE_PREFETCH_NUM 8
#define RMAP_RECYCLE_THRESHOLD 1000

/* The rmap-based MMU's state, at VM creation (kvm_mmu_init_vm) and teardown. */
int kvm_shadow_mmu_init_vm(struct kvm *kvm);
void kvm_shadow_mmu_uninit_vm(struct kvm *kvm);

/* mmu_alloc_direct_roots: the vCPU's root (found by role, or made); its hpa. */
int mmu_alloc_direct_roots(struct kvm_vcpu *vcpu, uint64_t *hpa);

/* mmu_free_root_page: the vCPU lets go of the root at *hpa (INVALID_PAGE after). */
void mmu_free_root(struct kvm *kvm, uint64_t *hpa);
/* is_obsolete_root: the root was zapped or belongs to an old generation. */
bool is_obsolete_root(const struct kvm *kvm, uint64_t hpa);

/* direct_page_fault (legacy TDP): fast path, faultin, staleness, the budget, direct_map.
 * The fast path and faultin are mmu.c's, passed in. */
int direct_map(struct kvm_vcpu *vcpu, struct kvm_page_fault *fault);
/* make_mmu_pages_available: zap the oldest pages until KVM_REFILL_PAGES are free. */
int make_mmu_pages_available(struct kvm_vcpu *vcpu);
/* kvm_mmu_change_mmu_pages with kvm_mmu_calculate_default_mmu_pages (a memslot created or
 * deleted, KVM_SET_NR_MMU_PAGES not used). */
void kvm_mmu_update_default_mmu_pages(struct kvm *kvm);
void kvm_mmu_change_mmu_pages(struct kvm *kvm, uint64_t goal);
void kvm_vm_set_nr_mmu_pages(struct kvm *kvm, uint64_t nr);

/* The entry the walk to gfn ends at in a root (fast_pf_get_last_sptep), and its level. */
uint64_t *shadow_mmu_get_last_sptep(const struct kvm *kvm, uint64_t root_hpa, uint64_t gfn,
				    int *level);

/* Fan-out parts (each returns whether the caller must flush, where KVM's does). */
bool kvm_rmap_zap_gfn_range(struct kvm *kvm, uint64_t start, uint64_t end);
/* kvm_rmap_age_gfn_range: young SPTEs of [start, end) on the rmaps; unless test_only, each is
 * aged. */
bool kvm_rmap_age_gfn_range(struct kvm *kvm, uint64_t start, uint64_t end, bool test_only);
bool kvm_shadow_mmu_zap_all_fast(struct kvm *kvm);
bool kvm_rmap_write_protect_slot(struct kvm *kvm, const struct kvm_memory_slot *slot,
				 int start_level);
bool kvm_rmap_clear_dirty_slot(struct kvm *kvm, const struct kvm_memory_slot *slot);
void kvm_rmap_clear_pt_masked(struct kvm *kvm, struct kvm_memory_slot *slot, uint64_t gfn,
			      uint64_t mask, bool wrprot);
bool kvm_rmap_write_protect_gfn(struct kvm *kvm, struct kvm_memory_slot *slot, uint64_t gfn,
				int min_level);
bool kvm_rmap_zap_collapsible_sptes(struct kvm *kvm, const struct kvm_memory_slot *slot);
/* kvm_shadow_mmu_try_split_huge_pages: eager splitting of nested MMUs' huge leaves in
 * [start, end) down to target_level, through the rmaps (6.0+). */
void kvm_shadow_mmu_try_split_huge_pages(struct kvm *kvm, const struct kvm_memory_slot *slot,
					 uint64_t start, uint64_t end, int target_level);

/* kvm_mmu_prepare_zap_page / kvm_mmu_commit_zap_page (the commit flushes if any). */
void kvm_mmu_prepare_zap_page(struct kvm *kvm, struct kvm_mmu_page *sp);
bool kvm_mmu_commit_zap_page(struct kvm *kvm);

/* ---- the pieces the shadow MMU (shadow_paging.c, paging_tmpl.h) builds on ---- */

/* sp_has_gptes: a page that shadows a guest table (not direct, not a passthrough). */
static inline bool sp_has_gptes(const struct kvm_mmu_page *sp)
{
	return !sp->role.direct && !sp->role.passthrough;
}

uint64_t kvm_mmu_page_get_gfn(const struct kvm_mmu_page *sp, unsigned i);
unsigned kvm_mmu_page_get_access(const struct kvm_mmu_page *sp, unsigned i);
uint64_t *gfn_to_rmap(const struct kvm_memory_slot *slot, uint64_t gfn, int level);
void mmu_spte_set(struct kvm *kvm, struct kvm_mmu_page *sp, unsigned i, uint64_t new_spte);
void drop_spte(struct kvm *kvm, struct kvm_mmu_page *sp, unsigned i);
void drop_parent_pte(struct kvm *kvm, struct kvm_mmu_page *child, struct kvm_mmu_page *parent,
		     unsigned i);
bool mmu_page_zap_pte(struct kvm *kvm, struct kvm_mmu_page *sp, unsigned i);
struct kvm_mmu_page *kvm_mmu_get_shadow_page(struct kvm_vcpu *vcpu, uint64_t gfn,
					     union kvm_mmu_page_role role);
struct kvm_mmu_page *kvm_mmu_get_child_sp(struct kvm_vcpu *vcpu, struct kvm_mmu_page *parent,
					  unsigned i, uint64_t gfn, bool direct, unsigned access,
					  bool *exists);
int link_shadow_page(struct kvm *kvm, struct kvm_mmu_page *parent, unsigned i,
		     struct kvm_mmu_page *sp);
int mmu_set_spte(struct kvm_vcpu *vcpu, struct kvm_memory_slot *slot, struct kvm_mmu_page *sp,
		 unsigned i, unsigned pte_access, uint64_t gfn, uint64_t pfn,
		 struct kvm_page_fault *fault);
bool kvm_mmu_prefetch_sptes(struct kvm_vcpu *vcpu, uint64_t gfn, struct kvm_mmu_page *sp,
			    unsigned i, unsigned n, unsigned access, bool no_dirty_log);
void direct_pte_prefetch(struct kvm_vcpu *vcpu, struct kvm_mmu_page *sp, unsigned idx);
void account_nx_huge_page(struct kvm *kvm, struct kvm_mmu_page *sp, bool possible);
void mark_unsync(struct kvm *kvm, struct kvm_mmu_page *sp, unsigned i);
void kvm_mmu_mark_parents_unsync(struct kvm *kvm, struct kvm_mmu_page *sp);
void clear_unsync_child_bit(struct kvm_mmu_page *sp, unsigned i);

/* shadow_paging.c: write tracking of shadowed guest tables, unsync and sync. */
void account_shadowed(struct kvm *kvm, struct kvm_mmu_page *sp);
void unaccount_shadowed(struct kvm *kvm, struct kvm_mmu_page *sp);
bool kvm_gfn_is_write_tracked(const struct kvm *kvm, const struct kvm_memory_slot *slot,
			      uint64_t gfn);
/* Does a valid shadow page of a guest table (L1's EPT12 table, under TDP) shadow gfn? */
bool kvm_gfn_has_shadow_pages(const struct kvm *kvm, uint64_t gfn);
/* mmu_try_to_unsync_pages: 0 if a writable SPTE may map gfn (its 4K guest tables going
 * unsync), non-zero if it must be write-protected. */
int mmu_try_to_unsync_pages(struct kvm *kvm, const struct kvm_memory_slot *slot, uint64_t gfn,
			    bool synchronizing, bool prefetch);
void kvm_unlink_unsync_page(struct kvm *kvm, struct kvm_mmu_page *sp);
/* kvm_sync_page: re-read every gpte of an unsync page; < 0 if it had to be zapped, > 0
 * if a flush is needed. */
int kvm_sync_page(struct kvm_vcpu *vcpu, struct kvm_mmu_page *sp);
/* mmu_sync_children: sync the unsync pages below parent. */
void mmu_sync_children(struct kvm_vcpu *vcpu, struct kvm_mmu_page *parent);

/* The shadow roots: the vCPU's root for its guest CR3; every cached root let go; the cached
 * roots that became obsolete let go. */
int mmu_alloc_shadow_roots(struct kvm_vcpu *vcpu);
/* mmu_check_root (mmu.c, older kernels): a shadow root's guest table must be in a memslot,
 * or the vCPU triple-faults; later kernels (about 6.6) run it on a dummy root instead
 * (kvm_mmu_get_dummy_root).  Neither is modelled: 0, or TDPSIM_EINPUT naming `what`. */
int mmu_check_root(const struct kvm_vcpu *vcpu, uint64_t pgd, const char *what);
void kvm_mmu_free_all_roots(struct kvm_vcpu *vcpu, struct kvm_mmu *mmu);
void kvm_mmu_free_obsolete_prev_roots(struct kvm_vcpu *vcpu);
void kvm_mmu_page_set_translation(struct kvm_mmu_page *sp, unsigned i, uint64_t gfn,
				  unsigned access);

/* --check under shadow paging (shadow_paging.c): shadow pages against the guest's tables
 * and the host's, write tracking and unsync against a recount. */
int kvm_shadow_paging_check(const struct kvm *kvm);

/* --check for the rmap-based MMU: rmaps and budget against a recount; its leaves are added
 * to pages[] by level (the caller compares the sum with pages_*). */
int kvm_shadow_mmu_check(const struct kvm *kvm, uint64_t pages[KVM_MAX_HUGEPAGE_LEVEL]);

#endif

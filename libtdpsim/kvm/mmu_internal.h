/* SPDX-License-Identifier: MIT */
/*
 * Internal: what every MMU shares, after KVM's mmu/mmu_internal.h - the page-fault
 * descriptor (struct kvm_page_fault) and kvm_mmu_do_page_fault filling it, the RET_PF_*
 * codes, the hugepage decisions (kvm_mmu_hugepage_adjust, disallowed_hugepage_adjust), the
 * NX huge-page tracking and the caller's hugepage policy.  The TDP MMU (tdp_mmu.c) and the
 * rmap-based MMU (shadow_mmu.c) both build on these; mmu.c implements them.
 */
#ifndef TDPSIM_KVM_MMU_INTERNAL_H
#define TDPSIM_KVM_MMU_INTERNAL_H

#include <assert.h>

#include "kvm/kvm.h"
#include "tdpsim/hooks.h"

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

/* KVM's RET_PF_* values (mmu_internal.h, 6.12+); the public tdpsim_pf_result mirrors them. */
enum {
	RET_PF_CONTINUE = 0,
	RET_PF_RETRY = 1,
	RET_PF_EMULATE = 2,
	RET_PF_WRITE_PROTECTED = 3,
	RET_PF_INVALID = 4,
	RET_PF_FIXED = 5,
	RET_PF_SPURIOUS = 6,
};

static_assert(RET_PF_CONTINUE == (int)TDPSIM_PF_CONTINUE, "RET_PF_CONTINUE");
static_assert(RET_PF_RETRY == (int)TDPSIM_PF_RETRY, "RET_PF_RETRY");
static_assert(RET_PF_EMULATE == (int)TDPSIM_PF_EMULATE, "RET_PF_EMULATE");
static_assert(RET_PF_WRITE_PROTECTED == (int)TDPSIM_PF_WRITE_PROTECTED, "RET_PF_WRITE_PROTECTED");
static_assert(RET_PF_INVALID == (int)TDPSIM_PF_INVALID, "RET_PF_INVALID");
static_assert(RET_PF_FIXED == (int)TDPSIM_PF_FIXED, "RET_PF_FIXED");
static_assert(RET_PF_SPURIOUS == (int)TDPSIM_PF_SPURIOUS, "RET_PF_SPURIOUS");

/* struct kvm_page_fault (mmu_internal.h): one fault on its way through the MMU. */
struct kvm_page_fault {
	/* arguments to kvm_mmu_do_page_fault */
	const uint64_t addr;          /* a gpa (TDP), a gva (shadow) or an L2 gpa (nested) */
	const uint64_t error_code;    /* PFERR_*: 64 bits, EPT violations use bits 32 and 33 */
	const bool prefetch;
	/* derived from the error code and the VM */
	const bool exec, write, present, rsvd, user;
	const bool is_tdp;            /* the MMU's page_fault is kvm_tdp_page_fault */
	const bool nx_huge_page_workaround_enabled;
	bool huge_page_disallowed;
	int max_level;                /* the largest level allowed */
	int req_level;                /* what the memslot and the host allow, before NX */
	int goal_level;               /* the level actually mapped */
	/* the translation, filled as the fault proceeds */
	uint64_t gfn;
	struct kvm_memory_slot *slot;
	uint64_t mmu_seq;
	uint64_t pfn;
	uint64_t hva;
	bool map_writable;
	bool fast;                    /* the simulator's: fixed or found spurious by the fast path */
	const unsigned vcpu;
	/* the simulator's, for the hooks: the vCPU (its MMU in use, its root's role) */
	const struct kvm_vcpu *const kvm_vcpu;
};

/* kvm_mmu_do_page_fault (mmu.c, inline in kvm_mmu_page_fault as KVM's is): the descriptor
 * with designated initializers, then the MMU's page_fault; pf_* counted. */

/* A pf_* counter (5.19+, profile pf_stats; before, only pf_fixed existed), per vCPU and in
 * the VM-wide sum. */
void kvm_count_pf(const struct kvm *kvm, uint64_t *vcpu_counter, uint64_t *vm_sum);

/* ---- the hugepage decisions (mmu.c) ---- */

/* kvm_mmu_max_mapping_level for a gfn of a slot: lpage_info, then the host's level. */
int kvm_mmu_max_mapping_level(struct kvm *kvm, const struct kvm_memory_slot *slot,
			      uint64_t gfn, int max_level);
void kvm_mmu_hugepage_adjust(struct kvm *kvm, struct kvm_page_fault *fault);
void disallowed_hugepage_adjust(struct kvm *kvm, struct kvm_page_fault *fault, uint64_t spte,
				int cur_level);
/* The caller's hugepage policy (tdpsim/models.h), after hugepage_adjust, on every MMU. */
void kvm_mmu_apply_hugepage_policy(struct kvm *kvm, struct kvm_page_fault *fault);

/* ---- NX huge pages (mmu.c) ---- */

/* track_possible_nx_huge_page / untrack_possible_nx_huge_page: the possible_nx_huge_pages
 * lists, oldest first, counted in nx_lpage_splits and in the list's nr_pages.  One list
 * per MMU type, as KVM keeps them from 6.18 (possible_nx_huge_pages[KVM_TDP_MMU] and
 * [KVM_SHADOW_MMU]); before, one list for both. */
void track_possible_nx_huge_page(struct kvm *kvm, struct kvm_mmu_page *sp,
				 enum kvm_mmu_type type);
void untrack_possible_nx_huge_page(struct kvm *kvm, struct kvm_mmu_page *sp,
				   enum kvm_mmu_type type);
/* The list the SPs of an MMU type go on (one per type from 6.18, one for all before). */
struct kvm_possible_nx_huge_pages *kvm_nx_list(struct kvm *kvm, enum kvm_mmu_type type);
/* unaccount_nx_huge_page: off the list and no longer tagged; the table stays. */
void unaccount_nx_huge_page(struct kvm *kvm, struct kvm_mmu_page *sp);

/* ---- shared pieces ---- */

/* Access already allowed by the SPTE for this fault (is_access_allowed). */
bool is_access_allowed(const struct kvm_page_fault *fault, uint64_t spte);

/* The public descriptor of a fault (for hooks and the policy). */
void kvm_fault_describe(const struct kvm_page_fault *f, int result, tdpsim_fault *out);

/* The hooks of an SPTE change (on_spte_change, on_spte_event) in a page of `role` that
 * belongs to the TDP MMU or not; callers test kvm_spte_hooked first. */
static inline bool kvm_spte_hooked(const struct kvm *kvm)
{
	return kvm->hooks->on_spte_change || kvm->hooks->on_spte_event;
}
void kvm_mmu_report_spte_change(const struct kvm *kvm, union kvm_mmu_page_role role,
				bool tdp_mmu_page, uint64_t gfn, uint64_t old_spte,
				uint64_t new_spte);

/* kvm_update_page_stats: pages_4k/2m/1g move by delta at level (leaves exist up to 1G). */
static inline void kvm_update_page_stats(struct kvm *kvm, int level, int64_t delta)
{
	switch (level) {
	case PG_LEVEL_4K: kvm->stats->pages_4k += (uint64_t)delta; break;
	case PG_LEVEL_2M: kvm->stats->pages_2m += (uint64_t)delta; break;
	case PG_LEVEL_1G: kvm->stats->pages_1g += (uint64_t)delta; break;
	default: break;
	}
}

#endif

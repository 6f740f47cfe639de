/* SPDX-License-Identifier: MIT */
/*
 * KVM's mmu.c: the MMU contexts of each vCPU (init_kvm_tdp_mmu, kvm_mmu_load), the page
 * fault from kvm_mmu_page_fault through kvm_mmu_do_page_fault to the MMU's page_fault
 * (kvm_tdp_mmu_page_fault: fast_page_fault -> faultin -> is_page_fault_stale -> map), what every
 * MMU shares (the hugepage decisions, the NX huge-page tracking, the caller's policy), and
 * the fan-outs of every slot and range operation over the MMUs: the rmap-based part first,
 * then the TDP MMU's, in KVM's order.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "kvm/dirty_log.h"
#include "kvm/mmu.h"
#include "kvm/mmu_internal.h"
#include "kvm/shadow_mmu.h"
#include "kvm/tdp_mmu.h"
#include "tdpsim/trace.h"

#define FAST_PF_RETRIES 4

void kvm_count_pf(const struct kvm *kvm, uint64_t *vcpu_counter, uint64_t *vm_sum)
{
	if (!kvm->profile->pf_stats)
		return;
	(*vcpu_counter)++;
	(*vm_sum)++;
}

/* ---- the hugepage decisions (kvm_mmu_hugepage_adjust, disallowed_hugepage_adjust) ---- */

/* __kvm_mmu_max_mapping_level: lpage_info first, then what the host maps. */
/*
 * A walk of the host's tables by KVM (GUP in hva_to_pfn, host_pfn_mapping_level) that
 * ended at `level`: the entries it read are counted.  cyc_faultin and cyc_hugepage_adjust
 * were measured on 4-level hosts, so what a 5-level host adds - the PML5E, one more read a
 * walk - is charged apart, as a cached page-walk reference.
 */
static void count_host_walk(struct kvm *kvm, int level)
{
	int levels = kvm->host_levels;

	kvm->stats->host_walk_refs += (uint64_t)(levels - level + 1);
	kvm->work.host_walk_extra += (uint64_t)(levels - 4);
}

static int max_mapping_level(struct kvm *kvm, const struct kvm_memory_slot *slot,
			     uint64_t gfn, int max_level)
{
	uint64_t hva;
	int host_level;

	while (max_level > PG_LEVEL_4K && lpage_disallowed(slot, gfn, max_level))
		max_level--;
	if (max_level == PG_LEVEL_4K)
		return PG_LEVEL_4K;
	hva = slot->userspace_addr + ((gfn - slot->base_gfn) << PAGE_SHIFT);
	host_level = host_pfn_mapping_level(kvm->host, hva);
	count_host_walk(kvm, host_level);
	return host_level < max_level ? host_level : max_level;
}

int kvm_mmu_max_mapping_level(struct kvm *kvm, const struct kvm_memory_slot *slot,
			      uint64_t gfn, int max_level)
{
	return max_mapping_level(kvm, slot, gfn, max_level);
}

void kvm_mmu_hugepage_adjust(struct kvm *kvm, struct kvm_page_fault *fault)
{
	uint64_t mask;

	kvm->work.hugepage_adjust++;
	fault->huge_page_disallowed = fault->exec && fault->nx_huge_page_workaround_enabled;
	if (fault->max_level == PG_LEVEL_4K)
		return;
	if (!fault->slot) /* MMIO: no pfn */
		return;
	if (fault->slot->flags & TDPSIM_MEM_LOG_DIRTY_PAGES) /* 4K while dirty logging */
		return;
	fault->req_level = max_mapping_level(kvm, fault->slot, fault->gfn, fault->max_level);
	if (fault->req_level == PG_LEVEL_4K || fault->huge_page_disallowed)
		return;
	fault->goal_level = fault->req_level;
	mask = pages_per_hpage(fault->goal_level) - 1;
	/* Guest and host offsets inside the huge page agree (lpage_info saw to it). */
	fault->pfn &= ~mask;
}

void disallowed_hugepage_adjust(struct kvm *kvm, struct kvm_page_fault *fault, uint64_t spte,
				int cur_level)
{
	if (cur_level > PG_LEVEL_4K && cur_level == fault->goal_level &&
	    is_shadow_present_pte(spte) && !is_large_pte(spte) &&
	    (!kvm->profile->nx_child_must_be_tagged ||
	     spte_to_child_sp(&kvm->pool, spte)->nx_huge_page_disallowed)) {
		/* A table made for an exec fault lives here: do not replace it by a huge leaf.
		 * Keep the gfn bits that pick the smaller page inside the huge one. */
		fault->pfn |= fault->gfn & (pages_per_hpage(cur_level) - pages_per_hpage(cur_level - 1));
		fault->goal_level--;
	}
}

/* ---- the caller's hugepage policy (tdpsim/models.h) ---- */

void kvm_mmu_apply_hugepage_policy(struct kvm *kvm, struct kvm_page_fault *fault)
{
	tdpsim_fault f;
	int level;

	if (!kvm->policy || fault->goal_level == PG_LEVEL_4K)
		return;
	kvm_fault_describe(fault, RET_PF_CONTINUE, &f);
	level = kvm->policy(&f, kvm->policy_payload);
	if (level >= PG_LEVEL_4K && level < fault->goal_level) {
		/* The pfn of the goal-level page, offset to the smaller page holding gfn. */
		fault->pfn |= fault->gfn & (pages_per_hpage(fault->goal_level) - 1) &
			      ~(pages_per_hpage(level) - 1);
		fault->goal_level = level;
	}
}

/* ---- stats and NX huge-page tracking (track_possible_nx_huge_page, kvm_update_page_stats) ---- */

/* The list an MMU type's SPs go on: its own from 6.18, the one list before. */
struct kvm_possible_nx_huge_pages *kvm_nx_list(struct kvm *kvm, enum kvm_mmu_type type)
{
	return &kvm->possible_nx_huge_pages[kvm->profile->per_mmu_nx_lists ? type
									   : KVM_SHADOW_MMU];
}

/* The NX list is a FIFO of SP ids: appended at the tail, recovered from the head. */
void track_possible_nx_huge_page(struct kvm *kvm, struct kvm_mmu_page *sp,
				 enum kvm_mmu_type type)
{
	struct kvm_possible_nx_huge_pages *l = kvm_nx_list(kvm, type);

	if (sp->tracked)
		return;
	sp->tracked = true;
	sp->nx_next = SP_NONE;
	sp->nx_prev = l->tail;
	if (l->tail != SP_NONE)
		sp_by_id(&kvm->pool, l->tail)->nx_next = sp->id;
	else
		l->head = sp->id;
	l->tail = sp->id;
	l->nr_pages++;
	kvm->stats->nx_lpage_splits++;
}

void untrack_possible_nx_huge_page(struct kvm *kvm, struct kvm_mmu_page *sp,
				   enum kvm_mmu_type type)
{
	struct kvm_possible_nx_huge_pages *l = kvm_nx_list(kvm, type);

	if (!sp->tracked)
		return;
	if (sp->nx_prev != SP_NONE)
		sp_by_id(&kvm->pool, sp->nx_prev)->nx_next = sp->nx_next;
	else
		l->head = sp->nx_next;
	if (sp->nx_next != SP_NONE)
		sp_by_id(&kvm->pool, sp->nx_next)->nx_prev = sp->nx_prev;
	else
		l->tail = sp->nx_prev;
	sp->tracked = false;
	l->nr_pages--;
	kvm->stats->nx_lpage_splits--;
}

void unaccount_nx_huge_page(struct kvm *kvm, struct kvm_mmu_page *sp)
{
	sp->nx_huge_page_disallowed = false;
	untrack_possible_nx_huge_page(kvm, sp, sp->tdp_mmu_page ? KVM_TDP_MMU : KVM_SHADOW_MMU);
}

/* Which MMU a page belongs to, for the hooks. */
static tdpsim_mmu_kind page_mmu_kind(union kvm_mmu_page_role role, bool tdp_mmu_page)
{
	if (tdp_mmu_page)
		return TDPSIM_MMU_TDP;
	return role.guest_mode ? TDPSIM_MMU_SHADOW_EPT : TDPSIM_MMU_LEGACY_TDP;
}

void kvm_mmu_report_spte_change(const struct kvm *kvm, union kvm_mmu_page_role role,
				bool tdp_mmu_page, uint64_t gfn, uint64_t old_spte,
				uint64_t new_spte)
{
	const tdpsim_hooks *h = kvm->hooks;

	if (h->on_spte_change)
		h->on_spte_change(gfn, role.level, old_spte, new_spte, h->payload);
	if (h->on_spte_event) {
		tdpsim_spte_change c = {
			.gfn = gfn,
			.level = role.level,
			.old_spte = old_spte,
			.new_spte = new_spte,
			.mmu = page_mmu_kind(role, tdp_mmu_page),
			.role = role.word,
		};

		h->on_spte_event(&c, h->payload);
	}
}

bool is_access_allowed(const struct kvm_page_fault *fault, uint64_t spte)
{
	if (fault->exec)
		return is_executable_pte(spte);
	if (fault->write)
		return is_writable_pte(spte);
	return spte & VMX_EPT_READABLE_MASK; /* ACC_USER is R in EPT */
}

/* ---- lockless walks ---- */

uint64_t *kvm_mmu_get_last_sptep(const struct kvm *kvm, uint64_t root_hpa, uint64_t gfn,
				 int *level)
{
	/* kvm_tdp_mmu_fast_pf_get_last_sptep, or the shadow walk of fast_pf_get_last_sptep
	 * for the rmap-based MMU: both end at the leaf or the first non-present entry. */
	if (root_to_sp(kvm, root_hpa)->tdp_mmu_page)
		return kvm_tdp_mmu_get_last_sptep(kvm, root_to_sp(kvm, root_hpa), gfn, level);
	return shadow_mmu_get_last_sptep(kvm, root_hpa, gfn, level);
}

/* ---- fast_page_fault ---- */

static bool page_fault_can_be_fast(const struct kvm *kvm, const struct kvm_page_fault *fault)
{
	if (fault->rsvd)
		return false;
	/* A fault on a non-present entry may be an access-tracked SPTE only where KVM itself
	 * runs without A/D bits (kvm_ad_enabled); L2's A/D-less EPT02 is not fixed here (the
	 * fast path serves direct MMUs).  On a present one, a write may be a write-protection
	 * fault that setting W fixes. */
	if (!fault->present)
		return !kvm_ad_enabled(kvm);
	return fault->write;
}

/* fast_pf_fix_direct_spte: the new value in place (KVM's cmpxchg always wins here); only W
 * (and A) change, so no stats move, but hooks see the change. */
static void fast_pf_fix_direct_spte(struct kvm_vcpu *vcpu, struct kvm_page_fault *fault,
				    uint64_t *sptep, int level, uint64_t old_spte,
				    uint64_t new_spte)
{
	struct kvm *kvm = vcpu->kvm;

	*sptep = new_spte;
	if (kvm_spte_hooked(kvm)) {
		const struct kvm_mmu_page *root = root_to_sp(kvm, vcpu->arch.mmu->root.hpa);
		union kvm_mmu_page_role role = root->role;

		role.level = (unsigned)level;
		kvm_mmu_report_spte_change(kvm, role, root->tdp_mmu_page,
					   fault->gfn & ~(pages_per_hpage(level) - 1), old_spte,
					   new_spte);
	}
	/* W went 0 -> 1: the page is dirty. */
	if (fault->slot && !is_writable_pte(old_spte) && is_writable_pte(new_spte))
		mark_page_dirty_in_slot(fault->slot, fault->gfn);
}

static __always_inline int fast_page_fault(struct kvm_vcpu *vcpu, struct kvm_page_fault *fault)
{
	struct kvm *kvm = vcpu->kvm;
	int ret = RET_PF_INVALID;

	if (!page_fault_can_be_fast(kvm, fault))
		return RET_PF_INVALID;
	kvm->work.fast_path++;
	for (int retry = 0; retry <= FAST_PF_RETRIES; retry++) {
		int level;
		uint64_t *sptep = kvm_mmu_get_last_sptep(kvm, vcpu->arch.mmu->root.hpa,
							 fault->gfn, &level);
		uint64_t spte = *sptep, new_spte = spte;

		if (!is_shadow_present_pte(spte) || !is_last_spte(spte, level))
			break;
		if (is_access_allowed(fault, spte)) {
			ret = RET_PF_SPURIOUS;
			break;
		}
		/* Aged without A/D bits: the saved R/X back (restore_acc_track_spte). */
		if (is_access_track_spte(kvm->spte, spte))
			new_spte = restore_acc_track_spte(kvm->spte, new_spte);
		if (fault->write && is_mmu_writable_spte(spte)) {
			new_spte |= VMX_EPT_WRITABLE_MASK;
			/* A huge SPTE in a dirty-logged slot: let the slow path map 4K. */
			if (level > PG_LEVEL_4K && fault->slot &&
			    (fault->slot->flags & TDPSIM_MEM_LOG_DIRTY_PAGES))
				break;
		}
		if (new_spte == spte || !is_access_allowed(fault, new_spte))
			break;
		fast_pf_fix_direct_spte(vcpu, fault, sptep, level, spte, new_spte);
		ret = RET_PF_FIXED;
		break;
	}
	if (ret != RET_PF_INVALID) {
		kvm_count_pf(kvm, &vcpu->stat.pf_fast, &kvm->stats->pf_fast);
		fault->fast = true;
	}
	return ret;
}

/* ---- faultin and staleness (kvm_mmu_faultin_pfn, is_page_fault_stale) ---- */

/* mmu_invalidate_retry_gfn: an invalidation covering gfn ran or runs since the snapshot. */
static bool mmu_invalidate_retry_gfn(const struct kvm *kvm, uint64_t mmu_seq, uint64_t gfn)
{
	if (kvm->mmu_invalidate_in_progress && gfn >= kvm->mmu_invalidate_range_start &&
	    gfn < kvm->mmu_invalidate_range_end)
		return true;
	return kvm->mmu_invalidate_seq != mmu_seq;
}

static __always_inline int kvm_mmu_faultin_pfn(struct kvm *kvm, struct kvm_page_fault *fault)
{
	struct host_page page;
	int rc;

	kvm->work.faultin++;
	fault->mmu_seq = kvm->mmu_invalidate_seq; /* before looking at the host's tables */
	if (!fault->slot) {
		/* kvm_handle_noslot_fault: an MMIO SPTE, unless the gfn is beyond what the
		 * MMU can map, which is emulated without one. */
		fault->pfn = KVM_PFN_NOSLOT;
		fault->map_writable = false;
		return fault->gfn > kvm_mmu_max_gfn(kvm) ? RET_PF_EMULATE : RET_PF_CONTINUE;
	}
	if (mmu_invalidate_retry_gfn(kvm, fault->mmu_seq, fault->gfn))
		return RET_PF_RETRY;
	/* A write to a read-only memslot is KVM_PFN_ERR_RO_FAULT: emulated, as MMIO. */
	if (fault->write && (fault->slot->flags & TDPSIM_MEM_READONLY))
		return RET_PF_EMULATE;
	fault->hva = fault->slot->userspace_addr +
		     ((fault->gfn - fault->slot->base_gfn) << PAGE_SHIFT);
	/* GUP with FOLL_WRITE for writes; a read asks for writability without breaking COW. */
	rc = host_faultin(kvm->host, fault->hva, fault->write, &page);
	if (rc >= 0)
		count_host_walk(kvm, page.level);
	if (rc < 0) {
		char where[96];

		snprintf(where, sizeof(where), "kvm: gpa 0x%" PRIx64 " (memslot %u)", fault->addr,
			 fault->slot->id);
		err_prefix(where); /* KVM would exit to userspace with -EFAULT */
		return rc;
	}
	fault->pfn = page.pfn;
	fault->map_writable = page.writable && !(fault->slot->flags & TDPSIM_MEM_READONLY);
	/* GUP may have broken COW, and the host's invalidation zapped us meanwhile. */
	if (mmu_invalidate_retry_gfn(kvm, fault->mmu_seq, fault->gfn))
		return RET_PF_RETRY;
	return RET_PF_CONTINUE;
}

static bool is_page_fault_stale(const struct kvm *kvm, const struct kvm_page_fault *fault)
{
	return fault->slot && mmu_invalidate_retry_gfn(kvm, fault->mmu_seq, fault->gfn);
}

/* ---- the fault ---- */

/* page_fault_handle_page_track: a write to a present SPTE of a write-tracked gfn (a guest
 * table KVM shadows - under TDP, one of L1's EPT12 tables, shadowed for L2) cannot be fixed
 * by mapping it: it is emulated.  Only shadow pages of guest tables track gfns. */
static bool page_fault_handle_page_track(const struct kvm *kvm, const struct kvm_page_fault *fault)
{
	if (fault->rsvd || !fault->present || !fault->write || !kvm->indirect_shadow_pages)
		return false;
	return kvm_gfn_is_write_tracked(kvm, fault->slot, fault->gfn);
}

/* RET_PF_WRITE_PROTECTED from 6.12 (emulated, not counted in pf_emulate), RET_PF_EMULATE
 * before. */
static int tdp_write_protected_result(const struct kvm *kvm)
{
	return kvm->profile->write_protected_result ? RET_PF_WRITE_PROTECTED : RET_PF_EMULATE;
}

/* kvm_tdp_mmu_page_fault (mmu.c): the TDP MMU's half of kvm_tdp_page_fault. */
static __always_inline int kvm_tdp_mmu_page_fault(struct kvm_vcpu *vcpu,
						  struct kvm_page_fault *fault)
{
	int r;

	if (page_fault_handle_page_track(vcpu->kvm, fault))
		return tdp_write_protected_result(vcpu->kvm);
	r = fast_page_fault(vcpu, fault);

	if (r != RET_PF_INVALID)
		return r;
	r = kvm_mmu_faultin_pfn(vcpu->kvm, fault);
	if (r != RET_PF_CONTINUE)
		return r;
	if (is_page_fault_stale(vcpu->kvm, fault))
		return RET_PF_RETRY;
	return kvm_tdp_mmu_map(vcpu, fault);
}

/* direct_page_fault (mmu.c): the legacy MMU's, under TDP with tdp_mmu=0 (from kvm_tdp_page_fault):
 * the same fast path and faultin, then the budget and direct_map under the write lock. */
static int direct_page_fault(struct kvm_vcpu *vcpu, struct kvm_page_fault *fault)
{
	int r;

	if (page_fault_handle_page_track(vcpu->kvm, fault))
		return tdp_write_protected_result(vcpu->kvm);
	r = fast_page_fault(vcpu, fault);

	if (r != RET_PF_INVALID)
		return r;
	r = kvm_mmu_faultin_pfn(vcpu->kvm, fault);
	if (r != RET_PF_CONTINUE)
		return r;
	if (is_page_fault_stale(vcpu->kvm, fault))
		return RET_PF_RETRY;
	if ((r = make_mmu_pages_available(vcpu)) < 0)
		return r;
	return direct_map(vcpu, fault);
}

/* kvm_tdp_page_fault: root_mmu's page_fault under TDP; the TDP MMU or the legacy
 * direct_page_fault, as tdp_mmu= chose when KVM was loaded. */
static __always_inline int kvm_tdp_page_fault(struct kvm_vcpu *vcpu,
					      struct kvm_page_fault *fault)
{
	if (vcpu->kvm->tdp_mmu_enabled)
		return kvm_tdp_mmu_page_fault(vcpu, fault);
	return direct_page_fault(vcpu, fault);
}

/* handle_mmio_page_fault (mmu.c): a hit on an MMIO SPTE of the current generation is
 * emulated at once; a stale one goes down the normal path to be rebuilt. */
static int handle_mmio_page_fault(const struct kvm_vcpu *vcpu, uint64_t addr)
{
	const struct kvm *kvm = vcpu->kvm;
	int level;
	uint64_t spte = *kvm_mmu_get_last_sptep(kvm, vcpu->arch.mmu->root.hpa, addr >> PAGE_SHIFT,
						&level);
	uint64_t gen = kvm->memslots_generation & ((1ull << MMIO_SPTE_GEN_BITS) - 1);

	if (!spte_is_mmio(kvm->spte, spte))
		return RET_PF_RETRY;
	return mmio_spte_gen(spte) == gen ? RET_PF_EMULATE : RET_PF_INVALID;
}

/* ---- shadow paging: what FNAME(page_fault) and FNAME(fetch) use (paging_tmpl.h) ---- */

/* kvm_inject_page_fault (x86.c): the guest takes the #PF at its next entry (pf_guest). */
static void kvm_inject_page_fault(struct kvm_vcpu *vcpu, uint32_t error_code, uint64_t addr,
				  uint64_t exit_qualification)
{
	struct kvm *kvm = vcpu->kvm;

	(void)exit_qualification;
	vcpu->stat.pf_guest++;
	kvm->stats->pf_guest++;
	vcpu->arch.pf_pending = true;
	vcpu->arch.pf_error_code = error_code;
	vcpu->arch.pf_address = addr;
}

/* kvm_inject_emulated_page_fault (x86.c): the fault a software walk of fault_mmu gave goes
 * to the guest through that MMU (a #PF, or for the shadow EPT MMU an EPT violation of L1's);
 * where it was a protection fault, the stale translation of addr goes first, or the access
 * would fault for ever. */
static void kvm_inject_emulated_page_fault(struct kvm_vcpu *vcpu, struct kvm_mmu *fault_mmu,
					   uint32_t error_code, uint64_t addr,
					   uint64_t exit_qualification)
{
	if ((error_code & TDPSIM_PFERR_PRESENT) && !(error_code & TDPSIM_PFERR_RSVD))
		kvm_mmu_invalidate_addr(vcpu, fault_mmu, addr, KVM_MMU_ROOT_CURRENT);
	fault_mmu->inject_page_fault(vcpu, error_code, addr, exit_qualification);
}


/* shadow_page_table_clear_flood: the guest used the tables on the way to addr. */
static void shadow_page_table_clear_flood(struct kvm_vcpu *vcpu, uint64_t addr)
{
	const struct kvm *kvm = vcpu->kvm;
	struct kvm_mmu_page *sp = root_to_sp(kvm, vcpu->arch.mmu->root.hpa);

	for (;;) {
		uint64_t spte = sp->spt[pt_index(addr, sp->role.level)];

		sp->write_flooding_count = 0;
		if (!is_shadow_present_pte(spte) || is_last_spte(spte, sp->role.level))
			return;
		sp = spte_to_child_sp(&kvm->pool, spte);
	}
}

/* validate_direct_spte: a direct page linked here for another access (the gpte went from
 * clean to dirty) is unlinked, so that one with the right access is made. */
static void validate_direct_spte(struct kvm_vcpu *vcpu, struct kvm_mmu_page *sp, unsigned i,
				 unsigned direct_access)
{
	uint64_t spte = sp->spt[i];
	struct kvm_mmu_page *child;

	if (!is_shadow_present_pte(spte) || is_large_pte(spte))
		return;
	child = spte_to_child_sp(&vcpu->kvm->pool, spte);
	if (child->role.access == direct_access)
		return;
	drop_parent_pte(vcpu->kvm, child, sp, i);
	kvm_flush_remote_tlbs(vcpu->kvm);
}

#define PTTYPE_EPT 18 /* as KVM numbers it: not 32, not 64 */
#define PTTYPE 64
#include "kvm/paging_tmpl.h"
#undef PTTYPE
#define PTTYPE PTTYPE_EPT
#include "kvm/paging_tmpl.h"
#undef PTTYPE

/* The MMU a vCPU's fault goes to, for the hooks. */
static tdpsim_mmu_kind vcpu_mmu_kind(const struct kvm_vcpu *vcpu)
{
	const struct kvm_mmu *mmu = vcpu->arch.mmu;

	if (mmu->root_role.direct && mmu->cpu_role.is_tdp)
		return vcpu->kvm->tdp_mmu_enabled ? TDPSIM_MMU_TDP : TDPSIM_MMU_LEGACY_TDP;
	return mmu->root_role.guest_mode ? TDPSIM_MMU_SHADOW_EPT : TDPSIM_MMU_SHADOW;
}

/* The descriptor as kvm_mmu_do_page_fault fills it (mmu_internal.h). */
static __always_inline struct kvm_page_fault
kvm_page_fault_init(const struct kvm_vcpu *vcpu, uint64_t addr, uint64_t error_code, bool prefetch)
{
	const struct kvm_mmu *mmu = vcpu->arch.mmu;

	return (struct kvm_page_fault){
		.addr = addr,
		.error_code = error_code,
		.exec = error_code & TDPSIM_PFERR_FETCH,
		.write = error_code & TDPSIM_PFERR_WRITE,
		.present = error_code & TDPSIM_PFERR_PRESENT,
		.rsvd = error_code & TDPSIM_PFERR_RSVD,
		.user = error_code & TDPSIM_PFERR_USER,
		.prefetch = prefetch,
		.is_tdp = mmu->page_fault == kvm_tdp_page_fault,
		.nx_huge_page_workaround_enabled = is_nx_huge_page_enabled(vcpu->kvm),
		.max_level = KVM_MAX_HUGEPAGE_LEVEL,
		.req_level = PG_LEVEL_4K,
		.goal_level = PG_LEVEL_4K,
		.gfn = addr >> PAGE_SHIFT,
		.pfn = KVM_PFN_NOSLOT,
		.vcpu = vcpu->vcpu_idx,
		.kvm_vcpu = vcpu,
	};
}

void kvm_fault_describe(const struct kvm_page_fault *f, int result, tdpsim_fault *out)
{
	memset(out, 0, sizeof(*out));
	out->vcpu = f->vcpu;
	out->gpa = f->addr;
	out->gfn = f->gfn;
	out->error_code = (uint32_t)f->error_code;
	out->error_code64 = f->error_code;
	out->exec = f->exec;
	out->write = f->write;
	out->present = f->present;
	out->rsvd = f->rsvd;
	out->user = f->user;
	out->max_level = f->max_level;
	out->req_level = f->req_level;
	out->goal_level = f->goal_level;
	out->huge_page_disallowed = f->huge_page_disallowed;
	out->nx_huge_page_workaround_enabled = f->nx_huge_page_workaround_enabled;
	out->pfn = f->pfn;
	out->map_writable = f->map_writable;
	out->fast = f->fast;
	out->mmio = !f->slot;
	out->result = (tdpsim_pf_result)result;
	out->mmu = vcpu_mmu_kind(f->kvm_vcpu);
	out->root_role = f->kvm_vcpu->arch.mmu->root_role.word;
	out->is_tdp = f->is_tdp;
}

static void report_fault(const struct kvm *kvm, const struct kvm_page_fault *f, int r)
{
	tdpsim_fault out;

	if (!kvm->hooks->on_fault)
		return;
	kvm_fault_describe(f, r, &out);
	kvm->hooks->on_fault(&out, kvm->hooks->payload);
}

/* kvm_mmu_do_page_fault: inline, as KVM's (mmu_internal.h), in its one caller here. */
static __always_inline int kvm_mmu_do_page_fault(struct kvm_vcpu *vcpu, uint64_t addr,
						 uint64_t error_code, bool prefetch)
{
	struct kvm *kvm = vcpu->kvm;
	struct kvm_page_fault fault = kvm_page_fault_init(vcpu, addr, error_code, prefetch);
	int r;

	if (fault.is_tdp) /* direct MMUs: the gfn's slot (a gva has none yet) */
		fault.slot = fault.gfn <= kvm_mmu_max_gfn(kvm)
				     ? memslots_by_gfn(&kvm->memslots, fault.gfn) : NULL;
	kvm_count_pf(kvm, &vcpu->stat.pf_taken, &kvm->stats->pf_taken);
	/* As KVM does where retpolines make indirect calls dear: TDP's handler directly. */
	if (fault.is_tdp)
		r = kvm_tdp_page_fault(vcpu, &fault);
	else
		r = vcpu->arch.mmu->page_fault(vcpu, &fault);
	if (r < 0)
		return r;
	switch (r) {
	case RET_PF_FIXED:
		vcpu->stat.pf_fixed++; /* the one counter every kernel had */
		kvm->stats->pf_fixed++;
		break;
	case RET_PF_EMULATE: /* RET_PF_WRITE_PROTECTED (6.12+) is emulated uncounted */
		kvm_count_pf(kvm, &vcpu->stat.pf_emulate, &kvm->stats->pf_emulate);
		break;
	case RET_PF_SPURIOUS:
		kvm_count_pf(kvm, &vcpu->stat.pf_spurious, &kvm->stats->pf_spurious);
		break;
	default:
		break;
	}
	report_fault(kvm, &fault, r);
	return r;
}

int kvm_mmu_page_fault(struct kvm_vcpu *vcpu, uint64_t addr, uint64_t error_code)
{
	/* KVM WARNs and retries: a vCPU runs only on a loaded root (vcpu_enter_guest's
	 * kvm_mmu_reload), so a fault without one is the simulator's own bug. */
	if (vcpu->arch.mmu->root.hpa == INVALID_PAGE)
		return err_set(TDPSIM_EINTERNAL, "vcpu %u: a fault at 0x%" PRIx64 " with no root "
			       "loaded (kvm_mmu_page_fault's WARN)", vcpu->vcpu_idx, addr);
	if (error_code & TDPSIM_PFERR_RSVD) {
		int r = handle_mmio_page_fault(vcpu, addr);

		/* EMULATE: straight to the emulator; RETRY: a racing zap took the MMIO SPTE,
		 * the guest faults again.  Neither counts a pf_*. */
		if (r != RET_PF_INVALID) {
			struct kvm_page_fault fault = kvm_page_fault_init(vcpu, addr, error_code,
									 false);

			report_fault(vcpu->kvm, &fault, r);
			return r;
		}
	}
	return kvm_mmu_do_page_fault(vcpu, addr, error_code, false);
}

/* ---- MMU contexts (init_kvm_tdp_mmu, init_kvm_softmmu) ---- */

/* nonpaging_gva_to_gpa: with paging off (and for a direct MMU's own addresses) a gva is
 * its gpa. */
static uint64_t nonpaging_gva_to_gpa(struct kvm_vcpu *vcpu, struct kvm_mmu *mmu, uint64_t gva,
				     uint32_t access, uint32_t *fault_err)
{
	(void)vcpu;
	(void)mmu;
	(void)access;
	*fault_err = 0;
	return gva;
}

/*
 * kvm_mmu_get_tdp_level: the level the vendor forces (AMD: the host's paging depth), else
 * 5-level EPT if and only if it is useful - the guest's MAXPHYADDR is above 48 bits, which
 * 4-level EPT cannot map.
 */
static int kvm_mmu_get_tdp_level(const struct kvm_vcpu *vcpu)
{
	const struct kvm *kvm = vcpu->kvm;

	if (kvm->tdp_root_level)
		return kvm->tdp_root_level;
	if (kvm->max_tdp_level == 5 && kvm->guest_maxphyaddr <= 48)
		return 4;
	return kvm->max_tdp_level;
}

/* kvm_calc_tdp_mmu_root_page_role: direct, ACC_ALL, the TDP level, A/D as EPT has them. */
static union kvm_mmu_page_role kvm_calc_tdp_mmu_root_page_role(const struct kvm_vcpu *vcpu)
{
	union kvm_mmu_page_role role = { .word = 0 };

	role.level = (unsigned)kvm_mmu_get_tdp_level(vcpu);
	role.ad_disabled = !kvm_ad_enabled(vcpu->kvm);
	role.direct = 1;
	role.access = ACC_ALL;
	role.efer_nx = 1;
	role.cr0_wp = 1;
	return role;
}

/* init_kvm_tdp_mmu: root_mmu under EPT. */
static void init_kvm_tdp_mmu(struct kvm_vcpu *vcpu)
{
	struct kvm_mmu *context = &vcpu->arch.root_mmu;

	context->page_fault = kvm_tdp_page_fault;
	context->gva_to_gpa = nonpaging_gva_to_gpa;
	context->inject_page_fault = kvm_inject_page_fault;
	context->sync_spte = NULL;
	context->invlpg = NULL;
	context->root_role = kvm_calc_tdp_mmu_root_page_role(vcpu);
	context->cpu_role.word = 0;
	context->cpu_role.is_tdp = 1;
	context->root.hpa = INVALID_PAGE;
	context->root.pgd = 0;
}

/* kvm_mmu_get_guest_pgd: the guest's CR3. */
static uint64_t get_guest_cr3(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.cr3;
}

/* kvm_calc_cpu_role / kvm_calc_shadow_mmu_root_page_role: the guest's paging mode (long
 * mode, CR0.WP=1, EFER.NXE=1, no SMEP/SMAP), and the root shadowing its top-level table. */
static void init_kvm_softmmu(struct kvm_vcpu *vcpu)
{
	struct kvm_mmu *context = &vcpu->arch.root_mmu;
	union kvm_mmu_page_role role = { .word = 0 };

	context->page_fault = paging64_page_fault;
	context->gva_to_gpa = paging64_gva_to_gpa;
	context->inject_page_fault = kvm_inject_page_fault;
	context->sync_spte = paging64_sync_spte;
	context->invlpg = vcpu->kvm->profile->invlpg_prefetch ? paging64_invlpg : NULL;
	context->get_guest_pgd = get_guest_cr3;
	context->cpu_role.word = 0;
	context->cpu_role.level = (unsigned)guest_levels(vcpu->kvm->guest);
	context->cpu_role.cr0_wp = 1;
	context->cpu_role.efer_nx = 1;
	role.level = context->cpu_role.level;
	role.access = ACC_ALL;
	role.efer_nx = 1;
	role.cr0_wp = 1;
	context->root_role = role;
}

/*
 * kvm_init_shadow_ept_mmu: guest_mmu shadows L1's EPT12 for L2 - its walk is the EPT
 * instance of the paging template (ept_*), its root role indirect with guest_mode and
 * ad_disabled as L1's EPTP says (kvm_calc_shadow_ept_root_page_role: no efer_nx, no
 * cr0_wp), the level the EPTP's page-walk length gives; then the root for new_eptp from
 * the cached ones (kvm_mmu_new_pgd), the caller having made guest_mmu the MMU in use.
 */
void kvm_init_shadow_ept_mmu(struct kvm_vcpu *vcpu, bool accessed_dirty, uint64_t new_eptp)
{
	struct kvm_mmu *context = &vcpu->arch.guest_mmu;
	union kvm_mmu_cpu_role mode = { .word = 0 };

	mode.level = (unsigned)((new_eptp >> 3) & 7) + 1;
	mode.guest_mode = 1;
	mode.ad_disabled = !accessed_dirty;
	if (mode.word != context->cpu_role.word) {
		union kvm_mmu_page_role role = { .word = 0 };

		context->cpu_role = mode;
		role.level = mode.level;
		role.ad_disabled = mode.ad_disabled;
		role.guest_mode = 1;
		role.access = ACC_ALL;
		context->root_role = role;
		context->page_fault = ept_page_fault;
		context->gva_to_gpa = ept_gva_to_gpa;
		context->sync_spte = ept_sync_spte;
		context->invlpg = vcpu->kvm->profile->invlpg_prefetch ? ept_invlpg : NULL;
	}
	kvm_mmu_new_pgd(vcpu, new_eptp);
}

void kvm_mmu_create(struct kvm_vcpu *vcpu)
{
	vcpu->arch.mmu = &vcpu->arch.root_mmu;
	vcpu->arch.walk_mmu = &vcpu->arch.root_mmu;
	vcpu->arch.guest_mmu.root.hpa = INVALID_PAGE;
	vcpu->arch.nested_mmu.root.hpa = INVALID_PAGE;
	if (vcpu->kvm->tdp_enabled)
		init_kvm_tdp_mmu(vcpu);
	else
		init_kvm_softmmu(vcpu);
	vcpu->arch.root_mmu.root.hpa = INVALID_PAGE;
	vcpu->arch.root_mmu.root.pgd = 0;
	for (int i = 0; i < KVM_MMU_NUM_PREV_ROOTS; i++) {
		vcpu->arch.root_mmu.prev_roots[i] = (struct kvm_mmu_root_info){ 0, INVALID_PAGE };
		vcpu->arch.guest_mmu.prev_roots[i] = (struct kvm_mmu_root_info){ 0, INVALID_PAGE };
	}
}

int kvm_mmu_load(struct kvm_vcpu *vcpu)
{
	struct kvm_mmu *mmu = vcpu->arch.mmu;
	int r;

	if (mmu->root.hpa != INVALID_PAGE)
		return 0;
	if ((!vcpu->kvm->tdp_mmu_enabled || !mmu->root_role.direct) &&
	    (r = make_mmu_pages_available(vcpu)) < 0)
		return r;
	/* mmu_alloc_direct_roots: one root per role, shared among the vCPUs - the TDP MMU's
	 * from its list, the legacy MMU's from mmu_page_hash; mmu_alloc_shadow_roots: the
	 * page of the guest's top-level table, in sync before the vCPU runs on it. */
	if (!mmu->root_role.direct) {
		if ((r = mmu_alloc_shadow_roots(vcpu)) < 0)
			return r;
		kvm_mmu_sync_roots(vcpu);
	} else if (vcpu->kvm->tdp_mmu_enabled) {
		r = kvm_tdp_mmu_get_vcpu_root_hpa(vcpu, &mmu->root.hpa);
	} else {
		r = mmu_alloc_direct_roots(vcpu, &mmu->root.hpa);
	}
	if (r < 0)
		return r;
	/* The provenance of the new root is unknown: flush its context (kvm_mmu_load's
	 * flush_tlb_current), so that KVM need not flush when it frees a root. */
	kvm_flush_tlb_current(vcpu);
	return 0;
}

/* __kvm_mmu_free_obsolete_roots: one MMU's roots that a fast zap made obsolete. */
static void free_obsolete_roots(struct kvm *kvm, struct kvm_mmu *mmu)
{
	if (mmu->root.hpa != INVALID_PAGE && root_to_sp(kvm, mmu->root.hpa)->tdp_mmu_page) {
		/* kvm_tdp_mmu_put_root of an invalidated root */
		if (root_to_sp(kvm, mmu->root.hpa)->role.invalid)
			mmu->root.hpa = INVALID_PAGE;
		return;
	}
	if (mmu->root.hpa != INVALID_PAGE && is_obsolete_root(kvm, mmu->root.hpa))
		mmu_free_root(kvm, &mmu->root.hpa);
	for (int i = 0; i < KVM_MMU_NUM_PREV_ROOTS; i++)
		if (mmu->prev_roots[i].hpa != INVALID_PAGE &&
		    is_obsolete_root(kvm, mmu->prev_roots[i].hpa))
			mmu_free_root(kvm, &mmu->prev_roots[i].hpa);
}

void kvm_mmu_free_obsolete_roots(struct kvm_vcpu *vcpu)
{
	free_obsolete_roots(vcpu->kvm, &vcpu->arch.root_mmu);
	free_obsolete_roots(vcpu->kvm, &vcpu->arch.guest_mmu);
}

void kvm_mmu_free_roots(struct kvm *kvm, struct kvm_mmu *mmu, unsigned roots_to_free)
{
	if ((roots_to_free & KVM_MMU_ROOT_CURRENT) && mmu->root.hpa != INVALID_PAGE) {
		mmu_free_root(kvm, &mmu->root.hpa);
		mmu->root.pgd = 0;
	}
	for (int i = 0; i < KVM_MMU_NUM_PREV_ROOTS; i++)
		if ((roots_to_free & KVM_MMU_ROOT_PREVIOUS(i)) &&
		    mmu->prev_roots[i].hpa != INVALID_PAGE) {
			mmu_free_root(kvm, &mmu->prev_roots[i].hpa);
			mmu->prev_roots[i].pgd = 0;
		}
}

void kvm_set_cr3(struct kvm_vcpu *vcpu, uint64_t cr3)
{
	if (vcpu->kvm->tdp_enabled) {
		vcpu->arch.cr3 = cr3; /* not intercepted with EPT */
		return;
	}
	if (cr3 != vcpu->arch.cr3)
		kvm_mmu_new_pgd(vcpu, cr3);
	vcpu->arch.cr3 = cr3;
	/* kvm_invalidate_pcid: KVM_REQ_MMU_SYNC (and KVM_REQ_TLB_FLUSH_CURRENT, the machine's) */
	kvm_mmu_sync_roots(vcpu);
}

void kvm_emulate_guest_write(struct kvm_vcpu *vcpu, uint64_t gva, uint32_t access)
{
	struct kvm_mmu *mmu = vcpu->arch.walk_mmu;
	uint32_t err;
	uint64_t gpa = mmu->gva_to_gpa(vcpu, mmu, gva & ~7ull, access | TDPSIM_PFERR_WRITE, &err);
	struct kvm_memory_slot *slot;

	if (gpa == INVALID_PAGE) { /* the emulator's own #PF */
		kvm_inject_emulated_page_fault(vcpu, mmu, err, gva, 0);
		return;
	}
	slot = memslots_by_gfn(&vcpu->kvm->memslots, gpa >> PAGE_SHIFT);
	if (!slot || (slot->flags & TDPSIM_MEM_READONLY))
		return; /* MMIO, or a ROM: the write goes to the VMM or nowhere */
	mark_page_dirty_in_slot(slot, gpa >> PAGE_SHIFT);
	/* The data is not in the trace: the guest rewrites what is there. */
	kvm_mmu_track_write(vcpu, gpa, guest_read_u64(vcpu->kvm->guest, gpa), 8);
}

void kvm_emulate_gpa_write(struct kvm_vcpu *vcpu, uint64_t gpa, uint64_t value)
{
	struct kvm_memory_slot *slot = memslots_by_gfn(&vcpu->kvm->memslots, gpa >> PAGE_SHIFT);

	if (!slot || (slot->flags & TDPSIM_MEM_READONLY))
		return;
	mark_page_dirty_in_slot(slot, gpa >> PAGE_SHIFT);
	kvm_mmu_track_write(vcpu, gpa, value, 8); /* kvm_page_track_write */
}

int kvm_mmu_init_vm(struct kvm *kvm, bool tdp_mmu)
{
	kvm->tdp_mmu_enabled = tdp_mmu;
	kvm->tdp_mmu_roots = SP_NONE;
	for (int t = 0; t < KVM_NR_MMU_TYPES; t++)
		kvm->possible_nx_huge_pages[t] =
			(struct kvm_possible_nx_huge_pages){ SP_NONE, SP_NONE, 0 };
	kvm->active_head = kvm->active_tail = kvm->invalid_head = SP_NONE;
	/* kvm_memslots_have_rmaps: the legacy MMU's pages need rmaps from the start;
	 * kvm_page_track_write_tracking_enabled: shadow paging tracks guest tables. */
	kvm->memslots.have_write_track = !kvm->tdp_enabled;
	kvm->n_max_mmu_pages = KVM_MIN_ALLOC_MMU_PAGES;
	return tdp_mmu ? 0 : kvm_shadow_mmu_init_vm(kvm);
}

void kvm_mmu_uninit_vm(struct kvm *kvm)
{
	kvm->tdp_mmu_roots = SP_NONE;
	kvm_shadow_mmu_uninit_vm(kvm);
}

void kvm_mmu_memslots_changed(struct kvm *kvm, bool created_or_deleted)
{
	/* kvm_arch_commit_memory_region: the default budget follows the memory, for every VM
	 * (a TDP VM's nested shadow pages count against it). */
	if (created_or_deleted)
		kvm_mmu_update_default_mmu_pages(kvm);
}

/* ---- fan-outs over the MMUs: the rmap part first, then the TDP MMU's ---- */

bool kvm_mmu_zap_all_fast(struct kvm *kvm)
{
	bool flush = false;

	/* The rmap-based pages (of the legacy MMU, or a TDP VM's nested ones once it has
	 * any: kvm_shadow_root_allocated), then the TDP MMU's roots. */
	if (kvm->mmu_page_hash)
		flush = kvm_shadow_mmu_zap_all_fast(kvm);
	if (kvm->tdp_mmu_enabled)
		flush |= kvm_tdp_mmu_zap_all_fast(kvm);
	return flush;
}

void kvm_mmu_nx_huge_pages_changed(struct kvm *kvm)
{
	/* set_nx_huge_pages: huge leaves' X bit and the NX tables were built for the old
	 * value (mmu.c set_nx_huge_pages). */
	if (kvm_mmu_zap_all_fast(kvm))
		kvm_flush_remote_tlbs(kvm);
}

/* kvm_age_gfn (clear_young, clear_flush_young) and kvm_test_age_gfn (test_young): is any
 * SPTE of [start, end) young; aging also makes each young one old. */
bool kvm_age_gfn(struct kvm *kvm, uint64_t start, uint64_t end)
{
	bool young = false;

	if (kvm->memslots.have_rmaps)
		young = kvm_rmap_age_gfn_range(kvm, start, end, false);
	if (kvm->tdp_mmu_enabled)
		young |= kvm_tdp_mmu_age_gfn_range(kvm, start, end, false);
	return young;
}

bool kvm_test_age_gfn(struct kvm *kvm, uint64_t start, uint64_t end)
{
	if (kvm->memslots.have_rmaps && kvm_rmap_age_gfn_range(kvm, start, end, true))
		return true;
	return kvm->tdp_mmu_enabled && kvm_tdp_mmu_age_gfn_range(kvm, start, end, true);
}

bool kvm_unmap_gfn_range(struct kvm *kvm, uint64_t start, uint64_t end)
{
	bool flush = false;

	if (kvm->memslots.have_rmaps)
		flush = kvm_rmap_zap_gfn_range(kvm, start, end);
	if (kvm->tdp_mmu_enabled)
		flush |= kvm_tdp_mmu_unmap_gfn_range(kvm, start, end);
	return flush;
}

/* Before 6.1 the helpers below flushed the slot's translations themselves when they changed
 * an SPTE; from 6.1 kvm_mmu_slot_apply_flags flushes once, always (profile
 * log_enable_flushes_always). */
static void flush_if_changed_before_6_1(struct kvm *kvm, bool flush)
{
	if (flush && !kvm->profile->log_enable_flushes_always)
		kvm_flush_remote_tlbs(kvm); /* kvm_arch_flush_remote_tlbs_memslot */
}

void kvm_mmu_slot_remove_write_access(struct kvm *kvm, const struct kvm_memory_slot *slot,
				      int start_level)
{
	bool flush = false;

	if (kvm->memslots.have_rmaps)
		flush = kvm_rmap_write_protect_slot(kvm, slot, start_level);
	if (kvm->tdp_mmu_enabled)
		flush |= kvm_tdp_mmu_wrprot_slot(kvm, slot, start_level);
	flush_if_changed_before_6_1(kvm, flush);
}

void kvm_mmu_slot_leaf_clear_dirty(struct kvm *kvm, const struct kvm_memory_slot *slot)
{
	bool flush = false;

	if (kvm->memslots.have_rmaps)
		flush = kvm_rmap_clear_dirty_slot(kvm, slot);
	if (kvm->tdp_mmu_enabled)
		flush |= kvm_tdp_mmu_clear_dirty_slot(kvm, slot);
	flush_if_changed_before_6_1(kvm, flush);
}

void kvm_mmu_try_split_huge_pages(struct kvm *kvm, const struct kvm_memory_slot *slot,
				  uint64_t start, uint64_t end, int target_level)
{
	/* Eager splitting is the TDP MMU's and, 6.0+, nested MMUs' (the rmap part, first):
	 * without the TDP MMU, huge pages split lazily, by faults.  No flush: the split SPTEs
	 * keep the huge one's W and D, and write protection or dirty clearing comes next. */
	if (!kvm->tdp_mmu_enabled)
		return;
	if (kvm->memslots.have_rmaps && kvm->profile->nested_eager_page_split)
		kvm_shadow_mmu_try_split_huge_pages(kvm, slot, start, end, target_level);
	kvm_tdp_mmu_try_split_huge_pages(kvm, start, end, target_level);
}

void kvm_mmu_slot_try_split_huge_pages(struct kvm *kvm, const struct kvm_memory_slot *slot,
				       int target_level)
{
	kvm_mmu_try_split_huge_pages(kvm, slot, slot->base_gfn, slot->base_gfn + slot->npages,
				     target_level);
}

/* kvm_mmu_free_eager_page_split_caches: the VM's split caches, which only the rmap part
 * (nested MMUs) fills, given back. */
void kvm_mmu_free_eager_page_split_caches(struct kvm *kvm)
{
	kvm->split_desc_cache = 0;
	kvm->split_page_cache = 0;
}

/* kvm_mmu_slot_gfn_write_protect: the leaf mapping gfn at min_level or above. */
bool kvm_mmu_slot_gfn_write_protect(struct kvm *kvm, struct kvm_memory_slot *slot,
					   uint64_t gfn, int min_level)
{
	bool flush = false;

	if (kvm->memslots.have_rmaps)
		flush = kvm_rmap_write_protect_gfn(kvm, slot, gfn, min_level);
	if (kvm->tdp_mmu_enabled)
		flush |= kvm_tdp_mmu_write_protect_gfn(kvm, gfn, min_level);
	return flush;
}

/* kvm_mmu_write_protect_pt_masked (no PML) / kvm_mmu_clear_dirty_pt_masked (PML): the 4K
 * leaves of the pages in mask lose W, or D; huge leaves are not touched here. */
static void kvm_mmu_clear_pt_masked(struct kvm *kvm, struct kvm_memory_slot *slot,
				    uint64_t gfn, uint64_t mask, bool wrprot)
{
	/* Here KVM goes to the TDP MMU first, then the rmaps. */
	if (kvm->tdp_mmu_enabled)
		kvm_tdp_mmu_clear_dirty_pt_masked(kvm, gfn, mask, wrprot);
	if (kvm->memslots.have_rmaps)
		kvm_rmap_clear_pt_masked(kvm, slot, gfn, mask, wrprot);
}

/* kvm_arch_mmu_enable_log_dirty_pt_masked (mmu.c). */
void kvm_arch_mmu_enable_log_dirty_pt_masked(struct kvm *kvm, struct kvm_memory_slot *slot,
					     uint64_t gfn_offset, uint64_t mask)
{
	uint64_t base = slot->base_gfn + gfn_offset;

	if (kvm->config.manual_protect && kvm->config.initially_set) {
		/* Huge pages may still be mapped: split this chunk and protect what covers
		 * its ends (a chunk can straddle two 2M regions). */
		uint64_t start = base + (uint64_t)__builtin_ctzll(mask);
		uint64_t end = base + 63 - (uint64_t)__builtin_clzll(mask);
		uint64_t two_mb = pages_per_hpage(PG_LEVEL_2M);

		if (kvm->config.eager_page_split && kvm->profile->eager_page_split)
			kvm_mmu_try_split_huge_pages(kvm, slot, start, end + 1, PG_LEVEL_4K);
		kvm_mmu_slot_gfn_write_protect(kvm, slot, start, PG_LEVEL_2M);
		if ((start + two_mb - 1) / two_mb != (end + two_mb - 1) / two_mb)
			kvm_mmu_slot_gfn_write_protect(kvm, slot, end, PG_LEVEL_2M);
	}
	kvm_mmu_clear_pt_masked(kvm, slot, base, mask, !kvm->config.pml);
}

void kvm_mmu_recover_huge_pages(struct kvm *kvm, const struct kvm_memory_slot *slot)
{
	/* The rmap part zaps collapsible leaves in every version
	 * (kvm_mmu_zap_collapsible_spte), then flushes the slot once. */
	if (kvm->memslots.have_rmaps && kvm_rmap_zap_collapsible_sptes(kvm, slot))
		kvm_flush_remote_tlbs(kvm);
	if (kvm->tdp_mmu_enabled)
		kvm_tdp_mmu_recover_huge_pages(kvm, slot);
}

void kvm_mmu_zap_possible_nx_huge_page(struct kvm *kvm, struct kvm_mmu_page *sp)
{
	/* kvm_recover_nx_huge_pages: each list's pages go by their own MMU's zap. */
	if (sp->tdp_mmu_page)
		kvm_tdp_mmu_zap_possible_nx_huge_page(kvm, sp);
	else
		kvm_mmu_prepare_zap_page(kvm, sp);
}

bool kvm_mmu_remote_flush_or_zap(struct kvm *kvm, bool flush)
{
	/* kvm_mmu_remote_flush_or_zap: committing zapped pages flushes; else flush if asked. */
	if (kvm_mmu_commit_zap_page(kvm))
		return true;
	if (flush)
		kvm_flush_remote_tlbs(kvm);
	return flush;
}

/* SPDX-License-Identifier: MIT */
/*
 * KVM's page-fault path for TDP (mmu.c; reference 1.2-1.9): kvm_mmu_page_fault ->
 * fast_page_fault -> faultin -> is_page_fault_stale -> kvm_tdp_mmu_map, with the hugepage
 * decisions (kvm_mmu_hugepage_adjust, kvm_mmu_max_mapping_level, disallowed_hugepage_adjust)
 * and the MMU notifier, memslot and MMIO pieces around it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "kvm/dirty_log.h"
#include "kvm/tdp_mmu.h"
#include "tdpsim/trace.h"

#define KVM_MMU_MAX_GFN ((1ull << (48 - PAGE_SHIFT)) - 1) /* what 4-level EPT maps */
#define FAST_PF_RETRIES 4

/* A pf_* counter of 5.19+ (profile pf_stats): before, only pf_fixed existed. */
static void count_pf(const struct kvm *kvm, uint64_t *vcpu_counter, uint64_t *vm_sum)
{
	if (!kvm->profile->pf_stats)
		return;
	(*vcpu_counter)++;
	(*vm_sum)++;
}

/* ---- the hugepage decisions (reference 1.9, 1.10.1) ---- */

/* __kvm_mmu_max_mapping_level: lpage_info first, then what the host maps. */
static int max_mapping_level(const struct kvm *kvm, const struct kvm_memory_slot *slot,
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
	return host_level < max_level ? host_level : max_level;
}

int kvm_mmu_max_mapping_level_gfn(const struct kvm *kvm, const struct kvm_memory_slot *slot,
				  uint64_t gfn)
{
	return max_mapping_level(kvm, slot, gfn, KVM_MAX_HUGEPAGE_LEVEL);
}

static int kvm_mmu_max_mapping_level(const struct kvm *kvm, const struct kvm_page_fault *fault)
{
	return max_mapping_level(kvm, fault->slot, fault->gfn, fault->max_level);
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
	fault->req_level = kvm_mmu_max_mapping_level(kvm, fault);
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

/* ---- fast_page_fault (reference 1.5) ---- */

static bool page_fault_can_be_fast(const struct kvm_page_fault *fault)
{
	if (fault->rsvd)
		return false;
	/* With A/D bits (EPT A/D on) nothing is access-tracked: only a write-protection fault
	 * on a present SPTE can be fixed without the lock. */
	return fault->present && fault->write;
}

static int fast_page_fault(struct kvm *kvm, struct kvm_page_fault *fault)
{
	int ret = RET_PF_INVALID;

	if (!page_fault_can_be_fast(fault))
		return RET_PF_INVALID;
	kvm->work.fast_path++;
	for (int retry = 0; retry <= FAST_PF_RETRIES; retry++) {
		int level;
		uint64_t *sptep = kvm_tdp_mmu_get_last_sptep(kvm, fault->gfn, &level);
		uint64_t spte = *sptep, new_spte = spte;

		if (!is_shadow_present_pte(spte) || !is_last_spte(spte, level))
			break;
		if (is_access_allowed(fault, spte)) {
			ret = RET_PF_SPURIOUS;
			break;
		}
		if (fault->write && is_mmu_writable_spte(spte)) {
			new_spte |= VMX_EPT_WRITABLE_MASK;
			/* A huge SPTE in a dirty-logged slot: let the slow path map 4K. */
			if (level > PG_LEVEL_4K && fault->slot &&
			    (fault->slot->flags & TDPSIM_MEM_LOG_DIRTY_PAGES))
				break;
		}
		if (new_spte == spte || !is_access_allowed(fault, new_spte))
			break;
		kvm_tdp_mmu_set_leaf_fast(kvm, sptep, fault->gfn & ~(pages_per_hpage(level) - 1),
					  level, new_spte);
		/* fast_pf_fix_direct_spte: W went 0 -> 1, the page is dirty. */
		if (fault->slot && !is_writable_pte(spte) && is_writable_pte(new_spte))
			mark_page_dirty_in_slot(fault->slot, fault->gfn);
		ret = RET_PF_FIXED;
		break;
	}
	if (ret != RET_PF_INVALID) {
		count_pf(kvm, &kvm->vcpu_stat[fault->vcpu].pf_fast, &kvm->stats->pf_fast);
		fault->fast = true;
	}
	return ret;
}

/* ---- faultin and staleness (reference 1.7, 1.8) ---- */

/* mmu_invalidate_retry_gfn: an invalidation covering gfn ran or runs since the snapshot. */
static bool mmu_invalidate_retry_gfn(const struct kvm *kvm, uint64_t mmu_seq, uint64_t gfn)
{
	if (kvm->mmu_invalidate_in_progress && gfn >= kvm->mmu_invalidate_range_start &&
	    gfn < kvm->mmu_invalidate_range_end)
		return true;
	return kvm->mmu_invalidate_seq != mmu_seq;
}

static int kvm_mmu_faultin_pfn(struct kvm *kvm, struct kvm_page_fault *fault)
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
		return fault->gfn > KVM_MMU_MAX_GFN ? RET_PF_EMULATE : RET_PF_CONTINUE;
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

static int kvm_tdp_page_fault(struct kvm *kvm, struct kvm_page_fault *fault)
{
	int r = fast_page_fault(kvm, fault);

	if (r != RET_PF_INVALID)
		return r;
	r = kvm_mmu_faultin_pfn(kvm, fault);
	if (r != RET_PF_CONTINUE)
		return r;
	if (is_page_fault_stale(kvm, fault))
		return RET_PF_RETRY;
	return kvm_tdp_mmu_map(kvm, fault);
}

/* handle_mmio_page_fault (1.2.1): a hit on an MMIO SPTE of the current generation is
 * emulated at once; a stale one goes down the normal path to be rebuilt. */
static int handle_mmio_page_fault(const struct kvm *kvm, uint64_t gpa)
{
	int level;
	uint64_t spte = *kvm_tdp_mmu_get_last_sptep(kvm, gpa >> PAGE_SHIFT, &level);
	uint64_t gen = kvm->memslots_generation & ((1ull << MMIO_SPTE_GEN_BITS) - 1);

	if (!is_mmio_spte(spte))
		return RET_PF_RETRY;
	return mmio_spte_gen(spte) == gen ? RET_PF_EMULATE : RET_PF_INVALID;
}

static void fault_init(const struct kvm *kvm, struct kvm_page_fault *f, unsigned vcpu,
		       uint64_t gpa, uint32_t error_code)
{
	memset(f, 0, sizeof(*f));
	f->vcpu = vcpu;
	f->addr = gpa;
	f->error_code = error_code;
	f->exec = error_code & TDPSIM_PFERR_FETCH;
	f->write = error_code & TDPSIM_PFERR_WRITE;
	f->present = error_code & TDPSIM_PFERR_PRESENT;
	f->rsvd = error_code & TDPSIM_PFERR_RSVD;
	f->user = error_code & TDPSIM_PFERR_USER;
	f->nx_huge_page_workaround_enabled = is_nx_huge_page_enabled(kvm);
	f->max_level = KVM_MAX_HUGEPAGE_LEVEL;
	f->req_level = f->goal_level = PG_LEVEL_4K;
	f->gfn = gpa >> PAGE_SHIFT;
	f->pfn = KVM_PFN_NOSLOT;
}

void kvm_fault_describe(const struct kvm_page_fault *f, int result, tdpsim_fault *out)
{
	memset(out, 0, sizeof(*out));
	out->vcpu = f->vcpu;
	out->gpa = f->addr;
	out->gfn = f->gfn;
	out->error_code = f->error_code;
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
}

static void report_fault(const struct kvm *kvm, const struct kvm_page_fault *f, int r)
{
	tdpsim_fault out;

	if (!kvm->hooks->on_fault)
		return;
	kvm_fault_describe(f, r, &out);
	kvm->hooks->on_fault(&out, kvm->hooks->payload);
}

int kvm_mmu_page_fault(struct kvm *kvm, unsigned vcpu, uint64_t gpa, uint32_t error_code)
{
	tdpsim_vcpu_stats *vs = &kvm->vcpu_stat[vcpu];
	struct kvm_page_fault fault;
	int r = RET_PF_INVALID;

	fault_init(kvm, &fault, vcpu, gpa, error_code);
	if (error_code & TDPSIM_PFERR_RSVD) {
		r = handle_mmio_page_fault(kvm, gpa);
		if (r == RET_PF_EMULATE) { /* straight to the emulator: no pf_* counted */
			report_fault(kvm, &fault, r);
			return r;
		}
	}
	if (r == RET_PF_INVALID) {
		count_pf(kvm, &vs->pf_taken, &kvm->stats->pf_taken);
		fault.slot = gpa >> PAGE_SHIFT <= KVM_MMU_MAX_GFN
				     ? memslots_by_gfn(&kvm->memslots, fault.gfn) : NULL;
		r = kvm_tdp_page_fault(kvm, &fault);
	}
	if (r < 0)
		return r;
	switch (r) {
	case RET_PF_FIXED:
		vs->pf_fixed++; /* the one counter every kernel had */
		kvm->stats->pf_fixed++;
		break;
	case RET_PF_EMULATE:
		count_pf(kvm, &vs->pf_emulate, &kvm->stats->pf_emulate);
		break;
	case RET_PF_SPURIOUS:
		count_pf(kvm, &vs->pf_spurious, &kvm->stats->pf_spurious);
		break;
	default:
		break;
	}
	report_fault(kvm, &fault, r);
	return r;
}

/* ---- the hardware's side of EPT ---- */

uint32_t kvm_tdp_translate(const struct kvm *kvm, uint64_t gpa, int op, uint64_t *sptep,
			   int *level)
{
	uint32_t err = op == TDPSIM_OP_WRITE ? TDPSIM_PFERR_WRITE
		       : op == TDPSIM_OP_EXEC ? TDPSIM_PFERR_FETCH : TDPSIM_PFERR_USER;
	uint64_t spte;

	*sptep = 0;
	*level = 0;
	if ((gpa >> PAGE_SHIFT) > KVM_MMU_MAX_GFN)
		return err; /* beyond the tables: an EPT violation, emulated by KVM */
	spte = *sptep = *kvm_tdp_mmu_get_last_sptep(kvm, gpa >> PAGE_SHIFT, level);
	if (is_mmio_spte(spte))
		return TDPSIM_PFERR_RSVD; /* EPT misconfiguration */
	if (spte_allows(spte, op))
		return 0;
	/* __vmx_handle_ept_violation: read -> USER, write -> WRITE, fetch -> FETCH, and
	 * PRESENT when the entry granted any of R/W/X. */
	if (is_shadow_present_pte(spte) && (spte & VMX_EPT_RWX_MASK))
		err |= TDPSIM_PFERR_PRESENT;
	return err;
}

/* ---- memslots and the MMU notifier ---- */

int kvm_set_memory_region(struct kvm *kvm, uint32_t id, uint32_t flags, uint64_t gpa,
			  uint64_t size, uint64_t hva)
{
	struct kvm_memory_slot *old = memslots_by_id(&kvm->memslots, id), *slot;
	bool gone = old && (size == 0 || old->base_gfn != gpa >> PAGE_SHIFT);
	bool flags_only = old && !gone;
	uint32_t old_flags = old ? old->flags : 0;
	int rc = memslots_set(&kvm->memslots, id, flags, gpa, size, hva, KVM_MMU_MAX_GFN);

	if (rc < 0)
		return rc;
	kvm->memslots_generation++;
	/* Deleting or moving a slot zaps everything (KVM_X86_QUIRK_SLOT_ZAP_ALL, on by
	 * default): the old gfns must not stay mapped. */
	if (gone && kvm_tdp_mmu_zap_all(kvm))
		kvm_flush_remote_tlbs(kvm);
	if (size == 0)
		return 0;
	slot = memslots_by_id(&kvm->memslots, id);
	if (flags_only) /* KVM_MR_FLAGS_ONLY: kvm_mmu_slot_apply_flags */
		return kvm_mmu_slot_apply_flags(kvm, slot, old_flags);
	return kvm_dirty_log_slot_created(kvm, slot);
}

/* kvm_mmu_notifier_invalidate_range_start: note the range, zap what maps it, flush. */
static void kvm_mmu_invalidate_range_start(void *ctx, uint64_t start, uint64_t end)
{
	struct kvm *kvm = ctx;
	bool flush = false;

	if (kvm->mmu_invalidate_in_progress++ == 0) {
		kvm->mmu_invalidate_range_start = UINT64_MAX;
		kvm->mmu_invalidate_range_end = 0;
	}
	for (size_t i = 0; i < kvm->memslots.n; i++) {
		const struct kvm_memory_slot *s = &kvm->memslots.slots[i];
		uint64_t s_start = s->userspace_addr, s_end = s_start + (s->npages << PAGE_SHIFT);
		uint64_t lo = start > s_start ? start : s_start, hi = end < s_end ? end : s_end;
		uint64_t gfn_lo, gfn_hi;

		if (lo >= hi)
			continue;
		gfn_lo = s->base_gfn + ((lo - s_start) >> PAGE_SHIFT);
		gfn_hi = s->base_gfn + ((hi - s_start + PAGE_SIZE - 1) >> PAGE_SHIFT);
		if (gfn_lo < kvm->mmu_invalidate_range_start)
			kvm->mmu_invalidate_range_start = gfn_lo;
		if (gfn_hi > kvm->mmu_invalidate_range_end)
			kvm->mmu_invalidate_range_end = gfn_hi;
		flush |= kvm_tdp_mmu_zap_leafs(kvm, gfn_lo, gfn_hi);
	}
	if (flush)
		kvm_flush_remote_tlbs(kvm);
}

static void kvm_mmu_invalidate_range_end(void *ctx, uint64_t start, uint64_t end)
{
	struct kvm *kvm = ctx;

	(void)start;
	(void)end;
	kvm->mmu_invalidate_seq++;
	kvm->mmu_invalidate_in_progress--;
}

int kvm_init(struct kvm *kvm, struct host_mm *host, tdpsim_stats *stats, unsigned nr_vcpus,
	     const struct kvm_profile *profile)
{
	struct host_notifier n = { kvm_mmu_invalidate_range_start, kvm_mmu_invalidate_range_end,
				   kvm };

	memset(kvm, 0, sizeof(*kvm));
	kvm->profile = profile;
	kvm->host = host;
	kvm->stats = stats;
	kvm->nr_vcpus = nr_vcpus;
	kvm->nx_head = kvm->nx_tail = SP_NONE;
	memslots_init(&kvm->memslots);
	sp_pool_init(&kvm->pool);
	kvm->vcpu_stat = calloc(nr_vcpus, sizeof(*kvm->vcpu_stat));
	kvm->pml_buf = calloc(nr_vcpus, sizeof(*kvm->pml_buf));
	kvm->pml_used = calloc(nr_vcpus, sizeof(*kvm->pml_used));
	if (!kvm->vcpu_stat || !kvm->pml_buf || !kvm->pml_used || kvm_tdp_mmu_alloc_root(kvm) < 0) {
		kvm_destroy(kvm);
		return err_set(TDPSIM_ENOMEM, "kvm: out of memory");
	}
	host_mm_set_notifier(host, &n);
	return 0;
}

void kvm_destroy(struct kvm *kvm)
{
	memslots_free(&kvm->memslots);
	sp_pool_free(&kvm->pool);
	free(kvm->vcpu_stat);
	free(kvm->pml_buf);
	free(kvm->pml_used);
	kvm->vcpu_stat = NULL;
	kvm->pml_buf = NULL;
	kvm->pml_used = NULL;
	kvm->root = NULL;
}

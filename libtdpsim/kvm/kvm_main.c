/* SPDX-License-Identifier: MIT */
/*
 * KVM's generic VM code, after virt/kvm/kvm_main.c: creating the VM and its vCPUs,
 * KVM_SET_USER_MEMORY_REGION, the MMU notifier (kvm_mmu_notifier_invalidate_range_start /
 * _end) and kvm_flush_remote_tlbs.  The MMU work each of them causes goes through kvm/mmu.h.
 */
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/mem.h"
#include "kvm/dirty_log.h"
#include "kvm/mmu.h"

int kvm_set_memory_region(struct kvm *kvm, uint32_t id, uint32_t flags, uint64_t gpa,
			  uint64_t size, uint64_t hva)
{
	struct kvm_memory_slot *old = memslots_by_id(&kvm->memslots, id), *slot;
	bool gone = old && (size == 0 || old->base_gfn != gpa >> PAGE_SHIFT);
	bool flags_only = old && !gone;
	uint32_t old_flags = old ? old->flags : 0;
	bool create_or_delete = !old || size == 0;
	int rc;

	/* Deleting or moving a slot zaps everything (KVM_X86_QUIRK_SLOT_ZAP_ALL, on by
	 * default), while the old slot is still there (kvm_arch_flush_shadow_memslot runs on
	 * the invalidated old slot): the old gfns must not stay mapped, and the shadow pages
	 * of guest tables in it let go of their write tracking there. */
	if (gone && kvm_mmu_zap_all_fast(kvm))
		kvm_flush_remote_tlbs(kvm);
	rc = memslots_set(&kvm->memslots, id, flags, gpa, size, hva, kvm_mmu_max_gfn(kvm));
	if (rc < 0)
		return rc;
	kvm->memslots_generation++;
	kvm_mmu_memslots_changed(kvm, create_or_delete);
	if (size == 0)
		return 0;
	slot = memslots_by_id(&kvm->memslots, id);
	if (flags_only) /* KVM_MR_FLAGS_ONLY: kvm_mmu_slot_apply_flags */
		return kvm_mmu_slot_apply_flags(kvm, slot, old_flags);
	return kvm_dirty_log_slot_created(kvm, slot);
}

/* The gfns of memslot `s` that back hva [start, end), if any (hva_to_gfn_memslot over the
 * overlap, rounded out to whole pages). */
static bool slot_gfn_range(const struct kvm_memory_slot *s, uint64_t start, uint64_t end,
			   uint64_t *gfn_lo, uint64_t *gfn_hi)
{
	uint64_t s_start = s->userspace_addr, s_end = s_start + (s->npages << PAGE_SHIFT);
	uint64_t lo = start > s_start ? start : s_start, hi = end < s_end ? end : s_end;

	if (lo >= hi)
		return false;
	*gfn_lo = s->base_gfn + ((lo - s_start) >> PAGE_SHIFT);
	*gfn_hi = s->base_gfn + ((hi - s_start + PAGE_SIZE - 1) >> PAGE_SHIFT);
	return true;
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
		uint64_t gfn_lo, gfn_hi;

		if (!slot_gfn_range(&kvm->memslots.slots[i], start, end, &gfn_lo, &gfn_hi))
			continue;
		if (gfn_lo < kvm->mmu_invalidate_range_start)
			kvm->mmu_invalidate_range_start = gfn_lo;
		if (gfn_hi > kvm->mmu_invalidate_range_end)
			kvm->mmu_invalidate_range_end = gfn_hi;
		flush |= kvm_unmap_gfn_range(kvm, gfn_lo, gfn_hi);
	}
	/* 5.10: also when a sync dropped SPTEs since the last flush (tlbs_dirty): the pages
	 * may be freed now, and another vCPU's TLB may still map them. */
	if (flush || kvm->tlbs_dirty)
		kvm_flush_remote_tlbs(kvm);
}

/* kvm_handle_hva_range for the young callbacks: `handler` over each memslot's gfns of hva
 * [start, end); young if any answered young. */
static bool kvm_handle_hva_range(struct kvm *kvm, uint64_t start, uint64_t end,
				 bool (*handler)(struct kvm *, uint64_t, uint64_t))
{
	bool young = false;

	for (size_t i = 0; i < kvm->memslots.n; i++) {
		uint64_t gfn_lo, gfn_hi;

		if (slot_gfn_range(&kvm->memslots.slots[i], start, end, &gfn_lo, &gfn_hi))
			young |= handler(kvm, gfn_lo, gfn_hi);
	}
	return young;
}

/*
 * kvm_mmu_notifier_clear_flush_young (reclaim's folio_referenced) and clear_young (idle page
 * tracking, MGLRU): age what maps the range.  Up to 6.12 the first flushed the VM's TLBs
 * when something was young; from 6.13 x86 selects KVM_ELIDE_TLB_FLUSH_IF_YOUNG and neither
 * flushes (profile age_elides_flush): a translation the TLB still holds keeps the page
 * looking old until the TLB drops it.
 */
static int kvm_mmu_notifier_clear_young(void *ctx, uint64_t start, uint64_t end, bool flush)
{
	struct kvm *kvm = ctx;
	bool young = kvm_handle_hva_range(kvm, start, end, kvm_age_gfn);

	if (young && flush && !kvm->profile->age_elides_flush)
		kvm_flush_remote_tlbs(kvm);
	return young;
}

/* kvm_mmu_notifier_test_young: is anything that maps the range young (nothing changes). */
static int kvm_mmu_notifier_test_young(void *ctx, uint64_t start, uint64_t end)
{
	return kvm_handle_hva_range(ctx, start, end, kvm_test_age_gfn);
}

static void kvm_mmu_invalidate_range_end(void *ctx, uint64_t start, uint64_t end)
{
	struct kvm *kvm = ctx;

	(void)start;
	(void)end;
	kvm->mmu_invalidate_seq++;
	kvm->mmu_invalidate_in_progress--;
}

/* kvm_flush_remote_tlbs: without a range flush (bare-metal VMX) every flush is a full one,
 * counted once: KVM_REQ_TLB_FLUSH to every vCPU, INVEPT before its next entry. */
void kvm_flush_remote_tlbs(struct kvm *kvm)
{
	kvm->stats->remote_tlb_flush_requests++;
	kvm->tlbs_dirty = 0; /* 5.10: the deferred flushes are done with this one */
	if (kvm->flush_tlbs)
		kvm->flush_tlbs(kvm->flush_ctx);
}

/* kvm_vm_ioctl_create_vcpu: KVM's side of a vCPU, its MMU created and loaded. */
static int kvm_vcpu_create(struct kvm *kvm, unsigned idx)
{
	struct kvm_vcpu *vcpu = &kvm->vcpus[idx];

	vcpu->kvm = kvm;
	vcpu->vcpu_idx = idx;
	kvm_mmu_create(vcpu);
	/* A shadow MMU's root needs the guest's CR3: it is loaded at the first entry. */
	return kvm->tdp_enabled ? kvm_mmu_load(vcpu) : 0;
}

int kvm_init(struct kvm *kvm, struct host_mm *host, struct guest_mm *guest, tdpsim_stats *stats,
	     unsigned nr_vcpus, const struct kvm_profile *profile,
	     const struct kvm_mmu_setup *setup, struct mem_meter *mem)
{
	bool tdp_enabled = setup->tdp_enabled;
	struct host_notifier n = { .invalidate_range_start = kvm_mmu_invalidate_range_start,
				   .invalidate_range_end = kvm_mmu_invalidate_range_end,
				   .clear_young = kvm_mmu_notifier_clear_young,
				   .test_young = kvm_mmu_notifier_test_young,
				   .ctx = kvm };
	int rc = 0;

	memset(kvm, 0, sizeof(*kvm));
	kvm->mem = mem;
	kvm->profile = profile;
	kvm->host = host;
	kvm->guest = guest;
	kvm->tdp_enabled = tdp_enabled;
	/* kvm_configure_mmu */
	kvm->tdp_root_level = setup->tdp_forced_root_level;
	kvm->max_tdp_level = setup->tdp_max_root_level;
	kvm->host_maxphyaddr = setup->host_maxphyaddr;
	kvm->guest_maxphyaddr = setup->guest_maxphyaddr;
	kvm->host_levels = host_paging_levels(host);
	/* kvm_mmu_set_ept_masks(enable_ept_ad_bits, ...), or the x86 format */
	kvm->spte = !tdp_enabled ? &spte_masks_x86
		    : setup->ad_enabled ? &spte_masks_ept : &spte_masks_ept_noad;
	kvm->stats = stats;
	kvm->nr_vcpus = nr_vcpus;
	memslots_init(&kvm->memslots, mem);
	sp_pool_init(&kvm->pool, !tdp_enabled, mem);
	rc = kvm_mmu_init_vm(kvm, tdp_enabled && setup->tdp_mmu);
	/* the vCPUs: fixed, charged once (freed with the machine) */
	if (rc == 0)
		rc = mem_charge(mem, MEM_VCPUS, nr_vcpus * sizeof(*kvm->vcpus));
	if (rc == 0) {
		kvm->vcpus = calloc(nr_vcpus, sizeof(*kvm->vcpus));
		if (!kvm->vcpus)
			rc = err_set(TDPSIM_ENOMEM, "kvm: out of memory for %u vCPUs", nr_vcpus);
	}
	for (unsigned i = 0; i < nr_vcpus && rc == 0; i++)
		rc = kvm_vcpu_create(kvm, i);
	if (rc < 0) {
		kvm_destroy(kvm);
		return rc;
	}
	host_mm_set_notifier(host, &n);
	return 0;
}

void kvm_destroy(struct kvm *kvm)
{
	kvm_mmu_uninit_vm(kvm);
	memslots_free(&kvm->memslots);
	sp_pool_free(&kvm->pool);
	free(kvm->vcpus);
	kvm->vcpus = NULL;
}

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
		flush |= kvm_unmap_gfn_range(kvm, gfn_lo, gfn_hi);
	}
	/* 5.10: also when a sync dropped SPTEs since the last flush (tlbs_dirty): the pages
	 * may be freed now, and another vCPU's TLB may still map them. */
	if (flush || kvm->tlbs_dirty)
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
	struct host_notifier n = { kvm_mmu_invalidate_range_start, kvm_mmu_invalidate_range_end,
				   kvm };
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
	kvm->spte = tdp_enabled ? &spte_masks_ept : &spte_masks_x86;
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

/* SPDX-License-Identifier: MIT */
/*
 * Dirty logging (kvm_mmu_slot_apply_flags): turning it on (eager split first, then write-protect),
 * turning it off (huge pages back, per profile), KVM_GET_DIRTY_LOG and KVM_CLEAR_DIRTY_LOG.
 * Without PML, KVM write-protects every leaf and the fast path logs each first write.  With
 * PML (Intel, kvm_intel.pml), KVM clears D on the leaves instead and write-protects only the
 * huge ones: the processor sets D at the next write and logs the GPA in the vCPU's PML
 * buffer, which KVM drains into the bitmap at every VM exit (a full buffer forces one), and
 * before every GET/CLEAR_DIRTY_LOG by kicking the vCPUs (kvm_arch_sync_dirty_log).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/mem.h"
#include "cpu/vcpu.h"
#include "kvm/dirty_log.h"
#include "kvm/mmu.h"

static bool manual_and_initially_set(const struct kvm *kvm)
{
	return kvm->config.manual_protect && kvm->config.initially_set;
}

static size_t bitmap_words(const struct kvm_memory_slot *slot)
{
	return (size_t)((slot->npages + 63) / 64);
}

/* kvm_alloc_dirty_bitmap: all ones in INITIALLY_SET mode (every page reported dirty until
 * userspace clears it), else empty. */
static int alloc_dirty_bitmap(const struct kvm *kvm, struct kvm_memory_slot *slot)
{
	size_t n = bitmap_words(slot);

	slot->dirty_bitmap = mem_calloc(kvm->memslots.mem, MEM_DIRTY_LOG, n, sizeof(uint64_t));
	if (!slot->dirty_bitmap) {
		char where[40];

		snprintf(where, sizeof(where), "memslot %u: dirty bitmap", slot->id);
		err_prefix(where);
		return TDPSIM_ENOMEM;
	}
	if (manual_and_initially_set(kvm)) {
		memset(slot->dirty_bitmap, 0xff, n * sizeof(uint64_t));
		if (slot->npages % 64)
			slot->dirty_bitmap[n - 1] = (1ull << (slot->npages % 64)) - 1;
	}
	return 0;
}

int kvm_mmu_slot_apply_flags(struct kvm *kvm, struct kvm_memory_slot *slot, uint32_t old_flags)
{
	bool was = old_flags & TDPSIM_MEM_LOG_DIRTY_PAGES;
	bool now = kvm_slot_dirty_track_enabled(slot);
	int rc;

	if (was == now)
		return 0;
	if (!now) {
		mem_free(kvm->memslots.mem, MEM_DIRTY_LOG, slot->dirty_bitmap,
			 memslot_dirty_bitmap_bytes(slot));
		slot->dirty_bitmap = NULL;
		if (!(slot->flags & TDPSIM_MEM_READONLY))
			kvm_mmu_recover_huge_pages(kvm, slot);
		/* whatever the eager_page_split parameter says now: it may have changed */
		kvm_mmu_free_eager_page_split_caches(kvm);
		return 0;
	}
	if (!slot->dirty_bitmap && (rc = alloc_dirty_bitmap(kvm, slot)) < 0)
		return rc;
	if ((slot->flags & TDPSIM_MEM_READONLY) || manual_and_initially_set(kvm))
		return 0; /* nothing protected or split now: CLEAR_DIRTY_LOG does it chunkwise */
	if (kvm->config.eager_page_split && kvm->profile->eager_page_split)
		kvm_mmu_slot_try_split_huge_pages(kvm, slot, PG_LEVEL_4K);
	if (kvm->config.pml) { /* kvm_mmu_slot_leaf_clear_dirty, then huge leaves lose W */
		kvm_mmu_slot_leaf_clear_dirty(kvm, slot);
		kvm_mmu_slot_remove_write_access(kvm, slot, PG_LEVEL_2M);
	} else {
		kvm_mmu_slot_remove_write_access(kvm, slot, PG_LEVEL_4K);
	}
	/* kvm_flush_remote_tlbs_memslot: from 6.1 always, afterwards (before, the helpers
	 * flushed where they changed something) */
	if (kvm->profile->log_enable_flushes_always)
		kvm_flush_remote_tlbs(kvm);
	return 0;
}

/* A slot created (or moved) with logging already on gets its bitmap at once. */
int kvm_dirty_log_slot_created(struct kvm *kvm, struct kvm_memory_slot *slot)
{
	if (!kvm_slot_dirty_track_enabled(slot) || slot->dirty_bitmap)
		return 0;
	return alloc_dirty_bitmap(kvm, slot);
}

static uint64_t popcount_words(const uint64_t *w, size_t n)
{
	uint64_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += (uint64_t)__builtin_popcountll(w[i]);
	return c;
}

/* kvm_arch_sync_dirty_log: with PML, every vCPU is kicked out of the guest and drains its
 * buffer, so that the bitmap holds every page written so far. */
static void sync_dirty_log(struct kvm *kvm)
{
	if (kvm->config.pml && kvm->kick_vcpus)
		kvm->kick_vcpus(kvm->flush_ctx);
}

int64_t kvm_get_dirty_log(struct kvm *kvm, struct kvm_memory_slot *slot)
{
	size_t n = bitmap_words(slot);
	uint64_t count = 0;
	bool flush = false;

	if (!slot->dirty_bitmap) /* kvm_get_dirty_log_protect: ENOENT */
		return err_set(TDPSIM_EINPUT, "get-dirty-log: memslot %u is not dirty-logged",
			       slot->id);
	sync_dirty_log(kvm);
	if (kvm->config.manual_protect) /* only a copy: nothing cleared or protected */
		return (int64_t)popcount_words(slot->dirty_bitmap, n);
	for (size_t i = 0; i < n; i++) {
		uint64_t mask = slot->dirty_bitmap[i];

		if (!mask)
			continue;
		slot->dirty_bitmap[i] = 0; /* taken */
		count += (uint64_t)__builtin_popcountll(mask);
		kvm_arch_mmu_enable_log_dirty_pt_masked(kvm, slot, i * 64, mask);
		flush = true;
	}
	if (flush)
		kvm_flush_remote_tlbs(kvm);
	return (int64_t)count;
}

int64_t kvm_clear_dirty_log(struct kvm *kvm, struct kvm_memory_slot *slot, uint64_t first,
			    uint64_t num)
{
	uint64_t count = 0;
	bool flush = false;

	if (!kvm->config.manual_protect) /* kvm_vm_ioctl_clear_dirty_log: EINVAL */
		return err_set(TDPSIM_EINPUT, "clear-dirty-log needs manual_dirty_log_protect=1 or 3 "
			       "(KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2)");
	if (!slot->dirty_bitmap) /* kvm_clear_dirty_log_protect: ENOENT */
		return err_set(TDPSIM_EINPUT, "clear-dirty-log: memslot %u is not dirty-logged",
			       slot->id);
	/* kvm_clear_dirty_log_protect: a 64-page aligned start, whole 64-page chunks unless
	 * the range runs to the end of the slot, and inside the slot (EINVAL). */
	if ((first & 63) || first >= slot->npages || num > slot->npages - first ||
	    (num < slot->npages - first && (num & 63)))
		return err_set(TDPSIM_EINPUT,
			       "clear-dirty-log: pages [%" PRIu64 ", +%" PRIu64 ") do not fit memslot "
			       "%u of %" PRIu64 " pages in 64-page chunks", first, num, slot->id,
			       slot->npages);
	sync_dirty_log(kvm);
	/* whole words, the last maybe partial */
	for (uint64_t off = first; off < first + num; off += 64) {
		uint64_t len = first + num - off < 64 ? first + num - off : 64;
		uint64_t user = len == 64 ? ~0ull : (1ull << len) - 1;
		uint64_t *word = &slot->dirty_bitmap[off / 64];
		uint64_t mask = *word & user;

		if (!mask)
			continue;
		*word &= ~mask;
		count += (uint64_t)__builtin_popcountll(mask);
		kvm_arch_mmu_enable_log_dirty_pt_masked(kvm, slot, off, mask);
		flush = true;
	}
	if (flush)
		kvm_flush_remote_tlbs(kvm);
	return (int64_t)count;
}

/* ---- PML ---- */

bool kvm_pml_logging(const struct kvm *kvm)
{
	if (!kvm->config.pml)
		return false;
	for (size_t i = 0; i < kvm->memslots.n; i++)
		if (kvm_slot_dirty_track_enabled(&kvm->memslots.slots[i]))
			return true;
	return false;
}

void kvm_flush_pml_buffer(struct kvm *kvm, const uint64_t *pml_page, uint16_t *pml_index)
{
	unsigned i = *pml_index;

	if (i == PML_HEAD_INDEX)
		return; /* nothing logged */
	/* The index points at the next free entry, or wrapped below 0 (full). */
	i = i >= PML_LOG_NR_ENTRIES ? 0 : i + 1;
	kvm->work.pml_drained += PML_LOG_NR_ENTRIES - i;
	for (; i < PML_LOG_NR_ENTRIES; i++) {
		uint64_t gfn = pml_page[i] >> PAGE_SHIFT;
		struct kvm_memory_slot *slot = memslots_by_gfn(&kvm->memslots, gfn);

		if (slot) /* kvm_vcpu_mark_page_dirty: a slot deleted since logs nothing */
			mark_page_dirty_in_slot(slot, gfn);
	}
	*pml_index = PML_HEAD_INDEX;
}

/* SPDX-License-Identifier: MIT */
/*
 * Internal: KVM's memslots as KVM_SET_USER_MEMORY_REGION manages them: create, move (new
 * base gfn), change flags, delete; with KVM's rules for what an existing slot may change.
 */
#ifndef TDPSIM_KVM_MEMSLOT_H
#define TDPSIM_KVM_MEMSLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "x86/paging.h"

struct mem_meter;

struct kvm_memory_slot {
	uint32_t id;
	uint32_t flags;         /* TDPSIM_MEM_* */
	uint64_t base_gfn;
	uint64_t npages;
	uint64_t userspace_addr; /* hva of base_gfn */
	/* lpage_info[level - 2][i].disallow_lpage for the 2M and 1G regions the slot touches
	 * (x86.c kvm_alloc_memslot_metadata): non-zero forbids a huge mapping of that region. */
	int32_t *disallow_lpage[KVM_MAX_HUGEPAGE_LEVEL - 1];
	/* The dirty bitmap, one bit per page, while dirty logging is on (else NULL). */
	uint64_t *dirty_bitmap;
	/* arch.rmap[level - 1]: a pte_list head per level-`level` region (shadow_mmu.c), only
	 * while the rmap-based MMU is in use (kvm_memslots_have_rmaps). */
	uint64_t *rmap[KVM_MAX_HUGEPAGE_LEVEL];
	/* arch.gfn_write_track: per page, the shadow pages of upper-level guest tables there
	 * (page_track.c); only under shadow paging (kvm_page_track_write_tracking_enabled). */
	uint16_t *gfn_write_track;
};

static inline int kvm_slot_dirty_track_enabled(const struct kvm_memory_slot *slot)
{
	return slot->flags & 0x1u; /* KVM_MEM_LOG_DIRTY_PAGES */
}

/* mark_page_dirty_in_slot: a page that may have been written while logging. */
static inline void mark_page_dirty_in_slot(struct kvm_memory_slot *slot, uint64_t gfn)
{
	uint64_t rel = gfn - slot->base_gfn;

	if (slot->dirty_bitmap)
		slot->dirty_bitmap[rel / 64] |= 1ull << (rel % 64);
}

/* The page's bit in the dirty bitmap (false while the slot logs nothing). */
static inline bool kvm_slot_page_is_dirty(const struct kvm_memory_slot *slot, uint64_t gfn)
{
	uint64_t rel = gfn - slot->base_gfn;

	return slot->dirty_bitmap && (slot->dirty_bitmap[rel / 64] >> (rel % 64) & 1);
}

struct kvm_memslots {
	struct kvm_memory_slot *slots; /* sorted by base_gfn; ranges never overlap */
	int have_rmaps;                /* new slots get rmap arrays (kvm_memslots_have_rmaps) */
	int have_write_track;          /* new slots get gfn_write_track arrays */
	size_t n, cap;
	size_t last_used;              /* the slot memslots_by_gfn found last (a hint) */
	int32_t *at_id;                /* slot id -> 1 + its index in slots, 0 if none (KVM's
					* id_hash; allocated with the first slot) */
	uint64_t npages;               /* sum over slots */
	struct mem_meter *mem;         /* what the metadata is charged to */
};

/* mmu_first_shadow_root_alloc's metadata (mmu.c): rmaps and gfn_write_track arrays for every
 * slot that lacks them, and for every slot made from now on (a TDP VM's first shadow page,
 * for L2: the TDP MMU's slots have neither, the legacy TDP MMU's have rmaps).  0 or ENOMEM;
 * a failure leaves what was allocated, kept by the next attempt and freed with the slots. */
int memslots_alloc_shadow_metadata(struct kvm_memslots *ms);

void memslots_init(struct kvm_memslots *ms, struct mem_meter *mem);
/* The bytes of the slot's dirty bitmap (one bit per page, in 64-bit words). */
uint64_t memslot_dirty_bitmap_bytes(const struct kvm_memory_slot *slot);
void memslots_free(struct kvm_memslots *ms);

/* KVM_SET_USER_MEMORY_REGION.  size 0 deletes.  0 or a negative code with a message.
 * Slots must end at or below max_gfn + 1 (the highest gfn the MMU can map). */
int memslots_set(struct kvm_memslots *ms, uint32_t id, uint32_t flags, uint64_t gpa,
		 uint64_t size, uint64_t hva, uint64_t max_gfn);

struct kvm_memory_slot *memslots_by_id(struct kvm_memslots *ms, uint32_t id);
/* The slot holding gfn, or NULL (binary search). */
struct kvm_memory_slot *memslots_by_gfn(struct kvm_memslots *ms, uint64_t gfn);

/* Index of gfn's entry in the slot's lpage_info at `level` (2 or 3). */
static inline uint64_t lpage_index(const struct kvm_memory_slot *slot, uint64_t gfn, int level)
{
	unsigned shift = 9u * (unsigned)(level - 1);

	return (gfn >> shift) - (slot->base_gfn >> shift);
}

/* Whether the level-`level` region holding gfn may not be mapped huge. */
static inline int lpage_disallowed(const struct kvm_memory_slot *slot, uint64_t gfn, int level)
{
	return slot->disallow_lpage[level - 2][lpage_index(slot, gfn, level)] != 0;
}

/* kvm_mmu_gfn_disallow_lpage / _allow_lpage: a shadowed or write-tracked gfn forces its
 * 2M and 1G regions to 4K while it stays so. */
void kvm_mmu_gfn_disallow_lpage(struct kvm_memory_slot *slot, uint64_t gfn);
void kvm_mmu_gfn_allow_lpage(struct kvm_memory_slot *slot, uint64_t gfn);

/* The invariants: sorted, no overlap, npages equals the sum.  NULL or what is broken. */
const char *memslots_check(const struct kvm_memslots *ms);

#endif

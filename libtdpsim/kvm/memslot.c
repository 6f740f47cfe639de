/* SPDX-License-Identifier: MIT */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/mem.h"
#include "kvm/memslot.h"
#include "tdpsim/trace.h"

/* include/linux/kvm_host.h: a slot holds at most 2^31 - 1 pages, and userspace's slot ids
 * are below KVM_USER_MEM_SLOTS = KVM_MEM_SLOTS_NUM (SHRT_MAX) - KVM_INTERNAL_MEM_SLOTS (3 on
 * x86) = 32764 (since 5.11 "KVM: x86: Raise the maximum number of user memslots"; 5.10 had
 * 509, which the simulator does not model).  __kvm_set_memory_region and
 * kvm_vm_ioctl_set_memory_region refuse the rest with EINVAL. */
#define KVM_MEM_MAX_NR_PAGES ((1ull << 31) - 1)
#define KVM_USER_MEM_SLOTS 32764

void memslots_init(struct kvm_memslots *ms, struct mem_meter *mem)
{
	memset(ms, 0, sizeof(*ms));
	ms->mem = mem;
}

/* The regions of `level` the slot touches: one lpage_info counter or rmap head each. */
static uint64_t level_regions(const struct kvm_memory_slot *slot, int level)
{
	return lpage_index(slot, slot->base_gfn + slot->npages - 1, level) + 1;
}

uint64_t memslot_dirty_bitmap_bytes(const struct kvm_memory_slot *slot)
{
	return (slot->npages + 63) / 64 * sizeof(uint64_t);
}

/* kvm_destroy_memslot / kvm_free_memslot: the slot's metadata back, and its charge. */
static void free_slot_metadata(struct kvm_memslots *ms, struct kvm_memory_slot *slot)
{
	for (int level = PG_LEVEL_2M; level <= KVM_MAX_HUGEPAGE_LEVEL; level++) {
		mem_free(ms->mem, MEM_MEMSLOTS, slot->disallow_lpage[level - 2],
			 level_regions(slot, level) * sizeof(int32_t));
		slot->disallow_lpage[level - 2] = NULL;
	}
	mem_free(ms->mem, MEM_DIRTY_LOG, slot->dirty_bitmap, memslot_dirty_bitmap_bytes(slot));
	slot->dirty_bitmap = NULL;
	for (int level = PG_LEVEL_4K; level <= KVM_MAX_HUGEPAGE_LEVEL; level++) {
		mem_free(ms->mem, MEM_RMAPS, slot->rmap[level - 1],
			 level_regions(slot, level) * sizeof(uint64_t));
		slot->rmap[level - 1] = NULL;
	}
	mem_free(ms->mem, MEM_MEMSLOTS, slot->gfn_write_track,
		 slot->npages * sizeof(*slot->gfn_write_track));
	slot->gfn_write_track = NULL;
}

/* kvm_alloc_memslot_metadata's rmaps: a head per region of each level the slot touches.
 * KVM's memslot_rmap_alloc allocates them whole (kvcalloc), 8 bytes per 4K page. */
static int alloc_rmaps(struct kvm_memslots *ms, struct kvm_memory_slot *slot)
{
	for (int level = PG_LEVEL_4K; level <= KVM_MAX_HUGEPAGE_LEVEL; level++) {
		if (slot->rmap[level - 1]) /* made before an earlier attempt ran out */
			continue;
		slot->rmap[level - 1] = mem_calloc(ms->mem, MEM_RMAPS, level_regions(slot, level),
						   sizeof(uint64_t));
		if (!slot->rmap[level - 1]) {
			err_prefix("memslot");
			return TDPSIM_ENOMEM;
		}
	}
	return 0;
}

void memslots_free(struct kvm_memslots *ms)
{
	for (size_t i = 0; i < ms->n; i++)
		free_slot_metadata(ms, &ms->slots[i]);
	free(ms->slots);
	free(ms->at_id);
	memset(ms, 0, sizeof(*ms));
}

/*
 * kvm_alloc_memslot_metadata's lpage_info: one counter per level-L region the slot touches;
 * a partial head or tail region is disallowed, and every region is when the slot's GPA and
 * HVA are not congruent modulo the level's size (guest and host huge frames never line up).
 */
static int alloc_lpage_info(struct kvm_memslots *ms, struct kvm_memory_slot *slot)
{
	for (int level = PG_LEVEL_2M; level <= KVM_MAX_HUGEPAGE_LEVEL; level++) {
		uint64_t mask = pages_per_hpage(level) - 1;
		uint64_t n = level_regions(slot, level);
		int32_t *info = mem_calloc(ms->mem, MEM_MEMSLOTS, n, sizeof(*info));

		if (!info) {
			err_prefix("memslot");
			free_slot_metadata(ms, slot);
			return TDPSIM_ENOMEM;
		}
		if (slot->base_gfn & mask)
			info[0] = 1;
		if ((slot->base_gfn + slot->npages) & mask)
			info[n - 1] = 1;
		if ((slot->base_gfn ^ (slot->userspace_addr >> PAGE_SHIFT)) & mask)
			for (uint64_t i = 0; i < n; i++)
				info[i] = 1;
		slot->disallow_lpage[level - 2] = info;
	}
	return 0;
}

void kvm_mmu_gfn_disallow_lpage(struct kvm_memory_slot *slot, uint64_t gfn)
{
	for (int level = PG_LEVEL_2M; level <= KVM_MAX_HUGEPAGE_LEVEL; level++)
		slot->disallow_lpage[level - 2][lpage_index(slot, gfn, level)]++;
}

void kvm_mmu_gfn_allow_lpage(struct kvm_memory_slot *slot, uint64_t gfn)
{
	for (int level = PG_LEVEL_2M; level <= KVM_MAX_HUGEPAGE_LEVEL; level++)
		slot->disallow_lpage[level - 2][lpage_index(slot, gfn, level)]--;
}

/* id_to_memslot: through the index by id (kvm_main.c keeps a hash of the slots by id). */
struct kvm_memory_slot *memslots_by_id(struct kvm_memslots *ms, uint32_t id)
{
	if (!ms->at_id || id >= KVM_USER_MEM_SLOTS || !ms->at_id[id])
		return NULL;
	return &ms->slots[ms->at_id[id] - 1];
}

/* The slots from index `from` on moved: their ids point at their new places. */
static void reindex(struct kvm_memslots *ms, size_t from)
{
	for (size_t i = from; i < ms->n; i++)
		ms->at_id[ms->slots[i].id] = (int32_t)i + 1;
}

/* The index of the first slot whose base_gfn is at least gfn (n if none). */
static size_t lower_bound(const struct kvm_memslots *ms, uint64_t gfn)
{
	size_t lo = 0, hi = ms->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ms->slots[mid].base_gfn < gfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct kvm_memory_slot *memslots_by_gfn(struct kvm_memslots *ms, uint64_t gfn)
{
	size_t lo = 0, hi = ms->n;

	/* The slot found last, first (search_memslots' last_used_slot). */
	if (ms->last_used < ms->n && gfn - ms->slots[ms->last_used].base_gfn <
				     ms->slots[ms->last_used].npages)
		return &ms->slots[ms->last_used];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		struct kvm_memory_slot *s = &ms->slots[mid];

		if (gfn < s->base_gfn)
			hi = mid;
		else if (gfn >= s->base_gfn + s->npages)
			lo = mid + 1;
		else {
			ms->last_used = mid;
			return s;
		}
	}
	return NULL;
}

static void remove_at(struct kvm_memslots *ms, size_t i)
{
	free_slot_metadata(ms, &ms->slots[i]);
	ms->npages -= ms->slots[i].npages;
	ms->at_id[ms->slots[i].id] = 0;
	memmove(&ms->slots[i], &ms->slots[i + 1], (ms->n - i - 1) * sizeof(ms->slots[0]));
	ms->n--;
	reindex(ms, i);
}

/* The slot that overlaps [gfn, gfn + npages), other than `skip`, or NULL.  The slots are
 * sorted and never overlap, so only two can: the last one starting below gfn, and the first
 * one starting at or above it (or the one after, where that is `skip`). */
static struct kvm_memory_slot *find_overlap(struct kvm_memslots *ms, uint64_t gfn,
					    uint64_t npages, uint32_t skip)
{
	size_t p = lower_bound(ms, gfn);
	size_t cand[3] = { p - 1, p, p + 1 };

	for (int k = 0; k < 3; k++) {
		struct kvm_memory_slot *s;

		if (cand[k] >= ms->n) /* p - 1 wraps when p is 0 */
			continue;
		s = &ms->slots[cand[k]];
		if (s->id == skip)
			continue;
		if (gfn < s->base_gfn + s->npages && s->base_gfn < gfn + npages)
			return s;
		if (k == 1)
			break; /* p is not skip and does not overlap: nothing after it does */
	}
	return NULL;
}

static int insert_sorted(struct kvm_memslots *ms, const struct kvm_memory_slot *slot)
{
	size_t i;

	if (!ms->at_id) {
		/* zeroed means "none": calloc's fresh pages cost no stores */
		if (!(ms->at_id = mem_calloc(ms->mem, MEM_MEMSLOTS, KVM_USER_MEM_SLOTS,
					     sizeof(*ms->at_id))))
			return TDPSIM_ENOMEM;
	}
	if (ms->n == ms->cap) {
		size_t cap = ms->cap ? 2 * ms->cap : 8;
		struct kvm_memory_slot *s = mem_realloc(ms->mem, MEM_MEMSLOTS, ms->slots,
							ms->cap * sizeof(*s), cap * sizeof(*s));

		if (!s)
			return TDPSIM_ENOMEM;
		ms->slots = s;
		ms->cap = cap;
	}
	i = lower_bound(ms, slot->base_gfn);
	memmove(&ms->slots[i + 1], &ms->slots[i], (ms->n - i) * sizeof(ms->slots[0]));
	ms->slots[i] = *slot;
	ms->n++;
	ms->npages += slot->npages;
	reindex(ms, i);
	return 0;
}


static int check_geometry(uint32_t id, uint64_t gpa, uint64_t size, uint64_t hva,
			  uint64_t max_gfn)
{
	if (id >= KVM_USER_MEM_SLOTS)
		return err_set(TDPSIM_EINPUT, "memslot %u: KVM's user memslot ids are 0 to %u "
			       "(KVM_USER_MEM_SLOTS; KVM refuses the others with EINVAL)", id,
			       KVM_USER_MEM_SLOTS - 1);
	if (size >> PAGE_SHIFT > KVM_MEM_MAX_NR_PAGES)
		return err_set(TDPSIM_EINPUT, "memslot %u: %" PRIu64 " pages; KVM's slots hold at "
			       "most 2^31 - 1 (KVM_MEM_MAX_NR_PAGES, 8 TiB - 4 KiB; EINVAL)", id,
			       size >> PAGE_SHIFT);
	/* KVM rejects unaligned regions with EINVAL; so do we, naming the field. */
	if ((gpa | size | hva) & (PAGE_SIZE - 1))
		return err_set(TDPSIM_EINPUT,
			       "memslot %u: gpa, size and hva must be multiples of 4K "
			       "(gpa=0x%" PRIx64 " size=0x%" PRIx64 " hva=0x%" PRIx64 ")",
			       id, gpa, size, hva);
	if (gpa + size > (1ull << 52) || hva + size > (1ull << 52))
		return err_set(TDPSIM_EINPUT, "memslot %u: ends above 2^52", id);
	if (((gpa + size) >> PAGE_SHIFT) - 1 > max_gfn)
		return err_set(TDPSIM_EINPUT,
			       "memslot %u: ends above gpa 0x%" PRIx64 ", the most the MMU maps "
			       "(kvm_mmu_max_gfn: under EPT the host's MAXPHYADDR; KVM refuses it "
			       "with EINVAL)", id, (max_gfn + 1) << PAGE_SHIFT);
	return 0;
}

int memslots_set(struct kvm_memslots *ms, uint32_t id, uint32_t flags, uint64_t gpa,
		 uint64_t size, uint64_t hva, uint64_t max_gfn)
{
	struct kvm_memory_slot *old = memslots_by_id(ms, id), *other;
	struct kvm_memory_slot slot = { .id = id, .flags = flags, .base_gfn = gpa >> PAGE_SHIFT,
					.npages = size >> PAGE_SHIFT, .userspace_addr = hva };
	int rc;

	if (size == 0) {
		if (!old)
			return err_set(TDPSIM_EINPUT, "memslot %u: cannot delete, it does not exist",
				       id);
		remove_at(ms, (size_t)(old - ms->slots));
		return 0;
	}
	if ((rc = check_geometry(id, gpa, size, hva, max_gfn)) < 0)
		return rc;
	/* An existing slot may move or change flags, but not size, hva or READONLY. */
	if (old && (old->npages != slot.npages || old->userspace_addr != hva ||
		    ((old->flags ^ flags) & TDPSIM_MEM_READONLY)))
		return err_set(TDPSIM_EINPUT,
			       "memslot %u: an existing slot may only move or change dirty_log "
			       "(KVM refuses a new size, hva or readonly flag)", id);
	other = find_overlap(ms, slot.base_gfn, slot.npages, id);
	if (other)
		return err_set(TDPSIM_EINPUT,
			       "memslot %u [gpa 0x%" PRIx64 ", 0x%" PRIx64 ") overlaps memslot %u "
			       "[gpa 0x%" PRIx64 ", 0x%" PRIx64 ")", id, gpa, gpa + size,
			       other->id, other->base_gfn << PAGE_SHIFT,
			       (other->base_gfn + other->npages) << PAGE_SHIFT);
	if (old && old->base_gfn == slot.base_gfn) {
		old->flags = flags; /* KVM_MR_FLAGS_ONLY: the metadata stays */
		return 0;
	}

	if ((rc = alloc_lpage_info(ms, &slot)) < 0)
		return rc;
	if (ms->have_rmaps && (rc = alloc_rmaps(ms, &slot)) < 0) {
		free_slot_metadata(ms, &slot);
		return rc;
	}
	if (ms->have_write_track &&
	    !(slot.gfn_write_track = mem_calloc(ms->mem, MEM_MEMSLOTS, slot.npages,
						sizeof(*slot.gfn_write_track)))) {
		free_slot_metadata(ms, &slot);
		err_prefix("memslot: write tracking");
		return TDPSIM_ENOMEM;
	}
	if (old)
		remove_at(ms, (size_t)(old - ms->slots));
	rc = insert_sorted(ms, &slot);
	if (rc < 0)
		free_slot_metadata(ms, &slot);
	return rc;
}

int memslots_alloc_shadow_metadata(struct kvm_memslots *ms)
{
	int rc;

	for (size_t i = 0; i < ms->n; i++) {
		struct kvm_memory_slot *slot = &ms->slots[i];

		if (!ms->have_rmaps && (rc = alloc_rmaps(ms, slot)) < 0)
			return rc;
		if (!ms->have_write_track && !slot->gfn_write_track &&
		    !(slot->gfn_write_track = mem_calloc(ms->mem, MEM_MEMSLOTS, slot->npages,
							 sizeof(*slot->gfn_write_track)))) {
			err_prefix("memslot: write tracking");
			return TDPSIM_ENOMEM;
		}
	}
	ms->have_rmaps = 1;
	ms->have_write_track = 1;
	return 0;
}

const char *memslots_check(const struct kvm_memslots *ms)
{
	uint64_t pages = 0;

	for (size_t i = 0; i < ms->n; i++) {
		pages += ms->slots[i].npages;
		if (i > 0 && ms->slots[i - 1].base_gfn + ms->slots[i - 1].npages >
				     ms->slots[i].base_gfn)
			return "memslots overlap or are out of order";
	}
	return pages == ms->npages ? NULL : "memslot page count differs from a recount";
}

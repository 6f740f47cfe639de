/* SPDX-License-Identifier: MIT */
/*
 * The VMM's address space on the host: backings, faultin (what GUP does for KVM), the zero
 * pages and their COW break, and the walk host_pfn_mapping_level does.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/mem.h"
#include "host/frames.h"
#include "host/host.h"
#include "host/host_mm.h"
#include "host/host_pt.h"

int host_mm_new(struct host_mm **out, struct mem_meter *mem)
{
	struct host_mm *mm;
	uint64_t pgd_pfn;

	if (!out)
		return err_set(TDPSIM_EINVAL, "host_mm_new: out is NULL");
	mm = calloc(1, sizeof(*mm));
	if (!mm)
		return err_set(TDPSIM_ENOMEM, "host mm: out of memory");
	host_pt_pool_init(&mm->pool, mem);
	host_frames_init(&mm->frames, mem);
	mm->mem = mem;
	if (host_pt_alloc(&mm->pool, &pgd_pfn) != 0) {
		host_mm_free(mm);
		return TDPSIM_ENOMEM;
	}
	mm->pgd = host_pt_table(&mm->pool, pgd_pfn);
	mm->behaviour.huge_zero_wp_allocates_thp = 1;
	*out = mm;
	return 0;
}

void host_mm_free(struct host_mm *mm)
{
	if (!mm)
		return;
	host_pt_pool_fini(&mm->pool);
	host_frames_fini(&mm->frames);
	free(mm->backings);
	free(mm);
}

void host_mm_set_notifier(struct host_mm *mm, const struct host_notifier *n)
{
	if (n)
		mm->notifier = *n;
	else
		memset(&mm->notifier, 0, sizeof(mm->notifier));
}

void host_mm_set_behaviour(struct host_mm *mm, const struct host_behaviour *b)
{
	mm->behaviour = *b;
}

uint64_t host_frames_4k(const struct host_mm *mm)
{
	return mm->frames.in_use_4k;
}

uint64_t host_pt_pages(const struct host_mm *mm)
{
	return host_pt_in_use(&mm->pool);
}

uint64_t host_pt_pool_tables(const struct host_mm *mm)
{
	return mm->pool.ntables;
}

/* ---- backings ---- */

/* The backing that holds hva, or NULL: the last one hit, else a binary search. */
static const struct host_backing *backing_find(struct host_mm *mm, uint64_t hva)
{
	const struct host_backing *b;
	size_t i;

	if (mm->last < mm->nbackings) {
		b = &mm->backings[mm->last];
		if (hva - b->hva < b->size)
			return b;
	}
	i = backing_upper_bound(mm, hva);
	if (i == 0)
		return NULL;
	b = &mm->backings[i - 1];
	if (hva - b->hva >= b->size)
		return NULL;
	mm->last = i - 1;
	return b;
}

static int backing_check(uint64_t hva, uint64_t size, uint32_t kind)
{
	uint64_t align;

	if (kind > TDPSIM_BACKING_HUGETLB1G)
		return err_set(TDPSIM_EINPUT, "backing hva=0x%" PRIx64 ": unknown kind %u", hva,
			       kind);
	if (size == 0)
		return err_set(TDPSIM_EINPUT, "backing hva=0x%" PRIx64 ": size is 0", hva);
	if (size > HOST_HVA_LIMIT || hva > HOST_HVA_LIMIT - size)
		return err_set(TDPSIM_EINPUT, "backing [0x%" PRIx64 ", 0x%" PRIx64 ") ends above "
			       "0x%llx, the top of the host's user address space", hva, hva + size,
			       (unsigned long long)HOST_HVA_LIMIT);
	align = kind_align(kind);
	if ((hva | size) & (align - 1))
		return err_set(TDPSIM_EINPUT, "backing [0x%" PRIx64 ", 0x%" PRIx64 ") kind=%s: "
			       "hva and size must be multiples of 0x%" PRIx64, hva, hva + size,
			       kind_name(kind), align);
	return 0;
}

static int backing_overlap_error(const struct host_backing *a, const struct host_backing *b)
{
	return err_set(TDPSIM_EINPUT, "backing [0x%" PRIx64 ", 0x%" PRIx64 ") kind=%s overlaps "
		       "backing [0x%" PRIx64 ", 0x%" PRIx64 ") kind=%s", a->hva, backing_end(a),
		       kind_name(a->kind), b->hva, backing_end(b), kind_name(b->kind));
}

static int backing_insert(struct host_mm *mm, size_t pos, const struct host_backing *nb)
{
	if (mm->nbackings == mm->cap) {
		size_t cap = mm->cap ? 2 * mm->cap : 8;
		struct host_backing *b = mem_realloc(mm->mem, MEM_HOST_MM, mm->backings,
						     mm->cap * sizeof(*b), cap * sizeof(*b));

		if (!b)
			return TDPSIM_ENOMEM;
		mm->backings = b;
		mm->cap = cap;
	}
	memmove(&mm->backings[pos + 1], &mm->backings[pos],
		(mm->nbackings - pos) * sizeof(*mm->backings));
	mm->backings[pos] = *nb;
	mm->nbackings++;
	return 0;
}

/* ---- faultin ---- */

/* THP maps a 2M page only where the whole 2M-aligned range is inside the one backing. */
static int thp_eligible(const struct host_backing *b, uint64_t hva)
{
	uint64_t start = hva & ~(SZ_2M - 1);

	return start >= b->hva && start + SZ_2M <= backing_end(b);
}

/* The level a new mapping of hva gets, before looking at the tables. */
static int backing_level(const struct host_backing *b, uint64_t hva)
{
	switch (b->kind) {
	case TDPSIM_BACKING_HUGETLB1G:
		return PG_LEVEL_1G;
	case TDPSIM_BACKING_HUGETLB2M:
		return PG_LEVEL_2M;
	case TDPSIM_BACKING_THP:
		return thp_eligible(b, hva) ? PG_LEVEL_2M : PG_LEVEL_4K;
	default:
		return PG_LEVEL_4K;
	}
}

static void fill_page(uint64_t pte, int level, uint64_t hva, struct host_page *out)
{
	uint64_t base = host_pte_pfn(pte);

	out->pfn = base + ((hva >> PAGE_SHIFT) & (pages_per_hpage(level) - 1));
	out->writable = host_pte_writable(pte);
	out->level = level;
	out->zero_page = host_pfn_is_zero_page(base);
}

/*
 * Map hva where the walk found a hole.  The level is the backing's, but never above the
 * hole: a PTE table already under an eligible PMD (a split THP) keeps taking 4K pages, as
 * the kernel only tries a huge page where the PMD is none.  Anonymous memory read before
 * it is written gets a zero page, read-only; hugetlb has no zero page.
 */
static int map_hole(struct host_mm *mm, const struct host_backing *b, uint64_t hva, int write,
		    struct host_walk *w)
{
	int level = backing_level(b, hva);
	int anon = b->kind == TDPSIM_BACKING_4K || b->kind == TDPSIM_BACKING_THP;
	uint64_t pfn;
	int rc;

	if (level > w->level)
		level = w->level;
	/* Tables first: if the frame then fails, an empty table is all that is left. */
	if ((rc = host_pt_fill_hole(&mm->pool, w, hva, level)) != 0)
		return rc;
	if (anon && !write)
		pfn = level == PG_LEVEL_2M ? HOST_HUGE_ZERO_PFN : HOST_ZERO_PFN;
	else if ((rc = host_frames_get(&mm->frames, level, &pfn)) != 0)
		return rc;
	*w->ptep = host_mk_leaf_pte(pfn, level, !(anon && !write));
	return 0;
}

/*
 * A write to a read-only (zero page) leaf: copy on write.  The new frame has the old leaf's
 * size - a huge zero page becomes a 2M THP (6.13+: do_huge_zero_wp_pmd), the 4K zero page
 * a 4K frame (wp_page_copy) - and KVM hears of the whole old mapping's range first, so it
 * drops what it mapped of the zero page.  A huge zero page still mapped after `nohugepage`
 * made its range 4k memory becomes a THP all the same: the kernel's write fault on a huge
 * zero PMD does not look at VM_NOHUGEPAGE (seen on 6.18).
 */
static int break_cow(struct host_mm *mm, uint64_t hva, struct host_walk *w)
{
	uint64_t size = level_size(w->level);
	uint64_t start = hva & ~(size - 1);
	uint64_t pfn;
	int rc;

	/* Allocate before the notifier runs, so nothing can fail between start and end. */
	if ((rc = host_frames_get(&mm->frames, w->level, &pfn)) != 0)
		return rc;
	notify_start(mm, start, start + size);
	*w->ptep = host_mk_leaf_pte(pfn, w->level, 1);
	notify_end(mm, start, start + size);
	return 0;
}

/*
 * Before 6.13, do_huge_pmd_wp_page on the huge zero PMD falls back: __split_huge_pmd turns
 * it into 512 read-only PTEs of the 4K zero page (a notifier round over the 2M), and the
 * retried fault is a 4K write fault on a zero PTE, which wp_page_copy breaks with one new
 * 4K frame (a round over the 4K).  The other 511 PTEs keep the zero page; the PTE table
 * stays, so later faults in the 2M see 4K host mappings.
 */
static int split_huge_zero(struct host_mm *mm, uint64_t hva, struct host_walk *w)
{
	int rc;

	if ((rc = host_split_pmd(mm, w->ptep, hva & ~(SZ_2M - 1))) != 0)
		return rc;
	if (!host_pt_walk(&mm->pool, mm->pgd, hva, w))
		return err_set(TDPSIM_EINTERNAL, "host: split of the huge zero page at 0x%" PRIx64
			       " left no PTE", hva);
	return break_cow(mm, hva, w);
}

static int write_fault_readonly(struct host_mm *mm, uint64_t hva, struct host_walk *w)
{
	if (w->level == PG_LEVEL_2M && host_pte_pfn(*w->ptep) == HOST_HUGE_ZERO_PFN &&
	    !mm->behaviour.huge_zero_wp_allocates_thp)
		return split_huge_zero(mm, hva, w);
	return break_cow(mm, hva, w);
}

int host_faultin(struct host_mm *mm, uint64_t hva, int write, struct host_page *out)
{
	const struct host_backing *b = backing_find(mm, hva);
	struct host_walk w;
	int rc = 0;

	if (!b)
		return err_set(TDPSIM_EINPUT, "hva 0x%" PRIx64 " is not backed by any `backing`",
			       hva);
	if (!host_pt_walk(&mm->pool, mm->pgd, hva, &w))
		rc = map_hole(mm, b, hva, write, &w);
	else if (write && !host_pte_writable(*w.ptep))
		rc = write_fault_readonly(mm, hva, &w);
	if (rc)
		return rc;
	mm->leaf_hva = hva & ~(level_size(w.level) - 1);
	mm->leaf_level = w.level;
	mm->leaf_gen = mm->notify_gen;
	if (out)
		fill_page(*w.ptep, w.level, hva, out);
	return 0;
}

int host_lookup(const struct host_mm *mm, uint64_t hva, struct host_page *out)
{
	struct host_walk w;

	if (hva >= HOST_HVA_LIMIT || !host_pt_walk(&mm->pool, mm->pgd, hva, &w))
		return 0;
	if (out)
		fill_page(*w.ptep, w.level, hva, out);
	return 1;
}

int host_pfn_mapping_level(const struct host_mm *mm, uint64_t hva)
{
	struct host_walk w;

	/* The leaf faultin just found, unless a notifier round has run since: the same answer
	 * as the walk below, without reading the tables a second time. */
	if (mm->leaf_level && mm->leaf_gen == mm->notify_gen &&
	    hva - mm->leaf_hva < level_size(mm->leaf_level))
		return mm->leaf_level;
	/* A hole at any level, or a PTE, is 4K; only a PUD or PMD leaf is huge. */
	if (hva >= HOST_HVA_LIMIT || !host_pt_walk(&mm->pool, mm->pgd, hva, &w))
		return PG_LEVEL_4K;
	return w.level;
}

/* ---- populate: a memset over the whole backing, done a table at a time ---- */

/* Map [start, end) with `level` leaves of new frames, in hva order. */
static int populate_huge(struct host_mm *mm, uint64_t start, uint64_t end, int level)
{
	uint64_t hva;
	int rc;

	for (hva = start; hva < end; hva += level_size(level)) {
		struct host_walk w;
		uint64_t pfn;

		if (host_pt_walk(&mm->pool, mm->pgd, hva, &w))
			continue; /* cannot happen in a new backing: nothing maps it yet */
		if ((rc = host_pt_fill_hole(&mm->pool, &w, hva, level)) != 0 ||
		    (rc = host_frames_get(&mm->frames, level, &pfn)) != 0)
			return rc;
		*w.ptep = host_mk_leaf_pte(pfn, level, 1);
	}
	return 0;
}

/* Map [start, end) with 4K frames, one PTE table (one walk) per 2M. */
static int populate_4k(struct host_mm *mm, uint64_t start, uint64_t end)
{
	uint64_t hva = start;
	int rc;

	while (hva < end) {
		uint64_t stop = (hva & ~(SZ_2M - 1)) + SZ_2M;
		struct host_walk w;
		uint64_t *pte;

		if (stop > end)
			stop = end;
		if (!host_pt_walk(&mm->pool, mm->pgd, hva, &w) &&
		    (rc = host_pt_fill_hole(&mm->pool, &w, hva, PG_LEVEL_4K)) != 0)
			return rc;
		if (w.level != PG_LEVEL_4K) { /* a huge leaf: cannot happen in a new backing */
			hva = stop;
			continue;
		}
		for (pte = w.ptep; hva < stop; hva += PAGE_SIZE, pte++) {
			uint64_t pfn;

			if (host_pte_present(*pte))
				continue;
			if ((rc = host_frames_get(&mm->frames, PG_LEVEL_4K, &pfn)) != 0)
				return rc;
			*pte = host_mk_leaf_pte(pfn, PG_LEVEL_4K, 1);
		}
	}
	return 0;
}

/* THP: 2M pages over the 2M-aligned middle, 4K pages for a head or tail that is not. */
static void thp_split_range(const struct host_backing *b, uint64_t *huge_start,
			    uint64_t *huge_end)
{
	uint64_t s = (b->hva + SZ_2M - 1) & ~(SZ_2M - 1);
	uint64_t e = backing_end(b) & ~(SZ_2M - 1);

	if (s >= e)
		s = e = backing_end(b); /* no whole 2M range: all 4K */
	*huge_start = s;
	*huge_end = e;
}

static int populate(struct host_mm *mm, const struct host_backing *b)
{
	uint64_t hs, he;
	int rc;

	switch (b->kind) {
	case TDPSIM_BACKING_HUGETLB1G:
		return populate_huge(mm, b->hva, backing_end(b), PG_LEVEL_1G);
	case TDPSIM_BACKING_HUGETLB2M:
		return populate_huge(mm, b->hva, backing_end(b), PG_LEVEL_2M);
	case TDPSIM_BACKING_THP:
		thp_split_range(b, &hs, &he);
		if ((rc = populate_4k(mm, b->hva, hs)) != 0 ||
		    (rc = populate_huge(mm, hs, he, PG_LEVEL_2M)) != 0)
			return rc;
		return populate_4k(mm, he, backing_end(b));
	default:
		return populate_4k(mm, b->hva, backing_end(b));
	}
}

/*
 * The host page tables a populate adds, at least: a PTE table per 512 4K pages, a PMD table
 * per 512 of those and of the 2M pages, a PUD table per 512 1G pages.  Checked against the
 * memory budget before the first page is touched.
 */
static int populate_memory_check(const struct host_mm *mm, const struct host_backing *b,
				 const uint64_t need[3])
{
	uint64_t pte = (need[0] + PT_ENTRIES - 1) / PT_ENTRIES;
	uint64_t pmd = (pte + need[1] + PT_ENTRIES - 1) / PT_ENTRIES;
	uint64_t pud = (need[2] + PT_ENTRIES - 1) / PT_ENTRIES;
	char what[64];

	snprintf(what, sizeof(what), "backing [0x%" PRIx64 ", 0x%" PRIx64 ") populate=1", b->hva,
		 backing_end(b));
	return mem_reserve_check(mm->mem, MEM_HOST_PT, (pte + pmd + pud) * sizeof(host_pt_page),
				 what);
}

/* Refuse a populate the simulated host memory cannot hold before anything changes. */
static int populate_check(const struct host_mm *mm, const struct host_backing *b)
{
	uint64_t need[3] = { 0, 0, 0 }, hs, he;
	int level;

	switch (b->kind) {
	case TDPSIM_BACKING_HUGETLB1G:
		need[2] = b->size / level_size(PG_LEVEL_1G);
		break;
	case TDPSIM_BACKING_HUGETLB2M:
		need[1] = b->size / SZ_2M;
		break;
	case TDPSIM_BACKING_THP:
		thp_split_range(b, &hs, &he);
		need[1] = (he - hs) / SZ_2M;
		need[0] = (b->size - (he - hs)) / PAGE_SIZE;
		break;
	default:
		need[0] = b->size / PAGE_SIZE;
	}
	for (level = PG_LEVEL_4K; level <= PG_LEVEL_1G; level++) {
		if (need[level - 1] > host_frames_left(&mm->frames, level))
			return err_set(TDPSIM_EINPUT, "backing [0x%" PRIx64 ", 0x%" PRIx64 ") "
				       "populate=1: more memory than the simulated host has",
				       b->hva, backing_end(b));
	}
	return populate_memory_check(mm, b, need);
}

int host_backing_add(struct host_mm *mm, uint64_t hva, uint64_t size, uint32_t kind,
		     int populate_now)
{
	struct host_backing nb = { hva, size, kind };
	size_t pos;
	int rc;

	if ((rc = backing_check(hva, size, kind)) != 0)
		return rc;
	pos = backing_upper_bound(mm, hva);
	if (pos > 0 && backing_end(&mm->backings[pos - 1]) > hva)
		return backing_overlap_error(&nb, &mm->backings[pos - 1]);
	if (pos < mm->nbackings && mm->backings[pos].hva < backing_end(&nb))
		return backing_overlap_error(&nb, &mm->backings[pos]);
	if (populate_now && (rc = populate_check(mm, &nb)) != 0)
		return rc;
	if ((rc = backing_insert(mm, pos, &nb)) != 0)
		return rc;
	/*
	 * Nothing maps a new backing's range yet, so populating replaces no mapping and needs
	 * no notifier.  Pages go in hva order, as a memset's write faults would take them.
	 */
	return populate_now ? populate(mm, &mm->backings[pos]) : 0;
}

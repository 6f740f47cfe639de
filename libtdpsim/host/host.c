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

int host_mm_new(struct host_mm **out, int levels, struct mem_meter *mem)
{
	struct host_mm *mm;
	uint64_t pgd_pfn;

	if (!out)
		return err_set(TDPSIM_EINVAL, "host_mm_new: out is NULL");
	if (levels != 4 && levels != 5)
		return err_set(TDPSIM_EINVAL, "host_mm_new: %d-level paging (4 or 5)", levels);
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
	mm->levels = levels;
	mm->task_size = host_task_size(levels);
	mm->behaviour.huge_zero_wp_allocates_thp = 1;
	/* Linux's defaults (CONFIG_TRANSPARENT_HUGEPAGE_MADVISE, as on these machines) */
	mm->thp = (struct host_thp_config){ .enabled = THP_MADVISE, .defrag = DEFRAG_MADVISE,
					    .use_zero_page = 1,
					    .shmem_enabled = SHMEM_HUGE_NEVER,
					    .khugepaged_pages_to_scan = 4096,
					    .khugepaged_scan_sleep_ms = 10000,
					    .khugepaged_alloc_sleep_ms = 60000,
					    .khugepaged_max_ptes_none = 511,
					    .khugepaged_defrag = 1 };
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

int host_paging_levels(const struct host_mm *mm)
{
	return mm->levels;
}

static int backing_check(const struct host_mm *mm, uint64_t hva, uint64_t size,
			 const struct host_vma *vma)
{
	struct host_backing nb = { hva, size, *vma };
	uint64_t align = backing_align(&nb);

	if (size == 0)
		return err_set(TDPSIM_EINPUT, "backing hva=0x%" PRIx64 ": size is 0", hva);
	if (size > mm->task_size || hva > mm->task_size - size)
		return err_set(TDPSIM_EINPUT, "backing [0x%" PRIx64 ", 0x%" PRIx64 ") ends above "
			       "0x%" PRIx64 ", the top of the host's user address space (%d-level "
			       "paging)", hva, hva + size, mm->task_size, mm->levels);
	if ((hva | size) & (align - 1))
		return err_set(TDPSIM_EINPUT, "backing [0x%" PRIx64 ", 0x%" PRIx64 ") kind=%s: "
			       "hva and size must be multiples of 0x%" PRIx64, hva, hva + size,
			       backing_name(&nb), align);
	if (vma->type == VMA_SHMEM && (hva & (SZ_2M - 1)))
		return err_set(TDPSIM_EINPUT, "backing [0x%" PRIx64 ", 0x%" PRIx64 ") kind=%s: "
			       "shared memory starts 2M-aligned (shmem_get_unmapped_area aligns "
			       "it, so that a PMD can map it)", hva, hva + size, backing_name(&nb));
	return 0;
}

static int backing_overlap_error(const struct host_backing *a, const struct host_backing *b)
{
	return err_set(TDPSIM_EINPUT, "backing [0x%" PRIx64 ", 0x%" PRIx64 ") kind=%s overlaps "
		       "backing [0x%" PRIx64 ", 0x%" PRIx64 ") kind=%s", a->hva, backing_end(a),
		       backing_name(a), b->hva, backing_end(b), backing_name(b));
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

/* The level a new mapping of hva gets by the VMA's rules, before looking at the tables or
 * allocating: a hugetlb VMA's page; a PMD where THP allows one; else 4K. */
static int backing_level(const struct host_mm *mm, const struct host_backing *b, uint64_t hva)
{
	if (backing_is_hugetlb(b))
		return b->vma.level;
	return thp_pmd_allowed(mm, b, hva) ? PG_LEVEL_2M : PG_LEVEL_4K;
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
 * The frame a hole gets: anonymous memory read before it is written gets a zero page, read-
 * only - the huge zero page for a THP range unless use_zero_page is off (do_huge_pmd_
 * anonymous_page); hugetlb and shmem allocate.  A THP whose 2M allocation fails falls back
 * to a 4K page (*level becomes 4K).  Returns the PTE's writability, or a negative code.
 */
static int hole_frame(struct host_mm *mm, const struct host_backing *b, int write, int *level,
		      uint64_t *pfn)
{
	int anon = b->vma.type == VMA_ANON, rc;

	if (anon && !write && (*level == PG_LEVEL_4K || mm->thp.use_zero_page)) {
		*pfn = *level == PG_LEVEL_2M ? HOST_HUGE_ZERO_PFN : HOST_ZERO_PFN;
		return 0;
	}
	if (*level == PG_LEVEL_2M && !backing_is_hugetlb(b)) {
		rc = thp_alloc(mm, b, pfn);
		if (rc <= 0)
			return rc < 0 ? rc : 1;
		*level = PG_LEVEL_4K;
		if (anon && !write) {
			*pfn = HOST_ZERO_PFN;
			return 0;
		}
	}
	rc = host_frames_get(&mm->frames, *level, pfn);
	return rc < 0 ? rc : 1;
}

/*
 * Map hva where the walk found a hole.  The level is the backing's, but never above the
 * hole: a PTE table already under an eligible PMD (a split THP, a fallback) keeps taking 4K
 * pages, as the kernel only tries a huge page where the PMD is none.
 */
static int map_hole(struct host_mm *mm, const struct host_backing *b, uint64_t hva, int write,
		    struct host_walk *w)
{
	int level = backing_level(mm, b, hva);
	uint64_t pfn;
	int writable, rc;

	if (level > w->level)
		level = w->level;
	/* Decide the frame first: a THP that falls back needs a PTE table, not a PMD leaf. */
	if ((writable = hole_frame(mm, b, write, &level, &pfn)) < 0)
		return writable;
	/* If the tables then fail, the frame goes back: an empty table is all that is left. */
	if ((rc = host_pt_fill_hole(&mm->pool, w, hva, level)) != 0) {
		if (!host_pfn_is_zero_page(pfn))
			host_frames_put(&mm->frames, level, pfn);
		return rc;
	}
	*w->ptep = host_mk_leaf_pte(pfn, level, writable);
	return 0;
}

/*
 * A write to a read-only (zero page) leaf: copy on write into `pfn`, a frame of the old
 * leaf's size - a huge zero page becomes a 2M THP (6.13+: do_huge_zero_wp_pmd), the 4K zero
 * page a 4K frame (wp_page_copy) - and KVM hears of the whole old mapping's range first, so
 * it drops what it mapped of the zero page.
 */
static void break_cow(struct host_mm *mm, uint64_t hva, struct host_walk *w, uint64_t pfn)
{
	uint64_t size = level_size(w->level);
	uint64_t start = hva & ~(size - 1);

	notify_start(mm, start, start + size);
	*w->ptep = host_mk_leaf_pte(pfn, w->level, 1);
	notify_end(mm, start, start + size);
}

/*
 * Before 6.13, and from 6.13 when the THP cannot be allocated, do_huge_pmd_wp_page on the
 * huge zero PMD falls back: __split_huge_pmd turns it into 512 read-only PTEs of the 4K
 * zero page (a notifier round over the 2M), and the retried fault is a 4K write fault on a
 * zero PTE, which wp_page_copy breaks with one new 4K frame (a round over the 4K).  The
 * other 511 PTEs keep the zero page; the PTE table stays, so later faults in the 2M see 4K
 * host mappings.
 */
static int split_huge_zero(struct host_mm *mm, uint64_t hva, struct host_walk *w)
{
	uint64_t pfn;
	int rc;

	if ((rc = host_split_pmd(mm, w->ptep, hva & ~(SZ_2M - 1))) != 0)
		return rc;
	if (!host_pt_walk(&mm->pool, mm->pgd, mm->levels, hva, w))
		return err_set(TDPSIM_EINTERNAL, "host: split of the huge zero page at 0x%" PRIx64
			       " left no PTE", hva);
	if ((rc = host_frames_get(&mm->frames, PG_LEVEL_4K, &pfn)) != 0)
		return rc;
	break_cow(mm, hva, w, pfn);
	return 0;
}

/*
 * The new frame is allocated before the notifier runs, so nothing can fail between start
 * and end.  A huge zero page still mapped after `nohugepage` made its range 4k memory
 * becomes a THP all the same: the kernel's write fault on a huge zero PMD does not look at
 * VM_NOHUGEPAGE (seen on 6.18).
 */
static int write_fault_readonly(struct host_mm *mm, const struct host_backing *b, uint64_t hva,
				struct host_walk *w)
{
	uint64_t pfn;
	int rc;

	if (w->level == PG_LEVEL_2M && host_pte_pfn(*w->ptep) == HOST_HUGE_ZERO_PFN) {
		if (!mm->behaviour.huge_zero_wp_allocates_thp)
			return split_huge_zero(mm, hva, w);
		if ((rc = thp_alloc(mm, b, &pfn)) != 0)
			return rc < 0 ? rc : split_huge_zero(mm, hva, w);
	} else if ((rc = host_frames_get(&mm->frames, w->level, &pfn)) != 0) {
		return rc;
	}
	break_cow(mm, hva, w, pfn);
	return 0;
}

int host_faultin(struct host_mm *mm, uint64_t hva, int write, struct host_page *out)
{
	const struct host_backing *b = backing_find(mm, hva);
	struct host_walk w;
	int rc = 0;

	if (!b)
		return err_set(TDPSIM_EINPUT, "hva 0x%" PRIx64 " is not backed by any `backing`",
			       hva);
	if (!host_pt_walk(&mm->pool, mm->pgd, mm->levels, hva, &w))
		rc = map_hole(mm, b, hva, write, &w);
	else if (write && !host_pte_writable(*w.ptep))
		rc = write_fault_readonly(mm, b, hva, &w);
	if (rc)
		return rc;
	mm->leaf_hva = hva & ~(level_size(w.level) - 1);
	mm->leaf_level = w.level;
	mm->leaf_gen = mm->notify_gen;
	if (out)
		fill_page(*w.ptep, w.level, hva, out);
	return 0;
}

static void lookup_remember(struct host_mm *mm, uint64_t base, uint64_t *pt)
{
	mm->lookup_base = base;
	mm->lookup_pt = pt;
	mm->lookup_frees = mm->pool.frees;
}

int host_lookup(struct host_mm *mm, uint64_t hva, struct host_page *out)
{
	uint64_t base = hva & ~(SZ_2M - 1);
	struct host_walk w;

	if (mm->lookup_pt && mm->lookup_base == base && mm->lookup_frees == mm->pool.frees) {
		w.ptep = &mm->lookup_pt[pt_index(hva, PG_LEVEL_4K)];
		w.level = PG_LEVEL_4K;
		if (!host_pte_present(*w.ptep))
			return 0; /* the walk would have stopped at this same entry */
	} else {
		int present;

		if (hva >= mm->task_size)
			return 0;
		present = host_pt_walk(&mm->pool, mm->pgd, mm->levels, hva, &w);
		if (w.level == PG_LEVEL_4K) /* in a PTE table, a leaf or a hole: keep the table */
			lookup_remember(mm, base, w.ptep - pt_index(hva, PG_LEVEL_4K));
		if (!present)
			return 0;
	}
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
	if (hva >= mm->task_size || !host_pt_walk(&mm->pool, mm->pgd, mm->levels, hva, &w))
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

		if (host_pt_walk(&mm->pool, mm->pgd, mm->levels, hva, &w))
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
		if (!host_pt_walk(&mm->pool, mm->pgd, mm->levels, hva, &w) &&
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

/* The 2M-aligned middle of a backing, where THP could map 2M pages; a head or tail that is
 * not whole 2M takes 4K pages. */
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

/* Anonymous or shared memory, 2M at a time: a PMD leaf of a new 2M frame where a write
 * fault would map one and its allocation succeeds, else 4K frames. */
static int populate_thp(struct host_mm *mm, const struct host_backing *b)
{
	uint64_t hs, he, hva, pfn;
	int rc;

	thp_split_range(b, &hs, &he);
	if ((rc = populate_4k(mm, b->hva, hs)) != 0)
		return rc;
	for (hva = hs; hva < he; hva += SZ_2M) {
		struct host_walk w;

		if (!thp_pmd_allowed(mm, b, hva) || (rc = thp_alloc(mm, b, &pfn)) == 1) {
			if ((rc = populate_4k(mm, hva, hva + SZ_2M)) != 0)
				return rc;
			continue;
		}
		if (rc < 0)
			return rc;
		if (host_pt_walk(&mm->pool, mm->pgd, mm->levels, hva, &w) ||
		    (rc = host_pt_fill_hole(&mm->pool, &w, hva, PG_LEVEL_2M)) != 0) {
			host_frames_put(&mm->frames, PG_LEVEL_2M, pfn);
			if (rc)
				return rc;
			continue; /* cannot happen in a new backing: nothing maps it yet */
		}
		*w.ptep = host_mk_leaf_pte(pfn, PG_LEVEL_2M, 1);
	}
	return populate_4k(mm, he, backing_end(b));
}

static int populate(struct host_mm *mm, const struct host_backing *b)
{
	if (backing_is_hugetlb(b))
		return populate_huge(mm, b->hva, backing_end(b), b->vma.level);
	return populate_thp(mm, b);
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

/*
 * Refuse a populate the simulated host memory cannot hold before anything changes.  THP
 * counts 2M pages over the middle where its rules allow them - and, when 2M allocations can
 * fail, 4K pages over all of it as well, the most a fallback can take.
 */
static int populate_check(const struct host_mm *mm, const struct host_backing *b)
{
	uint64_t need[3] = { 0, 0, 0 }, hs, he;
	int level;

	if (backing_is_hugetlb(b)) {
		need[b->vma.level - 1] = b->size / level_size(b->vma.level);
	} else {
		thp_split_range(b, &hs, &he);
		if (hs < he && thp_pmd_allowed(mm, b, hs)) {
			need[1] = (he - hs) / SZ_2M;
			need[0] = (b->size - (he - hs)) / PAGE_SIZE;
		} else {
			need[0] = b->size / PAGE_SIZE;
		}
		if (need[1] && mm->thp.fail_ppm)
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

int host_backing_add(struct host_mm *mm, uint64_t hva, uint64_t size,
		     const struct host_vma *vma, int populate_now)
{
	struct host_backing nb = { hva, size, *vma };
	size_t pos;
	int rc;

	if ((rc = backing_check(mm, hva, size, vma)) != 0)
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

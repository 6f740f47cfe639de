/* SPDX-License-Identifier: MIT */
/*
 * The VMM changing its own memory: madvise(DONTNEED, PAGEOUT, COLLAPSE, HUGEPAGE,
 * NOHUGEPAGE) and munmap, as Linux 6.18 does them on anonymous memory (THP enabled=madvise,
 * no swap) and on hugetlbfs.  "Seen" below means checked on the 6.18 host kernel with
 * /proc/self/smaps, pagemap and kpageflags.
 *
 * What holds between calls:
 *   - a PMD leaf (a THP, the huge zero page, a hugetlb page) lies inside one backing: a
 *     backing boundary that would cut a THP splits it first, one that would cut a hugetlb
 *     page is refused;
 *   - every table below the root spans part of some backing: munmap frees those that no
 *     longer do, so a new backing finds no stale table in its huge pages' way;
 *   - whatever can fail (allocating frames, tables, free-list room) happens before a
 *     notifier round starts, so a round always ends, with the change made.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "host/frames.h"
#include "host/host.h"
#include "host/host_mm.h"
#include "host/host_pt.h"

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* One call: its range, and the words that name it in messages. */
struct op {
	uint64_t hva, size, end;
	char name[96];
};

static const char *const advice_name[] = {
	[TDPSIM_ADVICE_DONTNEED] = "dontneed",
	[TDPSIM_ADVICE_PAGEOUT] = "pageout",
	[TDPSIM_ADVICE_COLLAPSE] = "collapse",
	[TDPSIM_ADVICE_HUGEPAGE] = "hugepage",
	[TDPSIM_ADVICE_NOHUGEPAGE] = "nohugepage",
};

static int op_init(const struct host_mm *mm, struct op *op, const char *cmd, uint64_t hva,
		   uint64_t size, const char *advice)
{
	op->hva = hva;
	op->size = size;
	op->end = hva + size;
	snprintf(op->name, sizeof(op->name), "%s hva=0x%" PRIx64 " size=0x%" PRIx64 "%s%s", cmd,
		 hva, size, advice ? " advice=" : "", advice ? advice : "");
	return host_range_check(mm, op->name, hva, size);
}

int host_range_check(const struct host_mm *mm, const char *what, uint64_t hva, uint64_t size)
{
	if ((hva | size) & (PAGE_SIZE - 1))
		return err_set(TDPSIM_EINPUT, "%s: hva and size must be multiples of 0x%llx",
			       what, (unsigned long long)PAGE_SIZE);
	if (size > mm->task_size || hva > mm->task_size - size)
		return err_set(TDPSIM_EINPUT, "%s: the range ends above 0x%" PRIx64 ", the top of "
			       "the host's user address space", what, mm->task_size);
	return 0;
}

/* ---- backings ---- */

/* [*i0, *i1): the backings that overlap [hva, end), end > hva. */
static void backings_overlapping(const struct host_mm *mm, uint64_t hva, uint64_t end,
				 size_t *i0, size_t *i1)
{
	size_t i = backing_upper_bound(mm, hva);

	if (i > 0 && backing_end(&mm->backings[i - 1]) > hva)
		i--;
	*i0 = i;
	*i1 = backing_upper_bound(mm, end - 1);
}

/* The backing that holds hva, or NULL. */
static const struct host_backing *backing_at(const struct host_mm *mm, uint64_t hva)
{
	size_t i = backing_upper_bound(mm, hva);

	if (i == 0 || hva - mm->backings[i - 1].hva >= mm->backings[i - 1].size)
		return NULL;
	return &mm->backings[i - 1];
}

/* madvise() wants every page of the range in some VMA: ENOMEM in Linux, EINPUT here. */
static int check_backed(const struct host_mm *mm, const struct op *op, size_t i0, size_t i1)
{
	uint64_t cur = op->hva;
	size_t i;

	for (i = i0; i < i1 && mm->backings[i].hva <= cur; i++)
		cur = backing_end(&mm->backings[i]);
	if (cur < op->end)
		return err_set(TDPSIM_EINPUT, "%s: hva 0x%" PRIx64 " is not backed by any "
			       "`backing` (madvise of unmapped memory is ENOMEM)", op->name, cur);
	return 0;
}

/*
 * The part of hugetlb backing b inside the range must start on a huge page, and end on one
 * too when end_too: a hugetlb VMA only splits there (hugetlb_vm_op_split), and
 * MADV_DONTNEED refuses a start inside a huge page (madvise_dontneed_free_valid_vma).
 */
static int hugetlb_cut(const struct op *op, const struct host_backing *b, int end_too)
{
	uint64_t s = max_u64(op->hva, b->hva), e = min_u64(op->end, backing_end(b));
	uint64_t mask = backing_align(b) - 1;

	if (!(s & mask) && (!end_too || !(e & mask)))
		return 0;
	return err_set(TDPSIM_EINPUT, "%s: [0x%" PRIx64 ", 0x%" PRIx64 ") cuts a huge page of "
		       "backing [0x%" PRIx64 ", 0x%" PRIx64 ") kind=%s (hugetlb memory goes in "
		       "whole 0x%" PRIx64 "-byte pages)", op->name, s, e, b->hva, backing_end(b),
		       backing_name(b), mask + 1);
}

/* Room for `extra` more backings, so that a splice cannot fail. */
static int backings_reserve(struct host_mm *mm, size_t extra)
{
	size_t cap = mm->cap ? mm->cap : 8;
	struct host_backing *b;

	if (mm->nbackings + extra <= mm->cap)
		return 0;
	while (cap < mm->nbackings + extra)
		cap *= 2;
	b = mem_realloc(mm->mem, MEM_HOST_MM, mm->backings, mm->cap * sizeof(*b), cap * sizeof(*b));
	if (!b)
		return TDPSIM_ENOMEM;
	mm->backings = b;
	mm->cap = cap;
	return 0;
}

/* Replace backings [i0, i1) by repl[0, n); backings_reserve made the room. */
static void backings_splice(struct host_mm *mm, size_t i0, size_t i1,
			    const struct host_backing *repl, size_t n)
{
	if (!mm->backings)
		return; /* none yet, and none to add: n == 0 */
	memmove(&mm->backings[i0 + n], &mm->backings[i1],
		(mm->nbackings - i1) * sizeof(*mm->backings));
	if (n)
		memcpy(&mm->backings[i0], repl, n * sizeof(*repl));
	mm->nbackings = mm->nbackings - (i1 - i0) + n;
	mm->last = 0; /* host.c's cache of the last backing hit: an index, now stale */
}

/* ---- tables ---- */

/*
 * The entry at `level` on the walk of hva, when the tables down to it exist.  Else NULL, and
 * *next is the end of the hole (or huge leaf) above `level` that stopped the walk.
 */
uint64_t *host_entry_at(const struct host_mm *mm, uint64_t hva, int level, uint64_t *next)
{
	uint64_t *table = mm->pgd;
	int l;

	*next = hva + PAGE_SIZE; /* set below wherever NULL is returned; never read otherwise */
	for (l = mm->levels; l > level; l--) {
		uint64_t e = table[pt_index(hva, l)];

		if (!host_pte_present(e) || host_pte_is_leaf(e, l)) {
			*next = (hva | (level_size(l) - 1)) + 1;
			return NULL;
		}
		table = host_pt_table(&mm->pool, host_pte_pfn(e));
	}
	return &table[pt_index(hva, level)];
}

static int pmd_is_leaf(uint64_t pmd)
{
	return host_pte_present(pmd) && host_pte_is_leaf(pmd, PG_LEVEL_2M);
}

static int table_empty(const uint64_t *t)
{
	unsigned i;

	for (i = 0; i < PT_ENTRIES; i++)
		if (t[i])
			return 0;
	return 1;
}

/*
 * __split_huge_pmd: the PMD leaf at *pmdp, mapping [start, start + 2M), becomes a PTE table
 * of 512 4K PTEs - over the THP's own frames, with its write permission, or all over the 4K
 * zero page, read-only, for the huge zero page - in one notifier round over the 2M.
 */
int host_split_pmd(struct host_mm *mm, uint64_t *pmdp, uint64_t start)
{
	uint64_t pmd = *pmdp, pfn = host_pte_pfn(pmd), table_pfn, *pt;
	int writable = host_pte_writable(pmd), rc;
	unsigned i;

	if ((rc = host_pt_alloc(&mm->pool, &table_pfn)) != 0)
		return rc;
	if (pfn != HOST_HUGE_ZERO_PFN && (rc = host_frames_split(&mm->frames, pfn)) != 0) {
		host_pt_free(&mm->pool, table_pfn);
		return rc;
	}
	pt = host_pt_table(&mm->pool, table_pfn); /* tables never move: pmdp stays valid */
	for (i = 0; i < PT_ENTRIES; i++) {
		pt[i] = pfn == HOST_HUGE_ZERO_PFN ?
			host_mk_leaf_pte(HOST_ZERO_PFN, PG_LEVEL_4K, 0) :
			host_mk_leaf_pte(pfn + i, PG_LEVEL_4K, writable);
	}
	mm->vmstat.thp_split_pmd++; /* THP_SPLIT_PMD, counted for the huge zero page too */
	notify_start(mm, start, start + SZ_2M);
	*pmdp = host_mk_table_pte(table_pfn);
	notify_end(mm, start, start + SZ_2M);
	return 0;
}

/*
 * A boundary at x - a VMA split (vma_adjust_trans_huge) or the edge of a zap (zap_pmd_range)
 * - that falls inside a PMD-mapped THP or huge zero page splits it.  hugetlb pages are
 * never split: callers refuse boundaries inside them, or (dontneed's rounded-down end) do
 * not touch them.
 */
static int split_at(struct host_mm *mm, uint64_t x)
{
	uint64_t start = x & ~(SZ_2M - 1), next, *pmdp;
	const struct host_backing *b;

	if (x == start)
		return 0;
	pmdp = host_entry_at(mm, start, PG_LEVEL_2M, &next);
	if (!pmdp || !pmd_is_leaf(*pmdp))
		return 0;
	b = backing_at(mm, start);
	if (b && backing_is_hugetlb(b))
		return 0;
	return host_split_pmd(mm, pmdp, start);
}

/* ---- zap: unmap what a range maps, free its frames, maybe its tables ---- */

struct zap {
	uint64_t s, e;           /* the range: 4K-aligned; no huge leaf crosses its ends */
	uint64_t floor, ceiling; /* a table spanning only [floor, ceiling) may be freed ... */
	int prune_level;         /* ... if it hangs off an entry of this level or below (0: none) */
	int apply;               /* 0: count what is there; 1: zap it */
	uint64_t lo, hi;         /* count: from the first mapping found to the end of the last */
	uint64_t frames[3];      /* count: frames to free, per class */
	uint64_t pte_tables;     /* count: PTE tables met (each may hold one split 2M frame) */
	int cut;                 /* count: a huge leaf only partly inside [s, e) */
	int rc;                  /* apply: the first failed free (cannot happen once reserved) */
};

static void zap_init(struct zap *z, uint64_t s, uint64_t e)
{
	memset(z, 0, sizeof(*z));
	z->s = s;
	z->e = e;
}

static void zap_leaf(struct host_mm *mm, uint64_t *ptep, int level, uint64_t a, struct zap *z)
{
	uint64_t pfn = host_pte_pfn(*ptep);
	int rc;

	if (a < z->s || a + level_size(level) > z->e) {
		z->cut = 1;
		return;
	}
	if (!z->apply) {
		if (!z->hi)
			z->lo = a;
		z->hi = a + level_size(level);
		if (!host_pfn_is_zero_page(pfn))
			z->frames[level - 1]++;
		return;
	}
	if (!host_pfn_is_zero_page(pfn) && (rc = host_frames_put(&mm->frames, level, pfn)) != 0 &&
	    !z->rc)
		z->rc = rc;
	*ptep = 0;
}

/* The entries of `table` (at `level`, spanning from base) that overlap [z->s, z->e). */
static void zap_table(struct host_mm *mm, uint64_t *table, int level, uint64_t base,
		      struct zap *z)
{
	uint64_t span = level_size(level);
	uint64_t a = z->s > base ? z->s & ~(span - 1) : base;
	uint64_t stop = min_u64(base + PT_ENTRIES * span, z->e);

	for (; a < stop; a += span) {
		uint64_t *ptep = &table[pt_index(a, level)], pte = *ptep, *child;

		if (!host_pte_present(pte))
			continue;
		if (host_pte_is_leaf(pte, level)) {
			zap_leaf(mm, ptep, level, a, z);
			continue;
		}
		child = host_pt_table(&mm->pool, host_pte_pfn(pte));
		z->pte_tables += level == PG_LEVEL_2M;
		zap_table(mm, child, level - 1, a, z);
		if (z->apply && level <= z->prune_level && a >= z->floor &&
		    a + span <= z->ceiling && table_empty(child)) {
			host_pt_free(&mm->pool, host_pte_pfn(pte));
			*ptep = 0;
		}
	}
}

/* Count what [z->s, z->e) maps, and make room to free it all inside the notifier round. */
static int zap_count(struct host_mm *mm, struct zap *z)
{
	int rc;

	zap_table(mm, mm->pgd, mm->levels, 0, z);
	if (z->cut)
		return err_set(TDPSIM_EINTERNAL, "host: a huge page crosses the edge of the zap "
			       "[0x%" PRIx64 ", 0x%" PRIx64 ")", z->s, z->e);
	if ((rc = host_frames_reserve(&mm->frames, PG_LEVEL_4K, z->frames[0])) != 0 ||
	    (rc = host_frames_reserve(&mm->frames, PG_LEVEL_2M,
				      z->frames[1] + z->pte_tables)) != 0 ||
	    (rc = host_frames_reserve(&mm->frames, PG_LEVEL_1G, z->frames[2])) != 0)
		return rc;
	return 0;
}

/* The zap itself, inside one notifier round over what it unmaps (none if nothing). */
static int zap_apply(struct host_mm *mm, struct zap *z)
{
	if (!z->hi && !z->prune_level)
		return 0;
	z->apply = 1;
	if (z->hi)
		notify_start(mm, z->lo, z->hi);
	zap_table(mm, mm->pgd, mm->levels, 0, z);
	if (z->hi)
		notify_end(mm, z->lo, z->hi);
	return z->rc;
}

/* ---- the advice ---- */

/*
 * MADV_DONTNEED: per VMA (backing), zap_page_range_single over its part of the range.  The
 * THPs the range's ends cut are split first, each in a round of its own (Linux nests that
 * round inside the zap's); then each backing's zap is one round over what it unmaps.  PT
 * reclaim (6.14+, on in 6.18: seen) frees a PTE table whose whole 2M the zap covered.
 */
static int madvise_dontneed(struct host_mm *mm, const struct op *op, size_t i0, size_t i1)
{
	size_t i;
	int rc;

	for (i = i0; i < i1; i++) {
		if (backing_is_hugetlb(&mm->backings[i]) &&
		    (rc = hugetlb_cut(op, &mm->backings[i], 0)) != 0)
			return rc;
	}
	if ((rc = split_at(mm, op->hva)) != 0 || (rc = split_at(mm, op->end)) != 0)
		return rc;
	for (i = i0; i < i1; i++) {
		const struct host_backing *b = &mm->backings[i];
		uint64_t s = max_u64(op->hva, b->hva), e = min_u64(op->end, backing_end(b));
		struct zap z;

		/* hugetlb: the end rounds down to a huge page ("avoid unexpected data loss") */
		if (backing_is_hugetlb(b))
			e &= ~(backing_align(b) - 1);
		if (e <= s)
			continue;
		zap_init(&z, s, e);
		z.floor = s;
		z.ceiling = e;
		z.prune_level = PG_LEVEL_2M;
		if ((rc = zap_count(mm, &z)) != 0 || (rc = zap_apply(mm, &z)) != 0)
			return rc;
	}
	return 0;
}

/*
 * MADV_PAGEOUT without swap: reclaim cannot swap anonymous pages out, so nothing is freed,
 * but a THP that overlaps the range is split on the way - whole (shrink_folio_list splits it
 * when add_to_swap fails) or in part (madvise_cold_or_pageout_pte_range splits it first);
 * seen: the same pfns, now PTE-mapped.  The huge zero page is skipped.  A hugetlb VMA refuses
 * the advice (can_madv_lru_vma: EINVAL) and ends the walk there (seen).
 */
static int madvise_pageout(struct host_mm *mm, const struct op *op, size_t i0, size_t i1)
{
	size_t i;
	int rc;

	for (i = i0; i < i1; i++) {
		const struct host_backing *b = &mm->backings[i];
		uint64_t a = max_u64(op->hva, b->hva) & ~(SZ_2M - 1);
		uint64_t e = min_u64(op->end, backing_end(b));

		if (backing_is_hugetlb(b))
			return 0;
		while (a < e) {
			uint64_t next, *pmdp = host_entry_at(mm, a, PG_LEVEL_2M, &next);

			if (!pmdp) {
				a = next;
				continue;
			}
			if (pmd_is_leaf(*pmdp) && host_pte_pfn(*pmdp) != HOST_HUGE_ZERO_PFN &&
			    (rc = host_split_pmd(mm, pmdp, a)) != 0)
				return rc;
			a += SZ_2M;
		}
	}
	return 0;
}

/*
 * Whether MADV_COLLAPSE takes a VMA: not VM_NOHUGEPAGE (a 4k backing) and not hugetlb, both
 * EINVAL (seen); it ignores the sysfs `enabled` and the mounts' huge= (thp_vma_allowable_
 * orders without TVA_ENFORCE_SYSFS, shmem's shmem_huge_force) - but not shmem_enabled=deny.
 */
static int collapse_allowed(const struct host_mm *mm, const struct host_backing *b)
{
	if (b->vma.type == VMA_SHMEM && mm->thp.shmem_enabled == SHMEM_HUGE_DENY)
		return 0;
	return !backing_is_hugetlb(b) && !(b->vma.flags & VMA_NOHUGEPAGE);
}

/*
 * collapse_huge_page on the PTE table *pmdp points to: a new 2M frame (allocated first, as
 * the kernel does), the old 4K frames freed, the table freed, a writable PMD leaf - in one
 * notifier round over the 2M when anything was mapped there.
 */
int host_collapse_pmd(struct host_mm *mm, uint64_t *pmdp, uint64_t start)
{
	uint64_t table_pfn = host_pte_pfn(*pmdp), *pt = host_pt_table(&mm->pool, table_pfn);
	uint64_t pfn, frames = 0, mapped = 0;
	unsigned i;
	int rc;

	for (i = 0; i < PT_ENTRIES; i++) {
		mapped += host_pte_present(pt[i]);
		frames += host_pte_present(pt[i]) && !host_pfn_is_zero_page(host_pte_pfn(pt[i]));
	}
	if ((rc = host_frames_reserve(&mm->frames, PG_LEVEL_4K, frames)) != 0 ||
	    (rc = host_frames_reserve(&mm->frames, PG_LEVEL_2M, 1)) != 0 ||
	    (rc = host_frames_get(&mm->frames, PG_LEVEL_2M, &pfn)) != 0)
		return rc;
	if (mapped)
		notify_start(mm, start, start + SZ_2M);
	for (i = 0; i < PT_ENTRIES; i++) {
		uint64_t old = host_pte_pfn(pt[i]);

		if (host_pte_present(pt[i]) && !host_pfn_is_zero_page(old))
			host_frames_put(&mm->frames, PG_LEVEL_4K, old); /* room reserved above */
	}
	*pmdp = host_mk_leaf_pte(pfn, PG_LEVEL_2M, 1);
	host_pt_free(&mm->pool, table_pfn);
	if (mapped)
		notify_end(mm, start, start + SZ_2M);
	return 0;
}

/*
 * MADV_COLLAPSE (madvise_collapse, per VMA, over its 2M-aligned 2M regions), as seen on 6.18:
 *   - a region whose PMD points to a PTE table is collapsed whatever the table holds: pages,
 *     zero pages, holes (filled with zeroes) - even nothing at all;
 *   - a region already mapped by a PMD leaf (a THP or the huge zero page) stays as it is;
 *   - a region without a PMD table (SCAN_PMD_NULL) is skipped, and its VMA fails;
 *   - a region whose PMD entry is none (SCAN_PMD_NONE) ends the whole call there;
 *   - a VMA that refuses the advice, holds no whole region of the range, or failed, ends
 *     the call (madvise stops at the first error).
 * Linux returns EINVAL for the failures; the trace goes on, so they are not errors here.
 */
static int madvise_collapse(struct host_mm *mm, const struct op *op, size_t i0, size_t i1)
{
	size_t i;
	int rc;

	for (i = i0; i < i1; i++) {
		const struct host_backing *b = &mm->backings[i];
		uint64_t a = (max_u64(op->hva, b->hva) + SZ_2M - 1) & ~(SZ_2M - 1);
		uint64_t e = min_u64(op->end, backing_end(b)) & ~(SZ_2M - 1);
		int failed = 0;

		if (!collapse_allowed(mm, b) || a >= e)
			return 0;
		while (a < e) {
			uint64_t next, *pmdp = host_entry_at(mm, a, PG_LEVEL_2M, &next);

			if (!pmdp) {
				failed = 1;
				a = next;
				continue;
			}
			if (!host_pte_present(*pmdp))
				return 0;
			if (!pmd_is_leaf(*pmdp) && (rc = host_collapse_pmd(mm, pmdp, a)) != 0)
				return rc;
			a += SZ_2M;
		}
		if (failed)
			return 0;
	}
	return 0;
}

/*
 * MADV_HUGEPAGE / MADV_NOHUGEPAGE: the VMA flag of the anonymous and shared backings in the
 * range changes (hugepage_madvise: VM_HUGEPAGE set and VM_NOHUGEPAGE cleared, or the other
 * way round); pages already mapped stay (seen), except a THP that a new boundary cuts
 * (__split_vma splits it: seen).  The changed pieces then merge with adjacent backings of
 * the same VMA kind, as vma_merge does (seen: flags set back, the VMAs are one again);
 * backings the call does not change never merge, so `backing`s that were separate stay so.
 * hugetlb backings keep their kind: Linux only sets a flag there (returns 0, seen) - but a
 * boundary inside a huge page is refused (EINVAL, seen).
 */
static struct host_vma vma_advised(const struct host_vma *v, unsigned flag)
{
	struct host_vma nv = *v;

	nv.flags = (uint8_t)flag;
	return nv;
}

static int madvise_thp_flag(struct host_mm *mm, const struct op *op, size_t i0, size_t i1,
			    unsigned flag)
{
	size_t lo = i0 > 0 ? i0 - 1 : i0, hi = i1 < mm->nbackings ? i1 + 1 : i1;
	size_t cap = hi - lo + 2, n = 0, m = 0, i;
	struct host_backing *nb;
	unsigned char *changed;
	int change = 0, cut_lo = 0, cut_hi = 0, rc;

	for (i = i0; i < i1; i++) {
		const struct host_backing *b = &mm->backings[i];

		if (backing_is_hugetlb(b) && (rc = hugetlb_cut(op, b, 1)) != 0)
			return rc;
		change |= !backing_is_hugetlb(b) && b->vma.flags != flag;
	}
	if (!change)
		return 0;
	nb = malloc(cap * (sizeof(*nb) + 1));
	if (!nb)
		return err_set(TDPSIM_ENOMEM, "host backings: out of memory");
	changed = (unsigned char *)(nb + cap);
	/* [lo, hi): the backings in the range and a neighbour on each side to merge with */
	for (i = lo; i < hi; i++) {
		const struct host_backing *b = &mm->backings[i];
		uint64_t s = max_u64(op->hva, b->hva), e = min_u64(op->end, backing_end(b));

		if (i < i0 || i >= i1 || backing_is_hugetlb(b) || b->vma.flags == flag) {
			nb[n] = *b;
			changed[n++] = 0;
			continue;
		}
		if (b->hva < s) {
			nb[n] = (struct host_backing){ b->hva, s - b->hva, b->vma };
			changed[n++] = 0;
			cut_lo = 1;
		}
		nb[n] = (struct host_backing){ s, e - s, vma_advised(&b->vma, flag) };
		changed[n++] = 1;
		if (e < backing_end(b)) {
			nb[n] = (struct host_backing){ e, backing_end(b) - e, b->vma };
			changed[n++] = 0;
			cut_hi = 1;
		}
	}
	for (i = 0; i < n; i++) {
		if (m && backing_end(&nb[m - 1]) == nb[i].hva && vma_equal(&nb[m - 1].vma, &nb[i].vma) &&
		    (changed[m - 1] || changed[i])) {
			nb[m - 1].size += nb[i].size;
			changed[m - 1] = 1;
		} else {
			nb[m] = nb[i];
			changed[m++] = changed[i];
		}
	}
	if ((rc = backings_reserve(mm, m > hi - lo ? m - (hi - lo) : 0)) == 0 &&
	    (!cut_lo || (rc = split_at(mm, op->hva)) == 0) &&
	    (!cut_hi || (rc = split_at(mm, op->end)) == 0))
		backings_splice(mm, lo, hi, nb, m);
	free(nb);
	return rc;
}

/*
 * MADV_DONTNEED over shared memory unmaps without freeing (the pages stay in the file and
 * come back at the next fault), and MADV_PAGEOUT reclaims shmem through its own writeout:
 * neither is modelled - refused rather than treated as anonymous memory.
 */
static int shmem_reclaim_check(const struct host_mm *mm, const struct op *op, size_t i0,
			       size_t i1, uint32_t advice)
{
	if (advice != TDPSIM_ADVICE_DONTNEED && advice != TDPSIM_ADVICE_PAGEOUT)
		return 0;
	for (size_t i = i0; i < i1; i++)
		if (mm->backings[i].vma.type == VMA_SHMEM)
			return err_set(TDPSIM_EINPUT, "%s: backing [0x%" PRIx64 ", 0x%" PRIx64
				       ") kind=%s: %s of shared memory (the pages stay in the "
				       "file) is not modelled", op->name, mm->backings[i].hva,
				       backing_end(&mm->backings[i]),
				       backing_name(&mm->backings[i]), advice_name[advice]);
	return 0;
}

int host_madvise(struct host_mm *mm, uint64_t hva, uint64_t size, uint32_t advice)
{
	struct op op;
	size_t i0, i1;
	int rc;

	if (advice > TDPSIM_ADVICE_NOHUGEPAGE)
		return err_set(TDPSIM_EINPUT, "host-madvise hva=0x%" PRIx64 " size=0x%" PRIx64
			       ": unknown advice %u", hva, size, advice);
	if ((rc = op_init(mm, &op, "host-madvise", hva, size, advice_name[advice])) != 0)
		return rc;
	if (size == 0)
		return 0; /* madvise(addr, 0, advice) succeeds and does nothing */
	backings_overlapping(mm, hva, op.end, &i0, &i1);
	if ((rc = check_backed(mm, &op, i0, i1)) != 0)
		return rc;
	if ((rc = shmem_reclaim_check(mm, &op, i0, i1, advice)) != 0)
		return rc;
	switch (advice) {
	case TDPSIM_ADVICE_DONTNEED:
		return madvise_dontneed(mm, &op, i0, i1);
	case TDPSIM_ADVICE_PAGEOUT:
		return madvise_pageout(mm, &op, i0, i1);
	case TDPSIM_ADVICE_COLLAPSE:
		return madvise_collapse(mm, &op, i0, i1);
	case TDPSIM_ADVICE_HUGEPAGE:
		return madvise_thp_flag(mm, &op, i0, i1, VMA_HUGEPAGE);
	default:
		return madvise_thp_flag(mm, &op, i0, i1, VMA_NOHUGEPAGE);
	}
}

/*
 * munmap: the VMA splits at the range's ends split the THPs they cut (a round over each 2M);
 * unmap_region then zaps the whole range in one round over what it maps and free_pgtables
 * frees the tables that span nothing but the unmapped range and the gaps beside it, up to
 * the neighbouring VMAs (floor, ceiling).
 */
int host_munmap(struct host_mm *mm, uint64_t hva, uint64_t size)
{
	struct host_backing keep[2];
	size_t i0, i1, i, nkeep = 0;
	struct op op;
	struct zap z;
	int rc;

	if ((rc = op_init(mm, &op, "host-munmap", hva, size, NULL)) != 0)
		return rc;
	if (size == 0)
		return err_set(TDPSIM_EINPUT, "%s: size is 0 (munmap's EINVAL)", op.name);
	backings_overlapping(mm, hva, op.end, &i0, &i1);
	for (i = i0; i < i1; i++) {
		if (backing_is_hugetlb(&mm->backings[i]) &&
		    (rc = hugetlb_cut(&op, &mm->backings[i], 1)) != 0)
			return rc;
	}
	if (i0 < i1) {
		const struct host_backing *first = &mm->backings[i0], *last = &mm->backings[i1 - 1];

		if (first->hva < hva)
			keep[nkeep++] = (struct host_backing){ first->hva, hva - first->hva,
							       first->vma };
		if (backing_end(last) > op.end)
			keep[nkeep++] = (struct host_backing){ op.end, backing_end(last) - op.end,
							       last->vma };
	}
	if ((rc = backings_reserve(mm, nkeep > i1 - i0 ? nkeep - (i1 - i0) : 0)) != 0 ||
	    (rc = split_at(mm, hva)) != 0 || (rc = split_at(mm, op.end)) != 0)
		return rc;
	zap_init(&z, hva, op.end);
	if ((rc = zap_count(mm, &z)) != 0)
		return rc;
	backings_splice(mm, i0, i1, keep, nkeep);
	i = backing_upper_bound(mm, hva);
	z.floor = i ? backing_end(&mm->backings[i - 1]) : 0;
	z.ceiling = i < mm->nbackings ? mm->backings[i].hva : mm->task_size;
	z.prune_level = mm->levels;
	return zap_apply(mm, &z);
}

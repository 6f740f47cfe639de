/* SPDX-License-Identifier: MIT */
/*
 * The host ages the VMM's memory (host/host.h host_age): what idle page tracking
 * (mm/page_idle.c), MGLRU's walks and reclaim's folio_referenced (mm/rmap.c) do to each
 * mapped page of a range - ask the MMU notifier whether the secondary MMUs saw it used
 * (mmu_notifier_clear_young, _clear_flush_young, _test_young), and KVM ages its SPTEs.
 */
#include "host/host_mm.h"
#include "host/host_pt.h"

/* The young callback for one leaf [start, end): 1 if KVM found it young. */
static int age_leaf(struct host_mm *mm, uint64_t start, uint64_t end, int op)
{
	const struct host_notifier *n = &mm->notifier;

	if (op == TDPSIM_AGE_TEST)
		return n->test_young ? n->test_young(n->ctx, start, end) : 0;
	return n->clear_young ? n->clear_young(n->ctx, start, end, op == TDPSIM_AGE_CLEAR_FLUSH)
			      : 0;
}

/* Whether Linux ages the pages of backing b: only LRU folios - hugetlb's are not on an LRU
 * (page_idle_get_folio, folio_referenced's callers skip them), nor are the zero pages. */
static int backing_aged(const struct host_backing *b)
{
	return !backing_is_hugetlb(b);
}

int host_age(struct host_mm *mm, uint64_t hva, uint64_t size, int op,
	     struct host_age_result *out)
{
	uint64_t end = hva + size, a = hva;
	int rc;

	*out = (struct host_age_result){ 0 };
	if ((rc = host_range_check(mm, "host-age", hva, size)) != 0)
		return rc;
	while (a < end) {
		size_t i = backing_upper_bound(mm, a);
		const struct host_backing *b = i ? &mm->backings[i - 1] : NULL;
		struct host_walk w;
		uint64_t lsize, base, stop;

		if (!b || a >= backing_end(b)) { /* no VMA here: on to the next one */
			if (i >= mm->nbackings || mm->backings[i].hva >= end)
				break;
			a = mm->backings[i].hva;
			continue;
		}
		if (!backing_aged(b)) {
			a = backing_end(b);
			continue;
		}
		if (!host_pt_walk(&mm->pool, mm->pgd, mm->levels, a, &w)) {
			a = (a | (level_size(w.level) - 1)) + 1; /* the hole at w.level */
			continue;
		}
		lsize = level_size(w.level);
		base = a & ~(lsize - 1);
		stop = base + lsize < end ? base + lsize : end;
		if (!host_pfn_is_zero_page(host_pte_pfn(*w.ptep))) {
			uint64_t pages = (stop - a) >> PAGE_SHIFT;

			if (age_leaf(mm, base, base + lsize, op))
				out->young_pages += pages;
			else
				out->old_pages += pages;
		}
		a = stop;
	}
	mm->vmstat.age_young_pages += out->young_pages;
	mm->vmstat.age_old_pages += out->old_pages;
	return 0;
}

void host_age_scan(struct host_mm *mm, int op)
{
	struct host_age_result r;

	/* host_age refuses nothing here: every backing is page-aligned below task_size */
	for (size_t i = 0; i < mm->nbackings; i++)
		(void)host_age(mm, mm->backings[i].hva, mm->backings[i].size, op, &r);
	mm->vmstat.age_scans++;
}

uint64_t host_backing_pages(const struct host_mm *mm)
{
	uint64_t pages = 0;

	for (size_t i = 0; i < mm->nbackings; i++)
		pages += mm->backings[i].size >> PAGE_SHIFT;
	return pages;
}

/* SPDX-License-Identifier: MIT */
/*
 * khugepaged (mm/khugepaged.c): the kernel thread that, every scan_sleep_millisecs, scans
 * pages_to_scan worth of an mm's THP-eligible VMAs and collapses 4K-mapped 2M ranges into
 * THPs, so that huge pages come back over time on a host whose THPs were split or never
 * allocated.  One mm here: the VMM's.
 */
#include "host/host.h"
#include "host/host_mm.h"

enum scan_result { SCAN_SKIPPED, SCAN_COLLAPSED, SCAN_ALLOC_FAILED };

/*
 * hpage_collapse_scan_pmd, then collapse_huge_page, for the 2M range at hs: only a PMD that
 * points to a PTE table (no table: SCAN_PMD_NULL; a leaf: SCAN_PMD_MAPPED), with at most
 * max_ptes_none entries empty or mapping the zero page (SCAN_EXCEED_NONE_PTE).  Host PTEs
 * carry no accessed bit here, so every mapped page counts as referenced.  The 2M block is
 * drawn as a fault's is, compacting directly when khugepaged/defrag is set.
 */
static int scan_range(struct host_mm *mm, uint64_t hs)
{
	uint64_t next, *pmdp = host_entry_at(mm, hs, PG_LEVEL_2M, &next), *pt;
	unsigned none = 0;
	int rc;

	if (!pmdp || !host_pte_present(*pmdp) || host_pte_is_leaf(*pmdp, PG_LEVEL_2M))
		return SCAN_SKIPPED;
	pt = host_pt_table(&mm->pool, host_pte_pfn(*pmdp));
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		none += !host_pte_present(pt[i]) || host_pfn_is_zero_page(host_pte_pfn(pt[i]));
	if (none > mm->thp.khugepaged_max_ptes_none)
		return SCAN_SKIPPED;
	if (!thp_2m_available(mm, mm->thp.khugepaged_defrag)) {
		mm->vmstat.thp_collapse_alloc_failed++;
		return SCAN_ALLOC_FAILED;
	}
	if ((rc = host_collapse_pmd(mm, pmdp, hs)) != 0)
		return rc;
	mm->vmstat.thp_collapse_alloc++;
	mm->vmstat.khugepaged_pages_collapsed++;
	return SCAN_COLLAPSED;
}

/* The first backing that ends above hva, or nbackings. */
static size_t backing_from(const struct host_mm *mm, uint64_t hva)
{
	size_t i = backing_upper_bound(mm, hva);

	return i > 0 && backing_end(&mm->backings[i - 1]) > hva ? i - 1 : i;
}

int64_t host_khugepaged_pass(struct host_mm *mm)
{
	uint64_t progress = 0, want = mm->thp.khugepaged_pages_to_scan;
	int wrapped = 0;

	while (progress < want) {
		size_t i = backing_from(mm, mm->khugepaged_cursor);
		const struct host_backing *b;
		uint64_t hs, he;

		if (i == mm->nbackings) { /* the end of the mm: a full scan, start again */
			if (wrapped++ || mm->nbackings == 0)
				break;
			mm->khugepaged_cursor = 0;
			mm->vmstat.khugepaged_full_scans++;
			continue;
		}
		b = &mm->backings[i];
		hs = (mm->khugepaged_cursor > b->hva ? mm->khugepaged_cursor : b->hva);
		hs = (hs + SZ_2M - 1) & ~(SZ_2M - 1);
		he = backing_end(b) & ~(SZ_2M - 1);
		/* a VMA it may not collapse (thp_vma_allowable_order): progress++ and on */
		if (hs >= he || !thp_pmd_allowed(mm, b, hs)) {
			progress++;
			mm->khugepaged_cursor = backing_end(b);
			continue;
		}
		for (; hs < he && progress < want; hs += SZ_2M) {
			int r = scan_range(mm, hs);

			progress += PT_ENTRIES;
			mm->khugepaged_cursor = hs + SZ_2M;
			if (r < 0)
				return r;
			if (r == SCAN_ALLOC_FAILED)
				return mm->thp.khugepaged_alloc_sleep_ms;
		}
		if (hs >= he)
			mm->khugepaged_cursor = backing_end(b);
	}
	return mm->thp.khugepaged_scan_sleep_ms;
}

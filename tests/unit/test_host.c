/* SPDX-License-Identifier: MIT */
/*
 * The host address space: backings, faultin through zero pages and COW, THP eligibility,
 * hugetlb, the frame allocator, host_pfn_mapping_level, and the host tables' memory.
 * Expected pfns follow from the allocator's layout (frames.h), never from a run's output.
 */
#include <check.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "core/error.h"
#include "host/frames.h"
#include "host/host.h"
#include "host/host_pt.h"
#include "test_util.h"

#define SZ_4K 0x1000ull
#define SZ_2M 0x200000ull
#define SZ_1G 0x40000000ull

/* The mock notifier: every call in order, with what the host tables showed at that moment. */
struct call {
	int is_start;
	uint64_t start, end;
	struct host_page seen; /* host_lookup(start) during the call */
};

struct mock {
	struct host_mm *mm;
	int n, starts, ends, depth;
	struct call calls[16];
};

static void mock_record(struct mock *m, int is_start, uint64_t start, uint64_t end)
{
	struct call *c = &m->calls[m->n < 16 ? m->n : 15];

	c->is_start = is_start;
	c->start = start;
	c->end = end;
	memset(&c->seen, 0, sizeof(c->seen));
	host_lookup(m->mm, start, &c->seen);
	m->n++;
}

static void mock_start(void *ctx, uint64_t start, uint64_t end)
{
	struct mock *m = ctx;

	m->starts++;
	m->depth++;
	mock_record(m, 1, start, end);
}

static void mock_end(void *ctx, uint64_t start, uint64_t end)
{
	struct mock *m = ctx;

	m->ends++;
	m->depth--;
	mock_record(m, 0, start, end);
}

static struct host_mm *new_mm(struct mock *m)
{
	struct host_mm *mm = NULL;

	ck_assert_int_eq(host_mm_new(&mm, 4, NULL), 0);
	ck_assert_ptr_nonnull(mm);
	if (m) {
		struct host_notifier n = { .invalidate_range_start = mock_start,
					   .invalidate_range_end = mock_end, .ctx = m };

		memset(m, 0, sizeof(*m));
		m->mm = mm;
		host_mm_set_notifier(mm, &n);
	}
	return mm;
}

static struct host_page fault(struct host_mm *mm, uint64_t hva, int write)
{
	struct host_page p;

	memset(&p, 0xa5, sizeof(p));
	ck_assert_msg(host_faultin(mm, hva, write, &p) == 0, "faultin 0x%" PRIx64 ": %s", hva,
		      tdpsim_error_last() ? tdpsim_error_last()->message : "?");
	return p;
}

static void assert_page(struct host_page p, uint64_t pfn, int level, int writable, int zero)
{
	ck_assert_uint_eq(p.pfn, pfn);
	ck_assert_int_eq(p.level, level);
	ck_assert_int_eq(p.writable, writable);
	ck_assert_int_eq(p.zero_page, zero);
}

static void assert_error_names(int rc, int code, const char *a, const char *b)
{
	const tdpsim_error *e = tdpsim_error_last();

	ck_assert_int_eq(rc, code);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->code, code);
	ck_assert_msg(strstr(e->message, a), "'%s' does not name %s", e->message, a);
	if (b)
		ck_assert_msg(strstr(e->message, b), "'%s' does not name %s", e->message, b);
}

/* TASK_SIZE follows the paging depth: 2^47 under 4-level paging, 2^56 under 5-level, where a
 * backing high above 2^47 maps through a fifth level of tables (PML5E, then as before). */
START_TEST(a_5_level_host_maps_backings_above_the_4_level_address_space)
{
	struct host_mm *mm4, *mm5;
	struct host_page p;
	const uint64_t high = 1ull << 50;

	ck_assert_int_eq(host_mm_new(&mm4, 4, NULL), 0);
	ck_assert_int_eq(host_mm_new(&mm5, 5, NULL), 0);
	ck_assert_int_eq(host_paging_levels(mm5), 5);
	assert_error_names(host_backing_add_kind(mm4, high, SZ_2M, TDPSIM_BACKING_4K, 0),
			   TDPSIM_EINPUT, "4-level paging", NULL);
	ck_assert_int_eq(host_backing_add_kind(mm5, high, SZ_2M, TDPSIM_BACKING_4K, 0), 0);
	ck_assert_int_eq(host_faultin(mm5, high + SZ_4K, 1, &p), 0);
	ck_assert_int_eq(p.level, PG_LEVEL_4K);
	ck_assert_int_eq(host_pfn_mapping_level(mm5, high + SZ_4K), PG_LEVEL_4K);
	assert_error_names(host_backing_add_kind(mm5, 1ull << 56, SZ_4K, TDPSIM_BACKING_4K, 0),
			   TDPSIM_EINPUT, "5-level paging", NULL);
	host_mm_free(mm4);
	host_mm_free(mm5);
	ck_assert_int_eq(host_mm_new(&mm4, 3, NULL), TDPSIM_EINVAL); /* 4 or 5 only */
}
END_TEST

START_TEST(hugetlb2m_backing_maps_2m_pmd_leaves_and_reports_level_2)
{
	struct mock m;
	struct host_mm *mm = new_mm(&m);
	uint64_t hva = 0x40000000;

	ck_assert_int_eq(host_backing_add_kind(mm, hva, 2 * SZ_2M, TDPSIM_BACKING_HUGETLB2M, 0), 0);
	ck_assert_int_eq(host_pfn_mapping_level(mm, hva), 1); /* nothing mapped yet */
	ck_assert_int_eq(host_frames_4k(mm), 0);

	/* A read allocates the huge page too: hugetlb has no zero page. */
	assert_page(fault(mm, hva + 0x1234, 0), HOST_PFN_BASE_2M + 1, 2, 1, 0);
	ck_assert_int_eq(host_pfn_mapping_level(mm, hva), 2);
	ck_assert_int_eq(host_pfn_mapping_level(mm, hva + SZ_2M - 1), 2);
	ck_assert_int_eq(host_pfn_mapping_level(mm, hva + SZ_2M), 1);
	ck_assert_uint_eq(host_frames_4k(mm), 512);

	assert_page(fault(mm, hva + SZ_2M, 1), HOST_PFN_BASE_2M + 512, 2, 1, 0);
	ck_assert_int_eq(host_pfn_mapping_level(mm, hva + SZ_2M), 2);
	ck_assert_uint_eq(host_frames_4k(mm), 1024);
	/* root, PUD table, PMD table: no PTE table under PMD leaves */
	ck_assert_uint_eq(host_pt_pages(mm), 3);
	ck_assert_int_eq(m.n, 0);
	host_mm_free(mm);
}
END_TEST

START_TEST(hugetlb1g_backing_maps_a_1g_pud_leaf)
{
	struct mock m;
	struct host_mm *mm = new_mm(&m);
	uint64_t hva = 2 * SZ_1G;

	ck_assert_int_eq(host_backing_add_kind(mm, hva, SZ_1G, TDPSIM_BACKING_HUGETLB1G, 0), 0);
	assert_page(fault(mm, hva + 0x12345000, 1), HOST_PFN_BASE_1G + 0x12345, 3, 1, 0);
	ck_assert_int_eq(host_pfn_mapping_level(mm, hva), 3);
	ck_assert_int_eq(host_pfn_mapping_level(mm, hva + SZ_1G - 1), 3);
	ck_assert_uint_eq(host_frames_4k(mm), 262144);
	ck_assert_uint_eq(host_pt_pages(mm), 2); /* root and the PUD table holding the leaf */
	ck_assert_int_eq(m.n, 0);
	host_mm_free(mm);
}
END_TEST

START_TEST(thp_read_before_write_maps_the_huge_zero_page_read_only)
{
	struct mock m;
	struct host_mm *mm = new_mm(&m);
	uint64_t hva = 0x7f0000000000ull;

	ck_assert_int_eq(host_backing_add_kind(mm, hva, 2 * SZ_2M, TDPSIM_BACKING_THP, 0), 0);
	assert_page(fault(mm, hva + 0x3000, 0), HOST_HUGE_ZERO_PFN + 3, 2, 0, 1);
	ck_assert_int_eq(host_pfn_mapping_level(mm, hva), 2);
	ck_assert_uint_eq(host_frames_4k(mm), 0); /* the zero page is nobody's memory */
	/* Another read anywhere in the same 2M sees the same mapping, read-only. */
	assert_page(fault(mm, hva + SZ_2M - SZ_4K, 0), HOST_HUGE_ZERO_PFN + 511, 2, 0, 1);
	/* The other 2M range gets the same huge zero page: it is shared. */
	assert_page(fault(mm, hva + SZ_2M, 0), HOST_HUGE_ZERO_PFN, 2, 0, 1);
	ck_assert_int_eq(m.n, 0);
	host_mm_free(mm);
}
END_TEST

START_TEST(first_write_to_the_huge_zero_page_breaks_it_with_one_notifier_round_over_2m)
{
	struct mock m;
	struct host_mm *mm = new_mm(&m);
	uint64_t hva = 0x7f0000000000ull;

	ck_assert_int_eq(host_backing_add_kind(mm, hva, 2 * SZ_2M, TDPSIM_BACKING_THP, 0), 0);
	fault(mm, hva + SZ_2M + 0x5000, 0);
	assert_page(fault(mm, hva + SZ_2M + 0x5000, 1), HOST_PFN_BASE_2M + 5, 2, 1, 0);

	ck_assert_int_eq(m.starts, 1);
	ck_assert_int_eq(m.ends, 1);
	ck_assert_int_eq(m.calls[0].is_start, 1);
	ck_assert_uint_eq(m.calls[0].start, hva + SZ_2M);
	ck_assert_uint_eq(m.calls[0].end, hva + 2 * SZ_2M);
	ck_assert_int_eq(m.calls[1].is_start, 0);
	ck_assert_uint_eq(m.calls[1].start, hva + SZ_2M);
	ck_assert_uint_eq(m.calls[1].end, hva + 2 * SZ_2M);
	/* At start KVM still sees the zero page; by end the new THP is in place. */
	ck_assert_int_eq(m.calls[0].seen.zero_page, 1);
	assert_page(m.calls[1].seen, HOST_PFN_BASE_2M, 2, 1, 0);

	/* Written once, the THP is writable: more writes and reads change nothing. */
	assert_page(fault(mm, hva + SZ_2M, 1), HOST_PFN_BASE_2M, 2, 1, 0);
	assert_page(fault(mm, hva + SZ_2M + 0x1ff000, 0), HOST_PFN_BASE_2M + 511, 2, 1, 0);
	ck_assert_int_eq(m.n, 2);
	ck_assert_uint_eq(host_frames_4k(mm), 512);
	/* The first 2M was never touched. */
	ck_assert_int_eq(host_lookup(mm, hva, NULL), 0);
	host_mm_free(mm);
}
END_TEST

START_TEST(before_6_13_a_write_to_the_huge_zero_page_splits_it_and_copies_one_4k_page)
{
	struct mock m;
	struct host_mm *mm = new_mm(&m);
	struct host_behaviour pre_6_13 = { .huge_zero_wp_allocates_thp = 0 };
	uint64_t hva = 0x7f0000000000ull, pt_before;

	host_mm_set_behaviour(mm, &pre_6_13);
	ck_assert_int_eq(host_backing_add_kind(mm, hva, SZ_2M, TDPSIM_BACKING_THP, 0), 0);
	fault(mm, hva + 0x5000, 0); /* the huge zero page, a PMD leaf */
	pt_before = host_pt_pages(mm);
	/* do_huge_pmd_wp_page falls back to __split_huge_pmd, then wp_page_copy copies the one
	 * 4K page written: the first 4K frame, writable, at level 1. */
	assert_page(fault(mm, hva + 0x5000, 1), HOST_PFN_BASE_4K, 1, 1, 0);
	ck_assert_uint_eq(host_frames_4k(mm), 1);
	ck_assert_uint_eq(host_pt_pages(mm), pt_before + 1); /* the PTE table of the split */
	ck_assert_int_eq(host_pfn_mapping_level(mm, hva), 1);

	/* Two rounds: the split over the 2M (KVM sees the huge zero page at start, the zero
	 * PTE by end), then the copy over the 4K page written. */
	ck_assert_int_eq(m.n, 4);
	ck_assert_int_eq(m.calls[0].is_start, 1);
	ck_assert_uint_eq(m.calls[0].start, hva);
	ck_assert_uint_eq(m.calls[0].end, hva + SZ_2M);
	assert_page(m.calls[0].seen, HOST_HUGE_ZERO_PFN, 2, 0, 1);
	ck_assert_int_eq(m.calls[1].is_start, 0);
	assert_page(m.calls[1].seen, HOST_ZERO_PFN, 1, 0, 1);
	ck_assert_int_eq(m.calls[2].is_start, 1);
	ck_assert_uint_eq(m.calls[2].start, hva + 0x5000);
	ck_assert_uint_eq(m.calls[2].end, hva + 0x6000);
	ck_assert_int_eq(m.calls[3].is_start, 0);
	assert_page(m.calls[3].seen, HOST_PFN_BASE_4K, 1, 1, 0);

	/* The other 511 PTEs keep the 4K zero page, read-only; a write to one copies only it. */
	assert_page(fault(mm, hva, 0), HOST_ZERO_PFN, 1, 0, 1);
	assert_page(fault(mm, hva + SZ_2M - SZ_4K, 1), HOST_PFN_BASE_4K + 1, 1, 1, 0);
	ck_assert_int_eq(m.n, 6);
	ck_assert_uint_eq(host_frames_4k(mm), 2);
	host_mm_free(mm);
}
END_TEST

START_TEST(thp_range_not_wholly_inside_the_backing_gets_4k_pages)
{
	struct mock m;
	struct host_mm *mm = new_mm(&m);
	/* [3M, 6M): the 2M range [2M, 4M) is only half inside, [4M, 6M) wholly. */
	uint64_t hva = 3 * SZ_2M / 2;

	ck_assert_int_eq(host_backing_add_kind(mm, hva, 3 * SZ_2M / 2, TDPSIM_BACKING_THP, 0), 0);
	assert_page(fault(mm, hva, 0), HOST_ZERO_PFN, 1, 0, 1);
	ck_assert_int_eq(host_pfn_mapping_level(mm, hva), 1);
	assert_page(fault(mm, hva + SZ_4K, 1), HOST_PFN_BASE_4K, 1, 1, 0);
	assert_page(fault(mm, 2 * SZ_2M + 0x2000, 1), HOST_PFN_BASE_2M + 2, 2, 1, 0);
	ck_assert_int_eq(host_pfn_mapping_level(mm, 2 * SZ_2M), 2);

	/* Two THP backings that split one 2M range between them: neither holds it whole. */
	ck_assert_int_eq(host_backing_add_kind(mm, 8 * SZ_2M, SZ_2M / 2, TDPSIM_BACKING_THP, 0), 0);
	ck_assert_int_eq(host_backing_add_kind(mm, 8 * SZ_2M + SZ_2M / 2, SZ_2M / 2,
					  TDPSIM_BACKING_THP, 0), 0);
	assert_page(fault(mm, 8 * SZ_2M, 1), HOST_PFN_BASE_4K + 1, 1, 1, 0);
	assert_page(fault(mm, 9 * SZ_2M - SZ_4K, 1), HOST_PFN_BASE_4K + 2, 1, 1, 0);
	ck_assert_int_eq(host_pfn_mapping_level(mm, 8 * SZ_2M), 1);
	ck_assert_uint_eq(host_frames_4k(mm), 3 + 512);
	ck_assert_int_eq(m.n, 0);
	host_mm_free(mm);
}
END_TEST

START_TEST(anonymous_4k_read_maps_the_zero_page_then_write_allocates)
{
	struct mock m;
	struct host_mm *mm = new_mm(&m);
	uint64_t hva = SZ_1G; /* 2M-aligned and large, still never huge: it is 4k memory */

	ck_assert_int_eq(host_backing_add_kind(mm, hva, 4 * SZ_2M, TDPSIM_BACKING_4K, 0), 0);
	assert_page(fault(mm, hva + 0x7000, 0), HOST_ZERO_PFN, 1, 0, 1);
	ck_assert_int_eq(host_pfn_mapping_level(mm, hva + 0x7000), 1);
	ck_assert_uint_eq(host_frames_4k(mm), 0);
	ck_assert_int_eq(m.n, 0);

	/* The write breaks the zero page: one notifier round over just that 4K page. */
	assert_page(fault(mm, hva + 0x7abc, 1), HOST_PFN_BASE_4K, 1, 1, 0);
	ck_assert_int_eq(m.n, 2);
	ck_assert_int_eq(m.calls[0].is_start, 1);
	ck_assert_uint_eq(m.calls[0].start, hva + 0x7000);
	ck_assert_uint_eq(m.calls[0].end, hva + 0x8000);
	assert_page(m.calls[0].seen, HOST_ZERO_PFN, 1, 0, 1);
	ck_assert_int_eq(m.calls[1].is_start, 0);
	ck_assert_uint_eq(m.calls[1].start, hva + 0x7000);
	ck_assert_uint_eq(m.calls[1].end, hva + 0x8000);
	assert_page(m.calls[1].seen, HOST_PFN_BASE_4K, 1, 1, 0);

	/* A first write to an unmapped page replaces nothing: no notifier. */
	assert_page(fault(mm, hva + 3 * SZ_2M, 1), HOST_PFN_BASE_4K + 1, 1, 1, 0);
	ck_assert_int_eq(m.n, 2);
	ck_assert_uint_eq(host_frames_4k(mm), 2);
	ck_assert_int_eq(m.depth, 0);
	host_mm_free(mm);
}
END_TEST

/* Every 4K page of [hva, hva + size) as host_lookup sees it, into pages[]. */
static void snapshot(struct host_mm *mm, uint64_t hva, uint64_t size, struct host_page *pages)
{
	uint64_t i;

	for (i = 0; i < size / SZ_4K; i++)
		ck_assert_int_eq(host_lookup(mm, hva + i * SZ_4K, &pages[i]), 1);
}

START_TEST(populate_makes_every_page_writable_up_front_without_notifier_calls)
{
	/* A THP backing with a 2-page head and tail outside whole 2M ranges. */
	const uint64_t hva = SZ_2M - 2 * SZ_4K, size = 2 * SZ_2M + 4 * SZ_4K;
	const uint64_t npages = size / SZ_4K;
	static struct host_page pop[1028], touched[1028];
	struct mock m;
	struct host_mm *mm = new_mm(&m), *ref;
	uint64_t i;

	ck_assert_uint_eq(npages, 1028);
	ck_assert_int_eq(host_backing_add_kind(mm, hva, size, TDPSIM_BACKING_THP, 1), 0);
	ck_assert_int_eq(m.n, 0);
	ck_assert_uint_eq(host_frames_4k(mm), 2 + 2 * 512 + 2);
	snapshot(mm, hva, size, pop);
	for (i = 0; i < npages; i++) {
		uint64_t a = hva + i * SZ_4K;
		int huge = a >= SZ_2M && a < 3 * SZ_2M;

		ck_assert_int_eq(pop[i].writable, 1);
		ck_assert_int_eq(pop[i].zero_page, 0);
		ck_assert_int_eq(pop[i].level, huge ? 2 : 1);
		ck_assert_int_eq(host_pfn_mapping_level(mm, a), huge ? 2 : 1);
	}
	/* Faults after populate find everything in place: still no notifier. */
	fault(mm, hva, 1);
	fault(mm, 2 * SZ_2M, 1);
	ck_assert_int_eq(m.n, 0);

	/* Populate is what write faults on every page, in hva order, would have done. */
	ref = new_mm(NULL);
	ck_assert_int_eq(host_backing_add_kind(ref, hva, size, TDPSIM_BACKING_THP, 0), 0);
	for (i = 0; i < npages; i++)
		fault(ref, hva + i * SZ_4K, 1);
	snapshot(ref, hva, size, touched);
	ck_assert_mem_eq(pop, touched, sizeof(pop));
	ck_assert_uint_eq(host_frames_4k(ref), host_frames_4k(mm));
	ck_assert_uint_eq(host_pt_pages(ref), host_pt_pages(mm));
	host_mm_free(ref);

	/* hugetlb and 4k backings populate the same way. */
	ck_assert_int_eq(host_backing_add_kind(mm, SZ_1G, 2 * SZ_2M, TDPSIM_BACKING_HUGETLB2M, 1), 0);
	ck_assert_int_eq(host_backing_add_kind(mm, 2 * SZ_1G, SZ_1G, TDPSIM_BACKING_HUGETLB1G, 1), 0);
	ck_assert_int_eq(host_backing_add_kind(mm, 3 * SZ_1G, 3 * SZ_4K, TDPSIM_BACKING_4K, 1), 0);
	ck_assert_uint_eq(host_frames_4k(mm), 1028 + 1024 + 262144 + 3);
	assert_page(fault(mm, SZ_1G + SZ_2M, 0), HOST_PFN_BASE_2M + 3 * 512, 2, 1, 0);
	assert_page(fault(mm, 2 * SZ_1G, 0), HOST_PFN_BASE_1G, 3, 1, 0);
	assert_page(fault(mm, 3 * SZ_1G + 2 * SZ_4K, 0), HOST_PFN_BASE_4K + 4 + 2, 1, 1, 0);
	ck_assert_int_eq(m.n, 0);
	host_mm_free(mm);
}
END_TEST

START_TEST(overlapping_backings_are_refused_naming_both)
{
	struct host_mm *mm = new_mm(NULL);

	ck_assert_int_eq(host_backing_add_kind(mm, 0x40000000, 2 * SZ_2M, TDPSIM_BACKING_THP, 0), 0);
	/* overlapping the end of one that starts below it */
	assert_error_names(host_backing_add_kind(mm, 0x40200000, 3 * SZ_2M, TDPSIM_BACKING_4K, 1),
			   TDPSIM_EINPUT, "[0x40200000, 0x40800000)", "[0x40000000, 0x40400000)");
	/* overlapping the start of one that starts above it */
	assert_error_names(host_backing_add_kind(mm, 0x3fe00000, 2 * SZ_2M, TDPSIM_BACKING_HUGETLB2M,
					    0),
			   TDPSIM_EINPUT, "[0x3fe00000, 0x40200000)", "[0x40000000, 0x40400000)");
	/* the very same range again */
	assert_error_names(host_backing_add_kind(mm, 0x40000000, 2 * SZ_2M, TDPSIM_BACKING_THP, 0),
			   TDPSIM_EINPUT, "overlaps", "[0x40000000, 0x40400000)");
	/* A refused backing changed nothing: its pages were never populated... */
	ck_assert_uint_eq(host_frames_4k(mm), 0);
	ck_assert_int_eq(host_faultin(mm, 0x40600000, 1, NULL), TDPSIM_EINPUT);
	/* ...and neighbours that only touch are fine. */
	ck_assert_int_eq(host_backing_add_kind(mm, 0x40400000, SZ_4K, TDPSIM_BACKING_4K, 0), 0);
	ck_assert_int_eq(host_backing_add_kind(mm, 0x3fe00000, SZ_2M, TDPSIM_BACKING_HUGETLB2M, 0),
			 0);
	host_mm_free(mm);
}
END_TEST

START_TEST(unbacked_hva_is_an_error_naming_it)
{
	struct host_mm *mm = new_mm(NULL);
	struct host_page p;

	assert_error_names(host_faultin(mm, 0x12345000, 0, &p), TDPSIM_EINPUT, "0x12345000",
			   "not backed");
	ck_assert_int_eq(host_backing_add_kind(mm, 0x10000000, SZ_2M, TDPSIM_BACKING_4K, 0), 0);
	/* just past the end, and just below the start */
	assert_error_names(host_faultin(mm, 0x10200000, 1, &p), TDPSIM_EINPUT, "0x10200000",
			   NULL);
	assert_error_names(host_faultin(mm, 0xffff000, 1, &p), TDPSIM_EINPUT, "0xffff000", NULL);
	/* Looking never allocates or maps. */
	ck_assert_int_eq(host_lookup(mm, 0x10000000, &p), 0);
	ck_assert_int_eq(host_pfn_mapping_level(mm, 0x10000000), 1);
	ck_assert_int_eq(host_pfn_mapping_level(mm, 0xffffffffffff0000ull), 1);
	ck_assert_uint_eq(host_frames_4k(mm), 0);
	ck_assert_uint_eq(host_pt_pages(mm), 1);
	host_mm_free(mm);
}
END_TEST

START_TEST(backings_need_their_page_size_alignment_and_a_sane_range)
{
	struct host_mm *mm = new_mm(NULL);

	/* mmap(MAP_HUGETLB) needs huge-page-aligned addresses and lengths. */
	assert_error_names(host_backing_add_kind(mm, SZ_2M + SZ_4K, SZ_2M, TDPSIM_BACKING_HUGETLB2M, 0),
			   TDPSIM_EINPUT, "hugetlb2m", "0x200000");
	assert_error_names(host_backing_add_kind(mm, SZ_2M, SZ_4K, TDPSIM_BACKING_HUGETLB2M, 0),
			   TDPSIM_EINPUT, "hugetlb2m", NULL);
	assert_error_names(host_backing_add_kind(mm, SZ_2M, SZ_1G, TDPSIM_BACKING_HUGETLB1G, 0),
			   TDPSIM_EINPUT, "hugetlb1g", "0x40000000");
	assert_error_names(host_backing_add_kind(mm, 0x800, SZ_4K, TDPSIM_BACKING_4K, 0),
			   TDPSIM_EINPUT, "0x800", NULL);
	assert_error_names(host_backing_add_kind(mm, SZ_4K, 0, TDPSIM_BACKING_THP, 0),
			   TDPSIM_EINPUT, "size is 0", NULL);
	assert_error_names(host_backing_add_kind(mm, 1ull << 47, SZ_4K, TDPSIM_BACKING_4K, 0),
			   TDPSIM_EINPUT, "0x800000000000", NULL);
	assert_error_names(host_backing_add_kind(mm, SZ_4K, UINT64_MAX & ~0xfffull, TDPSIM_BACKING_4K,
					    0),
			   TDPSIM_EINPUT, "address space", NULL);
	assert_error_names(host_backing_add_kind(mm, 0, SZ_4K, 99, 0), TDPSIM_EINPUT, "kind 99", NULL);
	/* THP only needs 4K alignment, like any anonymous mmap. */
	ck_assert_int_eq(host_backing_add_kind(mm, SZ_4K, SZ_4K, TDPSIM_BACKING_THP, 0), 0);
	host_mm_free(mm);
}
END_TEST

/* One fault of each size, in a fixed order; the pfns it got into out[]. */
static void fault_one_of_each(struct host_mm *mm, uint64_t out[6])
{
	ck_assert_int_eq(host_backing_add_kind(mm, 0, 4 * SZ_2M, TDPSIM_BACKING_THP, 0), 0);
	ck_assert_int_eq(host_backing_add_kind(mm, SZ_1G, SZ_2M, TDPSIM_BACKING_4K, 0), 0);
	ck_assert_int_eq(host_backing_add_kind(mm, 2 * SZ_1G, 2 * SZ_1G, TDPSIM_BACKING_HUGETLB1G, 0),
			 0);
	ck_assert_int_eq(host_backing_add_kind(mm, 4 * SZ_1G, 2 * SZ_2M, TDPSIM_BACKING_HUGETLB2M, 0),
			 0);
	out[0] = fault(mm, SZ_1G, 1).pfn;               /* 4K */
	out[1] = fault(mm, 0, 1).pfn;                   /* 2M THP */
	out[2] = fault(mm, 3 * SZ_1G, 0).pfn;           /* 1G */
	out[3] = fault(mm, 4 * SZ_1G + SZ_2M, 1).pfn;   /* 2M hugetlb */
	out[4] = fault(mm, SZ_1G + SZ_4K, 1).pfn;       /* 4K */
	out[5] = fault(mm, 2 * SZ_1G, 1).pfn;           /* 1G */
}

START_TEST(frames_are_deterministic_and_distinct_across_sizes)
{
	static const int level[6] = { 1, 2, 3, 2, 1, 3 };
	struct host_mm *a = new_mm(NULL), *b = new_mm(NULL);
	uint64_t pa[6], pb[6];
	int i, j;

	fault_one_of_each(a, pa);
	fault_one_of_each(b, pb);
	ck_assert_mem_eq(pa, pb, sizeof(pa));

	/* Each size class counts up from its own base, in its own alignment. */
	ck_assert_uint_eq(pa[0], HOST_PFN_BASE_4K);
	ck_assert_uint_eq(pa[4], HOST_PFN_BASE_4K + 1);
	ck_assert_uint_eq(pa[1], HOST_PFN_BASE_2M);
	ck_assert_uint_eq(pa[3], HOST_PFN_BASE_2M + 512);
	ck_assert_uint_eq(pa[2], HOST_PFN_BASE_1G);
	ck_assert_uint_eq(pa[5], HOST_PFN_BASE_1G + 262144);
	/* No two frames share any 4K page, and none is a zero page. */
	for (i = 0; i < 6; i++) {
		uint64_t n = pages_per_hpage(level[i]);

		ck_assert_uint_eq(pa[i] % n, 0);
		ck_assert(!(HOST_ZERO_PFN >= pa[i] && HOST_ZERO_PFN < pa[i] + n));
		ck_assert(!(HOST_HUGE_ZERO_PFN + 511 >= pa[i] && HOST_HUGE_ZERO_PFN < pa[i] + n));
		for (j = 0; j < i; j++) {
			uint64_t m = pages_per_hpage(level[j]);

			ck_assert_msg(pa[i] + n <= pa[j] || pa[j] + m <= pa[i],
				      "frames %d and %d overlap", i, j);
		}
	}
	ck_assert_uint_eq(host_frames_4k(a), 2 + 2 * 512 + 2 * 262144);
	host_mm_free(a);
	host_mm_free(b);
}
END_TEST

START_TEST(pfn_offsets_within_a_huge_page_follow_the_hva)
{
	static const uint64_t k[] = { 0, 1, 2, 255, 511 };
	struct host_mm *mm = new_mm(NULL);
	unsigned i;

	ck_assert_int_eq(host_backing_add_kind(mm, SZ_2M, SZ_2M, TDPSIM_BACKING_HUGETLB2M, 0), 0);
	ck_assert_int_eq(host_backing_add_kind(mm, 2 * SZ_2M, SZ_2M, TDPSIM_BACKING_THP, 0), 0);
	ck_assert_int_eq(host_backing_add_kind(mm, 3 * SZ_2M, SZ_2M, TDPSIM_BACKING_THP, 0), 0);
	ck_assert_int_eq(host_backing_add_kind(mm, SZ_1G, SZ_1G, TDPSIM_BACKING_HUGETLB1G, 0), 0);
	fault(mm, 3 * SZ_2M, 0); /* the huge zero page, read-only */
	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		uint64_t off = k[i] * SZ_4K;

		ck_assert_uint_eq(fault(mm, SZ_2M + off, 0).pfn, HOST_PFN_BASE_2M + k[i]);
		ck_assert_uint_eq(fault(mm, 2 * SZ_2M + off, 1).pfn, HOST_PFN_BASE_2M + 512 + k[i]);
		ck_assert_uint_eq(fault(mm, 3 * SZ_2M + off, 0).pfn, HOST_HUGE_ZERO_PFN + k[i]);
		ck_assert_uint_eq(fault(mm, SZ_1G + off * 513, 0).pfn,
				  HOST_PFN_BASE_1G + k[i] * 513);
	}
	host_mm_free(mm);
}
END_TEST

START_TEST(a_null_notifier_is_never_called)
{
	struct mock m;
	struct host_mm *mm = new_mm(&m);

	host_mm_set_notifier(mm, NULL);
	ck_assert_int_eq(host_backing_add_kind(mm, 0, SZ_2M, TDPSIM_BACKING_THP, 0), 0);
	fault(mm, 0, 0);
	assert_page(fault(mm, 0, 1), HOST_PFN_BASE_2M, 2, 1, 0);
	ck_assert_int_eq(m.n, 0);
	host_mm_free(mm);
}
END_TEST

START_TEST(freed_frames_and_tables_are_reused_last_in_first_out)
{
	struct host_frames fa;
	struct host_pt_pool pool;
	uint64_t a, b, c, t[HOST_PT_CHUNK + 2];
	unsigned i;

	host_frames_init(&fa, NULL);
	ck_assert_int_eq(host_frames_get(&fa, 2, &a), 0);
	ck_assert_int_eq(host_frames_get(&fa, 2, &b), 0);
	ck_assert_uint_eq(fa.in_use_4k, 1024);
	ck_assert_int_eq(host_frames_put(&fa, 2, a), 0);
	ck_assert_int_eq(host_frames_put(&fa, 2, b), 0);
	ck_assert_uint_eq(fa.in_use_4k, 0);
	ck_assert_int_eq(host_frames_get(&fa, 2, &c), 0);
	ck_assert_uint_eq(c, b);
	ck_assert_int_eq(host_frames_get(&fa, 2, &c), 0);
	ck_assert_uint_eq(c, a);
	ck_assert_int_eq(host_frames_get(&fa, 2, &c), 0);
	ck_assert_uint_eq(c, HOST_PFN_BASE_2M + 1024); /* the free list is empty: bump again */
	host_frames_fini(&fa);

	/* Tables: past one chunk, then freed, reused newest first and handed out zeroed. */
	host_pt_pool_init(&pool, NULL);
	for (i = 0; i < HOST_PT_CHUNK + 2; i++) {
		ck_assert_int_eq(host_pt_alloc(&pool, &t[i]), 0);
		ck_assert_uint_eq(t[i], HOST_PT_PFN_BASE + i);
		host_pt_table(&pool, t[i])[7] = 0x1234;
	}
	ck_assert_uint_eq(host_pt_in_use(&pool), HOST_PT_CHUNK + 2);
	host_pt_free(&pool, t[3]);
	host_pt_free(&pool, t[HOST_PT_CHUNK + 1]);
	ck_assert_uint_eq(host_pt_in_use(&pool), HOST_PT_CHUNK);
	ck_assert_int_eq(host_pt_alloc(&pool, &a), 0);
	ck_assert_uint_eq(a, t[HOST_PT_CHUNK + 1]);
	ck_assert_int_eq(host_pt_alloc(&pool, &b), 0);
	ck_assert_uint_eq(b, t[3]);
	for (i = 0; i < PT_ENTRIES; i++)
		ck_assert_uint_eq(host_pt_table(&pool, b)[i], 0);
	ck_assert_int_eq(host_pt_alloc(&pool, &c), 0);
	ck_assert_uint_eq(c, HOST_PT_PFN_BASE + HOST_PT_CHUNK + 2);
	host_pt_pool_fini(&pool);
}
END_TEST

START_TEST(mapping_1g_of_4k_memory_page_by_page_costs_at_most_8_1_bytes_of_table_per_page)
{
	const uint64_t hva = 5 * SZ_1G, npages = SZ_1G / SZ_4K;
	struct host_mm *mm = new_mm(NULL);
	uint64_t i, bytes;

	ck_assert_int_eq(host_backing_add_kind(mm, hva, SZ_1G, TDPSIM_BACKING_4K, 0), 0);
	for (i = 0; i < npages; i++) {
		struct host_page p;

		ck_assert_int_eq(host_faultin(mm, hva + i * SZ_4K, 1, &p), 0);
		if (p.pfn != HOST_PFN_BASE_4K + i)
			ck_abort_msg("page %" PRIu64 ": pfn 0x%" PRIx64, i, p.pfn);
	}
	ck_assert_uint_eq(host_frames_4k(mm), npages);
	/* root + PUD table + PMD table + one PTE table per 2M */
	ck_assert_uint_eq(host_pt_pages(mm), 3 + 512);
	bytes = host_pt_pages(mm) * 4096;
	ck_assert_msg(bytes * 10 <= 81 * npages, "%" PRIu64 " bytes of host tables for %" PRIu64
		      " pages", bytes, npages);
	host_mm_free(mm);
}
END_TEST

/* ---- host-madvise and host-munmap ---- */

#define B4K HOST_PFN_BASE_4K
#define B2M HOST_PFN_BASE_2M
#define B1G HOST_PFN_BASE_1G
#define G SZ_1G

static void madv(struct host_mm *mm, uint64_t hva, uint64_t size, uint32_t advice)
{
	ck_assert_msg(host_madvise(mm, hva, size, advice) == 0, "madvise 0x%" PRIx64 " +0x%" PRIx64
		      " advice %u: %s", hva, size, advice,
		      tdpsim_error_last() ? tdpsim_error_last()->message : "?");
}

static void unmap(struct host_mm *mm, uint64_t hva, uint64_t size)
{
	ck_assert_msg(host_munmap(mm, hva, size) == 0, "munmap 0x%" PRIx64 " +0x%" PRIx64 ": %s",
		      hva, size, tdpsim_error_last() ? tdpsim_error_last()->message : "?");
}

static void add(struct host_mm *mm, uint64_t hva, uint64_t size, uint32_t kind, int populate)
{
	ck_assert_msg(host_backing_add_kind(mm, hva, size, kind, populate) == 0, "backing 0x%" PRIx64
		      ": %s", hva, tdpsim_error_last() ? tdpsim_error_last()->message : "?");
}

/* Calls k and k + 1 are one notifier round over [start, end). */
static void assert_round(const struct mock *m, int k, uint64_t start, uint64_t end)
{
	ck_assert_int_ge(m->n, k + 2);
	ck_assert_int_eq(m->calls[k].is_start, 1);
	ck_assert_uint_eq(m->calls[k].start, start);
	ck_assert_uint_eq(m->calls[k].end, end);
	ck_assert_int_eq(m->calls[k + 1].is_start, 0);
	ck_assert_uint_eq(m->calls[k + 1].start, start);
	ck_assert_uint_eq(m->calls[k + 1].end, end);
	ck_assert_int_eq(m->depth, 0);
}

static struct host_page look(struct host_mm *mm, uint64_t hva)
{
	struct host_page p;

	ck_assert_msg(host_lookup(mm, hva, &p) == 1, "0x%" PRIx64 " is not mapped", hva);
	return p;
}

START_TEST(dontneed_zaps_and_frees_then_read_maps_zero_page_again)
{
	struct mock m;
	struct host_mm *mm = new_mm(&m);

	add(mm, G, 8 * SZ_4K, TDPSIM_BACKING_4K, 1); /* pages 0..7: B4K + 0..7 */
	madv(mm, G + 2 * SZ_4K, 3 * SZ_4K, TDPSIM_ADVICE_DONTNEED);
	ck_assert_int_eq(m.n, 2);
	assert_round(&m, 0, G + 0x2000, G + 0x5000);
	assert_page(m.calls[0].seen, B4K + 2, 1, 1, 0); /* still mapped at start */
	ck_assert_int_eq(m.calls[1].seen.level, 0);     /* gone by end */
	ck_assert_uint_eq(host_frames_4k(mm), 5);
	ck_assert_int_eq(host_lookup(mm, G + 0x3000, NULL), 0);
	assert_page(look(mm, G + 0x1000), B4K + 1, 1, 1, 0);
	assert_page(look(mm, G + 0x5000), B4K + 5, 1, 1, 0);

	/* Unpopulated again: a read maps the zero page, a write allocates (LIFO reuse). */
	assert_page(fault(mm, G + 0x3000, 0), HOST_ZERO_PFN, 1, 0, 1);
	assert_page(fault(mm, G + 0x4000, 1), B4K + 4, 1, 1, 0);
	ck_assert_int_eq(m.n, 2);
	assert_page(fault(mm, G + 0x3000, 1), B4K + 3, 1, 1, 0); /* the zero page's COW break */
	assert_round(&m, 2, G + 0x3000, G + 0x4000);
	ck_assert_uint_eq(host_frames_4k(mm), 7);
	/* Nothing mapped there any more: nothing changes, no notifier. */
	madv(mm, G + 0x2000, SZ_4K, TDPSIM_ADVICE_DONTNEED);
	ck_assert_int_eq(m.n, 4);

	/* A whole THP: its PMD goes, so a read maps the huge zero page and a write a THP. */
	add(mm, 2 * G, SZ_2M, TDPSIM_BACKING_THP, 1);
	ck_assert_uint_eq(host_frames_4k(mm), 7 + 512);
	madv(mm, 2 * G, SZ_2M, TDPSIM_ADVICE_DONTNEED);
	assert_round(&m, 4, 2 * G, 2 * G + SZ_2M);
	ck_assert_uint_eq(host_frames_4k(mm), 7);
	ck_assert_int_eq(host_lookup(mm, 2 * G, NULL), 0);
	assert_page(fault(mm, 2 * G + 0x5000, 0), HOST_HUGE_ZERO_PFN + 5, 2, 0, 1);
	assert_page(fault(mm, 2 * G + 0x5000, 1), B2M + 5, 2, 1, 0);
	assert_round(&m, 6, 2 * G, 2 * G + SZ_2M);
	ck_assert_uint_eq(host_frames_4k(mm), 7 + 512);
	host_mm_free(mm);
}
END_TEST

START_TEST(dontneed_inside_a_thp_splits_it_then_zaps_the_covered_part)
{
	struct mock m;
	struct host_mm *mm = new_mm(&m);

	add(mm, G, SZ_2M, TDPSIM_BACKING_THP, 0);
	assert_page(fault(mm, G, 1), B2M, 2, 1, 0);
	madv(mm, G + 0x10000, 0x20000, TDPSIM_ADVICE_DONTNEED); /* pages 16..47 */
	ck_assert_int_eq(m.n, 4);
	/* First the split, over the THP's 2M: the same frame, now under 4K PTEs... */
	assert_round(&m, 0, G, G + SZ_2M);
	assert_page(m.calls[0].seen, B2M, 2, 1, 0);
	assert_page(m.calls[1].seen, B2M, 1, 1, 0);
	/* ...then the zap of the covered part. */
	assert_round(&m, 2, G + 0x10000, G + 0x30000);
	assert_page(m.calls[2].seen, B2M + 16, 1, 1, 0);
	ck_assert_int_eq(m.calls[3].seen.level, 0);
	ck_assert_int_eq(host_pfn_mapping_level(mm, G), 1);
	assert_page(look(mm, G + 0x5000), B2M + 5, 1, 1, 0);
	assert_page(look(mm, G + 0x30000), B2M + 48, 1, 1, 0);
	ck_assert_int_eq(host_lookup(mm, G + 0x2f000, NULL), 0);
	ck_assert_uint_eq(host_frames_4k(mm), 512 - 32);

	/* The PTE table stays: the holes fault in 4K pages, not a THP. */
	assert_page(fault(mm, G + 0x20000, 0), HOST_ZERO_PFN, 1, 0, 1);
	assert_page(fault(mm, G + 0x11000, 1), B4K, 1, 1, 0);
	ck_assert_uint_eq(host_frames_4k(mm), 512 - 32 + 1);
	ck_assert_int_eq(m.n, 4);

	/*
	 * The rest of the 2M: one zap round; the last piece gives the 2M frame back, and the
	 * emptied PTE table is freed (PT reclaim), so the next write maps a THP - that frame.
	 */
	madv(mm, G, SZ_2M, TDPSIM_ADVICE_DONTNEED);
	ck_assert_int_eq(m.n, 6);
	assert_round(&m, 4, G, G + SZ_2M);
	ck_assert_uint_eq(host_frames_4k(mm), 0);
	ck_assert_uint_eq(host_pt_pages(mm), 3);
	assert_page(fault(mm, G + 0x1000, 1), B2M + 1, 2, 1, 0);
	ck_assert_int_eq(m.n, 6);
	ck_assert_uint_eq(host_frames_4k(mm), 512);
	host_mm_free(mm);
}
END_TEST

START_TEST(dontneed_on_hugetlb_needs_whole_huge_pages)
{
	struct mock m;
	struct host_mm *mm = new_mm(&m);

	add(mm, G, 3 * SZ_2M, TDPSIM_BACKING_HUGETLB2M, 1); /* B2M + 0, 512, 1024 */
	/* A start inside a huge page is refused (EINVAL in Linux), and changes nothing. */
	assert_error_names(host_madvise(mm, G + SZ_4K, SZ_2M - SZ_4K, TDPSIM_ADVICE_DONTNEED),
			   TDPSIM_EINPUT, "[0x40001000, 0x40200000)", "hugetlb2m");
	ck_assert_int_eq(m.n, 0);
	ck_assert_uint_eq(host_frames_4k(mm), 1536);
	/* An end inside one is rounded down, as Linux does: only whole pages go. */
	madv(mm, G, SZ_2M + SZ_4K, TDPSIM_ADVICE_DONTNEED);
	ck_assert_int_eq(m.n, 2);
	assert_round(&m, 0, G, G + SZ_2M);
	assert_page(m.calls[0].seen, B2M, 2, 1, 0);
	ck_assert_uint_eq(host_frames_4k(mm), 1024);
	ck_assert_int_eq(host_lookup(mm, G, NULL), 0);
	assert_page(look(mm, G + SZ_2M), B2M + 512, 2, 1, 0);
	madv(mm, G + SZ_2M, SZ_4K, TDPSIM_ADVICE_DONTNEED); /* no whole page: nothing */
	ck_assert_int_eq(m.n, 2);
	assert_page(look(mm, G + SZ_2M), B2M + 512, 2, 1, 0);
	/* The next touch, even a read, allocates a huge page again. */
	assert_page(fault(mm, G + 0x1000, 0), B2M + 1, 2, 1, 0);
	ck_assert_uint_eq(host_frames_4k(mm), 1536);

	/* 1G pages the same way. */
	add(mm, 2 * G, G, TDPSIM_BACKING_HUGETLB1G, 1);
	assert_error_names(host_madvise(mm, 2 * G + SZ_2M, G - SZ_2M, TDPSIM_ADVICE_DONTNEED),
			   TDPSIM_EINPUT, "hugetlb1g", "0x40000000-byte");
	madv(mm, 2 * G, SZ_2M, TDPSIM_ADVICE_DONTNEED);
	ck_assert_int_eq(m.n, 2);
	madv(mm, 2 * G, G, TDPSIM_ADVICE_DONTNEED);
	assert_round(&m, 2, 2 * G, 3 * G);
	ck_assert_uint_eq(host_frames_4k(mm), 1536);
	assert_page(fault(mm, 2 * G, 1), B1G, 3, 1, 0);
	host_mm_free(mm);
}
END_TEST

START_TEST(pageout_splits_a_thp_into_4k_ptes_over_the_same_frames_and_changes_the_host_level)
{
	struct mock m;
	struct host_mm *mm = new_mm(&m);

	add(mm, G, 3 * SZ_2M, TDPSIM_BACKING_THP, 0);
	fault(mm, G, 1);                /* B2M */
	fault(mm, G + SZ_2M, 1);        /* B2M + 512 */
	fault(mm, G + 2 * SZ_2M, 0);    /* the huge zero page */
	/* A range inside the first THP splits all of it. */
	madv(mm, G + SZ_4K, SZ_4K, TDPSIM_ADVICE_PAGEOUT);
	ck_assert_int_eq(m.n, 2);
	assert_round(&m, 0, G, G + SZ_2M);
	assert_page(m.calls[0].seen, B2M, 2, 1, 0);
	assert_page(m.calls[1].seen, B2M, 1, 1, 0);
	ck_assert_int_eq(host_pfn_mapping_level(mm, G), 1);
	ck_assert_int_eq(host_pfn_mapping_level(mm, G + SZ_2M - 1), 1);
	assert_page(look(mm, G + 0x3000), B2M + 3, 1, 1, 0);
	ck_assert_int_eq(host_pfn_mapping_level(mm, G + SZ_2M), 2);
	/* The whole range: the second THP splits; the split one and the huge zero page stay. */
	madv(mm, G, 3 * SZ_2M, TDPSIM_ADVICE_PAGEOUT);
	ck_assert_int_eq(m.n, 4);
	assert_round(&m, 2, G + SZ_2M, G + 2 * SZ_2M);
	ck_assert_int_eq(host_pfn_mapping_level(mm, G + SZ_2M), 1);
	assert_page(look(mm, G + SZ_2M + 0x1ff000), B2M + 1023, 1, 1, 0);
	assert_page(look(mm, G + 2 * SZ_2M), HOST_HUGE_ZERO_PFN, 2, 0, 1);
	/* Nothing was freed (no swap), and the pages fault as they are. */
	ck_assert_uint_eq(host_frames_4k(mm), 1024);
	assert_page(fault(mm, G + 0x5000, 1), B2M + 5, 1, 1, 0);
	ck_assert_int_eq(m.n, 4);
	host_mm_free(mm);
}
END_TEST

/*
 * host_pfn_mapping_level answers for the leaf the last faultin found without walking again
 * (host.c); every change since to a present leaf runs a notifier round, which must make it
 * walk.  Here with no notifier registered, so the rounds are only the host's own: a split
 * (pageout), a collapse, a zap (dontneed), each right after a faultin in the same 2M.
 */
START_TEST(the_level_after_a_faultin_follows_every_later_change_of_that_leaf)
{
	struct host_mm *mm = new_mm(NULL);

	add(mm, G, 2 * SZ_2M, TDPSIM_BACKING_THP, 0);
	fault(mm, G + 0x3000, 1); /* a 2M THP */
	ck_assert_int_eq(host_pfn_mapping_level(mm, G + 0x3000), 2);
	ck_assert_int_eq(host_pfn_mapping_level(mm, G + SZ_2M), 1); /* outside it: a hole */
	madv(mm, G, SZ_4K, TDPSIM_ADVICE_PAGEOUT); /* split into 512 PTEs */
	ck_assert_int_eq(host_pfn_mapping_level(mm, G + 0x3000), 1);

	fault(mm, G + 0x5000, 1); /* a PTE of the split THP */
	ck_assert_int_eq(host_pfn_mapping_level(mm, G + 0x5000), 1);
	madv(mm, G, SZ_2M, TDPSIM_ADVICE_COLLAPSE); /* 512 PTEs back into one PMD leaf */
	ck_assert_int_eq(host_pfn_mapping_level(mm, G + 0x5000), 2);

	fault(mm, G + 0x7000, 0);
	ck_assert_int_eq(host_pfn_mapping_level(mm, G + 0x7000), 2);
	madv(mm, G, SZ_2M, TDPSIM_ADVICE_DONTNEED); /* the leaf gone: a hole is 4K */
	ck_assert_int_eq(host_pfn_mapping_level(mm, G + 0x7000), 1);
	host_mm_free(mm);
}
END_TEST

START_TEST(pageout_leaves_4k_and_hugetlb_pages_alone_without_notifier_calls)
{
	static struct host_page before[8], after[8];
	struct mock m;
	struct host_mm *mm = new_mm(&m);

	add(mm, G, 3 * SZ_4K, TDPSIM_BACKING_4K, 0);
	fault(mm, G, 1);
	fault(mm, G + SZ_4K, 1);
	fault(mm, G + 2 * SZ_4K, 0); /* the zero page */
	add(mm, 2 * G, SZ_2M, TDPSIM_BACKING_HUGETLB2M, 1);
	add(mm, 2 * G + SZ_2M, SZ_2M, TDPSIM_BACKING_THP, 0);
	fault(mm, 2 * G + SZ_2M, 1);
	snapshot(mm, G, 3 * SZ_4K, before);

	madv(mm, G, 3 * SZ_4K, TDPSIM_ADVICE_PAGEOUT);
	madv(mm, 2 * G, SZ_2M, TDPSIM_ADVICE_PAGEOUT);
	/* madvise stops at the hugetlb VMA, which refuses it: the THP after it stays too. */
	madv(mm, 2 * G, 2 * SZ_2M, TDPSIM_ADVICE_PAGEOUT);
	ck_assert_int_eq(m.n, 0);
	snapshot(mm, G, 3 * SZ_4K, after);
	ck_assert_mem_eq(before, after, 3 * sizeof(before[0]));
	assert_page(look(mm, 2 * G + 0x5000), B2M + 5, 2, 1, 0);
	ck_assert_int_eq(host_pfn_mapping_level(mm, 2 * G + SZ_2M), 2);
	/* On its own, the THP's range is split. */
	madv(mm, 2 * G + SZ_2M, SZ_2M, TDPSIM_ADVICE_PAGEOUT);
	assert_round(&m, 0, 2 * G + SZ_2M, 2 * G + 2 * SZ_2M);
	ck_assert_int_eq(host_pfn_mapping_level(mm, 2 * G + SZ_2M), 1);
	ck_assert_uint_eq(host_frames_4k(mm), 2 + 1024);
	host_mm_free(mm);
}
END_TEST

START_TEST(collapse_replaces_512_ptes_by_a_2m_thp_with_one_notifier_round)
{
	struct mock m;
	struct host_mm *mm = new_mm(&m);
	uint64_t i;

	add(mm, G, 2 * SZ_2M, TDPSIM_BACKING_4K, 0);
	for (i = 0; i < 512; i++)
		fault(mm, G + i * SZ_4K, 1); /* B4K + i */
	/* The second 2M: one page, one zero page, holes. */
	fault(mm, G + SZ_2M + 0x5000, 1); /* B4K + 512 */
	fault(mm, G + SZ_2M + 0x9000, 0);
	ck_assert_uint_eq(host_pt_pages(mm), 5);
	madv(mm, G, 2 * SZ_2M, TDPSIM_ADVICE_HUGEPAGE);
	ck_assert_int_eq(m.n, 0);

	madv(mm, G, 2 * SZ_2M, TDPSIM_ADVICE_COLLAPSE);
	ck_assert_int_eq(m.n, 4);
	assert_round(&m, 0, G, G + SZ_2M);
	assert_page(m.calls[0].seen, B4K, 1, 1, 0);
	assert_page(m.calls[1].seen, B2M, 2, 1, 0);
	ck_assert_int_eq(host_pfn_mapping_level(mm, G), 2);
	assert_page(look(mm, G + 0x1ff000), B2M + 511, 2, 1, 0);
	/* Holes and zero pages become zero-filled parts of the new THP, as Linux does. */
	assert_round(&m, 2, G + SZ_2M, G + 2 * SZ_2M);
	assert_page(look(mm, G + SZ_2M + 0x9000), B2M + 512 + 9, 2, 1, 0);
	assert_page(look(mm, G + SZ_2M + 0x100000), B2M + 512 + 256, 2, 1, 0);
	ck_assert_uint_eq(host_frames_4k(mm), 1024);
	ck_assert_uint_eq(host_pt_pages(mm), 3); /* both PTE tables went */
	/* The old 4K frames are free: the last one freed is the first reused. */
	add(mm, 2 * G, SZ_4K, TDPSIM_BACKING_4K, 0);
	assert_page(fault(mm, 2 * G, 1), B4K + 512, 1, 1, 0);
	/* Collapsing again changes nothing. */
	madv(mm, G, 2 * SZ_2M, TDPSIM_ADVICE_COLLAPSE);
	ck_assert_int_eq(m.n, 4);
	host_mm_free(mm);
}
END_TEST

START_TEST(collapse_skips_hugetlb_and_already_huge_regions)
{
	struct mock m;
	struct host_mm *mm = new_mm(&m);

	add(mm, G, 2 * SZ_2M, TDPSIM_BACKING_THP, 0);
	fault(mm, G, 1);                                  /* B2M */
	fault(mm, G + SZ_2M, 1);                          /* B2M + 512 */
	madv(mm, G + SZ_2M, SZ_2M, TDPSIM_ADVICE_PAGEOUT); /* now 4K PTEs */
	add(mm, G + 2 * SZ_2M, SZ_2M, TDPSIM_BACKING_HUGETLB2M, 1); /* B2M + 1024 */
	ck_assert_int_eq(m.n, 2);

	madv(mm, G, 3 * SZ_2M, TDPSIM_ADVICE_COLLAPSE);
	ck_assert_int_eq(m.n, 4);
	assert_round(&m, 2, G + SZ_2M, G + 2 * SZ_2M); /* the split THP's region only */
	assert_page(look(mm, G + 0x7000), B2M + 7, 2, 1, 0);
	assert_page(look(mm, G + SZ_2M + 0x7000), B2M + 1536 + 7, 2, 1, 0);
	assert_page(look(mm, G + 2 * SZ_2M + 0x7000), B2M + 1024 + 7, 2, 1, 0);
	ck_assert_uint_eq(host_frames_4k(mm), 1536);
	madv(mm, G + 2 * SZ_2M, SZ_2M, TDPSIM_ADVICE_COLLAPSE);
	madv(mm, G, SZ_2M, TDPSIM_ADVICE_COLLAPSE);
	ck_assert_int_eq(m.n, 4);
	/* The split THP's frame went back whole when its last piece did. */
	add(mm, 2 * G, SZ_2M, TDPSIM_BACKING_THP, 0);
	assert_page(fault(mm, 2 * G, 1), B2M + 512, 2, 1, 0);
	host_mm_free(mm);
}
END_TEST

START_TEST(collapse_refuses_nohugepage_memory_and_stops_where_linux_stops)
{
	struct mock m;
	struct host_mm *mm = new_mm(&m);

	/* 4k memory is VM_NOHUGEPAGE: MADV_COLLAPSE is EINVAL there (seen on 6.18). */
	add(mm, G, SZ_2M, TDPSIM_BACKING_4K, 1);
	madv(mm, G, SZ_2M, TDPSIM_ADVICE_COLLAPSE);
	ck_assert_int_eq(m.n, 0);
	ck_assert_int_eq(host_pfn_mapping_level(mm, G), 1);

	/* A none PMD entry in an existing PMD table ends the call there (SCAN_PMD_NONE). */
	add(mm, 2 * G, 3 * SZ_2M, TDPSIM_BACKING_THP, 0);
	fault(mm, 2 * G, 1);
	fault(mm, 2 * G + 2 * SZ_2M, 1);
	madv(mm, 2 * G, 3 * SZ_2M, TDPSIM_ADVICE_PAGEOUT);
	ck_assert_int_eq(m.n, 4);
	madv(mm, 2 * G, 3 * SZ_2M, TDPSIM_ADVICE_COLLAPSE);
	ck_assert_int_eq(m.n, 6);
	assert_round(&m, 4, 2 * G, 2 * G + SZ_2M);
	ck_assert_int_eq(host_pfn_mapping_level(mm, 2 * G), 2);
	ck_assert_int_eq(host_lookup(mm, 2 * G + SZ_2M, NULL), 0);
	ck_assert_int_eq(host_pfn_mapping_level(mm, 2 * G + 2 * SZ_2M), 1);

	/*
	 * A region without a PMD table is skipped (SCAN_PMD_NULL), the rest of its VMA still
	 * collapses, but the VMA failed, so the call stops before the next one.
	 */
	add(mm, 5 * G - SZ_2M, 2 * SZ_2M, TDPSIM_BACKING_THP, 0);
	add(mm, 5 * G + SZ_2M, SZ_2M, TDPSIM_BACKING_THP, 0);
	fault(mm, 5 * G, 1);
	fault(mm, 5 * G + SZ_2M, 1);
	madv(mm, 5 * G, 2 * SZ_2M, TDPSIM_ADVICE_PAGEOUT);
	ck_assert_int_eq(m.n, 10);
	madv(mm, 5 * G - SZ_2M, 3 * SZ_2M, TDPSIM_ADVICE_COLLAPSE);
	ck_assert_int_eq(m.n, 12);
	assert_round(&m, 10, 5 * G, 5 * G + SZ_2M);
	ck_assert_int_eq(host_pfn_mapping_level(mm, 5 * G), 2);
	ck_assert_int_eq(host_pfn_mapping_level(mm, 5 * G + SZ_2M), 1);

	/* A VMA whose part of the range holds no whole 2M region fails too (EINVAL, seen). */
	add(mm, 7 * G, SZ_2M / 2, TDPSIM_BACKING_THP, 0);
	add(mm, 7 * G + SZ_2M / 2, 3 * SZ_2M / 2, TDPSIM_BACKING_THP, 0);
	fault(mm, 7 * G + SZ_2M, 1);
	madv(mm, 7 * G + SZ_2M, SZ_2M, TDPSIM_ADVICE_PAGEOUT);
	ck_assert_int_eq(m.n, 14);
	madv(mm, 7 * G, 2 * SZ_2M, TDPSIM_ADVICE_COLLAPSE);
	ck_assert_int_eq(m.n, 14);
	ck_assert_int_eq(host_pfn_mapping_level(mm, 7 * G + SZ_2M), 1);
	madv(mm, 7 * G + SZ_2M / 2, 3 * SZ_2M / 2, TDPSIM_ADVICE_COLLAPSE);
	assert_round(&m, 14, 7 * G + SZ_2M, 7 * G + 2 * SZ_2M);
	ck_assert_int_eq(host_pfn_mapping_level(mm, 7 * G + SZ_2M), 2);
	host_mm_free(mm);
}
END_TEST

START_TEST(hugepage_advice_makes_later_faults_map_thps)
{
	struct mock m;
	struct host_mm *mm = new_mm(&m);

	add(mm, G, 4 * SZ_2M, TDPSIM_BACKING_4K, 0);
	assert_page(fault(mm, G + SZ_4K, 1), B4K, 1, 1, 0);
	madv(mm, G, 4 * SZ_2M, TDPSIM_ADVICE_HUGEPAGE);
	ck_assert_int_eq(m.n, 0); /* nothing mapped changes */
	assert_page(look(mm, G + SZ_4K), B4K, 1, 1, 0);
	assert_page(fault(mm, G + SZ_2M, 1), B2M, 2, 1, 0);
	assert_page(fault(mm, G + 2 * SZ_2M, 0), HOST_HUGE_ZERO_PFN, 2, 0, 1);
	/* A 2M range that already has a PTE table keeps taking 4K pages. */
	assert_page(fault(mm, G + 2 * SZ_4K, 1), B4K + 1, 1, 1, 0);

	/* Part of a backing: only 2M ranges wholly inside the advised part get THPs. */
	add(mm, 2 * G, 4 * SZ_2M, TDPSIM_BACKING_4K, 0);
	madv(mm, 2 * G + 3 * SZ_2M / 2, 4 * SZ_2M - 3 * SZ_2M / 2, TDPSIM_ADVICE_HUGEPAGE);
	assert_page(fault(mm, 2 * G + SZ_2M, 1), B4K + 2, 1, 1, 0);
	assert_page(fault(mm, 2 * G + 2 * SZ_2M, 1), B2M + 512, 2, 1, 0);
	assert_page(fault(mm, 2 * G, 1), B4K + 3, 1, 1, 0);

	/* hugetlb: a meaningless flag in Linux (returns 0) - unless the range cuts a page. */
	add(mm, 3 * G, 2 * SZ_2M, TDPSIM_BACKING_HUGETLB2M, 1);
	madv(mm, 3 * G, 2 * SZ_2M, TDPSIM_ADVICE_HUGEPAGE);
	madv(mm, 3 * G, 2 * SZ_2M, TDPSIM_ADVICE_NOHUGEPAGE);
	assert_error_names(host_madvise(mm, 3 * G + SZ_4K, SZ_4K, TDPSIM_ADVICE_NOHUGEPAGE),
			   TDPSIM_EINPUT, "hugetlb2m", "[0xc0001000, 0xc0002000)");
	assert_page(look(mm, 3 * G), B2M + 1024, 2, 1, 0);
	ck_assert_int_eq(m.n, 0);
	host_mm_free(mm);
}
END_TEST

START_TEST(nohugepage_advice_makes_later_faults_map_4k_without_touching_existing_thps)
{
	struct mock m;
	struct host_mm *mm = new_mm(&m);

	add(mm, G, 3 * SZ_2M, TDPSIM_BACKING_THP, 0);
	fault(mm, G, 1);          /* B2M */
	fault(mm, G + SZ_2M, 0);  /* the huge zero page */
	madv(mm, G, 3 * SZ_2M, TDPSIM_ADVICE_NOHUGEPAGE);
	ck_assert_int_eq(m.n, 0);
	assert_page(look(mm, G + 0x1000), B2M + 1, 2, 1, 0);
	assert_page(look(mm, G + SZ_2M), HOST_HUGE_ZERO_PFN, 2, 0, 1);
	assert_page(fault(mm, G + 2 * SZ_2M, 1), B4K, 1, 1, 0);
	ck_assert_int_eq(host_pfn_mapping_level(mm, G + 2 * SZ_2M), 1);
	/* A write to the huge zero page still gets a THP: 6.18 does not look at the flag. */
	assert_page(fault(mm, G + SZ_2M + 0x3000, 1), B2M + 512 + 3, 2, 1, 0);
	assert_round(&m, 0, G + SZ_2M, G + 2 * SZ_2M);

	/* A boundary inside a THP splits it, as a VMA split does; the other THP stays. */
	add(mm, 2 * G, 2 * SZ_2M, TDPSIM_BACKING_THP, 0);
	fault(mm, 2 * G, 1);         /* B2M + 1024 */
	fault(mm, 2 * G + SZ_2M, 1); /* B2M + 1536 */
	madv(mm, 2 * G + 3 * SZ_2M / 2, SZ_2M / 2, TDPSIM_ADVICE_NOHUGEPAGE);
	ck_assert_int_eq(m.n, 4);
	assert_round(&m, 2, 2 * G + SZ_2M, 2 * G + 2 * SZ_2M);
	ck_assert_int_eq(host_pfn_mapping_level(mm, 2 * G), 2);
	assert_page(look(mm, 2 * G + SZ_2M + 0x1000), B2M + 1536 + 1, 1, 1, 0);
	/* Advised back, the pieces merge into one backing again: the 2M range is eligible. */
	madv(mm, 2 * G + 3 * SZ_2M / 2, SZ_2M / 2, TDPSIM_ADVICE_HUGEPAGE);
	ck_assert_int_eq(m.n, 4);
	madv(mm, 2 * G + SZ_2M, SZ_2M, TDPSIM_ADVICE_DONTNEED); /* frees the PTE table too */
	ck_assert_int_eq(m.n, 6);
	assert_page(fault(mm, 2 * G + SZ_2M, 1), B2M + 1536, 2, 1, 0);
	host_mm_free(mm);
}
END_TEST

START_TEST(munmap_removes_mappings_and_backing_then_a_new_backing_maps_fresh_frames)
{
	struct mock m;
	struct host_mm *mm = new_mm(&m);
	const uint64_t cut = G + SZ_2M / 2, end = G + 2 * SZ_2M + 2 * SZ_4K;

	add(mm, G, 2 * SZ_2M, TDPSIM_BACKING_THP, 0);
	fault(mm, G, 1);         /* B2M */
	fault(mm, G + SZ_2M, 1); /* B2M + 512 */
	add(mm, G + 2 * SZ_2M, 4 * SZ_4K, TDPSIM_BACKING_4K, 1); /* B4K + 0..3 */
	ck_assert_uint_eq(host_frames_4k(mm), 1028);

	unmap(mm, cut, end - cut);
	ck_assert_int_eq(m.n, 4);
	assert_round(&m, 0, G, G + SZ_2M); /* the THP the start cuts is split first */
	assert_round(&m, 2, cut, end);     /* then one round over what the range maps */
	assert_page(m.calls[2].seen, B2M + 256, 1, 1, 0);
	ck_assert_uint_eq(host_frames_4k(mm), 1028 - 256 - 512 - 2);
	assert_page(look(mm, G + 0x1000), B2M + 1, 1, 1, 0);
	assert_page(look(mm, end), B4K + 2, 1, 1, 0);
	ck_assert_int_eq(host_lookup(mm, cut, NULL), 0);
	/* The range is no longer backed; what is left of the two backings still is. */
	assert_error_names(host_faultin(mm, cut, 0, NULL), TDPSIM_EINPUT, "0x40100000", NULL);
	assert_error_names(host_faultin(mm, end - SZ_4K, 1, NULL), TDPSIM_EINPUT, "0x40401000",
			   NULL);
	fault(mm, cut - SZ_4K, 1);
	fault(mm, end, 1);
	ck_assert_int_eq(m.n, 4);

	/* A new backing there maps new frames: the freed ones first, newest first. */
	add(mm, cut, end - cut, TDPSIM_BACKING_4K, 1);
	assert_page(look(mm, cut), B4K + 1, 1, 1, 0);
	assert_page(look(mm, cut + SZ_4K), B4K, 1, 1, 0);
	assert_page(look(mm, cut + 2 * SZ_4K), B4K + 4, 1, 1, 0);
	ck_assert_uint_eq(host_frames_4k(mm), 258 + (end - cut) / SZ_4K);
	ck_assert_int_eq(m.n, 4);

	/* The whole address space: everything goes, down to the root table. */
	unmap(mm, 0, 1ull << 47);
	assert_round(&m, 4, G, end + 2 * SZ_4K);
	ck_assert_uint_eq(host_frames_4k(mm), 0);
	ck_assert_uint_eq(host_pt_pages(mm), 1);
	ck_assert_int_eq(host_faultin(mm, G, 0, NULL), TDPSIM_EINPUT);
	add(mm, G, SZ_2M, TDPSIM_BACKING_THP, 0);
	assert_page(fault(mm, G, 1), B2M, 2, 1, 0); /* its last piece freed last */
	host_mm_free(mm);
}
END_TEST

START_TEST(munmap_of_unbacked_space_is_a_no_op)
{
	struct mock m;
	struct host_mm *mm = new_mm(&m);

	unmap(mm, G, SZ_2M);
	ck_assert_uint_eq(host_pt_pages(mm), 1);
	add(mm, G, 2 * SZ_4K, TDPSIM_BACKING_4K, 1);
	unmap(mm, G + 2 * SZ_4K, SZ_2M);
	unmap(mm, G - SZ_2M, SZ_2M);
	ck_assert_int_eq(m.n, 0);
	assert_page(look(mm, G + SZ_4K), B4K + 1, 1, 1, 0);
	fault(mm, G, 1);
	ck_assert_uint_eq(host_frames_4k(mm), 2);

	/* What munmap refuses, changing nothing. */
	assert_error_names(host_munmap(mm, G + 0x800, SZ_4K), TDPSIM_EINPUT, "hva=0x40000800",
			   "multiples");
	assert_error_names(host_munmap(mm, G, 0x1800), TDPSIM_EINPUT, "size=0x1800", NULL);
	assert_error_names(host_munmap(mm, G, 0), TDPSIM_EINPUT, "size is 0", NULL);
	assert_error_names(host_munmap(mm, (1ull << 47) - SZ_4K, 2 * SZ_4K), TDPSIM_EINPUT,
			   "0x800000000000", NULL);
	add(mm, 2 * G, 2 * SZ_2M, TDPSIM_BACKING_HUGETLB2M, 1);
	assert_error_names(host_munmap(mm, 2 * G + SZ_4K, SZ_4K), TDPSIM_EINPUT, "hugetlb2m",
			   "[0x80001000, 0x80002000)");
	assert_error_names(host_munmap(mm, G, G + SZ_2M + SZ_4K), TDPSIM_EINPUT, "hugetlb2m",
			   "cuts a huge page");
	ck_assert_int_eq(m.n, 0);
	ck_assert_uint_eq(host_frames_4k(mm), 2 + 1024);
	assert_page(look(mm, G), B4K, 1, 1, 0);
	/* Whole huge pages go. */
	unmap(mm, 2 * G + SZ_2M, SZ_2M);
	assert_round(&m, 0, 2 * G + SZ_2M, 2 * G + 2 * SZ_2M);
	ck_assert_uint_eq(host_frames_4k(mm), 2 + 512);
	host_mm_free(mm);
}
END_TEST

START_TEST(madvise_of_unbacked_space_is_an_error_naming_the_hva)
{
	struct mock m;
	struct host_mm *mm = new_mm(&m);
	uint32_t adv;

	for (adv = TDPSIM_ADVICE_DONTNEED; adv <= TDPSIM_ADVICE_NOHUGEPAGE; adv++)
		assert_error_names(host_madvise(mm, G, SZ_2M, adv), TDPSIM_EINPUT, "0x40000000",
				   "not backed");
	add(mm, G, 2 * SZ_4K, TDPSIM_BACKING_THP, 1);
	add(mm, G + 4 * SZ_4K, 2 * SZ_4K, TDPSIM_BACKING_4K, 1);
	/* The first hole, after the start, ... */
	assert_error_names(host_madvise(mm, G, 6 * SZ_4K, TDPSIM_ADVICE_DONTNEED), TDPSIM_EINPUT,
			   "hva 0x40002000", "not backed");
	/* ... before it, or past the end. */
	assert_error_names(host_madvise(mm, G - SZ_4K, 2 * SZ_4K, TDPSIM_ADVICE_NOHUGEPAGE),
			   TDPSIM_EINPUT, "hva 0x3ffff000", NULL);
	assert_error_names(host_madvise(mm, G + 4 * SZ_4K, 3 * SZ_4K, TDPSIM_ADVICE_PAGEOUT),
			   TDPSIM_EINPUT, "hva 0x40006000", NULL);
	/* The other refusals name the range too. */
	assert_error_names(host_madvise(mm, G + 0x10, SZ_4K, TDPSIM_ADVICE_DONTNEED),
			   TDPSIM_EINPUT, "hva=0x40000010", "advice=dontneed");
	assert_error_names(host_madvise(mm, G, SZ_4K, 5), TDPSIM_EINPUT, "unknown advice 5",
			   "hva=0x40000000");
	/* An error changes nothing; size 0 is madvise's no-op. */
	ck_assert_int_eq(m.n, 0);
	ck_assert_uint_eq(host_frames_4k(mm), 4);
	assert_page(look(mm, G), B4K, 1, 1, 0);
	madv(mm, G + 8 * SZ_4K, 0, TDPSIM_ADVICE_DONTNEED);
	madv(mm, G, 2 * SZ_4K, TDPSIM_ADVICE_DONTNEED);
	assert_round(&m, 0, G, G + 2 * SZ_4K);
	host_mm_free(mm);
}
END_TEST

START_TEST(frames_and_tables_are_reused_deterministically_after_munmap)
{
	const uint64_t hva = 5 * G, npages = G / SZ_4K;
	struct host_mm *mm = new_mm(NULL);
	int round;

	for (round = 0; round < 10; round++) {
		add(mm, hva, G, TDPSIM_BACKING_4K, 1);
		ck_assert_uint_eq(host_frames_4k(mm), npages);
		ck_assert_uint_eq(host_pt_pages(mm), 3 + 512);
		ck_assert_uint_eq(host_pt_pool_tables(mm), 3 + 512); /* the pool never grows */
		/* Freed in hva order, reused newest first: each round reverses the last. */
		assert_page(look(mm, hva), round % 2 ? B4K + npages - 1 : B4K, 1, 1, 0);
		assert_page(look(mm, hva + G - SZ_4K), round % 2 ? B4K : B4K + npages - 1, 1, 1, 0);
		unmap(mm, hva, G);
		ck_assert_uint_eq(host_frames_4k(mm), 0);
		ck_assert_uint_eq(host_pt_pages(mm), 1);
	}
	/* Every frame came back: the bump pointer never moved past the first gigabyte. */
	add(mm, hva, G, TDPSIM_BACKING_4K, 1);
	add(mm, 7 * G, SZ_4K, TDPSIM_BACKING_4K, 0);
	assert_page(fault(mm, 7 * G, 1), B4K + npages, 1, 1, 0);
	ck_assert_uint_eq(host_frames_4k(mm), npages + 1);
	host_mm_free(mm);
}
END_TEST

/* host_lookup keeps the PTE table it walked to (the shadow prefetch's neighbours are in it);
 * once a table is freed that pointer may name another range's table: it must walk again. */
START_TEST(host_lookup_walks_again_once_a_table_it_kept_has_been_freed)
{
	struct host_mm *mm = new_mm(NULL);

	add(mm, G, SZ_2M, TDPSIM_BACKING_4K, 1);
	add(mm, 3 * G, SZ_2M, TDPSIM_BACKING_4K, 0);
	ck_assert_int_eq(host_lookup(mm, G, NULL), 1);          /* keeps G's PTE table */
	ck_assert_int_eq(host_lookup(mm, G + SZ_4K, NULL), 1);  /* from the kept table */
	unmap(mm, G, SZ_2M);                                     /* frees that table */
	/* The freed table comes back first (LIFO) as 3G's, its entry 0 now mapping 3G - with the
	 * frame freed last (frames go back in hva order and are reused newest first). */
	assert_page(fault(mm, 3 * G, 1), B4K + 511, 1, 1, 0);
	ck_assert_int_eq(host_lookup(mm, G, NULL), 0);
	ck_assert_int_eq(host_lookup(mm, 3 * G, NULL), 1);
	host_mm_free(mm);
}
END_TEST

/* ---- random sequences: the invariants, and the same results every time ---- */

#define RW_BASE G
#define RW_PAGES 4096 /* a 16 MiB window: eight 2M ranges */

struct rlog {
	uint64_t digest;      /* FNV-1a over the notifier calls and every step's outcome */
	int depth, rounds;    /* rounds open (0 or 1), rounds seen */
};

static void rlog_mix(struct rlog *l, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		l->digest = (l->digest ^ ((v >> (8 * i)) & 0xff)) * 0x100000001b3ull;
}

static void rlog_start(void *ctx, uint64_t start, uint64_t end)
{
	struct rlog *l = ctx;

	ck_assert_int_eq(l->depth, 0); /* rounds never nest */
	l->depth++;
	l->rounds++;
	rlog_mix(l, 1);
	rlog_mix(l, start);
	rlog_mix(l, end);
}

static void rlog_end(void *ctx, uint64_t start, uint64_t end)
{
	struct rlog *l = ctx;

	ck_assert_int_eq(l->depth, 1);
	l->depth--;
	rlog_mix(l, 2);
	rlog_mix(l, start);
	rlog_mix(l, end);
}

static uint64_t rnd_next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Frames in use = the non-zero 4K pages mapped, none mapped twice; the window's digest.
 * (Plain ifs in the loops: a passing ck_assert costs a write to Check's message file.)
 */
static uint64_t check_window(struct host_mm *mm)
{
	static uint64_t pfns[RW_PAGES];
	uint64_t i, n = 0, digest = 0xcbf29ce484222325ull;

	for (i = 0; i < RW_PAGES; i++) {
		uint64_t hva = RW_BASE + i * SZ_4K;
		struct host_page p;

		if (!host_lookup(mm, hva, &p))
			continue;
		if (host_pfn_mapping_level(mm, hva) != p.level || p.writable == p.zero_page)
			ck_abort_msg("0x%" PRIx64 ": level %d/%d writable %d zero page %d", hva,
				     host_pfn_mapping_level(mm, hva), p.level, p.writable,
				     p.zero_page);
		digest = (digest ^ (p.pfn + ((uint64_t)p.level << 56) + ((uint64_t)p.writable << 60)))
			 * 0x100000001b3ull;
		if (!p.zero_page)
			pfns[n++] = p.pfn;
	}
	ck_assert_uint_eq(host_frames_4k(mm), n);
	qsort(pfns, n, sizeof(pfns[0]), cmp_u64);
	for (i = 1; i < n; i++) {
		if (pfns[i] == pfns[i - 1])
			ck_abort_msg("pfn 0x%" PRIx64 " mapped twice", pfns[i]);
	}
	return digest;
}

/* Back [hva, hva + size) with random kinds: hugetlb2m only where 2M-aligned. */
static void random_backings(struct host_mm *mm, uint64_t *x, uint64_t hva, uint64_t size)
{
	static const uint32_t kinds[3] = { TDPSIM_BACKING_4K, TDPSIM_BACKING_THP,
					   TDPSIM_BACKING_HUGETLB2M };

	while (size) {
		uint64_t len = (1 + rnd_next(x) % 1024) * SZ_4K;
		uint32_t kind = kinds[rnd_next(x) % 3];

		if (kind == TDPSIM_BACKING_HUGETLB2M) {
			if ((hva & (SZ_2M - 1)) || size < SZ_2M)
				kind = TDPSIM_BACKING_THP;
			else
				len = (len + SZ_2M - 1) & ~(SZ_2M - 1);
		}
		if (len > size || (kind == TDPSIM_BACKING_HUGETLB2M && (size - len) % SZ_2M))
			len = kind == TDPSIM_BACKING_HUGETLB2M ? SZ_2M : size;
		ck_assert_int_eq(host_backing_add_kind(mm, hva, len, kind, (int)(rnd_next(x) % 2)), 0);
		hva += len;
		size -= len;
	}
}

/*
 * A random run over a window kept fully backed: faults, every advice, and munmaps each
 * followed by new backings of random kinds.  Returns a digest of everything that happened.
 */
static uint64_t random_run(uint64_t seed, int steps, int *stats)
{
	struct rlog l = { 0xcbf29ce484222325ull, 0, 0 };
	struct host_notifier n = { .invalidate_range_start = rlog_start,
				   .invalidate_range_end = rlog_end, .ctx = &l };
	struct host_mm *mm = new_mm(NULL);
	uint64_t x = seed;
	int step;

	host_mm_set_notifier(mm, &n);
	random_backings(mm, &x, RW_BASE, RW_PAGES * SZ_4K);
	for (step = 0; step < steps; step++) {
		uint64_t r = rnd_next(&x), op = r % 10, hva, size, before = host_frames_4k(mm);
		int rc;

		/* A range in the window: 2M-aligned a third of the time, else any 4K pages. */
		if ((r >> 8) % 3 == 0) {
			hva = RW_BASE + (rnd_next(&x) % 8) * SZ_2M;
			size = (1 + rnd_next(&x) % 3) * SZ_2M;
		} else {
			hva = RW_BASE + (rnd_next(&x) % RW_PAGES) * SZ_4K;
			size = (1 + rnd_next(&x) % 768) * SZ_4K;
		}
		if (hva + size > RW_BASE + RW_PAGES * SZ_4K)
			size = RW_BASE + RW_PAGES * SZ_4K - hva;
		if (op < 4) {
			rc = host_faultin(mm, hva, (int)(rnd_next(&x) % 2), NULL);
		} else if (op < 9) {
			rc = host_madvise(mm, hva, size, (uint32_t)(rnd_next(&x) % 5));
			if (rc) /* refused: nothing changed */
				ck_assert_uint_eq(host_frames_4k(mm), before);
			stats[0] += rc == 0;
			stats[1]++;
		} else {
			rc = host_munmap(mm, hva, size);
			if (rc == 0)
				random_backings(mm, &x, hva, size);
			stats[2] += rc == 0;
		}
		ck_assert_msg(rc == 0 || rc == TDPSIM_EINPUT, "step %d: %d %s", step, rc,
			      tdpsim_error_last() ? tdpsim_error_last()->message : "?");
		ck_assert_int_eq(l.depth, 0);
		rlog_mix(&l, (uint64_t)rc);
		rlog_mix(&l, check_window(mm));
	}
	/* Everything unmapped: no frame and no table but the root is left. */
	ck_assert_int_eq(host_munmap(mm, 0, 1ull << 47), 0);
	ck_assert_uint_eq(host_frames_4k(mm), 0);
	ck_assert_uint_eq(host_pt_pages(mm), 1);
	host_mm_free(mm);
	stats[3] += l.rounds;
	return l.digest;
}

START_TEST(random_madvise_and_munmap_keep_frames_exact_and_replay_deterministically)
{
	static const uint64_t seeds[] = { 1, 0x9e3779b97f4a7c15ull, 42, 0xdeadbeef };
	int stats[4] = { 0, 0, 0, 0 }; /* madvise applied, madvise tried, munmaps, rounds */
	unsigned i;

	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
		ck_assert_uint_eq(random_run(seeds[i], 1000, stats), random_run(seeds[i], 1000, stats));
	/* The runs did what they are for: most advice applied, many notifier rounds. */
	ck_assert_int_ge(stats[0] * 2, stats[1]);
	ck_assert_int_ge(stats[2], 500);
	ck_assert_int_ge(stats[3], 1000);
}
END_TEST

static Suite *host_suite(void)
{
	Suite *s = suite_create("host");
	TCase *tc = tcase_create("host");

	tcase_add_test(tc, a_5_level_host_maps_backings_above_the_4_level_address_space);
	tcase_add_test(tc, hugetlb2m_backing_maps_2m_pmd_leaves_and_reports_level_2);
	tcase_add_test(tc, hugetlb1g_backing_maps_a_1g_pud_leaf);
	tcase_add_test(tc, thp_read_before_write_maps_the_huge_zero_page_read_only);
	tcase_add_test(tc,
		       first_write_to_the_huge_zero_page_breaks_it_with_one_notifier_round_over_2m);
	tcase_add_test(tc, before_6_13_a_write_to_the_huge_zero_page_splits_it_and_copies_one_4k_page);
	tcase_add_test(tc, thp_range_not_wholly_inside_the_backing_gets_4k_pages);
	tcase_add_test(tc, anonymous_4k_read_maps_the_zero_page_then_write_allocates);
	tcase_add_test(tc, populate_makes_every_page_writable_up_front_without_notifier_calls);
	tcase_add_test(tc, overlapping_backings_are_refused_naming_both);
	tcase_add_test(tc, unbacked_hva_is_an_error_naming_it);
	tcase_add_test(tc, backings_need_their_page_size_alignment_and_a_sane_range);
	tcase_add_test(tc, frames_are_deterministic_and_distinct_across_sizes);
	tcase_add_test(tc, pfn_offsets_within_a_huge_page_follow_the_hva);
	tcase_add_test(tc, a_null_notifier_is_never_called);
	tcase_add_test(tc, freed_frames_and_tables_are_reused_last_in_first_out);
	tcase_add_test(tc, mapping_1g_of_4k_memory_page_by_page_costs_at_most_8_1_bytes_of_table_per_page);
	tcase_add_test(tc, dontneed_zaps_and_frees_then_read_maps_zero_page_again);
	tcase_add_test(tc, dontneed_inside_a_thp_splits_it_then_zaps_the_covered_part);
	tcase_add_test(tc, dontneed_on_hugetlb_needs_whole_huge_pages);
	tcase_add_test(tc, pageout_splits_a_thp_into_4k_ptes_over_the_same_frames_and_changes_the_host_level);
	tcase_add_test(tc, pageout_leaves_4k_and_hugetlb_pages_alone_without_notifier_calls);
	tcase_add_test(tc, the_level_after_a_faultin_follows_every_later_change_of_that_leaf);
	tcase_add_test(tc, collapse_replaces_512_ptes_by_a_2m_thp_with_one_notifier_round);
	tcase_add_test(tc, collapse_skips_hugetlb_and_already_huge_regions);
	tcase_add_test(tc, collapse_refuses_nohugepage_memory_and_stops_where_linux_stops);
	tcase_add_test(tc, hugepage_advice_makes_later_faults_map_thps);
	tcase_add_test(tc, nohugepage_advice_makes_later_faults_map_4k_without_touching_existing_thps);
	tcase_add_test(tc, munmap_removes_mappings_and_backing_then_a_new_backing_maps_fresh_frames);
	tcase_add_test(tc, munmap_of_unbacked_space_is_a_no_op);
	tcase_add_test(tc, madvise_of_unbacked_space_is_an_error_naming_the_hva);
	tcase_add_test(tc, frames_and_tables_are_reused_deterministically_after_munmap);
	tcase_add_test(tc, host_lookup_walks_again_once_a_table_it_kept_has_been_freed);
	tcase_add_test(tc, random_madvise_and_munmap_keep_frames_exact_and_replay_deterministically);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(host_suite)

/* SPDX-License-Identifier: MIT */
/*
 * The host address space: backings, faultin through zero pages and COW, THP eligibility,
 * hugetlb, the frame allocator, host_pfn_mapping_level, and the host tables' memory.
 * Expected pfns follow from the allocator's layout (frames.h), never from a run's output.
 */
#include <check.h>
#include <inttypes.h>
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

	ck_assert_int_eq(host_mm_new(&mm), 0);
	ck_assert_ptr_nonnull(mm);
	if (m) {
		struct host_notifier n = { mock_start, mock_end, m };

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

START_TEST(hugetlb2m_backing_maps_2m_pmd_leaves_and_reports_level_2)
{
	struct mock m;
	struct host_mm *mm = new_mm(&m);
	uint64_t hva = 0x40000000;

	ck_assert_int_eq(host_backing_add(mm, hva, 2 * SZ_2M, TDPSIM_BACKING_HUGETLB2M, 0), 0);
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

	ck_assert_int_eq(host_backing_add(mm, hva, SZ_1G, TDPSIM_BACKING_HUGETLB1G, 0), 0);
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

	ck_assert_int_eq(host_backing_add(mm, hva, 2 * SZ_2M, TDPSIM_BACKING_THP, 0), 0);
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

	ck_assert_int_eq(host_backing_add(mm, hva, 2 * SZ_2M, TDPSIM_BACKING_THP, 0), 0);
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

START_TEST(thp_range_not_wholly_inside_the_backing_gets_4k_pages)
{
	struct mock m;
	struct host_mm *mm = new_mm(&m);
	/* [3M, 6M): the 2M range [2M, 4M) is only half inside, [4M, 6M) wholly. */
	uint64_t hva = 3 * SZ_2M / 2;

	ck_assert_int_eq(host_backing_add(mm, hva, 3 * SZ_2M / 2, TDPSIM_BACKING_THP, 0), 0);
	assert_page(fault(mm, hva, 0), HOST_ZERO_PFN, 1, 0, 1);
	ck_assert_int_eq(host_pfn_mapping_level(mm, hva), 1);
	assert_page(fault(mm, hva + SZ_4K, 1), HOST_PFN_BASE_4K, 1, 1, 0);
	assert_page(fault(mm, 2 * SZ_2M + 0x2000, 1), HOST_PFN_BASE_2M + 2, 2, 1, 0);
	ck_assert_int_eq(host_pfn_mapping_level(mm, 2 * SZ_2M), 2);

	/* Two THP backings that split one 2M range between them: neither holds it whole. */
	ck_assert_int_eq(host_backing_add(mm, 8 * SZ_2M, SZ_2M / 2, TDPSIM_BACKING_THP, 0), 0);
	ck_assert_int_eq(host_backing_add(mm, 8 * SZ_2M + SZ_2M / 2, SZ_2M / 2,
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

	ck_assert_int_eq(host_backing_add(mm, hva, 4 * SZ_2M, TDPSIM_BACKING_4K, 0), 0);
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
	ck_assert_int_eq(host_backing_add(mm, hva, size, TDPSIM_BACKING_THP, 1), 0);
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
	ck_assert_int_eq(host_backing_add(ref, hva, size, TDPSIM_BACKING_THP, 0), 0);
	for (i = 0; i < npages; i++)
		fault(ref, hva + i * SZ_4K, 1);
	snapshot(ref, hva, size, touched);
	ck_assert_mem_eq(pop, touched, sizeof(pop));
	ck_assert_uint_eq(host_frames_4k(ref), host_frames_4k(mm));
	ck_assert_uint_eq(host_pt_pages(ref), host_pt_pages(mm));
	host_mm_free(ref);

	/* hugetlb and 4k backings populate the same way. */
	ck_assert_int_eq(host_backing_add(mm, SZ_1G, 2 * SZ_2M, TDPSIM_BACKING_HUGETLB2M, 1), 0);
	ck_assert_int_eq(host_backing_add(mm, 2 * SZ_1G, SZ_1G, TDPSIM_BACKING_HUGETLB1G, 1), 0);
	ck_assert_int_eq(host_backing_add(mm, 3 * SZ_1G, 3 * SZ_4K, TDPSIM_BACKING_4K, 1), 0);
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

	ck_assert_int_eq(host_backing_add(mm, 0x40000000, 2 * SZ_2M, TDPSIM_BACKING_THP, 0), 0);
	/* overlapping the end of one that starts below it */
	assert_error_names(host_backing_add(mm, 0x40200000, 3 * SZ_2M, TDPSIM_BACKING_4K, 1),
			   TDPSIM_EINPUT, "[0x40200000, 0x40800000)", "[0x40000000, 0x40400000)");
	/* overlapping the start of one that starts above it */
	assert_error_names(host_backing_add(mm, 0x3fe00000, 2 * SZ_2M, TDPSIM_BACKING_HUGETLB2M,
					    0),
			   TDPSIM_EINPUT, "[0x3fe00000, 0x40200000)", "[0x40000000, 0x40400000)");
	/* the very same range again */
	assert_error_names(host_backing_add(mm, 0x40000000, 2 * SZ_2M, TDPSIM_BACKING_THP, 0),
			   TDPSIM_EINPUT, "overlaps", "[0x40000000, 0x40400000)");
	/* A refused backing changed nothing: its pages were never populated... */
	ck_assert_uint_eq(host_frames_4k(mm), 0);
	ck_assert_int_eq(host_faultin(mm, 0x40600000, 1, NULL), TDPSIM_EINPUT);
	/* ...and neighbours that only touch are fine. */
	ck_assert_int_eq(host_backing_add(mm, 0x40400000, SZ_4K, TDPSIM_BACKING_4K, 0), 0);
	ck_assert_int_eq(host_backing_add(mm, 0x3fe00000, SZ_2M, TDPSIM_BACKING_HUGETLB2M, 0),
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
	ck_assert_int_eq(host_backing_add(mm, 0x10000000, SZ_2M, TDPSIM_BACKING_4K, 0), 0);
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
	assert_error_names(host_backing_add(mm, SZ_2M + SZ_4K, SZ_2M, TDPSIM_BACKING_HUGETLB2M, 0),
			   TDPSIM_EINPUT, "hugetlb2m", "0x200000");
	assert_error_names(host_backing_add(mm, SZ_2M, SZ_4K, TDPSIM_BACKING_HUGETLB2M, 0),
			   TDPSIM_EINPUT, "hugetlb2m", NULL);
	assert_error_names(host_backing_add(mm, SZ_2M, SZ_1G, TDPSIM_BACKING_HUGETLB1G, 0),
			   TDPSIM_EINPUT, "hugetlb1g", "0x40000000");
	assert_error_names(host_backing_add(mm, 0x800, SZ_4K, TDPSIM_BACKING_4K, 0),
			   TDPSIM_EINPUT, "0x800", NULL);
	assert_error_names(host_backing_add(mm, SZ_4K, 0, TDPSIM_BACKING_THP, 0),
			   TDPSIM_EINPUT, "size is 0", NULL);
	assert_error_names(host_backing_add(mm, 1ull << 47, SZ_4K, TDPSIM_BACKING_4K, 0),
			   TDPSIM_EINPUT, "0x800000000000", NULL);
	assert_error_names(host_backing_add(mm, SZ_4K, UINT64_MAX & ~0xfffull, TDPSIM_BACKING_4K,
					    0),
			   TDPSIM_EINPUT, "address space", NULL);
	assert_error_names(host_backing_add(mm, 0, SZ_4K, 7, 0), TDPSIM_EINPUT, "kind 7", NULL);
	/* THP only needs 4K alignment, like any anonymous mmap. */
	ck_assert_int_eq(host_backing_add(mm, SZ_4K, SZ_4K, TDPSIM_BACKING_THP, 0), 0);
	host_mm_free(mm);
}
END_TEST

/* One fault of each size, in a fixed order; the pfns it got into out[]. */
static void fault_one_of_each(struct host_mm *mm, uint64_t out[6])
{
	ck_assert_int_eq(host_backing_add(mm, 0, 4 * SZ_2M, TDPSIM_BACKING_THP, 0), 0);
	ck_assert_int_eq(host_backing_add(mm, SZ_1G, SZ_2M, TDPSIM_BACKING_4K, 0), 0);
	ck_assert_int_eq(host_backing_add(mm, 2 * SZ_1G, 2 * SZ_1G, TDPSIM_BACKING_HUGETLB1G, 0),
			 0);
	ck_assert_int_eq(host_backing_add(mm, 4 * SZ_1G, 2 * SZ_2M, TDPSIM_BACKING_HUGETLB2M, 0),
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

	ck_assert_int_eq(host_backing_add(mm, SZ_2M, SZ_2M, TDPSIM_BACKING_HUGETLB2M, 0), 0);
	ck_assert_int_eq(host_backing_add(mm, 2 * SZ_2M, SZ_2M, TDPSIM_BACKING_THP, 0), 0);
	ck_assert_int_eq(host_backing_add(mm, 3 * SZ_2M, SZ_2M, TDPSIM_BACKING_THP, 0), 0);
	ck_assert_int_eq(host_backing_add(mm, SZ_1G, SZ_1G, TDPSIM_BACKING_HUGETLB1G, 0), 0);
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
	ck_assert_int_eq(host_backing_add(mm, 0, SZ_2M, TDPSIM_BACKING_THP, 0), 0);
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

	host_frames_init(&fa);
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
	host_pt_pool_init(&pool);
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

	ck_assert_int_eq(host_backing_add(mm, hva, SZ_1G, TDPSIM_BACKING_4K, 0), 0);
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

static Suite *host_suite(void)
{
	Suite *s = suite_create("host");
	TCase *tc = tcase_create("host");

	tcase_add_test(tc, hugetlb2m_backing_maps_2m_pmd_leaves_and_reports_level_2);
	tcase_add_test(tc, hugetlb1g_backing_maps_a_1g_pud_leaf);
	tcase_add_test(tc, thp_read_before_write_maps_the_huge_zero_page_read_only);
	tcase_add_test(tc,
		       first_write_to_the_huge_zero_page_breaks_it_with_one_notifier_round_over_2m);
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
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(host_suite)

/* SPDX-License-Identifier: MIT */
/*
 * The host's THP decisions: QEMU's backends as VMAs, mm/huge_memory.c's and mm/shmem.c's
 * rules for a PMD at a fault, fragmentation with defrag's direct compaction, vmstat.
 * Expected values come from those rules (cited beside each), never from a run.
 */
#include <check.h>
#include <string.h>

#include "check_main.h"
#include "core/error.h"
#include "host/host.h"
#include "host/host_pt.h"
#include "test_util.h"

#define SZ_2M 0x200000ull
#define HVA 0x7f0000000000ull

static const struct host_thp_config defaults = {
	.enabled = THP_MADVISE, .defrag = DEFRAG_MADVISE, .use_zero_page = 1,
	.shmem_enabled = SHMEM_HUGE_NEVER,
};

/* A new host with THP knobs `cfg` (NULL: Linux's defaults). */
static struct host_mm *fresh_mm(const struct host_thp_config *cfg)
{
	struct host_mm *mm = NULL;

	ck_assert_int_eq(host_mm_new(&mm, 4, NULL), 0);
	if (cfg)
		host_mm_set_thp(mm, cfg);
	return mm;
}

/* The level a first write at HVA maps, for a fresh mm with `cfg` and backing `vma`. */
static int write_level(const struct host_thp_config *cfg, const struct host_vma *vma)
{
	struct host_mm *mm = fresh_mm(cfg);
	struct host_page p;

	ck_assert_int_eq(host_backing_add(mm, HVA, 4 * SZ_2M, vma, 0), 0);
	ck_assert_int_eq(host_faultin(mm, HVA, 1, &p), 0);
	host_mm_free(mm);
	return p.level;
}

static struct host_vma resolve(uint32_t kind, uint32_t share, uint32_t hugetlb,
			       uint32_t hugetlbsize, uint32_t fs, uint32_t huge)
{
	struct host_vma v;

	ck_assert_int_eq(host_backing_resolve(kind, share, hugetlb, hugetlbsize, fs, huge, &v), 0);
	return v;
}

/* QEMU's ram_block_add madvises MADV_HUGEPAGE over all guest RAM; share=on is shmem;
 * memfd is shared by default; hugetlb memfds and hugetlbfs files are hugetlb. */
START_TEST(qemu_backends_are_the_vmas_qemu_maps)
{
	struct host_vma v = resolve(TDPSIM_BACKING_QEMU_RAM, 0, 0, 0, 0, 0);

	ck_assert(v.type == VMA_ANON && v.flags == VMA_HUGEPAGE);
	v = resolve(TDPSIM_BACKING_QEMU_RAM, TDPSIM_SHARE_ON, 0, 0, 0, 0);
	ck_assert(v.type == VMA_SHMEM && v.flags == VMA_HUGEPAGE && v.mnt_huge == SHMEM_MNT_INTERNAL);
	v = resolve(TDPSIM_BACKING_QEMU_MEMFD, 0, 0, 0, 0, 0);
	ck_assert(v.type == VMA_SHMEM && v.flags == VMA_HUGEPAGE);
	v = resolve(TDPSIM_BACKING_QEMU_MEMFD, 0, 1, 1, 0, 0);
	ck_assert(v.type == VMA_HUGETLB && v.level == PG_LEVEL_1G);
	v = resolve(TDPSIM_BACKING_QEMU_FILE, TDPSIM_SHARE_OFF, 0, 0, TDPSIM_FS_HUGETLBFS, 0);
	ck_assert(v.type == VMA_HUGETLB && v.level == PG_LEVEL_2M);
	v = resolve(TDPSIM_BACKING_QEMU_FILE, TDPSIM_SHARE_ON, 0, 0, TDPSIM_FS_TMPFS,
		    TDPSIM_TMPFS_HUGE_ADVISE);
	ck_assert(v.type == VMA_SHMEM && v.mnt_huge == SHMEM_HUGE_ADVISE);
	ck_assert_str_eq(host_vma_name(&v), "shmem+hugepage");
}
END_TEST

START_TEST(a_private_mapping_of_a_shmem_file_is_refused_as_not_modelled)
{
	struct host_vma v;

	ck_assert_int_eq(host_backing_resolve(TDPSIM_BACKING_QEMU_MEMFD, TDPSIM_SHARE_OFF, 0, 0, 0,
					      0, &v), TDPSIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "not modelled"));
	/* memory-backend-file's share defaults to off */
	ck_assert_int_eq(host_backing_resolve(TDPSIM_BACKING_QEMU_FILE, 0, 0, 0, TDPSIM_FS_TMPFS,
					      0, &v), TDPSIM_EINPUT);
}
END_TEST

/* __thp_vma_allowable_orders: VM_NOHUGEPAGE never; always everywhere; madvise only with
 * VM_HUGEPAGE; never nowhere. */
START_TEST(anonymous_thp_follows_enabled_and_the_vma_flags)
{
	static const struct { int enabled; unsigned flags; int level; } rows[] = {
		{ THP_ALWAYS, 0, 2 }, { THP_ALWAYS, VMA_HUGEPAGE, 2 }, { THP_ALWAYS, VMA_NOHUGEPAGE, 1 },
		{ THP_MADVISE, 0, 1 }, { THP_MADVISE, VMA_HUGEPAGE, 2 }, { THP_MADVISE, VMA_NOHUGEPAGE, 1 },
		{ THP_NEVER, 0, 1 }, { THP_NEVER, VMA_HUGEPAGE, 1 }, { THP_NEVER, VMA_NOHUGEPAGE, 1 },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct host_thp_config c = defaults;
		struct host_vma v = { VMA_ANON, (uint8_t)rows[i].flags, 0, 0 };

		c.enabled = rows[i].enabled;
		ck_assert_msg(write_level(&c, &v) == rows[i].level, "row %zu", i);
	}
}
END_TEST

/* __shmem_huge_global_enabled: deny and force first, then the mount's huge= (the internal
 * mount's is shmem_enabled); advise needs VM_HUGEPAGE; VM_NOHUGEPAGE wins over force. */
START_TEST(shmem_huge_pages_follow_shmem_enabled_and_the_mounts_huge_option)
{
	static const struct { int shmem; uint8_t mnt; unsigned flags; int level; } rows[] = {
		{ SHMEM_HUGE_NEVER, SHMEM_MNT_INTERNAL, VMA_HUGEPAGE, 1 },
		{ SHMEM_HUGE_ADVISE, SHMEM_MNT_INTERNAL, 0, 1 },
		{ SHMEM_HUGE_ADVISE, SHMEM_MNT_INTERNAL, VMA_HUGEPAGE, 2 },
		{ SHMEM_HUGE_ALWAYS, SHMEM_MNT_INTERNAL, 0, 2 },
		{ SHMEM_HUGE_WITHIN_SIZE, SHMEM_MNT_INTERNAL, 0, 2 },
		{ SHMEM_HUGE_FORCE, SHMEM_HUGE_NEVER, 0, 2 },
		{ SHMEM_HUGE_FORCE, SHMEM_MNT_INTERNAL, VMA_NOHUGEPAGE, 1 },
		{ SHMEM_HUGE_DENY, SHMEM_HUGE_ALWAYS, VMA_HUGEPAGE, 1 },
		/* a tmpfs file: its mount decides, shmem_enabled does not */
		{ SHMEM_HUGE_NEVER, SHMEM_HUGE_ALWAYS, 0, 2 },
		{ SHMEM_HUGE_ALWAYS, SHMEM_HUGE_NEVER, VMA_HUGEPAGE, 1 },
		{ SHMEM_HUGE_NEVER, SHMEM_HUGE_ADVISE, VMA_HUGEPAGE, 2 },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct host_thp_config c = defaults;
		struct host_vma v = { VMA_SHMEM, (uint8_t)rows[i].flags, 0, rows[i].mnt };

		c.shmem_enabled = rows[i].shmem;
		ck_assert_msg(write_level(&c, &v) == rows[i].level, "row %zu", i);
	}
}
END_TEST

/* A shared mapping without write-notify maps a read fault writable, and shmem has no zero
 * page: the read allocates. */
START_TEST(a_shmem_read_allocates_a_writable_page)
{
	struct host_vma v = resolve(TDPSIM_BACKING_SHMEM, 0, 0, 0, 0, 0);
	struct host_mm *mm = fresh_mm(NULL);
	struct host_page p;

	ck_assert_int_eq(host_backing_add(mm, HVA, SZ_2M, &v, 0), 0);
	ck_assert_int_eq(host_faultin(mm, HVA, 0, &p), 0);
	ck_assert(p.writable && !p.zero_page && p.level == 1);
	ck_assert_uint_eq(host_frames_4k(mm), 1);
	host_mm_free(mm);
}
END_TEST

START_TEST(shared_memory_must_start_2m_aligned)
{
	struct host_vma v = resolve(TDPSIM_BACKING_SHMEM, 0, 0, 0, 0, 0);
	struct host_mm *mm = fresh_mm(NULL);

	ck_assert_int_eq(host_backing_add(mm, HVA + 0x1000, SZ_2M, &v, 0), TDPSIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "2M-aligned"));
	host_mm_free(mm);
}
END_TEST

START_TEST(dontneed_and_pageout_of_shared_memory_are_refused)
{
	struct host_vma v = resolve(TDPSIM_BACKING_SHMEM, 0, 0, 0, 0, 0);
	struct host_mm *mm = fresh_mm(NULL);

	ck_assert_int_eq(host_backing_add(mm, HVA, SZ_2M, &v, 1), 0);
	ck_assert_int_eq(host_madvise(mm, HVA, SZ_2M, TDPSIM_ADVICE_DONTNEED), TDPSIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "not modelled"));
	ck_assert_int_eq(host_madvise(mm, HVA, SZ_2M, TDPSIM_ADVICE_PAGEOUT), TDPSIM_EINPUT);
	ck_assert_uint_eq(host_frames_4k(mm), 512); /* nothing changed */
	host_mm_free(mm);
}
END_TEST

/* Populate 1024 2M ranges with fail_ppm of the first tries failing; returns the vmstat. */
static struct host_vmstat populate_fragmented(int defrag, uint32_t fail, uint32_t cfail,
					      unsigned flags, uint64_t seed)
{
	struct host_thp_config c = defaults;
	struct host_vma v = { VMA_ANON, (uint8_t)flags, 0, 0 };
	struct host_mm *mm;
	struct host_vmstat s;

	c.enabled = THP_ALWAYS;
	c.defrag = defrag;
	c.fail_ppm = fail;
	c.compact_fail_ppm = cfail;
	c.seed = seed;
	mm = fresh_mm(&c);
	ck_assert_int_eq(host_backing_add(mm, HVA, 1024 * SZ_2M, &v, 1), 0);
	s = *host_mm_vmstat(mm);
	/* every 2M range is mapped, by a THP or 512 4K pages */
	ck_assert_uint_eq(host_frames_4k(mm), 1024 * 512);
	host_mm_free(mm);
	return s;
}

/* Which of the 1024 2M ranges populate_fragmented's population maps with a THP, under
 * defrag=never at 1/4 failing and `seed`: 1 for a THP, 0 for a 4K fallback. */
static void thp_pattern(uint64_t seed, uint8_t out[1024])
{
	struct host_thp_config c = defaults;
	struct host_vma v = { VMA_ANON, 0, 0, 0 };
	struct host_mm *mm;

	c.enabled = THP_ALWAYS;
	c.defrag = DEFRAG_NEVER;
	c.fail_ppm = 250000;
	c.seed = seed;
	mm = fresh_mm(&c);
	ck_assert_int_eq(host_backing_add(mm, HVA, 1024 * SZ_2M, &v, 1), 0);
	for (unsigned i = 0; i < 1024; i++)
		out[i] = host_pfn_mapping_level(mm, HVA + (uint64_t)i * SZ_2M) == PG_LEVEL_2M;
	host_mm_free(mm);
}

/* Binomial(1024, p): mean 1024p, deviation sqrt(1024 p (1-p)); bounds at 5 deviations. */
START_TEST(fragmentation_fails_its_share_of_2m_allocations_deterministically)
{
	struct host_vmstat a = populate_fragmented(DEFRAG_NEVER, 250000, 0, 0, 1);
	struct host_vmstat b = populate_fragmented(DEFRAG_NEVER, 250000, 0, 0, 1);

	ck_assert_uint_eq(a.thp_fault_alloc + a.thp_fault_fallback, 1024);
	/* p = 1/4: mean 256, deviation 13.9 */
	ck_assert_uint_ge(a.thp_fault_fallback, 187);
	ck_assert_uint_le(a.thp_fault_fallback, 325);
	ck_assert_uint_eq(a.compact_stall, 0); /* defrag=never */
	ck_assert(memcmp(&a, &b, sizeof(a)) == 0); /* the same seed, the same draws */
	/* Another seed draws another sequence: other ranges fall back (two independent draws
	 * at p = 1/4 differ in a range with probability 3/8, so in ~384 of 1024), the same
	 * seed the same ones, range by range. */
	{
		uint8_t p1[1024], p1again[1024], p2[1024];
		unsigned differ = 0;

		thp_pattern(1, p1);
		thp_pattern(1, p1again);
		thp_pattern(2, p2);
		ck_assert(memcmp(p1, p1again, sizeof(p1)) == 0);
		for (unsigned i = 0; i < 1024; i++)
			differ += p1[i] != p2[i];
		ck_assert_uint_ge(differ, 200); /* mean 384, deviation 15.5: far below */
	}
}
END_TEST

/* vma_thp_gfp_mask: madvise compacts directly only for VM_HUGEPAGE; always for all; each
 * compaction is a stall, then a success or (host_compaction_fail) a failure. */
START_TEST(direct_compaction_follows_defrag_and_rescues_its_share)
{
	struct host_vmstat s = populate_fragmented(DEFRAG_MADVISE, 1000000, 0, 0, 0);

	ck_assert_uint_eq(s.compact_stall, 0); /* not madvised: no direct compaction */
	ck_assert_uint_eq(s.thp_fault_fallback, 1024);
	s = populate_fragmented(DEFRAG_MADVISE, 1000000, 0, VMA_HUGEPAGE, 0);
	ck_assert_uint_eq(s.compact_stall, 1024);
	ck_assert_uint_eq(s.compact_success, 1024);
	ck_assert_uint_eq(s.thp_fault_alloc, 1024);
	s = populate_fragmented(DEFRAG_ALWAYS, 1000000, 1000000, 0, 0);
	ck_assert_uint_eq(s.compact_stall, 1024);
	ck_assert_uint_eq(s.compact_fail, 1024);
	ck_assert_uint_eq(s.thp_fault_fallback, 1024);
	s = populate_fragmented(DEFRAG_DEFER_MADVISE, 1000000, 0, 0, 0);
	ck_assert_uint_eq(s.compact_stall, 0);
}
END_TEST

/* One 2M range of anonymous memory with its first `mapped` 4K pages written while
 * enabled=never, then enabled=always and khugepaged's knobs (defrag off). */
static struct host_mm *range_with_pages(unsigned mapped, uint32_t max_none, uint32_t fail)
{
	struct host_thp_config c = defaults;
	struct host_vma v = { VMA_ANON, 0, 0, 0 };
	struct host_mm *mm;
	struct host_page p;

	c.enabled = THP_NEVER;
	mm = fresh_mm(&c);
	ck_assert_int_eq(host_backing_add(mm, HVA, SZ_2M, &v, 0), 0);
	for (unsigned i = 0; i < mapped; i++)
		ck_assert_int_eq(host_faultin(mm, HVA + i * 0x1000ull, 1, &p), 0);
	c.enabled = THP_ALWAYS;
	c.khugepaged_max_ptes_none = max_none;
	c.fail_ppm = fail;
	c.khugepaged_pages_to_scan = 4096;
	c.khugepaged_scan_sleep_ms = 10000;
	c.khugepaged_alloc_sleep_ms = 60000;
	host_mm_set_thp(mm, &c);
	return mm;
}

/* hpage_collapse_scan_pmd: a range collapses with at most max_ptes_none PTEs empty. */
START_TEST(khugepaged_collapses_a_range_only_within_max_ptes_none)
{
	struct host_mm *mm = range_with_pages(1, 511, 0); /* 511 empty: allowed */

	ck_assert_int_eq(host_khugepaged_pass(mm), 10000);
	ck_assert_uint_eq(host_mm_vmstat(mm)->khugepaged_pages_collapsed, 1);
	ck_assert_int_eq(host_pfn_mapping_level(mm, HVA), PG_LEVEL_2M);
	host_mm_free(mm);
	mm = range_with_pages(1, 510, 0); /* 511 empty, 510 allowed: stays */
	ck_assert_int_eq(host_khugepaged_pass(mm), 10000);
	ck_assert_uint_eq(host_mm_vmstat(mm)->khugepaged_pages_collapsed, 0);
	ck_assert_int_eq(host_pfn_mapping_level(mm, HVA), PG_LEVEL_4K);
	host_mm_free(mm);
}
END_TEST

/* A failed collapse allocation (THP_COLLAPSE_ALLOC_FAILED): khugepaged sleeps
 * alloc_sleep_millisecs instead of scan_sleep_millisecs. */
START_TEST(khugepaged_sleeps_alloc_sleep_after_a_failed_allocation)
{
	struct host_mm *mm = range_with_pages(512, 511, 1000000);

	ck_assert_int_eq(host_khugepaged_pass(mm), 60000);
	ck_assert_uint_eq(host_mm_vmstat(mm)->thp_collapse_alloc_failed, 1);
	ck_assert_uint_eq(host_mm_vmstat(mm)->compact_stall, 0); /* khugepaged_defrag 0 here */
	host_mm_free(mm);
}
END_TEST

static Suite *thp_suite(void)
{
	Suite *s = suite_create("thp");
	TCase *tc = tcase_create("thp");

	tcase_add_test(tc, qemu_backends_are_the_vmas_qemu_maps);
	tcase_add_test(tc, a_private_mapping_of_a_shmem_file_is_refused_as_not_modelled);
	tcase_add_test(tc, anonymous_thp_follows_enabled_and_the_vma_flags);
	tcase_add_test(tc, shmem_huge_pages_follow_shmem_enabled_and_the_mounts_huge_option);
	tcase_add_test(tc, a_shmem_read_allocates_a_writable_page);
	tcase_add_test(tc, shared_memory_must_start_2m_aligned);
	tcase_add_test(tc, dontneed_and_pageout_of_shared_memory_are_refused);
	tcase_add_test(tc, fragmentation_fails_its_share_of_2m_allocations_deterministically);
	tcase_add_test(tc, direct_compaction_follows_defrag_and_rescues_its_share);
	tcase_add_test(tc, khugepaged_collapses_a_range_only_within_max_ptes_none);
	tcase_add_test(tc, khugepaged_sleeps_alloc_sleep_after_a_failed_allocation);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(thp_suite)

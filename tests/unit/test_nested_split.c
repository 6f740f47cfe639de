/* SPDX-License-Identifier: MIT */
/*
 * The split caches of nested eager page splitting (mmu.c topup_split_caches,
 * need_topup_split_caches_or_resched, kvm_mmu_free_eager_page_split_caches), profile 6.18:
 * how often KVM drops mmu_lock to top them up, what a split takes from them, and that
 * logging off gives them back.  The expectations come from KVM's rules: the descriptor
 * cache is refilled to 513 + 40 when below 513 (the worst case of one split), the
 * shadow-page caches to 40 when empty, and a split takes a page only when it makes one.
 */
#include "check_main.h"
#include "sim_internal.h"
#include "tdpsim/tdpsim.h"
#include "test_util.h"

/* L2 reads 1G of L1 memory (hugetlb 1G) mapped by one 1G EPT12 leaf: one 1G EPT02 leaf.
 * `extra` comes before the first L2 access; `after` after the read. */
static tdpsim_sim *nested_1g(const char *extra, const char *after)
{
	char text[4096];
	tdpsim_trace *t;
	tdpsim_sim *sim;

	snprintf(text, sizeof(text),
		 "tdpsim-trace 3\n"
		 "set kvm=6.18 nx_huge_pages=off\n%s"
		 "memslot slot=0 gpa=0 size=64M hva=0x7f0000000000\n"
		 "backing hva=0x7f0000000000 size=64M kind=4k populate=1\n"
		 "memslot slot=1 gpa=1G size=1G hva=0x7f0040000000\n"
		 "backing hva=0x7f0040000000 size=1G kind=hugetlb1g populate=1\n"
		 "guest-pt gpa=0x100000 size=1M\n"
		 "guest-pt gpa=0x200000 size=1M l2=1\n"
		 "guest-map gva=0x40000000 gpa=0x40000000 size=1G page=2m user=1 ad=1 l2=1\n"
		 "ept12-map ept=0 l2gpa=0x200000 gpa=0x800000 size=32K page=4k ad=1\n"
		 "ept12-map ept=0 l2gpa=0x40000000 gpa=0x40000000 size=1G page=1g ad=1\n"
		 "l2-enter vcpu=0 ept=0\n"
		 "access vcpu=0 gva=0x40000000 op=r\n%s",
		 extra, after);
	ck_assert_int_eq(tdpsim_sim_new(&sim, NULL), 0);
	ck_assert_int_eq(tdpsim_trace_open(&t, write_file(scratch_dir(), "n.tdpt", text)), 0);
	ck_assert_msg(tdpsim_sim_replay(sim, t, NULL, NULL) >= 0, "%s",
		      tdpsim_error_last()->message);
	tdpsim_trace_free(t);
	return sim;
}

/* The split work and what the caches hold after it (-1: not checked). */
static void expect_split_caches(const tdpsim_sim *sim, uint64_t splits, uint64_t topups,
				int64_t pages, int64_t descs)
{
	const struct kvm *kvm = &sim->machine.kvm;

	ck_assert_uint_eq(kvm->work.split_tables, splits);
	ck_assert_uint_eq(kvm->work.split_topups, topups);
	if (pages >= 0)
		ck_assert_uint_eq(kvm->split_page_cache, (uint64_t)pages);
	if (descs >= 0)
		ck_assert_uint_eq(kvm->split_desc_cache, (uint64_t)descs);
}

/* 1 split at 1G and 512 at 2M, each making a page.  Top-ups before splits 1, 41, ..., 481
 * (the page caches hold 40): 13.  Left: 13 * 40 - 513 = 7 pages; no descriptor was
 * needed (every 4K gfn had no rmap entry yet), so the descriptor cache is still full. */
START_TEST(splitting_513_pages_tops_the_caches_up_13_times)
{
	tdpsim_sim *sim = nested_1g("", "dirty-log slot=1 on\n");

	expect_split_caches(sim, 513, 13, 7, 513 + 40);
	tdpsim_sim_free(sim);
}
END_TEST

/* With 64 pages: 55 splits (until 59 are used, 5 free), top-ups before splits 1 and 41;
 * the refused 56th is refused before any top-up (the budget is checked first). */
START_TEST(a_split_refused_by_the_budget_tops_nothing_up)
{
	tdpsim_sim *sim = nested_1g("set nr_mmu_pages=64\n", "dirty-log slot=1 on\n");

	expect_split_caches(sim, 55, 2, 2 * 40 - 55, -1);
	tdpsim_sim_free(sim);
}
END_TEST

/* x86.c kvm_mmu_slot_apply_flags: logging off frees the split caches. */
START_TEST(logging_off_frees_the_split_caches)
{
	tdpsim_sim *sim = nested_1g("", "dirty-log slot=1 on\ndirty-log slot=1 off\n");

	expect_split_caches(sim, 513, 13, 0, 0);
	tdpsim_sim_free(sim);
}
END_TEST

/* An L1 gfn L2 also maps at 4K (L2 gpa 0x80000000 -> L1 gpa 1G, the 1G page's first 4K):
 * its rmap at 4K already holds that leaf, so the split's leaf for the same gfn makes it a
 * list - one descriptor from the cache (pte_list_add). */
START_TEST(an_aliased_gfn_takes_a_descriptor_from_the_cache)
{
	tdpsim_sim *sim = nested_1g("",
				    "l2-exit vcpu=0\n"
				    "guest-map gva=0x80000000 gpa=0x80000000 size=4K page=4k user=1 "
				    "ad=1 l2=1\n"
				    "ept12-map ept=0 l2gpa=0x80000000 gpa=0x40000000 size=4K "
				    "page=4k ad=1\n"
				    "l2-enter vcpu=0 ept=0\n"
				    "access vcpu=0 gva=0x80000000 op=r\n"
				    "dirty-log slot=1 on\n");
	const struct kvm *kvm = &sim->machine.kvm;

	ck_assert_uint_eq(kvm->work.split_tables, 513);
	ck_assert_uint_eq(kvm->split_desc_cache, 513 + 40 - 1);
	tdpsim_sim_free(sim);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("nested_split");
	TCase *tc = tcase_create("caches");

	tcase_add_test(tc, splitting_513_pages_tops_the_caches_up_13_times);
	tcase_add_test(tc, a_split_refused_by_the_budget_tops_nothing_up);
	tcase_add_test(tc, logging_off_frees_the_split_caches);
	tcase_add_test(tc, an_aliased_gfn_takes_a_descriptor_from_the_cache);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(suite)

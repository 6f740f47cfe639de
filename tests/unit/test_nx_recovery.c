/* SPDX-License-Identifier: MIT */
/*
 * The NX huge page recovery worker (mmu.c kvm_nx_huge_page_recovery_worker) and nx_huge_pages=never
 * (set_nx_huge_pages), profile 6.18: the period KVM derives, when the passes run on the simulated
 * clock, how many tables a pass zaps and which, what it does in a dirty-logged slot, and when it is
 * woken.
 */
#include "check_main.h"
#include "kvm/kvm.h"
#include "kvm/nx_recovery.h"
#include "tdpsim/tdpsim.h"
#include "test_util.h"

/* A machine with NX forced and a 1 GiB slot over populated hugetlbfs 2M pages; `extra` is
 * more trace text applied after the set-up. */
static tdpsim_sim *machine(const char *settings, const char *extra)
{
	char text[4096];
	const char *dir = scratch_dir();
	tdpsim_options o = TDPSIM_OPTIONS_INIT;
	tdpsim_trace *t;
	tdpsim_sim *sim;

	snprintf(text, sizeof(text),
		 "tdpsim-trace 1\n"
		 "set nx_huge_pages=force\n"
		 "%s%s%s" /* a line of its own: it may set nx_huge_pages again */
		 "memslot slot=0 gpa=0 size=1G hva=0x7f0000000000\n"
		 "backing hva=0x7f0000000000 size=1G kind=hugetlb2m populate=1\n%s",
		 settings[0] ? "set " : "", settings, settings[0] ? "\n" : "", extra);
	o.check = 1;
	ck_assert_int_eq(tdpsim_sim_new(&sim, &o), 0);
	ck_assert_int_eq(tdpsim_trace_open(&t, write_file(dir, "t.tdpt", text)), 0);
	ck_assert_msg(tdpsim_sim_replay(sim, t, NULL, NULL) >= 0, "%s",
		      tdpsim_error_last()->message);
	tdpsim_trace_free(t);
	return sim;
}

static int run(tdpsim_sim *sim, const char *lines)
{
	char text[2048];
	const char *dir = scratch_dir();
	tdpsim_trace *t;
	int64_t n;

	snprintf(text, sizeof(text), "tdpsim-trace 1\n%s", lines);
	ck_assert_int_eq(tdpsim_trace_open(&t, write_file(dir, "r.tdpt", text)), 0);
	n = tdpsim_sim_replay(sim, t, NULL, NULL);
	tdpsim_trace_free(t);
	return n < 0 ? (int)n : 0;
}

static tdpsim_stats stats(const tdpsim_sim *sim)
{
	tdpsim_stats st;

	tdpsim_sim_stats(sim, &st);
	return st;
}

static uint64_t period(uint64_t ratio, uint64_t period_ms, bool param)
{
	struct kvm_profile p = { .recovery_period_param = param };
	struct kvm kvm = { .profile = &p };

	kvm.config.nx_huge_pages = true;
	kvm.config.nx_recovery_ratio = ratio;
	kvm.config.nx_recovery_period_ms = period_ms;
	return kvm_nx_recovery_period_ms(&kvm);
}

START_TEST(the_period_is_3600_s_over_the_ratio_unless_given)
{
	ck_assert_uint_eq(period(60, 0, true), 60000);    /* the defaults: a minute */
	ck_assert_uint_eq(period(1, 0, true), 3600000);   /* ratio 1: an hour */
	ck_assert_uint_eq(period(4000, 0, true), 1000);   /* never below a second */
	ck_assert_uint_eq(period(60, 100, true), 100);    /* period_ms wins */
	ck_assert_uint_eq(period(1, 100, false), 60000);  /* before 5.16: a fixed minute */
	ck_assert_uint_eq(period(0, 100, true), 0);       /* ratio 0: no recovery */
}
END_TEST

START_TEST(the_first_pass_runs_one_period_after_the_first_kvm_run)
{
	/* an exec fault at t=0 is the first KVM_RUN (6.13+ creates the worker then) */
	tdpsim_sim *sim = machine("nx_huge_pages_recovery_ratio=1 nx_huge_pages_recovery_period_ms=100",
				  "fault vcpu=0 gpa=0x200000 err=0x14\n");

	ck_assert_uint_eq(stats(sim).nx_lpage_splits, 1);
	ck_assert_int_eq(run(sim, "advance ms=99\n"), 0);
	ck_assert_uint_eq(stats(sim).nx_recovery_passes, 0);
	ck_assert_uint_eq(stats(sim).nx_lpage_splits, 1);
	ck_assert_int_eq(run(sim, "advance ms=1\n"), 0);
	ck_assert_uint_eq(stats(sim).nx_recovery_passes, 1);
	ck_assert_uint_eq(stats(sim).nx_lpage_splits, 0);
	ck_assert_uint_eq(stats(sim).pages_4k, 0); /* the table and its leaf are gone */
	ck_assert_int_eq(run(sim, "advance ms=350\n"), 0);
	ck_assert_uint_eq(stats(sim).nx_recovery_passes, 4); /* 200, 300, 400 */
	tdpsim_sim_free(sim);
}
END_TEST

START_TEST(a_pass_zaps_ceil_n_over_ratio_of_the_oldest_tables)
{
	/* three tracked tables, made in the order A (0x200000), B (0x400000), C (0x600000) */
	tdpsim_sim *sim = machine("nx_huge_pages_recovery_ratio=2 nx_huge_pages_recovery_period_ms=100",
				  "fault vcpu=0 gpa=0x200000 err=0x14\n"
				  "fault vcpu=0 gpa=0x400000 err=0x14\n"
				  "fault vcpu=0 gpa=0x600000 err=0x14\n");
	tdpsim_stats st;

	ck_assert_uint_eq(stats(sim).nx_lpage_splits, 3);
	ck_assert_int_eq(run(sim, "advance ms=100\n"), 0);
	st = stats(sim);
	ck_assert_uint_eq(st.nx_recovery_zapped, 2); /* ceil(3 / 2), counted before zapping */
	ck_assert_uint_eq(st.nx_lpage_splits, 1);
	/* A and B (the oldest) went: a read there maps 2M now; C's table still blocks 2M */
	ck_assert_int_eq(run(sim, "fault vcpu=0 gpa=0x201000 err=0x4\n"
				  "fault vcpu=0 gpa=0x401000 err=0x4\n"
				  "fault vcpu=0 gpa=0x601000 err=0x4\n"), 0);
	st = stats(sim);
	ck_assert_uint_eq(st.pages_2m, 2);
	ck_assert_uint_eq(st.pages_4k, 2); /* C's fetched page and the read beside it */
	tdpsim_sim_free(sim);
}
END_TEST

START_TEST(tables_in_a_dirty_logged_slot_are_unaccounted_not_zapped)
{
	tdpsim_sim *sim = machine("nx_huge_pages_recovery_ratio=1 nx_huge_pages_recovery_period_ms=100",
				  "fault vcpu=0 gpa=0x200000 err=0x14\n"
				  "dirty-log slot=0 on\n");
	tdpsim_stats before = stats(sim), after;

	ck_assert_uint_eq(before.nx_lpage_splits, 1);
	ck_assert_int_eq(run(sim, "advance ms=100\n"), 0);
	after = stats(sim);
	ck_assert_uint_eq(after.nx_recovery_passes, 1);
	ck_assert_uint_eq(after.nx_lpage_splits, 0);   /* off the list ... */
	ck_assert_uint_eq(after.nx_recovery_zapped, 0);
	ck_assert_uint_eq(after.tdp_mmu_pages, before.tdp_mmu_pages); /* ... but still there */
	ck_assert_uint_eq(after.pages_4k, before.pages_4k);
	tdpsim_sim_free(sim);
}
END_TEST

START_TEST(before_6_2_tables_in_a_dirty_logged_slot_are_zapped_like_any_other)
{
	tdpsim_sim *sim = machine("kvm=6.1 nx_huge_pages_recovery_ratio=1 "
				  "nx_huge_pages_recovery_period_ms=100",
				  "fault vcpu=0 gpa=0x200000 err=0x14\n"
				  "dirty-log slot=0 on\n");

	ck_assert_uint_eq(stats(sim).nx_lpage_splits, 1);
	/* 6.1 makes the worker with the VM (at t=0): its first pass is at 100 ms */
	ck_assert_int_eq(run(sim, "advance ms=100\n"), 0);
	ck_assert_uint_eq(stats(sim).nx_lpage_splits, 0);
	ck_assert_uint_eq(stats(sim).nx_recovery_zapped, 1);
	tdpsim_sim_free(sim);
}
END_TEST

START_TEST(manual_protect_mode_1_reports_without_clearing_and_clear_reprotects)
{
	/* mode 1 (MANUAL_PROTECT_ENABLE without INITIALLY_SET): enabling splits and protects
	 * as usual; GET only copies the bitmap; CLEAR clears, re-protects (kvm_clear_dirty_log_protect).
	 * Write-protection, not PML (pml=0): the recorded write faults are the ones a
	 * write-protected 4K leaf takes. */
	tdpsim_sim *sim = machine("nx_huge_pages=off manual_dirty_log_protect=1 pml=0",
				  "fault vcpu=0 gpa=0x200000 err=0x6\n"
				  "dirty-log slot=0 on\n"
				  "fault vcpu=0 gpa=0x201000 err=0x7\n"
				  "fault vcpu=0 gpa=0x202000 err=0x7\n"
				  "get-dirty-log slot=0\n");
	tdpsim_stats st = stats(sim);

	ck_assert_uint_eq(st.pages_2m, 0);      /* eager split at enable */
	ck_assert_uint_eq(st.pages_4k, 512);
	ck_assert_uint_eq(st.pf_fast, 2);       /* two writes to protected 4K leaves */
	ck_assert_uint_eq(st.dirty_pages, 2);
	ck_assert_int_eq(run(sim, "get-dirty-log slot=0\n"), 0);
	ck_assert_uint_eq(stats(sim).dirty_pages, 2); /* not cleared by GET */
	ck_assert_int_eq(run(sim, "clear-dirty-log slot=0 first=512 num=64\n"
				  "get-dirty-log slot=0\n"), 0);
	ck_assert_uint_eq(stats(sim).dirty_pages, 0);
	/* re-protected: the same page written again takes the fast path again */
	ck_assert_int_eq(run(sim, "fault vcpu=0 gpa=0x201000 err=0x7\n"
				  "get-dirty-log slot=0\n"), 0);
	ck_assert_uint_eq(stats(sim).pf_fast, 3);
	ck_assert_uint_eq(stats(sim).dirty_pages, 1);
	tdpsim_sim_free(sim);
}
END_TEST

START_TEST(ratio_zero_means_no_recovery_until_a_write_wakes_the_worker)
{
	tdpsim_sim *sim = machine("nx_huge_pages_recovery_ratio=0 nx_huge_pages_recovery_period_ms=100",
				  "fault vcpu=0 gpa=0x200000 err=0x14\n"
				  "advance s=10\n");

	ck_assert_uint_eq(stats(sim).nx_recovery_passes, 0);
	ck_assert_uint_eq(stats(sim).nx_lpage_splits, 1);
	/* set_nx_huge_pages_recovery_param wakes it: overdue, so it runs at once */
	ck_assert_int_eq(run(sim, "set nx_huge_pages_recovery_ratio=1\n"), 0);
	ck_assert_uint_eq(stats(sim).nx_recovery_passes, 1);
	ck_assert_uint_eq(stats(sim).nx_lpage_splits, 0);
	tdpsim_sim_free(sim);
}
END_TEST

static const char *setting_of(const tdpsim_sim *sim, const char *name)
{
	for (size_t i = 0; i < tdpsim_setting_count(); i++)
		if (strcmp(tdpsim_setting_name(i), name) == 0)
			return tdpsim_sim_setting_value(sim, i);
	return "";
}

START_TEST(never_stops_the_worker_and_later_writes_are_refused_with_a_notice)
{
	tdpsim_options o = TDPSIM_OPTIONS_INIT;
	tdpsim_sim *sim;

	ck_assert_int_eq(tdpsim_sim_new(&sim, &o), 0);
	ck_assert_int_eq(run(sim, "set nx_huge_pages=never\n"
				  "memslot slot=0 gpa=0 size=1G hva=0x7f0000000000\n"
				  "backing hva=0x7f0000000000 size=1G kind=hugetlb2m populate=1\n"
				  "fault vcpu=0 gpa=0x200000 err=0x14\n"
				  "advance s=3600\n"), 0);
	ck_assert_uint_eq(stats(sim).nx_recovery_passes, 0);
	ck_assert_uint_eq(stats(sim).pages_2m, 1); /* off: an executable 2M leaf */
	/* KVM refuses the writes (EPERM) and the VM runs on: a notice each, nothing changes */
	ck_assert_int_eq(run(sim, "set nx_huge_pages=force\n"), 0);
	ck_assert_int_eq(run(sim, "set nx_huge_pages_recovery_ratio=5\n"), 0);
	ck_assert_uint_eq(tdpsim_sim_notice_count(sim), 2);
	ck_assert_ptr_nonnull(strstr(tdpsim_sim_notice(sim, 0), "hard-disabled"));
	ck_assert_ptr_nonnull(strstr(tdpsim_sim_notice(sim, 1), "nx_huge_pages_recovery_ratio"));
	ck_assert_str_eq(setting_of(sim, "nx_huge_pages"), "never");
	ck_assert_str_eq(setting_of(sim, "nx_huge_pages_recovery_ratio"), "60");
	tdpsim_sim_free(sim);
	/* and it is allowed only while no VM exists (EBUSY): a notice, the replay goes on */
	sim = machine("", "");
	ck_assert_int_eq(run(sim, "set nx_huge_pages=never\n"
				  "advance ms=1\n"), 0);
	ck_assert_uint_eq(tdpsim_sim_notice_count(sim), 1);
	ck_assert_ptr_nonnull(strstr(tdpsim_sim_notice(sim, 0), "no VM exists"));
	ck_assert_uint_eq(stats(sim).sim_ns, 1000000);
	/* the API's caller is told, as the writer of the parameter file would be */
	ck_assert_int_eq(tdpsim_sim_set(sim, "nx_huge_pages", "never"), TDPSIM_EINPUT);
	tdpsim_sim_free(sim);
}
END_TEST

static Suite *nx_suite(void)
{
	Suite *s = suite_create("nx_recovery");
	TCase *tc = tcase_create("worker");

	tcase_add_test(tc, the_period_is_3600_s_over_the_ratio_unless_given);
	tcase_add_test(tc, the_first_pass_runs_one_period_after_the_first_kvm_run);
	tcase_add_test(tc, a_pass_zaps_ceil_n_over_ratio_of_the_oldest_tables);
	tcase_add_test(tc, tables_in_a_dirty_logged_slot_are_unaccounted_not_zapped);
	tcase_add_test(tc, ratio_zero_means_no_recovery_until_a_write_wakes_the_worker);
	tcase_add_test(tc, before_6_2_tables_in_a_dirty_logged_slot_are_zapped_like_any_other);
	tcase_add_test(tc, manual_protect_mode_1_reports_without_clearing_and_clear_reprotects);
	tcase_add_test(tc, never_stops_the_worker_and_later_writes_are_refused_with_a_notice);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(nx_suite)

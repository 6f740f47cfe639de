/* SPDX-License-Identifier: MIT */
/* The machine skeleton: settings and pinning, memslots, marks, the clock, digest, --check. */
#include <inttypes.h>
#include <stdbool.h>

#include "check_main.h"
#include "tdpsim/tdpsim.h"
#include "test_util.h"

static tdpsim_sim *new_sim(void)
{
	tdpsim_sim *sim = NULL;

	ck_assert_int_eq(tdpsim_sim_new(&sim, NULL), 0);
	return sim;
}

static int set(tdpsim_sim *sim, const char *key, const char *value)
{
	tdpsim_event ev = { .cmd = TDPSIM_CMD_SET };

	ev.u.set.key = key;
	ev.u.set.value = value;
	return tdpsim_sim_apply(sim, &ev);
}

static int memslot(tdpsim_sim *sim, uint32_t slot, uint64_t gpa, uint64_t size, uint64_t hva,
		   uint32_t flags)
{
	tdpsim_event ev = { .cmd = TDPSIM_CMD_MEMSLOT };

	ev.u.memslot.slot = slot;
	ev.u.memslot.gpa = gpa;
	ev.u.memslot.size = size;
	ev.u.memslot.hva = hva;
	ev.u.memslot.flags = flags;
	return tdpsim_sim_apply(sim, &ev);
}

static int mark(tdpsim_sim *sim, const char *label)
{
	tdpsim_event ev = { .cmd = TDPSIM_CMD_MARK };

	ev.u.mark.label = label;
	return tdpsim_sim_apply(sim, &ev);
}

static const char *setting(const tdpsim_sim *sim, const char *name)
{
	for (size_t i = 0; i < tdpsim_setting_count(); i++)
		if (strcmp(tdpsim_setting_name(i), name) == 0)
			return tdpsim_sim_setting_value(sim, i);
	return NULL;
}

static const char *resolved(const tdpsim_sim *sim, const char *name)
{
	for (size_t i = 0; i < tdpsim_setting_count(); i++)
		if (strcmp(tdpsim_setting_name(i), name) == 0)
			return tdpsim_sim_setting_resolved(sim, i);
	return NULL;
}

START_TEST(defaults_are_kvms_defaults)
{
	tdpsim_sim *sim = new_sim();

	ck_assert_str_eq(setting(sim, "mmu"), "tdp");
	ck_assert_str_eq(setting(sim, "kvm"), "6.18");
	ck_assert_str_eq(setting(sim, "nx_huge_pages"), "auto");
	ck_assert_str_eq(setting(sim, "nx_huge_pages_recovery_ratio"), "60");
	ck_assert_str_eq(setting(sim, "nx_huge_pages_recovery_period_ms"), "0");
	ck_assert_str_eq(setting(sim, "eager_page_split"), "1");
	ck_assert_str_eq(setting(sim, "manual_dirty_log_protect"), "0");
	ck_assert_str_eq(setting(sim, "vcpus"), "1");
	tdpsim_sim_free(sim);
}
END_TEST

START_TEST(a_pinned_setting_ignores_trace_sets_and_reports_once)
{
	tdpsim_sim *sim = new_sim();

	ck_assert_int_eq(tdpsim_sim_set(sim, "nx_huge_pages", "force"), 0);
	ck_assert_int_eq(set(sim, "nx_huge_pages", "off"), 0);
	ck_assert_int_eq(set(sim, "nx_huge_pages", "never"), 0);
	ck_assert_str_eq(setting(sim, "nx_huge_pages"), "force");
	ck_assert_uint_eq(tdpsim_sim_notice_count(sim), 1);
	ck_assert_ptr_nonnull(strstr(tdpsim_sim_notice(sim, 0), "nx_huge_pages=off"));
	ck_assert_ptr_nonnull(strstr(tdpsim_sim_notice(sim, 0), "pinned to force"));
	/* an unpinned setting still follows the trace */
	ck_assert_int_eq(set(sim, "eager_page_split", "0"), 0);
	ck_assert_str_eq(setting(sim, "eager_page_split"), "0");
	tdpsim_sim_free(sim);
}
END_TEST

START_TEST(options_pin_like_set)
{
	tdpsim_options o = TDPSIM_OPTIONS_INIT;
	tdpsim_sim *sim;

	o.vcpus = 4;
	o.mmu = "shadow";
	ck_assert_int_eq(tdpsim_sim_new(&sim, &o), 0);
	ck_assert_int_eq(set(sim, "vcpus", "2"), 0);
	ck_assert_str_eq(setting(sim, "vcpus"), "4");
	ck_assert_str_eq(setting(sim, "mmu"), "shadow");
	tdpsim_sim_free(sim);
	o.cpu = "pentium-pro";
	ck_assert_int_eq(tdpsim_sim_new(&sim, &o), TDPSIM_ENOTFOUND);
	ck_assert_ptr_null(sim);
}
END_TEST

START_TEST(bad_settings_are_refused_with_their_name)
{
	tdpsim_sim *sim = new_sim();

	ck_assert_int_eq(set(sim, "nx_hugepages", "off"), TDPSIM_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "unknown setting 'nx_hugepages'"));
	ck_assert_int_eq(set(sim, "nx_huge_pages", "sometimes"), TDPSIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "off|force|auto|never"));
	ck_assert_int_eq(set(sim, "vcpus", "0"), TDPSIM_EINPUT);
	ck_assert_int_eq(set(sim, "manual_dirty_log_protect", "2"), TDPSIM_EINPUT);
	/* KVM's parameter also takes a boolean: y means force */
	ck_assert_int_eq(set(sim, "nx_huge_pages", "Y"), 0);
	ck_assert_str_eq(setting(sim, "nx_huge_pages"), "force");
	tdpsim_sim_free(sim);
}
END_TEST

START_TEST(machine_settings_are_fixed_once_the_machine_starts)
{
	tdpsim_sim *sim = new_sim();

	ck_assert_int_eq(set(sim, "vcpus", "2"), 0);
	ck_assert_int_eq(mark(sim, "before"), 0); /* marks do not start the machine */
	ck_assert_int_eq(set(sim, "cpu", "icelake-server"), 0); /* a part with LA57 */
	ck_assert_int_eq(set(sim, "guest_paging_levels", "5"), 0);
	ck_assert_int_eq(memslot(sim, 0, 0, 1 << 20, 0x100000, 0), 0);
	ck_assert_int_eq(set(sim, "vcpus", "4"), TDPSIM_EINPUT);
	ck_assert_int_eq(set(sim, "guest_paging_levels", "4"), TDPSIM_EINPUT);
	ck_assert_int_eq(set(sim, "vcpus", "2"), 0); /* the same value is no change */
	ck_assert_int_eq(set(sim, "nx_huge_pages", "off"), 0); /* a module parameter may change */
	tdpsim_sim_free(sim);
}
END_TEST

START_TEST(memslots_follow_kvms_rules)
{
	tdpsim_sim *sim = new_sim();
	tdpsim_stats st;

	ck_assert_int_eq(memslot(sim, 0, 0, 1ull << 30, 0x7f0000000000ull, 0), 0);
	ck_assert_int_eq(memslot(sim, 1, 4ull << 30, 2ull << 30, 0x7f8000000000ull, 0), 0);
	tdpsim_sim_stats(sim, &st);
	ck_assert_uint_eq(st.memslots, 2);
	ck_assert_uint_eq(st.memslot_pages, 3 * 262144);
	/* overlap */
	ck_assert_int_eq(memslot(sim, 2, 5ull << 30, 1ull << 30, 0x7fc000000000ull, 0),
			 TDPSIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "overlaps memslot 1"));
	/* not page aligned */
	ck_assert_int_eq(memslot(sim, 2, 0x40001000, 0x800, 0x1000, 0), TDPSIM_EINPUT);
	/* an existing slot may move ... */
	ck_assert_int_eq(memslot(sim, 0, 8ull << 30, 1ull << 30, 0x7f0000000000ull, 0), 0);
	/* ... and change dirty logging, but not its size or hva */
	ck_assert_int_eq(memslot(sim, 0, 8ull << 30, 1ull << 30, 0x7f0000000000ull,
				 TDPSIM_MEM_LOG_DIRTY_PAGES), 0);
	ck_assert_int_eq(memslot(sim, 0, 8ull << 30, 2ull << 30, 0x7f0000000000ull, 0),
			 TDPSIM_EINPUT);
	ck_assert_int_eq(memslot(sim, 0, 8ull << 30, 1ull << 30, 0x7e0000000000ull, 0),
			 TDPSIM_EINPUT);
	/* the old range is free after the move */
	ck_assert_int_eq(memslot(sim, 2, 0, 1ull << 30, 0x7fc000000000ull, 0), 0);
	/* delete */
	ck_assert_int_eq(memslot(sim, 1, 0, 0, 0, 0), 0);
	ck_assert_int_eq(memslot(sim, 1, 0, 0, 0, 0), TDPSIM_EINPUT);
	tdpsim_sim_stats(sim, &st);
	ck_assert_uint_eq(st.memslots, 2);
	ck_assert_uint_eq(st.memslot_pages, 2 * 262144);
	tdpsim_sim_free(sim);
}
END_TEST

START_TEST(a_rejected_event_leaves_the_machine_unchanged)
{
	tdpsim_sim *sim = new_sim();
	tdpsim_event ev = { .cmd = TDPSIM_CMD_ACCESS };
	tdpsim_stats before, after;

	ck_assert_int_eq(memslot(sim, 0, 0, 1ull << 30, 0x7f0000000000ull, 0), 0);
	tdpsim_sim_stats(sim, &before);
	ev.u.access.vcpu = 1; /* only vcpu 0 exists */
	ck_assert_int_eq(tdpsim_sim_apply(sim, &ev), TDPSIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "vcpu 1 does not exist"));
	ck_assert_int_eq(memslot(sim, 1, 0, 4096, 0, 0), TDPSIM_EINPUT);
	tdpsim_sim_stats(sim, &after);
	ck_assert_int_eq(memcmp(&before, &after, sizeof(before)), 0);
	ck_assert_uint_eq(before.events, 1);
	tdpsim_sim_free(sim);
}
END_TEST

START_TEST(dirty_log_commands_check_the_slot_as_kvm_does)
{
	tdpsim_sim *sim = new_sim();
	tdpsim_event get = { .cmd = TDPSIM_CMD_GET_DIRTY_LOG };
	tdpsim_event clear = { .cmd = TDPSIM_CMD_CLEAR_DIRTY_LOG };
	tdpsim_event on = { .cmd = TDPSIM_CMD_DIRTY_LOG };

	ck_assert_int_eq(set(sim, "manual_dirty_log_protect", "1"), 0);
	ck_assert_int_eq(memslot(sim, 3, 0, 1ull << 30, 0x7f0000000000ull, 0), 0);
	get.u.get_dirty_log.slot = 3;
	ck_assert_int_eq(tdpsim_sim_apply(sim, &get), TDPSIM_EINPUT); /* not logging: ENOENT */
	on.u.dirty_log.slot = 3;
	on.u.dirty_log.on = 1;
	ck_assert_int_eq(tdpsim_sim_apply(sim, &on), 0);
	ck_assert_int_eq(tdpsim_sim_apply(sim, &get), 0);
	clear.u.clear_dirty_log.slot = 3;
	clear.u.clear_dirty_log.first = 64;
	clear.u.clear_dirty_log.num = 128;
	ck_assert_int_eq(tdpsim_sim_apply(sim, &clear), 0);
	clear.u.clear_dirty_log.first = 32; /* not 64-aligned */
	ck_assert_int_eq(tdpsim_sim_apply(sim, &clear), TDPSIM_EINPUT);
	clear.u.clear_dirty_log.first = 64;
	clear.u.clear_dirty_log.num = 100; /* not whole chunks, and not to the end */
	ck_assert_int_eq(tdpsim_sim_apply(sim, &clear), TDPSIM_EINPUT);
	clear.u.clear_dirty_log.num = 262144 - 64; /* to the end: any count */
	ck_assert_int_eq(tdpsim_sim_apply(sim, &clear), 0);
	clear.u.clear_dirty_log.num = 262144; /* past the end */
	ck_assert_int_eq(tdpsim_sim_apply(sim, &clear), TDPSIM_EINPUT);
	tdpsim_sim_free(sim);
	/* without KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, KVM_CLEAR_DIRTY_LOG is EINVAL */
	sim = new_sim();
	ck_assert_int_eq(memslot(sim, 3, 0, 1ull << 30, 0x7f0000000000ull,
				 TDPSIM_MEM_LOG_DIRTY_PAGES), 0);
	clear.u.clear_dirty_log.first = 0;
	clear.u.clear_dirty_log.num = 64;
	ck_assert_int_eq(tdpsim_sim_apply(sim, &clear), TDPSIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "manual_dirty_log_protect"));
	tdpsim_sim_free(sim);
}
END_TEST

START_TEST(marks_keep_snapshots_in_order)
{
	tdpsim_sim *sim = new_sim();
	tdpsim_event sweep = { .cmd = TDPSIM_CMD_SWEEP };
	tdpsim_event adv = { .cmd = TDPSIM_CMD_ADVANCE };
	tdpsim_stats st;
	const char *label;

	sweep.u.sweep.gva = 0x1000;
	sweep.u.sweep.len = 1ull << 21;
	sweep.u.sweep.stride = 4096;
	sweep.u.sweep.repeat = 3;
	sweep.u.sweep.op = TDPSIM_OP_WRITE;
	ck_assert_int_eq(mark(sim, "start"), 0);
	ck_assert_int_eq(tdpsim_sim_apply(sim, &sweep), 0);
	adv.u.advance.ns = 5000;
	ck_assert_int_eq(tdpsim_sim_apply(sim, &adv), 0);
	ck_assert_int_eq(mark(sim, "after sweep"), 0);
	ck_assert_uint_eq(tdpsim_sim_mark_count(sim), 2);
	ck_assert_int_eq(tdpsim_sim_mark(sim, 0, &label, &st), 0);
	ck_assert_str_eq(label, "start");
	ck_assert_uint_eq(st.events, 1);
	ck_assert_uint_eq(st.accesses, 0);
	ck_assert_int_eq(tdpsim_sim_mark(sim, 1, &label, &st), 0);
	ck_assert_str_eq(label, "after sweep");
	ck_assert_uint_eq(st.events, 4);
	ck_assert_uint_eq(st.accesses, 3 * 512); /* 2M / 4K steps, three times */
	ck_assert_uint_eq(st.accesses_write, 3 * 512);
	ck_assert_uint_eq(st.sim_ns, 5000);
	ck_assert_int_eq(tdpsim_sim_mark(sim, 2, &label, &st), TDPSIM_EINVAL);
	tdpsim_sim_free(sim);
}
END_TEST

START_TEST(the_digest_is_equal_for_equal_runs_and_differs_otherwise)
{
	tdpsim_sim *a = new_sim(), *b = new_sim(), *c = new_sim();

	for (int i = 0; i < 3; i++) {
		tdpsim_sim *s = i == 0 ? a : i == 1 ? b : c;

		ck_assert_int_eq(memslot(s, 0, 0, 1ull << 30, 0x7f0000000000ull, 0), 0);
		ck_assert_int_eq(mark(s, i == 2 ? "other" : "same"), 0);
	}
	ck_assert_uint_eq(tdpsim_sim_digest(a), tdpsim_sim_digest(b));
	ck_assert_uint_ne(tdpsim_sim_digest(a), tdpsim_sim_digest(c));
	ck_assert_int_eq(set(b, "nx_huge_pages", "off"), 0); /* a setting is part of it */
	ck_assert_uint_ne(tdpsim_sim_digest(a), tdpsim_sim_digest(b));
	tdpsim_sim_free(a);
	tdpsim_sim_free(b);
	tdpsim_sim_free(c);
}
END_TEST

START_TEST(the_stats_table_names_every_counter_once)
{
	size_t n = tdpsim_stats_count();
	tdpsim_stats st;

	ck_assert_uint_eq(n * sizeof(uint64_t), sizeof(tdpsim_stats));
	memset(&st, 0, sizeof(st));
	st.recorded_faults = 42;
	ck_assert_int_ge(tdpsim_stats_find("recorded_faults"), 0);
	ck_assert_str_eq(tdpsim_stats_name((size_t)tdpsim_stats_find("recorded_faults")),
			 "recorded_faults");
	ck_assert_uint_eq(tdpsim_stats_value(&st, (size_t)tdpsim_stats_find("recorded_faults")), 42);
	ck_assert_int_eq(tdpsim_stats_find("nope"), TDPSIM_ENOTFOUND);
	ck_assert_ptr_null(tdpsim_stats_name(n));
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			ck_assert_str_ne(tdpsim_stats_name(i), tdpsim_stats_name(j));
}
END_TEST

static int g_cancel_after;

static int cancel_cb(uint64_t events, uint64_t read, uint64_t total, void *payload)
{
	(void)read;
	(void)total;
	(void)payload;
	return events >= (uint64_t)g_cancel_after;
}

START_TEST(a_progress_callback_sees_progress_and_can_stop_the_replay)
{
	const char *dir = scratch_dir();
	char path[512];
	tdpsim_trace_writer *w;
	tdpsim_trace *t;
	tdpsim_sim *sim = new_sim();
	tdpsim_event ev = { .cmd = TDPSIM_CMD_ACCESS };

	snprintf(path, sizeof(path), "%s/p.tdpb", dir);
	ck_assert_int_eq(tdpsim_trace_writer_new(&w, path), 0);
	for (int i = 0; i < 200000; i++) {
		ev.u.access.gva = 4096ull * (uint64_t)i;
		ev.u.access.cpl = 3;
		ck_assert_int_eq(tdpsim_trace_write(w, &ev), 0);
	}
	ck_assert_int_eq(tdpsim_trace_writer_close(w), 0);
	ck_assert_int_eq(tdpsim_trace_open(&t, path), 0);
	g_cancel_after = 100000;
	ck_assert_int_eq(tdpsim_sim_replay(sim, t, cancel_cb, NULL), TDPSIM_ECANCELED);
	tdpsim_trace_free(t);
	tdpsim_sim_free(sim);
}
END_TEST

/* In-sweep reports: how many came during event 7 (the sweep), and whether to stop there. */
static int g_during_sweep, g_stop_in_sweep;

static int sweep_cb(uint64_t events, uint64_t read, uint64_t total, void *payload)
{
	(void)read;
	(void)total;
	(void)payload;
	if (events == 6) /* six events applied: the sweep is running */
		g_during_sweep++;
	return events == 6 && g_stop_in_sweep;
}

/* One sweep of 2^22 accesses is one event: the callback still comes every 2^20 accesses
 * inside it (PROGRESS_ACCESSES), 4 times, and stopping there ends the sweep 2^20 accesses in. */
START_TEST(a_progress_callback_comes_inside_a_long_sweep_and_can_stop_it)
{
	const char *dir = scratch_dir();
	const char *path = write_file(dir, "s.tdpt",
				      "tdpsim-trace 1\n"
				      "memslot slot=0 gpa=0 size=2M hva=0x7e0000000000\n"
				      "backing hva=0x7e0000000000 size=2M kind=4k\n"
				      "guest-pt gpa=0 size=2M\n"
				      "memslot slot=1 gpa=1G size=1G hva=0x7f0000000000\n"
				      "backing hva=0x7f0000000000 size=1G kind=hugetlb2m populate=1\n"
				      "guest-map gva=1G gpa=1G size=16M page=2m prot=rw user=1\n"
				      "sweep vcpu=0 gva=1G len=16M stride=4 op=r\n");
	tdpsim_stats st;
	tdpsim_trace *t;
	tdpsim_sim *sim = new_sim();

	g_during_sweep = g_stop_in_sweep = 0;
	ck_assert_int_eq(tdpsim_trace_open(&t, path), 0);
	ck_assert_int_eq(tdpsim_sim_replay(sim, t, sweep_cb, NULL), 7);
	ck_assert_int_ge(g_during_sweep, 4); /* 2^22 / 2^20, and the report after the event */
	tdpsim_trace_free(t);
	tdpsim_sim_free(sim);

	sim = new_sim();
	g_during_sweep = 0;
	g_stop_in_sweep = 1;
	ck_assert_int_eq(tdpsim_trace_open(&t, path), 0);
	ck_assert_int_eq(tdpsim_sim_replay(sim, t, sweep_cb, NULL), TDPSIM_ECANCELED);
	tdpsim_sim_stats(sim, &st);
	ck_assert_uint_eq(st.accesses, 1u << 20);
	tdpsim_trace_free(t);
	tdpsim_sim_free(sim);
}
END_TEST

static int apply_text(tdpsim_sim *sim, const char *dir, const char *text)
{
	const char *path = write_file(dir, "t.tdpt", text);
	tdpsim_trace *t;
	int64_t n;

	ck_assert_int_eq(tdpsim_trace_open(&t, path), 0);
	n = tdpsim_sim_replay(sim, t, NULL, NULL);
	tdpsim_trace_free(t);
	return n < 0 ? (int)n : 0;
}

/*
 * kvm_mmu_zap_all_fast on the TDP MMU by release (profile tdp_fast_zap), when a slot that
 * maps something is deleted: 5.10's kvm_tdp_mmu_zap_all zaps in place and flushes; 5.13's
 * fast invalidation zaps the invalidated roots and flushes; from 5.18 the invalid roots are
 * unreachable and nothing is flushed.  Either way every mapping is gone.
 */
static void fast_zap_by_release(const char *kvm, uint64_t want_flushes)
{
	tdpsim_options o = TDPSIM_OPTIONS_INIT;
	const char *dir = scratch_dir();
	tdpsim_sim *sim;
	tdpsim_stats st;

	o.check = 1;
	o.kvm = kvm;
	ck_assert_int_eq(tdpsim_sim_new(&sim, &o), 0);
	ck_assert_int_eq(apply_text(sim, dir,
		"tdpsim-trace 1\n"
		"set tdp_mmu=1 vcpus=2\n"
		"memslot slot=0 gpa=0 size=1G hva=0x7f0000000000\n"
		"backing hva=0x7f0000000000 size=1G kind=hugetlb2m populate=1\n"
		"fault vcpu=0 gpa=0x200000 err=0x4\n"
		"fault vcpu=1 gpa=0x400000 err=0x4\n"
		"memslot slot=0 size=0\n"), 0);
	tdpsim_sim_stats(sim, &st);
	ck_assert_uint_eq(st.pages_2m, 0);
	ck_assert_uint_eq(st.tdp_mmu_pages, 0);
	ck_assert_msg(st.remote_tlb_flush_requests == want_flushes, "kvm=%s: %" PRIu64 " flushes",
		      kvm, st.remote_tlb_flush_requests);
	tdpsim_sim_free(sim);
}

START_TEST(a_fast_zap_flushes_the_vms_tlbs_only_before_5_18)
{
	fast_zap_by_release("5.10", 1);
	fast_zap_by_release("5.15", 1);
	fast_zap_by_release("6.1", 0);
	fast_zap_by_release("6.18", 0);
}
END_TEST

/* Enabling dirty logging on a slot with nothing mapped: before 6.1 the write-protect helper
 * flushes only if it changed an SPTE - none here; 6.1 "Always flush TLBs when enabling
 * dirty logging" flushes once regardless (x86.c kvm_mmu_slot_apply_flags). */
static void log_enable_flushes(const char *kvm, uint64_t want)
{
	tdpsim_options o = TDPSIM_OPTIONS_INIT;
	tdpsim_sim *sim;
	tdpsim_stats st;

	o.kvm = kvm;
	ck_assert_int_eq(tdpsim_sim_new(&sim, &o), 0);
	ck_assert_int_eq(apply_text(sim, scratch_dir(),
		"tdpsim-trace 1\n"
		"set tdp_mmu=1 pml=0\n"
		"memslot slot=0 gpa=0 size=2M hva=0x7f0000000000\n"
		"backing hva=0x7f0000000000 size=2M kind=4k\n"
		"dirty-log slot=0 on\n"), 0);
	tdpsim_sim_stats(sim, &st);
	ck_assert_msg(st.remote_tlb_flush_requests == want, "kvm=%s: %" PRIu64 " flushes", kvm,
		      st.remote_tlb_flush_requests);
	tdpsim_sim_free(sim);
}

START_TEST(enabling_dirty_logging_with_nothing_mapped_flushes_only_from_6_1)
{
	log_enable_flushes("5.10", 0);
	log_enable_flushes("5.15", 0);
	log_enable_flushes("6.1", 1);
	log_enable_flushes("6.18", 1);
}
END_TEST

START_TEST(changing_nx_huge_pages_at_run_time_zaps_every_mapping)
{
	tdpsim_options o = TDPSIM_OPTIONS_INIT;
	const char *dir = scratch_dir();
	tdpsim_sim *sim;
	tdpsim_stats st;

	o.check = 1; /* an executable huge leaf left behind would fail the invariants */
	ck_assert_int_eq(tdpsim_sim_new(&sim, &o), 0);
	ck_assert_int_eq(apply_text(sim, dir,
		"tdpsim-trace 1\n"
		"set nx_huge_pages=off\n"
		"memslot slot=0 gpa=0 size=1G hva=0x7f0000000000\n"
		"backing hva=0x7f0000000000 size=1G kind=hugetlb2m populate=1\n"
		"fault vcpu=0 gpa=0x200000 err=0x4\n"       /* read: an executable 2M leaf */
		"fault vcpu=0 gpa=0x400000 err=0x14\n"), 0); /* fetch: another, NX is off */
	tdpsim_sim_stats(sim, &st);
	ck_assert_uint_eq(st.pages_2m, 2);
	ck_assert_uint_eq(st.remote_tlb_flush_requests, 0);
	/* set_nx_huge_pages: every mapping goes (kvm_mmu_zap_all_fast).  6.18 invalidates the
	 * roots and zaps them without a flush: the vCPUs load new roots, whose EPT context
	 * kvm_mmu_load flushes (a_fast_zap_flushes_the_vms_tlbs_only_before_5_18). */
	ck_assert_int_eq(set(sim, "nx_huge_pages", "force"), 0);
	tdpsim_sim_stats(sim, &st);
	ck_assert_uint_eq(st.pages_2m, 0);
	ck_assert_uint_eq(st.tdp_mmu_pages, 0);
	ck_assert_uint_eq(st.remote_tlb_flush_requests, 0);
	/* the same value again changes nothing */
	ck_assert_int_eq(set(sim, "nx_huge_pages", "y"), 0);
	tdpsim_sim_stats(sim, &st);
	ck_assert_uint_eq(st.remote_tlb_flush_requests, 0);
	/* now a fetch maps 4K under an NX-tagged, tracked table */
	ck_assert_int_eq(apply_text(sim, dir, "tdpsim-trace 1\nfault vcpu=0 gpa=0x400000 err=0x14\n"),
			 0);
	tdpsim_sim_stats(sim, &st);
	ck_assert_uint_eq(st.pages_4k, 1);
	ck_assert_uint_eq(st.nx_lpage_splits, 1);
	/* and switching it off zaps that too, the NX list with it */
	ck_assert_int_eq(set(sim, "nx_huge_pages", "off"), 0);
	tdpsim_sim_stats(sim, &st);
	ck_assert_uint_eq(st.pages_4k, 0);
	ck_assert_uint_eq(st.nx_lpage_splits, 0);
	ck_assert_uint_eq(st.remote_tlb_flush_requests, 0);
	tdpsim_sim_free(sim);
}
END_TEST

/* A trace mapping one guest page whose four table pages lie in slot 0 (4K, populated). */
#define GPTE_SETUP \
	"tdpsim-trace 1\n" \
	"set pml=0\n" \
	"memslot slot=0 gpa=0 size=2M hva=0x7e0000000000\n" \
	"backing hva=0x7e0000000000 size=2M kind=4k populate=1\n" \
	"guest-pt gpa=0 size=2M\n" \
	"guest-map gva=0x40000000 gpa=0x100000 size=4K page=4k prot=rw\n"

START_TEST(a_gpte_write_is_a_guest_store_that_ept_faults_in_and_dirty_logging_logs)
{
	const char *dir = scratch_dir();
	tdpsim_sim *sim = new_sim();
	tdpsim_stats st;

	/* No access yet: the PT page holding the entry is not in EPT, so the store takes one
	 * EPT violation and KVM maps that page 4K - nothing else (the other tables untouched). */
	ck_assert_int_eq(apply_text(sim, dir, GPTE_SETUP
		"gpte vcpu=0 gva=0x40000000 level=1 value=0x100007\n"), 0);
	tdpsim_sim_stats(sim, &st);
	ck_assert_uint_eq(st.pf_taken, 1);
	ck_assert_uint_eq(st.pf_fixed, 1);
	ck_assert_uint_eq(st.pages_4k, 1);
	/* Logged (write protection, pml=0): the store faults on the protected leaf, the fast
	 * path unprotects it and marks the page dirty; GET reports that one page. */
	ck_assert_int_eq(apply_text(sim, dir, "tdpsim-trace 1\n"
		"dirty-log slot=0 on\n"
		"gpte vcpu=0 gva=0x40000000 level=1 value=0x100007\n"
		"get-dirty-log slot=0\n"), 0);
	tdpsim_sim_stats(sim, &st);
	ck_assert_uint_eq(st.pf_taken, 2);
	ck_assert_uint_eq(st.pf_fast, 1);
	ck_assert_uint_eq(st.dirty_pages, 1);
	tdpsim_sim_free(sim);
}
END_TEST

START_TEST(host_kernel_auto_follows_the_kernel_profile_and_a_given_release_wins)
{
	const char *dir = scratch_dir();
	/* One 2M THP range read (the huge zero page, mapped 2M) then written: from host 6.13 a
	 * THP replaces it (KVM maps 2M again), before it the host splits and KVM maps 4K.  The
	 * write's faultin breaks the zero page under KVM's notifier, so that fault retries and
	 * the guest's refault (the third line) maps. */
	const char *trace = "tdpsim-trace 1\n"
		"memslot slot=0 gpa=0 size=2M hva=0x7f0000000000\n"
		"backing hva=0x7f0000000000 size=2M kind=thp\n"
		"fault vcpu=0 gpa=0x1000 err=0x4\n"
		"fault vcpu=0 gpa=0x1000 err=0x6\n"
		"fault vcpu=0 gpa=0x1000 err=0x6\n";
	static const struct {
		const char *kvm, *host;
		uint64_t pages_2m, pages_4k;
	} cases[] = {
		{ "6.18", "auto", 1, 0 }, { "6.12", "auto", 0, 1 }, { "5.15", "auto", 0, 1 },
		{ "6.12", "6.13", 1, 0 }, { "6.18", "6.12", 0, 1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tdpsim_sim *sim = new_sim();
		tdpsim_stats st;

		ck_assert_int_eq(set(sim, "kvm", cases[i].kvm), 0);
		ck_assert_int_eq(set(sim, "host_kernel", cases[i].host), 0);
		ck_assert_str_eq(setting(sim, "host_kernel"), cases[i].host);
		ck_assert_int_eq(apply_text(sim, dir, trace), 0);
		tdpsim_sim_stats(sim, &st);
		ck_assert_msg(st.pages_2m == cases[i].pages_2m && st.pages_4k == cases[i].pages_4k,
			      "kvm=%s host_kernel=%s: pages_2m=%llu pages_4k=%llu", cases[i].kvm,
			      cases[i].host, (unsigned long long)st.pages_2m,
			      (unsigned long long)st.pages_4k);
		tdpsim_sim_free(sim);
	}
}
END_TEST

/*
 * The host's paging depth is its own (host_paging_levels): on sapphire-rapids (LA57) auto is
 * 5-level, as a kernel without no5lvl boots.  Each fault walks the host tables twice - GUP
 * in hva_to_pfn, host_pfn_mapping_level in kvm_mmu_hugepage_adjust - to a PTE of the 4K
 * backing: 5 entries a walk on the 5-level host, 4 on the 4-level one.  KVM's measured
 * faultin and hugepage-adjust costs hold a 4-level walk, so the 5-level host costs
 * cyc_walk_ref_cached (16 on sapphire-rapids) more a walk, in cycles_kvm.  Intel's EPT
 * depth does not follow the host's: 5-level in both (guest MAXPHYADDR 52).
 */
START_TEST(a_5_level_host_reads_one_more_entry_in_each_of_kvms_host_walks)
{
	const char *dir = scratch_dir();
	const char *trace = "tdpsim-trace 4\n"
		"set cpu=sapphire-rapids\n"
		"memslot slot=0 gpa=0 size=2M hva=0x7f0000000000\n"
		"backing hva=0x7f0000000000 size=2M kind=4k populate=1\n"
		"fault vcpu=0 gpa=0x1000 err=0x6\n"
		"fault vcpu=0 gpa=0x2000 err=0x6\n"
		"fault vcpu=0 gpa=0x3000 err=0x6\n";
	static const char *const levels[] = { "auto", "4" };
	tdpsim_stats st[2];

	for (int i = 0; i < 2; i++) {
		tdpsim_sim *sim = new_sim();

		ck_assert_int_eq(set(sim, "host_paging_levels", levels[i]), 0);
		ck_assert_int_eq(apply_text(sim, dir, trace), 0);
		ck_assert_str_eq(resolved(sim, "host_paging_levels"), i ? "4" : "5");
		tdpsim_sim_stats_sized(sim, &st[i], sizeof(st[i]));
		tdpsim_sim_free(sim);
	}
	ck_assert_uint_eq(st[0].host_walk_refs, 3 * 2 * 5);
	ck_assert_uint_eq(st[1].host_walk_refs, 3 * 2 * 4);
	ck_assert_uint_eq(st[0].mmu_root_level, 5);
	ck_assert_uint_eq(st[1].mmu_root_level, 5);
	ck_assert_uint_eq(st[0].cycles_kvm - st[1].cycles_kvm, 3 * 2 * 16);
	ck_assert_uint_eq(st[0].pages_4k, 3);
}
END_TEST

/*
 * The legacy TDP MMU without EPT A/D: kvm_rmap_age_gfn_range access-tracks the rmaps'
 * SPTEs, and fast_page_fault (which serves the rmap-based direct MMU too) restores each at
 * the guest's next access.  16 pages written, then reclaim's clear_flush_young - on 6.12 a
 * flush for each young 4K folio, so the reads that follow miss the TLBs - finds 16 young;
 * the 16 reads are 16 fast faults (RET_PF_FIXED: pf_fixed too); test_young then finds 16
 * young; clear_young finds 16 young and test_young after it 16 old.
 */
START_TEST(the_legacy_tdp_mmu_access_tracks_without_ept_ad_and_the_fast_path_restores)
{
	const char *dir = scratch_dir();
	const char *trace = "tdpsim-trace 5\n"
		"set kvm=6.12 tdp_mmu=0 ept_ad=0 nx_huge_pages=off\n"
		"memslot slot=0 gpa=0 size=2M hva=0x7e0000000000\n"
		"backing hva=0x7e0000000000 size=2M kind=4k populate=1\n"
		"guest-pt gpa=0 size=2M\n"
		"memslot slot=1 gpa=1G size=2M hva=0x7f0000000000\n"
		"backing hva=0x7f0000000000 size=2M kind=4k populate=1\n"
		"guest-map gva=0x40000000 gpa=0x40000000 size=64K page=4k user=1\n"
		"sweep vcpu=0 gva=0x40000000 len=64K stride=4K op=w\n"
		"host-age hva=0x7f0000000000 size=64K op=clear-flush\n"
		"sweep vcpu=0 gva=0x40000000 len=64K stride=4K op=r\n"
		"host-age hva=0x7f0000000000 size=64K op=test\n"
		"host-age hva=0x7f0000000000 size=64K op=clear\n"
		"host-age hva=0x7f0000000000 size=64K op=test\n";
	tdpsim_sim *sim = new_sim();
	tdpsim_stats st;

	ck_assert_int_eq(apply_text(sim, dir, trace), 0);
	tdpsim_sim_stats_sized(sim, &st, sizeof(st));
	ck_assert_uint_eq(st.pf_fast, 16);
	ck_assert_uint_eq(st.age_young_pages, 16 + 16 + 16);
	ck_assert_uint_eq(st.age_old_pages, 16);
	ck_assert_uint_gt(st.shadow_mmu_pages, 0); /* the rmap-based MMU did it */
	tdpsim_sim_free(sim);
}
END_TEST

/* ---- replay's fast path for compact access records ---- */

static void count_event(uint64_t index, const tdpsim_event *ev, void *payload)
{
	(void)index;
	(void)ev;
	(*(uint64_t *)payload)++;
}

/*
 * A VM of two vCPUs over 2M host pages, with 4K guest data and code on a 2M guest page, and
 * accesses by both vCPUs at random: reads, writes and fetches at cpl 0 and 3 (so TLB hits and
 * misses, STLB hits, walks, EPT violations, NX splits that the recovery worker undoes, guest
 * #PFs on the supervisor-only page), with INVLPGs, marks and clock advances between them.
 * The last access, when bad_vcpu, names vCPU 7.
 */
static void write_mixed_trace(const char *path, bool bad_vcpu)
{
	static const char *const setup =
		"tdpsim-trace 1\n"
		"set vcpus=2 nx_huge_pages=force\n"
		"memslot slot=0 gpa=0 size=64M hva=0x7f0000000000\n"
		"backing hva=0x7f0000000000 size=64M kind=hugetlb2m populate=1\n"
		"guest-pt gpa=0x3f00000 size=1M\n"
		"guest-map gva=0x40000000 gpa=0x0 size=8M page=4k prot=rw user=1\n"
		"guest-map gva=0x50000000 gpa=0x1000000 size=4K page=4k prot=rw user=0\n"
		"guest-map gva=0x60000000 gpa=0x2000000 size=2M page=2m prot=rx user=1\n";
	const char *dir = scratch_dir();
	tdpsim_trace *t;
	tdpsim_trace_writer *w;
	tdpsim_event ev;
	uint64_t rng = 0x5eed;
	int rc;

	ck_assert_int_eq(tdpsim_trace_open(&t, write_file(dir, "setup.tdpt", setup)), 0);
	ck_assert_int_eq(tdpsim_trace_writer_new(&w, path), 0);
	while ((rc = tdpsim_trace_next(t, &ev)) > 0)
		ck_assert_int_eq(tdpsim_trace_write(w, &ev), 0);
	ck_assert_int_eq(rc, 0);
	tdpsim_trace_free(t);
	for (int i = 0; i < 60000; i++) {
		uint64_t r = rng_next(&rng);

		memset(&ev, 0, sizeof(ev));
		if (r % 997 == 0) {
			ev.cmd = TDPSIM_CMD_INVLPG;
			ev.u.invlpg.vcpu = (uint32_t)(r >> 8) & 1;
			ev.u.invlpg.gva = 0x40000000 + ((r >> 16) % 2048) * 4096;
		} else if (r % 4999 == 0) {
			ev.cmd = TDPSIM_CMD_MARK;
			ev.u.mark.label = "m";
		} else if (r % 3001 == 0) {
			ev.cmd = TDPSIM_CMD_ADVANCE;
			ev.u.advance.ns = 10000000000ull; /* 10 s: the NX recovery worker runs */
		} else {
			unsigned kind = (unsigned)(r >> 8) % 8;

			ev.cmd = TDPSIM_CMD_ACCESS;
			ev.u.access.vcpu = (uint32_t)(r >> 12) & 1;
			ev.u.access.cpl = (r >> 13) & 1 ? 3 : 0;
			/* a few hot pages, so that most accesses hit */
			ev.u.access.gva = 0x40000000 + ((r >> 16) % ((r >> 40) % 4 ? 24 : 2048)) * 4096 +
					  ((r >> 30) & 0xfc0);
			ev.u.access.op = kind < 5 ? TDPSIM_OP_READ : TDPSIM_OP_WRITE;
			if (kind == 7) { /* code */
				ev.u.access.op = TDPSIM_OP_EXEC;
				ev.u.access.gva = 0x60000000 + ((r >> 16) % 512) * 4096;
			} else if (kind == 6 && (r >> 20) % 16 == 0) { /* the supervisor page */
				ev.u.access.gva = 0x50000000;
			}
		}
		ck_assert_int_eq(tdpsim_trace_write(w, &ev), 0);
	}
	if (bad_vcpu) {
		memset(&ev, 0, sizeof(ev));
		ev.cmd = TDPSIM_CMD_ACCESS;
		ev.u.access.vcpu = 7;
		ev.u.access.gva = 0x40000000;
		ck_assert_int_eq(tdpsim_trace_write(w, &ev), 0);
	}
	ck_assert_int_eq(tdpsim_trace_writer_close(w), 0);
}

/* How a test replays a trace: by tdpsim_sim_replay (the fast path takes compact accesses),
 * by it with an on_event hook (which needs every event: the fast path is off), or event by
 * event with tdpsim_sim_apply. */
enum replay_way { BY_REPLAY, BY_REPLAY_WITH_HOOK, BY_APPLY };

static tdpsim_sim *replay_way(const char *path, enum replay_way way, int64_t *rc_out,
			      char *msg, size_t msg_size)
{
	tdpsim_sim *sim = new_sim();
	tdpsim_hooks hooks = { .version = TDPSIM_HOOKS_VERSION, .on_event = count_event };
	uint64_t seen = 0;
	tdpsim_trace *t;
	tdpsim_event ev;
	int64_t rc = 0;

	ck_assert_int_eq(tdpsim_trace_open(&t, path), 0);
	if (way == BY_APPLY) {
		while ((rc = tdpsim_trace_next(t, &ev)) > 0 && (rc = tdpsim_sim_apply(sim, &ev)) >= 0)
			;
	} else {
		hooks.payload = &seen;
		if (way == BY_REPLAY_WITH_HOOK)
			ck_assert_int_eq(tdpsim_sim_set_hooks(sim, &hooks), 0);
		rc = tdpsim_sim_replay(sim, t, NULL, NULL);
	}
	if (way == BY_REPLAY_WITH_HOOK && rc >= 0)
		ck_assert_uint_eq(seen, (uint64_t)rc);
	*rc_out = rc;
	if (msg)
		snprintf(msg, msg_size, "%s", rc < 0 ? tdpsim_error_last()->message : "");
	tdpsim_trace_free(t);
	return sim;
}

START_TEST(replaying_compact_accesses_matches_applying_each_event)
{
	static const char *const names[] = { "mixed.tdpb", "mixed.tdpb.gz", "mixed.tdpt" };
	const char *dir = scratch_dir();
	char path[3][512];
	uint64_t want = 0;
	tdpsim_stats st;

	for (int f = 0; f < 3; f++) {
		snprintf(path[f], sizeof(path[f]), "%s/%s", dir, names[f]);
		write_mixed_trace(path[f], false);
	}
	for (int f = 0; f < 3; f++)
		for (int way = BY_REPLAY; way <= BY_APPLY; way++) {
			int64_t rc;
			tdpsim_sim *sim = replay_way(path[f], (enum replay_way)way, &rc, NULL, 0);
			uint64_t d = tdpsim_sim_digest(sim);

			ck_assert_int_ge(rc, 0);
			if (f == 0 && way == BY_REPLAY) {
				/* the run exercises what the fast path must get right */
				tdpsim_sim_stats(sim, &st);
				ck_assert_uint_gt(st.dtlb_hits_4k, 10000);
				ck_assert_uint_gt(st.dtlb_misses_4k, 100);
				ck_assert_uint_gt(st.itlb_hits_4k + st.itlb_misses_4k, 1000);
				ck_assert_uint_gt(st.stlb_hits, 0);
				ck_assert_uint_gt(st.guest_page_faults, 0);
				ck_assert_uint_gt(st.cycles_background, 0);
				ck_assert_uint_gt(st.host_pages_4k, 0);
				want = d;
			}
			ck_assert_msg(d == want, "%s, way %d: digest %016" PRIx64 ", want %016" PRIx64,
				      names[f], way, d, want);
			tdpsim_sim_free(sim);
		}
}
END_TEST

START_TEST(a_bad_compact_access_fails_at_its_record_on_every_path)
{
	char path[512], msg[3][512];
	const char *dir = scratch_dir();

	snprintf(path, sizeof(path), "%s/bad.tdpb", dir);
	write_mixed_trace(path, true);
	for (int way = BY_REPLAY; way <= BY_APPLY; way++) {
		int64_t rc;
		tdpsim_sim *sim = replay_way(path, (enum replay_way)way, &rc, msg[way],
					     sizeof(msg[way]));

		ck_assert_int_lt(rc, 0);
		tdpsim_sim_free(sim);
	}
	ck_assert_msg(strstr(msg[BY_REPLAY], "bad.tdpb: byte ") && strstr(msg[BY_REPLAY], "vcpu 7"),
		      "%s", msg[BY_REPLAY]);
	ck_assert_str_eq(msg[BY_REPLAY], msg[BY_REPLAY_WITH_HOOK]);
}
END_TEST

/* A binary trace written byte by byte: 300 compact reads by vCPU 0 (the machine starts at
 * the first, then replay's fast path takes them), one bad record, 100 more reads (so that the
 * bad one sits well inside the buffer, where the fast path looks at it first), and the end
 * record.  bad: 0 op 3, 1 a varint over 64 bits, 2 a non-canonical gva. */
static const char *write_bad_binary(const char *dir, int bad)
{
	static char path[512];
	unsigned char buf[4096];
	size_t n = 0;
	FILE *f;

	memcpy(buf, "TDPB\r\n\x1a\x01", 8);
	n = 8;
	for (int i = 0; i < 400; i++) {
		if (i == 300) {
			if (bad == 0) {
				buf[n++] = 0x83;
				buf[n++] = 0x02;
			} else if (bad == 1) {
				buf[n++] = 0x80;
				memset(buf + n, 0xff, 10);
				n += 10;
			} else { /* +2^56: zigzag 2^57, a 9-byte varint */
				uint64_t v = 1ull << 57;

				buf[n++] = 0x80;
				while (v >= 0x80) {
					buf[n++] = (unsigned char)(v | 0x80);
					v >>= 7;
				}
				buf[n++] = (unsigned char)v;
			}
			continue;
		}
		buf[n++] = 0x80;            /* vCPU 0, cpl 3, read */
		buf[n++] = 0x80 | 0x00;     /* +4096, zigzag 8192: 0x80 0x40 */
		buf[n++] = 0x40;
	}
	buf[n++] = 0x00;                    /* the end record, never reached */
	buf[n++] = 0x01;
	snprintf(path, sizeof(path), "%s/bad%d.tdpb", dir, bad);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

START_TEST(a_malformed_compact_record_fails_alike_on_the_fast_path)
{
	static const char *const want[] = { "byte 908: compact access with op 3",
					    "byte 908: malformed varint (in gva)",
					    "byte 908: access: gva=0x10000000012c000 is not a canonical" };
	const char *dir = scratch_dir();
	char msg[3][512];
	const char *path = write_bad_binary(dir, _i);

	for (int way = BY_REPLAY; way <= BY_APPLY; way++) {
		int64_t rc;
		tdpsim_sim *sim = replay_way(path, (enum replay_way)way, &rc, msg[way],
					     sizeof(msg[way]));
		tdpsim_stats st;

		ck_assert_int_eq(rc, TDPSIM_EPARSE);
		tdpsim_sim_stats(sim, &st);
		ck_assert_uint_eq(st.accesses, 300); /* every access before the bad record ran */
		tdpsim_sim_free(sim);
	}
	ck_assert_msg(strstr(msg[BY_REPLAY], want[_i]), "%s", msg[BY_REPLAY]);
	ck_assert_str_eq(msg[BY_REPLAY], msg[BY_REPLAY_WITH_HOOK]);
	ck_assert_str_eq(msg[BY_REPLAY], msg[BY_APPLY]);
}
END_TEST

static Suite *sim_suite(void)
{
	Suite *s = suite_create("sim");
	TCase *tc = tcase_create("machine");

	tcase_add_test(tc, a_5_level_host_reads_one_more_entry_in_each_of_kvms_host_walks);
	tcase_add_test(tc, the_legacy_tdp_mmu_access_tracks_without_ept_ad_and_the_fast_path_restores);
	tcase_add_test(tc, defaults_are_kvms_defaults);
	tcase_add_test(tc, a_pinned_setting_ignores_trace_sets_and_reports_once);
	tcase_add_test(tc, options_pin_like_set);
	tcase_add_test(tc, bad_settings_are_refused_with_their_name);
	tcase_add_test(tc, machine_settings_are_fixed_once_the_machine_starts);
	tcase_add_test(tc, memslots_follow_kvms_rules);
	tcase_add_test(tc, a_rejected_event_leaves_the_machine_unchanged);
	tcase_add_test(tc, dirty_log_commands_check_the_slot_as_kvm_does);
	tcase_add_test(tc, marks_keep_snapshots_in_order);
	tcase_add_test(tc, the_digest_is_equal_for_equal_runs_and_differs_otherwise);
	tcase_add_test(tc, the_stats_table_names_every_counter_once);
	tcase_add_test(tc, a_progress_callback_sees_progress_and_can_stop_the_replay);
	tcase_add_test(tc, changing_nx_huge_pages_at_run_time_zaps_every_mapping);
	tcase_add_test(tc, a_fast_zap_flushes_the_vms_tlbs_only_before_5_18);
	tcase_add_test(tc, enabling_dirty_logging_with_nothing_mapped_flushes_only_from_6_1);
	tcase_add_test(tc, a_gpte_write_is_a_guest_store_that_ept_faults_in_and_dirty_logging_logs);
	tcase_add_test(tc, host_kernel_auto_follows_the_kernel_profile_and_a_given_release_wins);
	tcase_add_test(tc, replaying_compact_accesses_matches_applying_each_event);
	tcase_add_test(tc, a_bad_compact_access_fails_at_its_record_on_every_path);
	tcase_add_test(tc, a_progress_callback_comes_inside_a_long_sweep_and_can_stop_it);
	tcase_add_loop_test(tc, a_malformed_compact_record_fails_alike_on_the_fast_path, 0, 3);
	/* Not Check's 4 s default: the machines built here are real work, slow under the
	 * sanitizers on a loaded machine; no test here asserts on time. */
	tcase_set_timeout(tc, 0);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(sim_suite)

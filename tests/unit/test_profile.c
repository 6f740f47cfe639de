/* SPDX-License-Identifier: MIT */
/*
 * Kernel version profiles (libtdpsim/kvm/profile.c, models/kvm/<version>.ini): the built-in
 * profiles load, in version order, with the values their kernels give (docs/kernel-versions.md
 * has the switches' history) - the expectations below are derived from the release each
 * change came in, never from the files - and malformed
 * profile files give errors that name the file and the line.
 */
#include <ini.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "core/error.h"
#include "kvm/profile.h"
#include "tdpsim/tdpsim.h"
#include "test_util.h"

static const char *const versions[] = { "5.10", "5.15", "6.1", "6.6", "6.12", "6.18" };
#define NVERSIONS (sizeof(versions) / sizeof(versions[0]))

/* major.minor as one comparable number: 6.12 -> 612. */
static int release(const char *v)
{
	int major = 0, minor = 0;

	ck_assert_int_eq(sscanf(v, "%d.%d", &major, &minor), 2);
	return major * 100 + minor;
}

static const struct kvm_profile *profile(const char *name)
{
	const struct kvm_profile *p = kvm_profile_find(name);

	ck_assert_msg(p != NULL, "no built-in profile %s", name);
	return p;
}

static const char *switch_text(const struct kvm_profile *p, const char *sw)
{
	for (size_t i = 0; i < kvm_profile_switch_count(); i++)
		if (strcmp(kvm_profile_switch_name(i), sw) == 0)
			return kvm_profile_switch_text(p, i);
	ck_abort_msg("no switch %s", sw);
	return NULL;
}

/* ---- the built-in profiles ---- */

START_TEST(every_builtin_profile_loads_in_version_order)
{
	size_t n = kvm_profile_count();

	ck_assert_uint_ge(n, NVERSIONS);
	for (size_t i = 0; i < NVERSIONS; i++) {
		const struct kvm_profile *p = kvm_profile_at(i);
		size_t id = 99;

		ck_assert_str_eq(p->name, versions[i]);
		ck_assert_msg(strncmp(p->description, "Linux ", 6) == 0, "%s: description '%s'",
			      p->name, p->description);
		ck_assert_ptr_eq(kvm_profile_find(versions[i]), p);
		ck_assert_int_eq(kvm_profile_lookup(versions[i], &id), 0);
		ck_assert_uint_eq(id, i);
		ck_assert_ptr_eq(kvm_profile_by_id(id), p);
	}
	for (size_t i = 1; i < n; i++)
		ck_assert_int_lt(release(kvm_profile_at(i - 1)->name),
				 release(kvm_profile_at(i)->name));
	ck_assert_ptr_null(kvm_profile_at(n));
	ck_assert_ptr_null(kvm_profile_find("4.19"));
}
END_TEST

/* The switches the issue names, field by field, per docs/kernel-versions.md. */
START_TEST(key_switches_have_the_values_the_reference_prescribes)
{
	for (size_t i = 0; i < NVERSIONS; i++) {
		const struct kvm_profile *p = profile(versions[i]);
		int r = release(versions[i]);

		/* 6.2: split huge pages in place on fault (before: zap + empty table) */
		ck_assert_msg(p->split_on_fault == (r >= 602), "%s split_on_fault", p->name);
		/* 4.8: <= 5.18 zap leaves; 5.19-6.12 zap collapsible tables; 6.13+ in place */
		ck_assert_int_eq(p->log_off_recovery, r <= 518   ? LOG_OFF_ZAP_LEAVES
						       : r <= 612 ? LOG_OFF_ZAP_COLLAPSIBLE
								  : LOG_OFF_RECOVER_IN_PLACE);
		/* 3.4: nx_huge_pages_recovery_period_ms since 5.16; before, 60 s fixed */
		ck_assert_msg(p->recovery_period_param == (r >= 516), "%s recovery_period_param",
			      p->name);
		/* 5.15: TDP MMU on by default; 5.10 has it off */
		ck_assert_msg(p->tdp_mmu_default == (r >= 515), "%s tdp_mmu_default", p->name);
		/* 6.5 nx_huge_pages=never, backported to 6.1.y */
		ck_assert_msg(p->nx_never == (r >= 601), "%s nx_never", p->name);
	}
	/* The NX rework: summaries put it in 6.1 [H]; its commits are in the 6.2 pull
	 * request (models/kvm/6.1.ini says so).  Before it, any table blocks. */
	ck_assert(!profile("5.10")->nx_child_must_be_tagged);
	ck_assert(!profile("5.15")->nx_child_must_be_tagged);
	ck_assert(!profile("6.1")->nx_child_must_be_tagged);
	ck_assert(profile("6.6")->nx_child_must_be_tagged);
	ck_assert(profile("6.12")->nx_child_must_be_tagged);
	ck_assert(profile("6.18")->nx_child_must_be_tagged);
}
END_TEST

/* Every on/off switch is on exactly from the release its change came in
 * (docs/kernel-versions.md). */
START_TEST(each_switch_turns_on_with_the_release_of_its_change)
{
	static const struct {
		const char *sw;
		int since;
	} timeline[] = {
		{ "tdp_mmu_default", 515 },           /* "KVM: x86: enable TDP MMU by default" */
		{ "recovery_period_param", 516 },     /* nx_huge_pages_recovery_period_ms */
		{ "eager_page_split", 518 },          /* kvm.eager_page_split */
		{ "pf_stats", 519 },                  /* pf_taken ... pf_mmio_spte_created */
		{ "split_on_fault", 602 },            /* split in place on fault */
		{ "nx_child_must_be_tagged", 602 },   /* NX rework (often dated 6.1 [H]) */
		{ "recovery_skips_dirty_logged", 602 },
		{ "nx_never", 601 },                  /* 6.5, backported to 6.1.y */
		{ "log_enable_flushes_always", 601 }, /* [H] */
		{ "target_spurious_early_out", 610 }, /* 6.9/6.10 [H] */
		{ "write_protected_result", 612 },    /* RET_PF_WRITE_PROTECTED */
		{ "recovery_worker_lazy", 613 },      /* 6.13.y/6.14 [H] */
		{ "per_mmu_nx_lists", 618 },
		{ "nested_eager_page_split", 600 },   /* eager splitting of nested MMUs */
		{ "vpid01_current_without_vpid12", 612 }, /* [H] */
		{ "npt_5level", 515 },                /* [H] 5-level NPT */
		{ "age_elides_flush", 613 },          /* [H] KVM_ELIDE_TLB_FLUSH_IF_YOUNG */
	};

	/* Every switch but the four enums (log_off_recovery, make_spte_old_writable,
	 * tdp_fast_zap, shadow_sync) and invlpg_prefetch (true until a release) is in the
	 * table. */
	ck_assert_uint_eq(kvm_profile_switch_count(),
			  sizeof(timeline) / sizeof(timeline[0]) + 5);
	for (size_t i = 0; i < NVERSIONS; i++) {
		const struct kvm_profile *p = profile(versions[i]);

		for (size_t t = 0; t < sizeof(timeline) / sizeof(timeline[0]); t++)
			ck_assert_msg(strcmp(switch_text(p, timeline[t].sw),
					     release(versions[i]) >= timeline[t].since ? "true"
										       : "false") == 0,
				      "kvm=%s: %s = %s", p->name, timeline[t].sw,
				      switch_text(p, timeline[t].sw));
	}
	ck_assert_str_eq(switch_text(profile("5.15"), "log_off_recovery"), "zap-leaves");
	ck_assert_str_eq(switch_text(profile("6.12"), "log_off_recovery"), "zap-collapsible");
	ck_assert_str_eq(switch_text(profile("6.18"), "log_off_recovery"), "recover-in-place");
	/* make_spte over a writable SPTE: 5.16 drops the !can_unsync condition; 6.13 makes it
	 * leaf-only (backported to 6.6.y and 6.12.y) and then sets Dirty always. */
	ck_assert_str_eq(switch_text(profile("5.10"), "make_spte_old_writable"), "sync-keeps");
	ck_assert_str_eq(switch_text(profile("5.15"), "make_spte_old_writable"), "sync-keeps");
	ck_assert_str_eq(switch_text(profile("6.1"), "make_spte_old_writable"), "keeps");
	ck_assert_str_eq(switch_text(profile("6.6"), "make_spte_old_writable"), "leaf-keeps");
	ck_assert_str_eq(switch_text(profile("6.12"), "make_spte_old_writable"), "leaf-keeps");
	ck_assert_str_eq(switch_text(profile("6.18"), "make_spte_old_writable"),
			 "leaf-skips-unsync");
	/* kvm_mmu_zap_all_fast in the TDP MMU: in place before 5.13's fast invalidation, with
	 * a flush until 5.18. */
	ck_assert_str_eq(switch_text(profile("5.10"), "tdp_fast_zap"), "in-place");
	ck_assert_str_eq(switch_text(profile("5.15"), "tdp_fast_zap"), "invalidate-flush");
	ck_assert_str_eq(switch_text(profile("6.1"), "tdp_fast_zap"), "invalidate");
	ck_assert_str_eq(switch_text(profile("6.18"), "tdp_fast_zap"), "invalidate");
	/* The shadow MMU's syncs: tlbs_dirty in 5.10 (gone by 5.15), nr_present and local
	 * flushes until Lai Jiangshan's 5.16 series. */
	ck_assert_str_eq(switch_text(profile("5.10"), "shadow_sync"), "tlbs-dirty");
	ck_assert_str_eq(switch_text(profile("5.15"), "shadow_sync"), "nr-present");
	ck_assert_str_eq(switch_text(profile("6.1"), "shadow_sync"), "flush");
	ck_assert_str_eq(switch_text(profile("6.18"), "shadow_sync"), "flush");
	/* FNAME(invlpg) zapped and prefetched until 6.4 synced the SPTE in place. */
	for (size_t i = 0; i < NVERSIONS; i++)
		ck_assert_str_eq(switch_text(profile(versions[i]), "invlpg_prefetch"),
				 release(versions[i]) < 604 ? "true" : "false");
}
END_TEST

static void *find_6_1(void *arg)
{
	(void)arg;
	return (void *)kvm_profile_find("6.1");
}

/* Check forks each test, so the threads race to the first parse. */
START_TEST(first_use_from_many_threads_parses_once)
{
	pthread_t t[8];
	void *got[8];

	for (int i = 0; i < 8; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, find_6_1, NULL), 0);
	for (int i = 0; i < 8; i++) {
		ck_assert_int_eq(pthread_join(t[i], &got[i]), 0);
		ck_assert_ptr_nonnull(got[i]);
		ck_assert_ptr_eq(got[i], got[0]);
	}
}
END_TEST

/* ---- the kvm setting ---- */

START_TEST(the_kvm_setting_takes_exactly_the_builtin_names)
{
	tdpsim_sim *sim = NULL;
	const char *msg;

	ck_assert_int_eq(tdpsim_sim_new(&sim, NULL), 0);
	for (size_t i = 0; i < tdpsim_setting_count(); i++)
		if (strcmp(tdpsim_setting_name(i), "kvm") == 0)
			ck_assert_str_eq(tdpsim_sim_setting_value(sim, i), "6.18"); /* default */
	for (size_t v = 0; v < NVERSIONS; v++) {
		ck_assert_int_eq(tdpsim_sim_set(sim, "kvm", versions[v]), 0);
		for (size_t i = 0; i < tdpsim_setting_count(); i++)
			if (strcmp(tdpsim_setting_name(i), "kvm") == 0)
				ck_assert_str_eq(tdpsim_sim_setting_value(sim, i), versions[v]);
	}
	ck_assert_int_eq(tdpsim_sim_set(sim, "kvm", "4.19"), TDPSIM_ENOTFOUND);
	msg = tdpsim_error_last()->message;
	ck_assert_ptr_nonnull(strstr(msg, "kvm='4.19'"));
	ck_assert_ptr_nonnull(strstr(msg, "5.10|5.15|6.1|6.6|6.12|6.18"));
	ck_assert_int_eq(tdpsim_sim_set(sim, "kvm", "6.1 "), TDPSIM_ENOTFOUND);
	tdpsim_sim_free(sim);
}
END_TEST

/* ---- profile files ---- */

/* A complete, valid profile: line 1 a comment, line 2 [profile], keys from line 3 on. */
static char *valid_profile(const char *name)
{
	static char text[4096];
	size_t n;

	snprintf(text, sizeof(text),
		 "# a test profile\n"
		 "[profile]\n"
		 "name = %s\n"                               /* line 3 */
		 "description = a profile for the tests\n"   /* 4 */
		 "tdp_mmu_default = true ; 5.15\n"           /* 5 */
		 "split_on_fault = true\n"                   /* 6 */
		 "nx_child_must_be_tagged = true\n"          /* 7 */
		 "target_spurious_early_out = false\n"       /* 8 */
		 "recovery_period_param = true\n"            /* 9 */
		 "recovery_skips_dirty_logged = true\n"      /* 10 */
		 "recovery_worker_lazy = false\n"            /* 11 */
		 "log_off_recovery = zap-collapsible ; 5.19\n" /* 12 */
		 "eager_page_split = true\n"                 /* 13 */
		 "nx_never = false\n"                        /* 14 */
		 "pf_stats = true\n"                         /* 15 */
		 "write_protected_result = false\n"          /* 16 */
		 "per_mmu_nx_lists = false\n"                /* 17 */
		 "make_spte_old_writable = keeps\n"          /* 18 */
		 "tdp_fast_zap = invalidate\n"               /* 19 */
		 "log_enable_flushes_always = true\n"        /* 20 */
		 "shadow_sync = flush\n"                     /* 21 */
		 "invlpg_prefetch = true\n"                  /* 22 */
		 "nested_eager_page_split = true\n"          /* 23 */
		 "vpid01_current_without_vpid12 = true\n"    /* 24 */
		 "npt_5level = true\n"                       /* 25 */
		 "age_elides_flush = true\n",                /* 26 */
		 name);
	n = strlen(text);
	ck_assert_uint_lt(n, sizeof(text) - 1);
	return text;
}

/* Load `text` as the file dir/name through the kvm setting's path: the error, or "". */
static const char *load(const char *dir, const char *name, const char *text, size_t *id)
{
	static char path[600];
	size_t dummy;

	snprintf(path, sizeof(path), "%s", write_file(dir, name, text));
	tdpsim_error_clear();
	if (kvm_profile_lookup(path, id ? id : &dummy) == 0)
		return "";
	return tdpsim_error_last()->message;
}

static void expect_error(const char *dir, const char *name, const char *text, int line,
			 const char *what)
{
	char where[700];
	const char *msg = load(dir, name, text, NULL);

	snprintf(where, sizeof(where), "%s/%s:%d: ", dir, name, line);
	ck_assert_msg(strstr(msg, where) != NULL, "%s: wanted '%s' in '%s'", name, where, msg);
	ck_assert_msg(strstr(msg, what) != NULL, "%s: wanted '%s' in '%s'", name, what, msg);
}

START_TEST(a_profile_file_loads_by_path_and_goes_by_its_name)
{
	const char *dir = scratch_dir();
	size_t id = 0, again = 1;
	const struct kvm_profile *p;

	ck_assert_str_eq(load(dir, "mine.ini", valid_profile("mine"), &id), "");
	ck_assert_uint_ge(id, kvm_profile_count());
	p = kvm_profile_by_id(id);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_eq(kvm_profile_find("mine"), p);
	ck_assert_str_eq(p->description, "a profile for the tests");
	ck_assert(p->split_on_fault && !p->target_spurious_early_out && !p->nx_never);
	ck_assert_int_eq(p->log_off_recovery, LOG_OFF_ZAP_COLLAPSIBLE);
	/* the same file again: the same profile; a bare name never reads a file */
	ck_assert_str_eq(load(dir, "mine.ini", valid_profile("mine"), &again), "");
	ck_assert_uint_eq(again, id);
	ck_assert_int_eq(kvm_profile_lookup("mine", &again), TDPSIM_ENOTFOUND);
	/* a path without .ini is a path too */
	ck_assert_str_eq(load(dir, "mine.profile", valid_profile("mine"), &again), "");
	ck_assert_uint_eq(again, id);
	/* another file under the same name with other switches is refused */
	ck_assert_ptr_nonnull(strstr(load(dir, "other.ini",
					  replace_line(valid_profile("mine"), 14,
						       "nx_never = true\n"), NULL),
				     "a different kernel profile named 'mine'"));
}
END_TEST

START_TEST(the_kvm_setting_loads_a_profile_file)
{
	const char *dir = scratch_dir();
	const char *path = write_file(dir, "v.ini", valid_profile("v-test"));
	tdpsim_sim *sim = NULL;

	ck_assert_int_eq(tdpsim_sim_new(&sim, NULL), 0);
	ck_assert_int_eq(tdpsim_sim_set(sim, "kvm", path), 0);
	for (size_t i = 0; i < tdpsim_setting_count(); i++)
		if (strcmp(tdpsim_setting_name(i), "kvm") == 0)
			ck_assert_str_eq(tdpsim_sim_setting_value(sim, i), "v-test");
	ck_assert_int_eq(tdpsim_sim_set(sim, "kvm", "no/such/file.ini"), TDPSIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "no/such/file.ini: cannot open"));
	tdpsim_sim_free(sim);
}
END_TEST

START_TEST(unknown_key_is_an_error_at_its_line)
{
	const char *dir = scratch_dir();

	expect_error(dir, "unknown.ini",
		     replace_line(valid_profile("u"), 9, "recovery_period_ms = true\n"), 9,
		     "unknown key 'recovery_period_ms'");
}
END_TEST

START_TEST(missing_key_is_an_error_at_the_section)
{
	const char *dir = scratch_dir();

	expect_error(dir, "missing.ini", replace_line(valid_profile("m"), 13, ""), 2,
		     "[profile] has no 'eager_page_split'");
	expect_error(dir, "nosection.ini", "# nothing\n", 1, "no [profile] section");
}
END_TEST

START_TEST(bad_boolean_is_an_error_at_its_line)
{
	const char *dir = scratch_dir();

	expect_error(dir, "bool.ini", replace_line(valid_profile("b"), 6, "split_on_fault = yes\n"),
		     6, "split_on_fault = 'yes': not a boolean (true|false)");
	expect_error(dir, "bool1.ini", replace_line(valid_profile("b"), 15, "pf_stats = 1\n"), 15,
		     "not a boolean");
	/* a '#' after the value is not a comment in libinih: part of the value */
	expect_error(dir, "hash.ini",
		     replace_line(valid_profile("b"), 15, "pf_stats = true # 5.19\n"), 15,
		     "pf_stats = 'true # 5.19': not a boolean");
}
END_TEST

START_TEST(bad_enum_is_an_error_at_its_line)
{
	const char *dir = scratch_dir();

	expect_error(dir, "enum.ini",
		     replace_line(valid_profile("e"), 12, "log_off_recovery = zap-all ; x\n"), 12,
		     "log_off_recovery = 'zap-all': not one of "
		     "zap-leaves|zap-collapsible|recover-in-place");
	expect_error(dir, "enum2.ini",
		     replace_line(valid_profile("e"), 18, "make_spte_old_writable = never\n"), 18,
		     "make_spte_old_writable = 'never': not one of "
		     "sync-keeps|keeps|leaf-keeps|leaf-skips-unsync");
}
END_TEST

START_TEST(other_malformed_files_are_errors_at_their_line)
{
	const char *dir = scratch_dir();
	char longline[400];

	expect_error(dir, "twice.ini", replace_line(valid_profile("t"), 16,
						    "write_protected_result = false\n"
						    "split_on_fault = false\n"), 17,
		     "'split_on_fault' given twice (first on line 6");
	/* an indented line continues the value before it (libinih's multi-line values) */
	expect_error(dir, "indent.ini", replace_line(valid_profile("t"), 8,
						     "  target_spurious_early_out = false\n"), 8,
		     "'nx_child_must_be_tagged' given twice");
	expect_error(dir, "syntax.ini", replace_line(valid_profile("t"), 10, "just words\n"), 10,
		     "not a 'key = value' line");
	expect_error(dir, "before.ini", replace_line(valid_profile("t"), 1, "name = early\n"), 1,
		     "'name' comes before the [profile] section");
	expect_error(dir, "section.ini",
		     replace_line(valid_profile("t"), 17, "per_mmu_nx_lists = false\n[extra]\n"),
		     18, "unknown section [extra]");
	expect_error(dir, "name.ini", replace_line(valid_profile("t"), 3, "name = a b\n"), 3,
		     "not a kernel profile name");
	expect_error(dir, "builtin.ini", valid_profile("6.1"), 3,
		     "name = 6.1 is a built-in kernel profile's");
	memset(longline, 'x', sizeof(longline));
	memcpy(longline, "description = ", 14);
	longline[sizeof(longline) - 2] = '\n';
	longline[sizeof(longline) - 1] = '\0';
	expect_error(dir, "long.ini", replace_line(valid_profile("t"), 4, longline), 4,
		     "line longer than");
	/* libinih's buffer holds INI_MAX_LINE bytes: the characters, the newline and a NUL */
	memset(longline, ';', sizeof(longline));
	longline[INI_MAX_LINE - 2] = '\n';
	longline[INI_MAX_LINE - 1] = '\0';
	ck_assert_str_eq(load(dir, "fits.ini", replace_line(valid_profile("t"), 1, longline), NULL),
			 "");
	longline[INI_MAX_LINE - 2] = ';';
	longline[INI_MAX_LINE - 1] = '\n';
	longline[INI_MAX_LINE] = '\0';
	expect_error(dir, "toolong.ini", replace_line(valid_profile("t2"), 1, longline), 1,
		     "line longer than");
	/* the first error by line wins, whoever found it */
	expect_error(dir, "first.ini",
		     replace_line(replace_line(valid_profile("t"), 11, "what\n"), 6,
				  "split_on_fault = no\n"),
		     6, "not a boolean");
}
END_TEST

/* In memory, as the built-in profiles are parsed. */
START_TEST(parse_reports_the_given_file_name)
{
	struct kvm_profile p;

	ck_assert_int_eq(kvm_profile_parse(&p, "mem.ini", valid_profile("mem")), 0);
	ck_assert_str_eq(p.name, "mem");
	ck_assert_int_eq(kvm_profile_parse(&p, "mem.ini", "[profile]\nnx_never = false\n"),
			 TDPSIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "mem.ini:1: [profile] has no "
								    "'name'"));
}
END_TEST

static Suite *profile_suite(void)
{
	Suite *s = suite_create("profile");
	TCase *b = tcase_create("builtin");
	TCase *f = tcase_create("files");

	tcase_add_test(b, every_builtin_profile_loads_in_version_order);
	tcase_add_test(b, key_switches_have_the_values_the_reference_prescribes);
	tcase_add_test(b, each_switch_turns_on_with_the_release_of_its_change);
	tcase_add_test(b, first_use_from_many_threads_parses_once);
	tcase_add_test(b, the_kvm_setting_takes_exactly_the_builtin_names);
	suite_add_tcase(s, b);
	tcase_add_test(f, a_profile_file_loads_by_path_and_goes_by_its_name);
	tcase_add_test(f, the_kvm_setting_loads_a_profile_file);
	tcase_add_test(f, unknown_key_is_an_error_at_its_line);
	tcase_add_test(f, missing_key_is_an_error_at_the_section);
	tcase_add_test(f, bad_boolean_is_an_error_at_its_line);
	tcase_add_test(f, bad_enum_is_an_error_at_its_line);
	tcase_add_test(f, other_malformed_files_are_errors_at_their_line);
	tcase_add_test(f, parse_reports_the_given_file_name);
	suite_add_tcase(s, f);
	return s;
}

CHECK_MAIN(profile_suite)

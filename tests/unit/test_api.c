/* SPDX-License-Identifier: MIT */
/* The public API as it grows (include/tdpsim/). */
#include <string.h>

#include "check_main.h"
#include "tdpsim/tdpsim.h"

static int set(tdpsim_sim *sim, const char *key, const char *value)
{
	tdpsim_event ev = { .cmd = TDPSIM_CMD_SET };

	ev.u.set.key = key;
	ev.u.set.value = value;
	return tdpsim_sim_apply(sim, &ev);
}

/* A 2M hugetlb memslot and one write fault at gpa 0x1000. */
static void map_one_fault(tdpsim_sim *sim)
{
	tdpsim_event ev = { .cmd = TDPSIM_CMD_MEMSLOT };

	ev.u.memslot.size = 2 << 20;
	ev.u.memslot.hva = 0x7f0000000000ull;
	ck_assert_int_eq(tdpsim_sim_apply(sim, &ev), 0);
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_BACKING;
	ev.u.backing.hva = 0x7f0000000000ull;
	ev.u.backing.size = 2 << 20;
	ev.u.backing.kind = TDPSIM_BACKING_HUGETLB2M;
	ev.u.backing.populate = 1;
	ck_assert_int_eq(tdpsim_sim_apply(sim, &ev), 0);
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_FAULT;
	ev.u.fault.gpa = 0x1000;
	ev.u.fault.err = TDPSIM_PFERR_WRITE | TDPSIM_PFERR_USER;
	ck_assert_int_eq(tdpsim_sim_apply(sim, &ev), 0);
}

START_TEST(options_and_hooks_of_every_released_version_are_accepted)
{
	tdpsim_options o;
	tdpsim_hooks h;
	tdpsim_sim *sim = NULL;

	ck_assert_int_eq(tdpsim_options_init(&o, 1), 0);
	ck_assert_uint_eq(o.version, 1);
	ck_assert_int_eq(tdpsim_sim_new(&sim, &o), 0);
	/* hooks 3 (0.1) and 4 (today) */
	ck_assert_int_eq(tdpsim_hooks_init(&h, 3), 0);
	ck_assert_int_eq(tdpsim_sim_set_hooks(sim, &h), 0);
	ck_assert_int_eq(tdpsim_hooks_init(&h, TDPSIM_HOOKS_VERSION), 0);
	ck_assert_int_eq(tdpsim_sim_set_hooks(sim, &h), 0);
	tdpsim_sim_free(sim);
}
END_TEST

START_TEST(versions_past_the_current_one_are_refused_with_a_message)
{
	tdpsim_options o = TDPSIM_OPTIONS_INIT;
	tdpsim_hooks h = TDPSIM_HOOKS_INIT;
	tdpsim_sim *sim = NULL;

	ck_assert_int_eq(tdpsim_options_init(&o, TDPSIM_OPTIONS_VERSION + 1), TDPSIM_EINVAL);
	o.version = TDPSIM_OPTIONS_VERSION + 1;
	ck_assert_int_eq(tdpsim_sim_new(&sim, &o), TDPSIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "options version"));
	ck_assert_int_eq(tdpsim_sim_new(&sim, NULL), 0);
	h.version = TDPSIM_HOOKS_VERSION + 1;
	ck_assert_int_eq(tdpsim_sim_set_hooks(sim, &h), TDPSIM_EINVAL);
	h.version = 2; /* never released */
	ck_assert_int_eq(tdpsim_sim_set_hooks(sim, &h), TDPSIM_EINVAL);
	ck_assert_int_eq(tdpsim_hooks_init(&h, 2), TDPSIM_EINVAL);
	tdpsim_sim_free(sim);
}
END_TEST

/* A version-3 caller's struct ends at payload: what lies beyond must not be read. */
static int spte_events;

static void count_spte_event(const tdpsim_spte_change *c, void *payload)
{
	(void)c;
	(void)payload;
	spte_events++;
}

START_TEST(a_version_3_hooks_struct_is_read_no_further_than_it_reaches)
{
	tdpsim_hooks h = TDPSIM_HOOKS_INIT;
	tdpsim_sim *sim = NULL;

	h.version = 3;
	h.on_spte_event = count_spte_event; /* beyond a version-3 struct: ignored */
	spte_events = 0;
	ck_assert_int_eq(tdpsim_sim_new(&sim, NULL), 0);
	ck_assert_int_eq(tdpsim_sim_set_hooks(sim, &h), 0);
	map_one_fault(sim);
	ck_assert_int_eq(spte_events, 0);
	tdpsim_sim_free(sim);
}
END_TEST

struct seen {
	tdpsim_mmu_kind fault_mmu, spte_mmu;
	uint32_t fault_role, leaf_role;
	int is_tdp, faults, leaves;
};

static void on_fault(const tdpsim_fault *f, void *payload)
{
	struct seen *s = payload;

	s->fault_mmu = f->mmu;
	s->fault_role = f->root_role;
	s->is_tdp = f->is_tdp;
	s->faults++;
}

static void on_spte_event(const tdpsim_spte_change *c, void *payload)
{
	struct seen *s = payload;

	if (c->level != 2 || !(c->new_spte & (1ull << 7))) /* the 2M leaf */
		return;
	s->spte_mmu = c->mmu;
	s->leaf_role = c->role;
	s->leaves++;
}

/* A 2M write fault under tdp_mmu=`tdp_mmu`: what the hooks say of it. */
static struct seen fault_under(const char *tdp_mmu)
{
	tdpsim_hooks h = TDPSIM_HOOKS_INIT;
	struct seen s = { 0 };
	tdpsim_sim *sim = NULL;

	h.on_fault = on_fault;
	h.on_spte_event = on_spte_event;
	h.payload = &s;
	ck_assert_int_eq(tdpsim_sim_new(&sim, NULL), 0);
	ck_assert_int_eq(tdpsim_sim_set_hooks(sim, &h), 0);
	ck_assert_int_eq(set(sim, "tdp_mmu", tdp_mmu), 0);
	map_one_fault(sim);
	tdpsim_sim_free(sim);
	return s;
}

START_TEST(hooks_say_which_mmu_and_role_a_fault_and_an_spte_belong_to)
{
	struct seen tdp = fault_under("1"), legacy = fault_under("0");

	/* Both roots: direct, level 4 (kvm_calc_tdp_mmu_root_page_role), ACC_ALL; the 2M leaf
	 * sits in a level-2 page of the same role a level down. */
	ck_assert_int_eq(tdp.faults, 1);
	ck_assert_int_eq(tdp.fault_mmu, TDPSIM_MMU_TDP);
	ck_assert_int_eq(tdp.is_tdp, 1);
	ck_assert_uint_eq(TDPSIM_ROLE_LEVEL(tdp.fault_role), 4);
	ck_assert_uint_eq(TDPSIM_ROLE_DIRECT(tdp.fault_role), 1);
	ck_assert_uint_eq(TDPSIM_ROLE_ACCESS(tdp.fault_role), 7);
	ck_assert_int_eq(tdp.leaves, 1);
	ck_assert_int_eq(tdp.spte_mmu, TDPSIM_MMU_TDP);
	ck_assert_uint_eq(TDPSIM_ROLE_LEVEL(tdp.leaf_role), 2);
	ck_assert_uint_eq(tdp.leaf_role & ~0xfu, tdp.fault_role & ~0xfu);
	ck_assert_int_eq(legacy.fault_mmu, TDPSIM_MMU_LEGACY_TDP);
	ck_assert_int_eq(legacy.spte_mmu, TDPSIM_MMU_LEGACY_TDP);
	ck_assert_int_eq(legacy.leaves, 1);
	ck_assert_uint_eq(legacy.fault_role, tdp.fault_role);
	ck_assert_uint_eq(legacy.leaf_role, tdp.leaf_role);
}
END_TEST

START_TEST(the_model_sets_are_listed_with_their_fields)
{
	char buf[64];

	/* models/kvm: 5.10 5.15 6.1 6.6 6.12 6.18, in version order */
	ck_assert_uint_eq(tdpsim_model_count(TDPSIM_MODEL_KERNEL_PROFILE), 6);
	ck_assert_str_eq(tdpsim_model_name(TDPSIM_MODEL_KERNEL_PROFILE, 0), "5.10");
	ck_assert_str_eq(tdpsim_model_name(TDPSIM_MODEL_KERNEL_PROFILE, 5), "6.18");
	ck_assert_ptr_null(tdpsim_model_name(TDPSIM_MODEL_KERNEL_PROFILE, 6));
	ck_assert_str_eq(tdpsim_model_field_name(TDPSIM_MODEL_KERNEL_PROFILE, 0), "tdp_mmu_default");
	ck_assert_int_eq(tdpsim_model_field_value(TDPSIM_MODEL_KERNEL_PROFILE, 0, 0, buf,
						  sizeof(buf)), 5);
	ck_assert_str_eq(buf, "false"); /* 5.10 ran the legacy MMU by default */
	ck_assert_uint_ge(tdpsim_model_count(TDPSIM_MODEL_CPU), 5);
	ck_assert_ptr_nonnull(tdpsim_model_description(TDPSIM_MODEL_CPU, 0));
	ck_assert_uint_gt(tdpsim_model_field_count(TDPSIM_MODEL_CPU), 10);
	ck_assert_int_eq(tdpsim_model_field_value(TDPSIM_MODEL_CPU, 99, 0, buf, sizeof(buf)),
			 TDPSIM_EINVAL);
}
END_TEST

static Suite *api_suite(void)
{
	Suite *s = suite_create("api");
	TCase *tc = tcase_create("api");

	tcase_set_timeout(tc, 0);
	tcase_add_test(tc, options_and_hooks_of_every_released_version_are_accepted);
	tcase_add_test(tc, versions_past_the_current_one_are_refused_with_a_message);
	tcase_add_test(tc, a_version_3_hooks_struct_is_read_no_further_than_it_reaches);
	tcase_add_test(tc, hooks_say_which_mmu_and_role_a_fault_and_an_spte_belong_to);
	tcase_add_test(tc, the_model_sets_are_listed_with_their_fields);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(api_suite)

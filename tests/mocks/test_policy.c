/* SPDX-License-Identifier: MIT */
/*
 * cmocka: the injected hugepage policy and the MMU hooks are called exactly as documented.
 * The machine: a 1 GiB slot over populated hugetlbfs 2M pages, faults fed straight to KVM.
 *  - the policy sees each fault after kvm_mmu_hugepage_adjust, with req_level/goal_level as
 *    KVM computed them, and a lower answer maps smaller (a higher one is ignored);
 *  - on_fault reports the fault's descriptor and result;
 *  - on_split and on_spte_change report an NX split; on_zap reports a memslot deletion.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tdpsim/tdpsim.h"

#define GPA_BASE (1ull << 30)

static int policy_token;

static int mock_policy(const tdpsim_fault *f, void *payload)
{
	check_expected(f->gfn);
	check_expected(f->req_level);
	check_expected(f->goal_level);
	check_expected(f->write);
	check_expected_ptr(payload);
	return (int)mock();
}

static void expect_policy_call(uint64_t gfn, int req, int goal, int write, int answer)
{
	expect_value(mock_policy, f->gfn, gfn);
	expect_value(mock_policy, f->req_level, req);
	expect_value(mock_policy, f->goal_level, goal);
	expect_value(mock_policy, f->write, write);
	expect_value(mock_policy, payload, &policy_token);
	will_return(mock_policy, answer);
}

static tdpsim_sim *new_machine(const char *nx)
{
	tdpsim_options o = TDPSIM_OPTIONS_INIT;
	tdpsim_event ev;
	tdpsim_sim *sim;

	o.check = 1; /* the invariants hold after every event */
	assert_int_equal(tdpsim_sim_new(&sim, &o), 0);
	assert_int_equal(tdpsim_sim_set(sim, "nx_huge_pages", nx), 0);
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_MEMSLOT;
	ev.u.memslot.slot = 1;
	ev.u.memslot.gpa = GPA_BASE;
	ev.u.memslot.size = 1ull << 30;
	ev.u.memslot.hva = 0x7f0000000000ull;
	assert_int_equal(tdpsim_sim_apply(sim, &ev), 0);
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_BACKING;
	ev.u.backing.hva = 0x7f0000000000ull;
	ev.u.backing.size = 1ull << 30;
	ev.u.backing.kind = TDPSIM_BACKING_HUGETLB2M;
	ev.u.backing.populate = 1;
	assert_int_equal(tdpsim_sim_apply(sim, &ev), 0);
	return sim;
}

static int fault(tdpsim_sim *sim, uint64_t gpa, uint32_t err)
{
	tdpsim_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_FAULT;
	ev.u.fault.gpa = gpa;
	ev.u.fault.err = err;
	return tdpsim_sim_apply(sim, &ev);
}

static void policy_sees_kvms_levels_and_can_lower_them(void **state)
{
	tdpsim_sim *sim = new_machine("off");
	tdpsim_stats st;

	(void)state;
	assert_int_equal(tdpsim_sim_set_hugepage_policy(sim, mock_policy, &policy_token), 0);
	/* a write in the first 2M: KVM would map 2M; the policy says 4K */
	expect_policy_call((GPA_BASE + 0x3000) >> 12, 2, 2, 1, 1);
	assert_int_equal(fault(sim, GPA_BASE + 0x3000, TDPSIM_PFERR_WRITE | TDPSIM_PFERR_USER), 0);
	/* a read in the next 2M: the policy keeps 2M */
	expect_policy_call((GPA_BASE + (2 << 20)) >> 12, 2, 2, 0, 2);
	assert_int_equal(fault(sim, GPA_BASE + (2 << 20), TDPSIM_PFERR_USER), 0);
	/* a higher answer than KVM's goal is ignored: still 2M */
	expect_policy_call((GPA_BASE + (4 << 20)) >> 12, 2, 2, 0, 3);
	assert_int_equal(fault(sim, GPA_BASE + (4 << 20), TDPSIM_PFERR_USER), 0);
	tdpsim_sim_stats(sim, &st);
	assert_int_equal(st.pages_4k, 1);
	assert_int_equal(st.pages_2m, 2);
	assert_int_equal(st.pf_fixed, 3);
	/* removed: no more calls (cmocka fails on an unexpected one) */
	assert_int_equal(tdpsim_sim_set_hugepage_policy(sim, NULL, NULL), 0);
	assert_int_equal(fault(sim, GPA_BASE + (6 << 20), TDPSIM_PFERR_USER), 0);
	tdpsim_sim_free(sim);
}

static void policy_is_not_asked_when_kvm_already_maps_4k(void **state)
{
	tdpsim_sim *sim = new_machine("force");

	(void)state;
	/* an exec fault under NX: goal_level is 4K already, nothing for a policy to lower */
	assert_int_equal(tdpsim_sim_set_hugepage_policy(sim, mock_policy, &policy_token), 0);
	assert_int_equal(fault(sim, GPA_BASE, TDPSIM_PFERR_FETCH | TDPSIM_PFERR_USER), 0);
	tdpsim_sim_free(sim);
}

/* ---- the hooks ---- */

static void mock_on_fault(const tdpsim_fault *f, void *payload)
{
	(void)payload;
	check_expected(f->gpa);
	check_expected(f->req_level);
	check_expected(f->goal_level);
	check_expected(f->huge_page_disallowed);
	check_expected(f->result);
}

static void mock_on_split(uint64_t gfn, int level, void *payload)
{
	(void)payload;
	check_expected(gfn);
	check_expected(level);
}

static void mock_on_zap(uint64_t gfn, int level, uint64_t old_spte, void *payload)
{
	(void)payload;
	(void)old_spte;
	check_expected(gfn);
	check_expected(level);
}

static int spte_changes;

static void count_spte_change(uint64_t gfn, int level, uint64_t old_spte, uint64_t new_spte,
			      void *payload)
{
	(void)gfn;
	(void)level;
	(void)old_spte;
	(void)new_spte;
	(void)payload;
	spte_changes++;
}

static void expect_fault(uint64_t gpa, int req, int goal, int disallowed, int result)
{
	expect_value(mock_on_fault, f->gpa, gpa);
	expect_value(mock_on_fault, f->req_level, req);
	expect_value(mock_on_fault, f->goal_level, goal);
	expect_value(mock_on_fault, f->huge_page_disallowed, disallowed);
	expect_value(mock_on_fault, f->result, result);
}

static void hooks_report_faults_splits_changes_and_zaps(void **state)
{
	tdpsim_sim *sim = new_machine("force");
	tdpsim_hooks hooks = TDPSIM_HOOKS_INIT;
	tdpsim_event del;

	(void)state;
	hooks.on_fault = mock_on_fault;
	hooks.on_split = mock_on_split;
	hooks.on_zap = mock_on_zap;
	hooks.on_spte_change = count_spte_change;
	assert_int_equal(tdpsim_sim_set_hooks(sim, &hooks), 0);

	/* read: a 2M leaf; the walk links a level-3 and a level-2 table, then sets the leaf */
	expect_fault(GPA_BASE, 2, 2, 0, TDPSIM_PF_FIXED);
	assert_int_equal(fault(sim, GPA_BASE, TDPSIM_PFERR_USER), 0);
	assert_int_equal(spte_changes, 3);
	/* fetch under NX: the 2M leaf at level 2 splits; the 4K child already allows it */
	expect_value(mock_on_split, gfn, GPA_BASE >> 12);
	expect_value(mock_on_split, level, 2);
	expect_fault(GPA_BASE + 0x5000, 2, 1, 1, TDPSIM_PF_SPURIOUS);
	assert_int_equal(fault(sim, GPA_BASE + 0x5000,
			       TDPSIM_PFERR_FETCH | TDPSIM_PFERR_USER | TDPSIM_PFERR_PRESENT), 0);
	assert_int_equal(spte_changes, 4); /* the huge leaf became a link */

	/* deleting the slot zaps the root's only present entry */
	expect_value(mock_on_zap, gfn, 0);
	expect_value(mock_on_zap, level, 4);
	memset(&del, 0, sizeof(del));
	del.cmd = TDPSIM_CMD_MEMSLOT;
	del.u.memslot.slot = 1;
	assert_int_equal(tdpsim_sim_apply(sim, &del), 0);
	tdpsim_sim_free(sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(policy_sees_kvms_levels_and_can_lower_them),
		cmocka_unit_test(policy_is_not_asked_when_kvm_already_maps_4k),
		cmocka_unit_test(hooks_report_faults_splits_changes_and_zaps),
	};

	return cmocka_run_group_tests_name("policy and MMU hooks", tests, NULL, NULL);
}

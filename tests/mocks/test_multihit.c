/* SPDX-License-Identifier: MIT */
/*
 * cmocka: the injected iTLB-multihit model is called exactly once, for the fetch that hits a
 * stale 4K entry and a new 2M entry (traces/examples/itlb-multihit.tdpt with NX off on
 * skylake-sp), with the linear address, both translations and both page sizes; what it
 * returns decides what happens.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tdpsim/tdpsim.h"

#define TWO_MB (2ull << 20)

static int token;

static tdpsim_multihit_action mock_model(const tdpsim_multihit *m, void *payload)
{
	check_expected(m->vcpu);
	check_expected(m->gva);
	check_expected(m->small_level);
	check_expected(m->large_level);
	/* the two translations differ: the 2M page is the guest's next 2M of memory, which
	 * the populated hugetlbfs backing put in the next host 2M frame */
	assert_true(m->large_hpa == m->small_hpa + TWO_MB);
	assert_int_equal(m->small_memtype, 6); /* WB */
	assert_int_equal(m->large_memtype, 6);
	check_expected_ptr(payload);
	return (tdpsim_multihit_action)mock();
}

static tdpsim_sim *replay_example(tdpsim_multihit_action answer, int64_t *events)
{
	const char *src = getenv("TDPSIM_SOURCE_DIR");
	char path[1024];
	tdpsim_sim *sim;
	tdpsim_trace *t;

	assert_non_null(src);
	snprintf(path, sizeof(path), "%s/traces/examples/itlb-multihit.tdpt", src);
	assert_int_equal(tdpsim_sim_new(&sim, NULL), 0);
	assert_int_equal(tdpsim_sim_set(sim, "cpu", "skylake-sp"), 0);
	assert_int_equal(tdpsim_sim_set(sim, "nx_huge_pages", "off"), 0);
	assert_int_equal(tdpsim_sim_set_multihit_model(sim, mock_model, &token), 0);
	expect_value(mock_model, m->vcpu, 0);
	expect_value(mock_model, m->gva, 0x80000000);
	expect_value(mock_model, m->small_level, 1);
	expect_value(mock_model, m->large_level, 2);
	expect_value(mock_model, payload, &token);
	will_return(mock_model, answer);
	assert_int_equal(tdpsim_trace_open(&t, path), 0);
	*events = tdpsim_sim_replay(sim, t, NULL, NULL);
	tdpsim_trace_free(t);
	return sim;
}

static void the_model_is_called_once_with_both_translations(void **state)
{
	int64_t events;
	tdpsim_sim *sim = replay_example(TDPSIM_MULTIHIT_COUNT, &events);
	tdpsim_stats st;

	(void)state;
	assert_true(events > 0);
	tdpsim_sim_stats(sim, &st);
	assert_int_equal(st.multihit_events, 1);
	assert_int_equal(st.machine_checks, 0);   /* counted, and the VM went on */
	assert_int_equal(tdpsim_sim_halted(sim, NULL, NULL, NULL), 0);
	tdpsim_sim_free(sim);
}

static void a_machine_check_halts_the_vm_at_that_fetch(void **state)
{
	int64_t events;
	tdpsim_sim *sim = replay_example(TDPSIM_MULTIHIT_MACHINE_CHECK, &events);
	tdpsim_event ev = { .cmd = TDPSIM_CMD_MARK };
	uint64_t event, gva;
	unsigned vcpu;
	tdpsim_stats st;

	(void)state;
	tdpsim_sim_stats(sim, &st);
	assert_int_equal(st.machine_checks, 1);
	assert_int_equal(tdpsim_sim_halted(sim, &event, &vcpu, &gva), 1);
	assert_int_equal(vcpu, 0);
	assert_int_equal(gva, 0x80000000);
	assert_int_equal((int64_t)event + 1, events); /* the replay stopped there */
	ev.u.mark.label = "later";
	assert_int_equal(tdpsim_sim_apply(sim, &ev), TDPSIM_EHALTED);
	tdpsim_sim_free(sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_model_is_called_once_with_both_translations),
		cmocka_unit_test(a_machine_check_halts_the_vm_at_that_fetch),
	};

	return cmocka_run_group_tests_name("iTLB multihit model", tests, NULL, NULL);
}

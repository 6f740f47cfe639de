/* SPDX-License-Identifier: MIT */
/*
 * cmocka: the hooks a harness registers are called exactly as documented — on_event once per
 * applied event with its index, on_mark once per mark with the snapshot just kept — and not
 * for a rejected event.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tdpsim/tdpsim.h"

static void mock_on_event(uint64_t index, const tdpsim_event *ev, void *payload)
{
	check_expected(index);
	check_expected(ev->cmd);
	check_expected_ptr(payload);
}

static void mock_on_mark(const char *label, const tdpsim_stats *stats, void *payload)
{
	check_expected(label);
	check_expected(stats->events);
	check_expected(stats->accesses);
	check_expected_ptr(payload);
}

static int payload_token;

static void expect_event(uint64_t index, tdpsim_cmd cmd)
{
	expect_value(mock_on_event, index, index);
	expect_value(mock_on_event, ev->cmd, cmd);
	expect_value(mock_on_event, payload, &payload_token);
}

static void expect_mark(const char *label, uint64_t events, uint64_t accesses)
{
	expect_string(mock_on_mark, label, label);
	expect_value(mock_on_mark, stats->events, events);
	expect_value(mock_on_mark, stats->accesses, accesses);
	expect_value(mock_on_mark, payload, &payload_token);
}

static void hooks_are_called_once_per_event_and_mark_in_order(void **state)
{
	tdpsim_hooks hooks = TDPSIM_HOOKS_INIT;
	tdpsim_event access = { .cmd = TDPSIM_CMD_ACCESS };
	tdpsim_event mark = { .cmd = TDPSIM_CMD_MARK };
	tdpsim_sim *sim;

	(void)state;
	assert_int_equal(tdpsim_sim_new(&sim, NULL), 0);
	hooks.on_event = mock_on_event;
	hooks.on_mark = mock_on_mark;
	hooks.payload = &payload_token;
	assert_int_equal(tdpsim_sim_set_hooks(sim, &hooks), 0);

	access.u.access.cpl = 3;
	mark.u.mark.label = "warm";
	expect_event(0, TDPSIM_CMD_ACCESS);
	assert_int_equal(tdpsim_sim_apply(sim, &access), 0);
	expect_event(1, TDPSIM_CMD_MARK);
	expect_mark("warm", 2, 1); /* the mark counts itself */
	assert_int_equal(tdpsim_sim_apply(sim, &mark), 0);

	/* a rejected event calls nothing: vcpu 5 does not exist */
	access.u.access.vcpu = 5;
	assert_int_equal(tdpsim_sim_apply(sim, &access), TDPSIM_EINPUT);

	/* removing the hooks stops the calls */
	assert_int_equal(tdpsim_sim_set_hooks(sim, NULL), 0);
	access.u.access.vcpu = 0;
	assert_int_equal(tdpsim_sim_apply(sim, &access), 0);
	tdpsim_sim_free(sim);
}

static void hooks_of_another_version_are_refused(void **state)
{
	tdpsim_hooks hooks = TDPSIM_HOOKS_INIT;
	tdpsim_sim *sim;

	(void)state;
	assert_int_equal(tdpsim_sim_new(&sim, NULL), 0);
	hooks.version = 99;
	assert_int_equal(tdpsim_sim_set_hooks(sim, &hooks), TDPSIM_EINVAL);
	assert_non_null(strstr(tdpsim_error_last()->message, "hooks version 99"));
	tdpsim_sim_free(sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hooks_are_called_once_per_event_and_mark_in_order),
		cmocka_unit_test(hooks_of_another_version_are_refused),
	};

	return cmocka_run_group_tests_name("hooks", tests, NULL, NULL);
}

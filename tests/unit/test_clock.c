/* SPDX-License-Identifier: MIT */
/* The simulated clock's work queue: time order, ties in schedule order, rescheduling. */
#include "check_main.h"
#include "core/clock.h"

struct log {
	uint64_t when[32];
	int who[32];
	int n;
	struct clock *clock;
};

static struct log g_log;

static void record(void *ctx, uint64_t now)
{
	g_log.when[g_log.n] = now;
	g_log.who[g_log.n++] = (int)(intptr_t)ctx;
}

START_TEST(work_runs_in_time_order_and_ties_in_schedule_order)
{
	struct clock c;

	g_log.n = 0;
	ck_assert_int_eq(clock_init(&c), 0);
	clock_schedule(&c, 300, record, (void *)3);
	clock_schedule(&c, 100, record, (void *)1);
	clock_schedule(&c, 200, record, (void *)21);
	clock_schedule(&c, 200, record, (void *)22);
	clock_schedule(&c, 999, record, (void *)9);
	clock_advance(&c, 250);
	ck_assert_int_eq(g_log.n, 3);
	ck_assert_int_eq(g_log.who[0], 1);
	ck_assert_int_eq(g_log.who[1], 21);
	ck_assert_int_eq(g_log.who[2], 22);
	ck_assert_uint_eq(g_log.when[1], 200);
	ck_assert_uint_eq(c.now, 250);
	clock_advance(&c, 50); /* exactly 300: due work runs */
	ck_assert_int_eq(g_log.n, 4);
	ck_assert_uint_eq(g_log.when[3], 300);
	clock_free(&c);
}
END_TEST

/* A periodic worker, like KVM's NX recovery thread: runs, then schedules its next run. */
static void periodic(void *ctx, uint64_t now)
{
	struct clock *c = ctx;

	g_log.when[g_log.n++] = now;
	clock_schedule(c, now + 100, periodic, c);
}

START_TEST(a_periodic_worker_runs_once_per_period_within_an_advance)
{
	struct clock c;

	g_log.n = 0;
	ck_assert_int_eq(clock_init(&c), 0);
	clock_schedule(&c, 100, periodic, &c);
	clock_advance(&c, 500); /* runs at 100, 200, 300, 400, 500 */
	ck_assert_int_eq(g_log.n, 5);
	for (int i = 0; i < 5; i++)
		ck_assert_uint_eq(g_log.when[i], 100u * (unsigned)(i + 1));
	clock_free(&c);
}
END_TEST

START_TEST(the_queue_grows_past_its_initial_capacity)
{
	struct clock c;

	g_log.n = 0;
	ck_assert_int_eq(clock_init(&c), 0);
	for (int i = 31; i >= 0; i--)
		ck_assert_int_eq(clock_schedule(&c, (uint64_t)i, record, (void *)(intptr_t)i), 0);
	clock_advance(&c, 1000);
	ck_assert_int_eq(g_log.n, 32);
	for (int i = 0; i < 32; i++)
		ck_assert_int_eq(g_log.who[i], i);
	clock_free(&c);
}
END_TEST

static Suite *clock_suite(void)
{
	Suite *s = suite_create("clock");
	TCase *tc = tcase_create("queue");

	tcase_add_test(tc, work_runs_in_time_order_and_ties_in_schedule_order);
	tcase_add_test(tc, a_periodic_worker_runs_once_per_period_within_an_advance);
	tcase_add_test(tc, the_queue_grows_past_its_initial_capacity);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(clock_suite)

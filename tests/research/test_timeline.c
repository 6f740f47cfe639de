/* SPDX-License-Identifier: MIT */
/* The sampling API (tdpsim/timeline.h): where boundaries fall, what a sample holds, and
 * that sampling changes nothing in the simulation. */
#include <inttypes.h>

#include "../unit/check_main.h"
#include "../unit/test_util.h"
#include "tdpsim/tdpsim.h"

/* A VM with 1 GiB of 4K-backed memory, the guest mapping 8 MiB with 4K pages at 1 GiB:
 * then a sweep of 1000 accesses (1000 pages of 4K), a mark, 25 ms, a sweep of 500. */
static const char trace_text[] =
	"tdpsim-trace 1\n"
	"memslot slot=0 gpa=0 size=1G hva=0x7f0000000000\n"
	"backing hva=0x7f0000000000 size=1G kind=4k\n"
	"guest-pt gpa=0x3ff00000 size=1M\n"
	"guest-map gva=0x40000000 gpa=0 size=8M page=4k prot=rw user=1\n"
	"sweep vcpu=0 gva=0x40000000 len=4000K stride=4K op=w\n"
	"mark label=half\n"
	"advance ms=25\n"
	"sweep vcpu=0 gva=0x40000000 len=2000K stride=4K op=r\n";

#define MAX_SAMPLES 64

struct seen {
	size_t n;
	tdpsim_sample s[MAX_SAMPLES];
	tdpsim_stats st[MAX_SAMPLES];
	char mark[MAX_SAMPLES][16];    /* the label copied ("" for none): the sim is gone later */
};

static void on_sample(const tdpsim_sample *s, void *payload)
{
	struct seen *seen = payload;

	if (seen->n == MAX_SAMPLES)
		return;
	seen->s[seen->n] = *s;
	seen->st[seen->n] = *s->stats;
	snprintf(seen->mark[seen->n], sizeof(seen->mark[0]), "%s", s->mark ? s->mark : "");
	seen->n++;
}

/* Replay the trace with sampling in `unit` every `every` (0: none); the digest. */
static uint64_t run(tdpsim_interval_unit unit, uint64_t every, struct seen *seen)
{
	const char *dir = scratch_dir();
	const char *path = write_file(dir, "t.tdpt", trace_text);
	tdpsim_sampling s = TDPSIM_SAMPLING_INIT;
	tdpsim_sim *sim = NULL;
	tdpsim_trace *t = NULL;
	uint64_t digest;

	ck_assert_ptr_nonnull(path);
	ck_assert_int_eq(tdpsim_sim_new(&sim, NULL), 0);
	s.unit = unit;
	s.every = every;
	s.fn = on_sample;
	s.payload = seen;
	if (every)
		ck_assert_int_eq(tdpsim_sim_set_sampling(sim, &s), 0);
	ck_assert_int_eq(tdpsim_trace_open(&t, path), 0);
	ck_assert_int_ge(tdpsim_sim_replay(sim, t, NULL, NULL), 0);
	digest = tdpsim_sim_digest(sim);
	tdpsim_trace_free(t);
	tdpsim_sim_free(sim);
	unlink(path);
	rmdir(dir);
	return digest;
}

START_TEST(boundaries_fall_inside_a_sweep_at_every_multiple_of_the_interval)
{
	static struct seen seen;

	/* 1500 accesses every 300: boundaries 300, 600, 900 (the first sweep, before the
	 * mark), 1200, 1500 (the second, after it). */
	run(TDPSIM_INTERVAL_ACCESSES, 300, &seen);
	ck_assert_uint_eq(seen.n, 5);
	for (size_t i = 0; i < 5; i++) {
		ck_assert_uint_eq(seen.s[i].index, i);
		ck_assert_uint_eq(seen.s[i].at, 300 * (i + 1));
		ck_assert_uint_eq(seen.st[i].accesses, 300 * (i + 1));
		ck_assert_uint_eq(seen.st[i].accesses_write, i < 3 ? 300 * (i + 1) : 1000);
	}
	ck_assert_str_eq(seen.mark[2], "");
	ck_assert_str_eq(seen.mark[3], "half");
}
END_TEST

START_TEST(time_boundaries_stop_the_clock_on_the_way_through_an_advance)
{
	static struct seen seen;

	/* 25 ms every 10 ms: at 10 and 20 ms, both inside the one advance. */
	run(TDPSIM_INTERVAL_NS, 10000000, &seen);
	ck_assert_uint_eq(seen.n, 2);
	ck_assert_uint_eq(seen.s[0].at, 10000000);
	ck_assert_uint_eq(seen.st[0].sim_ns, 10000000);
	ck_assert_uint_eq(seen.st[1].sim_ns, 20000000);
	ck_assert_uint_eq(seen.st[1].accesses, 1000); /* the second sweep comes after */
}
END_TEST

START_TEST(event_boundaries_follow_the_events_applied)
{
	static struct seen seen;

	/* 8 events every 3: after the 3rd (guest-pt) and the 6th (the mark). */
	run(TDPSIM_INTERVAL_EVENTS, 3, &seen);
	ck_assert_uint_eq(seen.n, 2);
	ck_assert_uint_eq(seen.st[0].events, 3);
	ck_assert_uint_eq(seen.st[1].events, 6);
	ck_assert_str_eq(seen.mark[1], "half");
}
END_TEST

START_TEST(sampling_leaves_the_outcome_unchanged)
{
	static struct seen a, b, c;
	uint64_t plain = run(TDPSIM_INTERVAL_ACCESSES, 0, NULL);

	ck_assert_uint_eq(run(TDPSIM_INTERVAL_ACCESSES, 7, &a), plain);
	ck_assert_uint_eq(run(TDPSIM_INTERVAL_NS, 1000, &b), plain);
	ck_assert_uint_eq(run(TDPSIM_INTERVAL_EVENTS, 1, &c), plain);
}
END_TEST

START_TEST(bad_sampling_options_are_refused_with_einval)
{
	tdpsim_sampling s;
	tdpsim_sim *sim = NULL;

	ck_assert_int_eq(tdpsim_sampling_init(&s, TDPSIM_SAMPLING_VERSION), 0);
	ck_assert_uint_eq(s.version, TDPSIM_SAMPLING_VERSION);
	ck_assert_int_eq(s.unit, TDPSIM_INTERVAL_ACCESSES);
	ck_assert_uint_eq(s.every, 0);
	ck_assert_int_eq(tdpsim_sampling_init(&s, 99), TDPSIM_EINVAL);
	ck_assert_int_eq(tdpsim_sim_new(&sim, NULL), 0);
	tdpsim_sampling_init(&s, TDPSIM_SAMPLING_VERSION);
	s.fn = on_sample;
	ck_assert_int_eq(tdpsim_sim_set_sampling(sim, &s), TDPSIM_EINVAL); /* every = 0 */
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "interval is 0"));
	s.every = 10;
	s.fn = NULL;
	ck_assert_int_eq(tdpsim_sim_set_sampling(sim, &s), TDPSIM_EINVAL);
	s.fn = on_sample;
	s.unit = (tdpsim_interval_unit)7;
	ck_assert_int_eq(tdpsim_sim_set_sampling(sim, &s), TDPSIM_EINVAL);
	s.unit = TDPSIM_INTERVAL_NS;
	s.version = 0;
	ck_assert_int_eq(tdpsim_sim_set_sampling(sim, &s), TDPSIM_EINVAL);
	ck_assert_int_eq(tdpsim_sim_set_sampling(NULL, NULL), TDPSIM_EINVAL);
	ck_assert_int_eq(tdpsim_sim_set_sampling(sim, NULL), 0); /* removing: fine */
	tdpsim_sim_free(sim);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("timeline");
	TCase *tc = tcase_create("sampling");

	tcase_set_timeout(tc, 0); /* no framework timeout: the machine may be loaded */

	tcase_add_test(tc, boundaries_fall_inside_a_sweep_at_every_multiple_of_the_interval);
	tcase_add_test(tc, time_boundaries_stop_the_clock_on_the_way_through_an_advance);
	tcase_add_test(tc, event_boundaries_follow_the_events_applied);
	tcase_add_test(tc, sampling_leaves_the_outcome_unchanged);
	tcase_add_test(tc, bad_sampling_options_are_refused_with_einval);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(suite)

/* SPDX-License-Identifier: MIT */
/*
 * Streaming: memory does not grow with trace length.  A child process writes a binary trace
 * of 50 million events (accesses at a 4K stride over several vCPUs, a sweep and a mark now and
 * then); the test replays it and compares the peak RSS after the first million events with
 * the peak at the end.
 */
#include <sys/wait.h>

#include "check_main.h"
#include "tdpsim/tdpsim.h"
#include "test_util.h"

#define EVENTS 50000000ull
#define WARMUP 1000000ull
#define GROWTH_LIMIT_KB 1024 /* a fixed-size reader and machine: well under 1 MiB of growth */

/* Peak resident set (VmHWM) of this process, in KiB. */
static long peak_rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

static int write_trace(const char *path)
{
	tdpsim_trace_writer *w;
	tdpsim_event ev;

	if (tdpsim_trace_writer_new(&w, path) < 0)
		return 1;
	for (uint64_t i = 0; i < EVENTS; i++) {
		memset(&ev, 0, sizeof(ev));
		if (i % 10000000 == 9999999) {
			ev.cmd = TDPSIM_CMD_MARK;
			ev.u.mark.label = "ten million";
		} else if (i % 1000 == 999) {
			ev.cmd = TDPSIM_CMD_SWEEP;
			ev.u.sweep.gva = 0x40000000;
			ev.u.sweep.len = 1 << 20;
			ev.u.sweep.stride = 4096;
			ev.u.sweep.repeat = 1;
			ev.u.sweep.cpl = 3;
		} else {
			ev.cmd = TDPSIM_CMD_ACCESS;
			ev.u.access.vcpu = (uint32_t)(i & 3);
			ev.u.access.op = (uint32_t)(i % 3);
			ev.u.access.cpl = 3;
			ev.u.access.gva = 0x40000000ull + 4096ull * (i % (1u << 18));
		}
		if (tdpsim_trace_write(w, &ev) < 0)
			return 1;
	}
	return tdpsim_trace_writer_close(w) < 0;
}

START_TEST(replaying_50_million_events_keeps_peak_rss_flat)
{
	const char *dir = scratch_dir();
	char path[512];
	tdpsim_trace *t;
	tdpsim_sim *sim;
	tdpsim_event ev;
	uint64_t n = 0;
	long warm_kb = 0, end_kb;
	pid_t child;
	int status, rc;

	snprintf(path, sizeof(path), "%s/long.tdpb", dir);
	child = fork(); /* the writer's memory must not count in this process's peak */
	if (child == 0)
		_exit(write_trace(path));
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "writing the trace failed");

	ck_assert_int_eq(tdpsim_sim_new(&sim, NULL), 0);
	ck_assert_int_eq(tdpsim_sim_set(sim, "vcpus", "4"), 0);
	ck_assert_int_eq(tdpsim_trace_open(&t, path), 0);
	/* No ck_assert in this loop: each one reports its location to Check's runner with a
	 * system call, which would cost more than the replay itself. */
	while ((rc = tdpsim_trace_next(t, &ev)) > 0) {
		if (tdpsim_sim_apply(sim, &ev) < 0)
			ck_abort_msg("event %llu: %s", (unsigned long long)n,
				     tdpsim_error_last()->message);
		if (++n == WARMUP)
			warm_kb = peak_rss_kb();
	}
	ck_assert_int_eq(rc, 0);
	end_kb = peak_rss_kb();
	unlink(path);
	rmdir(dir);
	ck_assert_uint_eq(n, EVENTS);
	ck_assert_uint_eq(tdpsim_sim_mark_count(sim), 5);
	ck_assert_msg(warm_kb > 0 && end_kb - warm_kb < GROWTH_LIMIT_KB,
		      "peak RSS grew from %ld KiB after %llu events to %ld KiB after %llu", warm_kb,
		      (unsigned long long)WARMUP, end_kb, (unsigned long long)EVENTS);
	tdpsim_trace_free(t);
	tdpsim_sim_free(sim);
}
END_TEST

static Suite *streaming_suite(void)
{
	Suite *s = suite_create("streaming");
	TCase *tc = tcase_create("rss");

	tcase_set_timeout(tc, 900); /* slow under the sanitizers; never a time assertion */
	tcase_add_test(tc, replaying_50_million_events_keeps_peak_rss_flat);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(streaming_suite)

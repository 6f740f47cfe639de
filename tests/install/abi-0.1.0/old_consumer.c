/* SPDX-License-Identifier: MIT */
/*
 * A program written for libtdpsim 0.1, compiled against 0.1's public headers (kept beside
 * this file as they were released) and run with the library of today: it must link, run and
 * find what 0.1 promised, and the library must not write past 0.1's structs.  Each struct the
 * library fills sits before a guard that must stay untouched.  Usage: old_consumer TRACE.
 */
#include <stdio.h>
#include <string.h>

#include <tdpsim/tdpsim.h>

#define GUARD 0x5a5a5a5a5a5a5a5aull

static int failures;

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "old_consumer.c:%d: %s\n", __LINE__, #cond);       \
			failures++;                                                        \
		}                                                                          \
	} while (0)

struct guarded_stats {
	tdpsim_stats st;
	uint64_t guard[32];
};

static unsigned faults;

static void on_fault(const tdpsim_fault *f, void *payload)
{
	(void)payload;
	faults += f->result == TDPSIM_PF_FIXED;
}

static int guard_intact(const struct guarded_stats *g)
{
	for (int i = 0; i < 32; i++)
		if (g->guard[i] != GUARD)
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	tdpsim_options o = TDPSIM_OPTIONS_INIT;
	tdpsim_hooks h = TDPSIM_HOOKS_INIT;
	struct guarded_stats g;
	tdpsim_sim *sim = NULL;
	tdpsim_trace *t = NULL;
	const char *label;
	uint64_t sum = 0;

	if (argc != 2)
		return 2;
	memset(&g, 0x5a, sizeof(g));
	o.vcpus = 1;
	CHECK(tdpsim_sim_new(&sim, &o) == 0);
	h.on_fault = on_fault;
	CHECK(tdpsim_sim_set_hooks(sim, &h) == 0);
	CHECK(tdpsim_trace_open(&t, argv[1]) == 0);
	CHECK(tdpsim_sim_replay(sim, t, NULL, NULL) > 0);
	tdpsim_sim_stats(sim, &g.st);
	CHECK(guard_intact(&g));
	CHECK(g.st.accesses > 0 && g.st.pf_fixed > 0 && g.st.pf_fixed == faults);
	/* The counters 0.1 knew, by index, within 0.1's struct. */
	for (size_t i = 0; i < tdpsim_stats_count(); i++)
		sum += tdpsim_stats_value(&g.st, i) != 0;
	CHECK(sum > 0);
	CHECK(tdpsim_stats_count() * sizeof(uint64_t) == sizeof(tdpsim_stats));
	memset(&g, 0x5a, sizeof(g));
	if (tdpsim_sim_mark_count(sim) > 0) {
		CHECK(tdpsim_sim_mark(sim, 0, &label, &g.st) == 0);
		CHECK(guard_intact(&g));
	}
	tdpsim_trace_free(t);
	tdpsim_sim_free(sim);
	if (failures)
		return 1;
	printf("old_consumer: built against 0.1's headers, runs with libtdpsim %s\n",
	       tdpsim_version());
	return 0;
}

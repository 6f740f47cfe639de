/* SPDX-License-Identifier: MIT */
/*
 * Whatever decodes, replayed into a small machine with --check on: the simulator's invariants
 * hold after every event, or the event is refused with a message.  The library's own budget
 * keeps each input cheap (tdpsim_options.max_work, .max_memory: events that stand for many
 * accesses, pages or worker passes, or that need much memory, are refused at their start -
 * which this harness also exercises); only many vCPUs and model files named by the input
 * are skipped here, as not this harness's subject.
 */
#include "fuzz.h"
#include "tdpsim/tdpsim.h"

#define MAX_EVENTS 2000
#define MAX_WORK (1u << 16)
#define MAX_MEMORY (256ull << 20)

static int skipped(const tdpsim_event *ev)
{
	return ev->cmd == TDPSIM_CMD_SET &&
	       (strcmp(ev->u.set.key, "vcpus") == 0 || strchr(ev->u.set.value, '/') ||
		strstr(ev->u.set.value, ".ini"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tdpsim_options o = TDPSIM_OPTIONS_INIT;
	int fd = fuzz_memfd(data, size), n = 0;
	tdpsim_trace *t = NULL;
	tdpsim_sim *sim = NULL;
	tdpsim_event ev;

	if (fd < 0)
		return 0;
	if (tdpsim_trace_open_fd(&t, fd, "fuzz") < 0)
		return 0;
	o.check = 1;
	o.vcpus = 2;
	o.max_work = MAX_WORK;
	o.max_memory = MAX_MEMORY;
	if (tdpsim_sim_new(&sim, &o) < 0) {
		tdpsim_trace_free(t);
		return 0;
	}
	while (n++ < MAX_EVENTS && tdpsim_trace_next(t, &ev) > 0) {
		if (skipped(&ev))
			continue;
		if (tdpsim_sim_apply(sim, &ev) < 0 && tdpsim_error_last()->code == TDPSIM_EINTERNAL) {
			/* --check found a broken invariant: a bug */
			fprintf(stderr, "fuzz_replay: event %d: %s\n", n, tdpsim_error_last()->message);
			abort();
		}
	}
	(void)tdpsim_sim_digest(sim);
	tdpsim_sim_free(sim);
	tdpsim_trace_free(t);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Whatever decodes, replayed into a small machine with --check on: the simulator's invariants
 * hold after every event, or the event is refused with a message.  A work budget keeps each
 * input cheap: events that stand for many accesses, much guest memory or long simulated
 * time are skipped (the harness looks for wrong states, not for slow inputs).
 */
#include "fuzz.h"
#include "tdpsim/tdpsim.h"

#define MAX_EVENTS 2000
#define MAX_SLOT_BYTES (4ull << 30)  /* slots cost nothing until used */
#define MAX_BYTES (1ull << 30)       /* what the host populates or the guest maps */
#define MAX_NS (10ull * 1000 * 1000 * 1000)

static int too_costly(const tdpsim_event *ev, uint64_t *ns)
{
	switch (ev->cmd) {
	case TDPSIM_CMD_SWEEP:
		return tdpsim_event_accesses(ev) > 65536;
	case TDPSIM_CMD_MEMSLOT:
		return ev->u.memslot.size > MAX_SLOT_BYTES;
	case TDPSIM_CMD_BACKING:
		return ev->u.backing.size > MAX_BYTES;
	case TDPSIM_CMD_GUEST_MAP:
		return ev->u.guest_map.size > MAX_BYTES;
	case TDPSIM_CMD_GUEST_PT:
		return ev->u.guest_pt.size > MAX_BYTES;
	case TDPSIM_CMD_ADVANCE:
		if (ev->u.advance.ns > MAX_NS - *ns)
			return 1;
		*ns += ev->u.advance.ns;
		return 0;
	case TDPSIM_CMD_SET:
		/* many vCPUs, or a model file named by the input: not this harness's subject */
		return strcmp(ev->u.set.key, "vcpus") == 0 || strchr(ev->u.set.value, '/') ||
		       strstr(ev->u.set.value, ".ini");
	default:
		return 0;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tdpsim_options o = TDPSIM_OPTIONS_INIT;
	int fd = fuzz_memfd(data, size), n = 0;
	tdpsim_trace *t = NULL;
	tdpsim_sim *sim = NULL;
	tdpsim_event ev;
	uint64_t ns = 0;

	if (fd < 0)
		return 0;
	if (tdpsim_trace_open_fd(&t, fd, "fuzz") < 0)
		return 0;
	o.check = 1;
	o.vcpus = 2;
	if (tdpsim_sim_new(&sim, &o) < 0) {
		tdpsim_trace_free(t);
		return 0;
	}
	while (n++ < MAX_EVENTS && tdpsim_trace_next(t, &ev) > 0) {
		if (too_costly(&ev, &ns))
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

/* SPDX-License-Identifier: MIT */
/*
 * Internal: the simulated clock and its queue of background work (KVM's NX recovery worker
 * and the like).  Work due at the same time runs in the order it was scheduled, so the
 * outcome never depends on anything but the input.
 */
#ifndef TDPSIM_CORE_CLOCK_H
#define TDPSIM_CORE_CLOCK_H

#include <stddef.h>
#include <stdint.h>

typedef void (*clock_work_fn)(void *ctx, uint64_t now_ns);

struct clock_work {
	uint64_t when; /* ns */
	uint64_t seq;  /* schedule order: breaks ties */
	clock_work_fn fn;
	void *ctx;
};

struct clock {
	uint64_t now; /* ns */
	uint64_t seq;
	struct clock_work *heap; /* min-heap on (when, seq) */
	size_t n, cap;
};

int clock_init(struct clock *c);
void clock_free(struct clock *c);

/* Run fn(ctx, when) once the clock reaches `when` (at once on the next advance if past). */
int clock_schedule(struct clock *c, uint64_t when, clock_work_fn fn, void *ctx);

/* Move time forward by `ns`, running due work in order; work may schedule more work. */
void clock_advance(struct clock *c, uint64_t ns);

#endif

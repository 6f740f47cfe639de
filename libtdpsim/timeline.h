/* SPDX-License-Identifier: MIT */
/*
 * Internal: sampling the stats at interval boundaries (tdpsim/timeline.h).  The machine keeps
 * one `struct timeline` and compares its counters with the next boundary of each unit; a
 * unit not sampled has its boundary at UINT64_MAX, so the comparison never fires.
 */
#ifndef TDPSIM_TIMELINE_INTERNAL_H
#define TDPSIM_TIMELINE_INTERNAL_H

#include <stdint.h>

#include "core/clock.h"
#include "tdpsim/timeline.h"

#define TIMELINE_NONE UINT64_MAX

struct timeline {
	uint64_t next_access; /* the next boundary of each unit, or TIMELINE_NONE */
	uint64_t next_event;
	uint64_t next_ns;
	tdpsim_sampling cfg;
	uint64_t index;       /* boundaries crossed so far */
};

/* No sampling. */
void timeline_init(struct timeline *t);

/* Register `s` (NULL: none) for `sim`, whose counters stand where tdpsim_sim_stats says. */
int timeline_configure(struct timeline *t, const tdpsim_sim *sim, const tdpsim_sampling *s);

/* A counter reached its unit's next boundary: call back, then move the boundary on. */
/* Cold: called at boundaries only, so the access path keeps its registers for itself. */
void timeline_cross(struct timeline *t, const tdpsim_sim *sim) __attribute__((cold));

/*
 * An `advance` of `ns`: the clock moves to each boundary on the way and stops there for a
 * sample (*sim_ns follows the clock), then runs to the end.  Splitting the advance changes
 * nothing: work due by a boundary runs before it, in the same order (clock_advance).
 */
void timeline_advance(struct timeline *t, const tdpsim_sim *sim, struct clock *c, uint64_t ns,
		      uint64_t *sim_ns);

#endif

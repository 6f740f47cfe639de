/* SPDX-License-Identifier: MIT */
/*
 * tdpsim/timeline.h - the stats sampled at regular intervals of a run.
 *
 * A harness registers an interval - so many guest accesses, so many events, or so many
 * nanoseconds of simulated time - and a callback; the machine calls it at every boundary
 * with the stats as they stand there, also in the middle of a `sweep` (one sweep can be
 * millions of accesses) and of an `advance` (time steps to each boundary on the way).
 *
 *     tdpsim_sampling s = TDPSIM_SAMPLING_INIT;
 *     s.unit = TDPSIM_INTERVAL_ACCESSES;
 *     s.every = 100000;
 *     s.fn = on_sample;
 *     tdpsim_sim_set_sampling(sim, &s);
 *
 * Boundaries fall at the multiples of `every` of the unit's counter (stats.accesses,
 * stats.events or stats.sim_ns) counted from the machine's creation.  Sampling changes
 * nothing in the simulation: the stats and the digest are those of a run without it.
 * Unregistered, it costs one comparison per access.
 */
#ifndef TDPSIM_TIMELINE_H
#define TDPSIM_TIMELINE_H

#include <stdint.h>

#include "tdpsim/common.h"
#include "tdpsim/stats.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TDPSIM_SAMPLING_VERSION 1

typedef enum tdpsim_interval_unit {
	TDPSIM_INTERVAL_ACCESSES = 0, /* guest accesses (stats.accesses) */
	TDPSIM_INTERVAL_EVENTS = 1,   /* events applied (stats.events) */
	TDPSIM_INTERVAL_NS = 2        /* simulated nanoseconds (stats.sim_ns) */
} tdpsim_interval_unit;

/* What the callback receives at a boundary; valid during the call only. */
typedef struct tdpsim_sample {
	uint64_t index;            /* 0 for the first boundary crossed, then 1, 2, ... */
	uint64_t at;               /* the boundary in the unit: a multiple of `every` */
	const tdpsim_stats *stats; /* the stats at the boundary (cumulative, as tdpsim_sim_stats) */
	const char *mark;          /* label of the latest mark applied, NULL before the first */
} tdpsim_sample;

typedef void (*tdpsim_sample_fn)(const tdpsim_sample *sample, void *payload);

typedef struct tdpsim_sampling {
	unsigned int version;      /* TDPSIM_SAMPLING_VERSION */
	tdpsim_interval_unit unit;
	uint64_t every;            /* the interval, > 0, in the unit */
	tdpsim_sample_fn fn;       /* called at every boundary; must not call into the sim */
	void *payload;             /* passed to fn */
} tdpsim_sampling;

#define TDPSIM_SAMPLING_INIT { TDPSIM_SAMPLING_VERSION, TDPSIM_INTERVAL_ACCESSES, 0, NULL, NULL }

/* Fill `s` as TDPSIM_SAMPLING_INIT does; `version` must be TDPSIM_SAMPLING_VERSION. */
TDPSIM_EXTERN int tdpsim_sampling_init(tdpsim_sampling *s, unsigned int version);

/*
 * Register sampling (copied); NULL removes it.  The first boundary is the first multiple of
 * `every` above the unit's counter now.  TDPSIM_EINVAL for a bad version, unit, zero
 * interval or missing callback.
 */
TDPSIM_EXTERN int tdpsim_sim_set_sampling(tdpsim_sim *sim, const tdpsim_sampling *s);

#ifdef __cplusplus
}
#endif

#endif

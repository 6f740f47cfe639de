/* SPDX-License-Identifier: MIT */
/*
 * tdpsim/hooks.h - observing a simulation without patching it.
 *
 * A harness fills a tdpsim_hooks with the callbacks it wants (NULL for the others) and
 * registers it with tdpsim_sim_set_hooks().  Callbacks run synchronously, in simulation order,
 * and must not call back into the same tdpsim_sim.
 */
#ifndef TDPSIM_HOOKS_H
#define TDPSIM_HOOKS_H

#include <stdint.h>

#include "tdpsim/common.h"
#include "tdpsim/stats.h"
#include "tdpsim/trace.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TDPSIM_HOOKS_VERSION 1

typedef struct tdpsim_hooks {
	unsigned int version; /* TDPSIM_HOOKS_VERSION */

	/* After every event has been applied; `index` counts events from 0. */
	void (*on_event)(uint64_t index, const tdpsim_event *ev, void *payload);

	/* At every `mark`, with the snapshot just kept. */
	void (*on_mark)(const char *label, const tdpsim_stats *stats, void *payload);

	void *payload; /* passed to every callback */
} tdpsim_hooks;

#define TDPSIM_HOOKS_INIT { TDPSIM_HOOKS_VERSION, NULL, NULL, NULL }

#ifdef __cplusplus
}
#endif

#endif

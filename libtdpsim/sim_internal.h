/* SPDX-License-Identifier: MIT */
/*
 * Internal: the simulator object behind tdpsim_sim, shared by its parts - sim.c (the public
 * API's settings, lifecycle, hooks and models), machine.c (building the machine the settings
 * describe), dispatch.c (each event on the machine: tdpsim_sim_apply, tdpsim_sim_replay) and
 * results.c (stats, marks, notices, the digest).
 */
#ifndef TDPSIM_SIM_INTERNAL_H
#define TDPSIM_SIM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/clock.h"
#include "core/mem.h"
#include "machine.h"
#include "settings.h"
#include "tdpsim/tdpsim.h"
#include "timeline.h"

/* The size of tdpsim_stats in 0.1, what the plain tdpsim_sim_stats and tdpsim_sim_mark fill. */
#define STATS_SIZE_0_1 offsetof(tdpsim_stats, mmu_shadow_zapped)

struct mark {
	char *label;
	tdpsim_stats stats;
	struct settings settings; /* as they stood at the mark: a `set` may change them later */
};

#define SIM_MAX_MODELS_DIRS 16

struct tdpsim_sim {
	struct settings settings;
	struct mem_meter mem; /* what the machine holds, against max_memory (core/mem.h) */
	uint64_t max_work;    /* the work budget (0: none), and the work done so far */
	uint64_t work;
	uint64_t work_cap;    /* max_work, or UINT64_MAX without one: one compare per event */
	int check;
	int started; /* an event has used the machine: machine settings are fixed now */
	struct clock clock;
	struct machine machine; /* its parts exist once started */
	tdpsim_stats stats;
	struct mark *marks;
	size_t nmarks, cap_marks;
	char **notices;
	size_t nnotices, cap_notices;
	tdpsim_hooks hooks;
	char valbuf[SET__COUNT][24]; /* numeric settings as text */
	/* Where a trace's `set kvm=PATH` / `set cpu=PATH` may read (sim_models.c): the folder of
	 * the trace being replayed, and the folders tdpsim_sim_add_models_path gave. */
	char *trace_dir;
	/* tdpsim_sim_replay's progress callback, for the accesses inside a long sweep. */
	struct {
		tdpsim_progress_cb cb;
		void *payload;
		tdpsim_trace *trace;
		uint64_t events;
	} progress;
	char *models_dirs[SIM_MAX_MODELS_DIRS];
	size_t nmodels_dirs;
	tdpsim_hugepage_policy_fn policy;
	void *policy_payload;
	tdpsim_multihit_fn multihit;
	void *multihit_payload;
	/* a machine check halted the machine: where */
	bool halted;
	uint64_t halt_event;
	unsigned halt_vcpu;
	uint64_t halt_gva;
	struct timeline timeline; /* sampling at interval boundaries (timeline.c) */
};

/* sim.c */
/* Grow *arr (of *cap elements of `elem` bytes) to hold n + 1, charged to the marks. */
int sim_grow(tdpsim_sim *sim, void **arr, size_t *cap, size_t n, size_t elem);
int sim_add_notice(tdpsim_sim *sim, const char *msg);
/* A setting's new value, from the API (pin: it stays) or a trace `set`. */
int sim_apply_setting(tdpsim_sim *sim, const char *key, const char *value, int pin);

/* budget.c: the events whose work is more than one unit (sweep, advance, a populated
 * backing, a guest mapping): the one list budget.c's event_work and the inline check below
 * share. */
#define SIM_BUDGET_COSTLY (1u << TDPSIM_CMD_SWEEP | 1u << TDPSIM_CMD_ADVANCE | \
			   1u << TDPSIM_CMD_BACKING | 1u << TDPSIM_CMD_GUEST_MAP | \
			   1u << TDPSIM_CMD_HOST_AGE)
_Static_assert(TDPSIM_CMD__COUNT <= 32, "the costly commands are bits of a uint32_t");

static inline bool sim_budget_costly(uint32_t cmd)
{
	return cmd < 32 && (SIM_BUDGET_COSTLY >> cmd & 1);
}

static inline bool sim_budget_exhausted(const tdpsim_sim *sim)
{
	return sim->work >= sim->work_cap;
}

/* One unit of work (an access record), refused only at the budget's end. */
int sim_budget_refuse_access(const tdpsim_sim *sim) __attribute__((cold));
static inline int sim_budget_access(tdpsim_sim *sim)
{
	if (sim_budget_exhausted(sim))
		return sim_budget_refuse_access(sim);
	sim->work++;
	return 0;
}

/* budget.c: count the event's work against max_work before it runs (and check the memory a
 * guest mapping needs): 0, or TDPSIM_ELIMIT / TDPSIM_ENOMEM naming the cost.  An event of one
 * unit takes the inline path (this runs before every event); at the budget's end it goes the
 * long way too, for the message naming it. */
int sim_budget_check_costly(tdpsim_sim *sim, const tdpsim_event *ev);
static inline int sim_budget_check(tdpsim_sim *sim, const tdpsim_event *ev)
{
	if (sim_budget_costly(ev->cmd) || sim_budget_exhausted(sim))
		return sim_budget_check_costly(sim, ev);
	sim->work++;
	return 0;
}

/* sim_models.c: the model files a trace may name. */
void sim_set_trace_dir(tdpsim_sim *sim, const char *trace_name);
void sim_free_models_dirs(tdpsim_sim *sim);
/* `value`, a model path a trace names, as the file to read (absolute), or an error. */
int sim_trace_model_path(const tdpsim_sim *sim, const char *value, char *out, size_t size);

/* machine.c: build it at its first use, tear it down, and follow setting changes
 * (`initial` when the machine starts: the VM is created with the parameters as they are). */
int machine_start(tdpsim_sim *sim);
void machine_stop(tdpsim_sim *sim);
void machine_refresh_config(tdpsim_sim *sim, bool initial);
void machine_refresh_multihit(tdpsim_sim *sim);
/* A write of an NX module parameter KVM refuses (EPERM, EBUSY): TDPSIM_EINPUT with why. */
int check_nx_write(const tdpsim_sim *sim, int id, uint64_t v);

/* results.c: the stats as of now */
void sim_stats_now(const tdpsim_sim *sim, tdpsim_stats *out);

#endif

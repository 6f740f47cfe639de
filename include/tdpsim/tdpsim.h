/* SPDX-License-Identifier: MIT */
/*
 * tdpsim/tdpsim.h - the simulated machine: options, settings, events, replay, results.
 *
 *     tdpsim_options o = TDPSIM_OPTIONS_INIT;
 *     o.mmu = "tdp";
 *     tdpsim_sim *sim;
 *     if (tdpsim_sim_new(&sim, &o) < 0)
 *             fprintf(stderr, "%s\n", tdpsim_error_last()->message);
 *
 * Everything is deterministic: the same events and settings give the same stats and digest.
 */
#ifndef TDPSIM_TDPSIM_H
#define TDPSIM_TDPSIM_H

#include <stddef.h>
#include <stdint.h>

#include "tdpsim/common.h"
#include "tdpsim/hooks.h"
#include "tdpsim/models.h"
#include "tdpsim/output.h"
#include "tdpsim/stats.h"
#include "tdpsim/timeline.h"
#include "tdpsim/trace.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TDPSIM_OPTIONS_VERSION 2

/*
 * Options for a new machine.  A non-NULL (or non-zero) field pins that setting exactly as
 * tdpsim_sim_set() does: trace `set` lines for it are then ignored.
 */
typedef struct tdpsim_options {
	unsigned int version; /* TDPSIM_OPTIONS_VERSION */
	const char *mmu;      /* "tdp" or "shadow" */
	const char *kvm;      /* kernel profile, e.g. "6.18" */
	const char *cpu;      /* CPU model, e.g. "skylake-sp" */
	unsigned int vcpus;   /* number of vCPUs */
	int check;            /* verify the invariants after every event (slow) */
	/* Version 2: the resource budget (0: none).  max_memory bounds the bytes the machine
	 * holds (its shadow pages, rmaps, memslot metadata, dirty bitmaps, host and guest page
	 * tables, marks): an event that would pass it fails with TDPSIM_ENOMEM naming the part
	 * that grew, before it starts when its need is known in advance (a populated backing,
	 * a guest mapping).  max_work bounds the replay's work, counted before each event
	 * runs: an access 1, a sweep its accesses, an advance the worker wake-ups it brings, a
	 * populated backing or a guest mapping its pages; past it the event fails with
	 * TDPSIM_ELIMIT naming its cost.  The count is the simulator's own, the same on every
	 * machine (tdpsim_sim_budget_used). */
	uint64_t max_memory;
	uint64_t max_work;
} tdpsim_options;

#define TDPSIM_OPTIONS_INIT { TDPSIM_OPTIONS_VERSION, NULL, NULL, NULL, 0, 0, 0, 0 }

/* Initialise `opts` as TDPSIM_OPTIONS_INIT does, for a caller written against `version` (1 up
 * to TDPSIM_OPTIONS_VERSION; for bindings that cannot use the macro).  0 or TDPSIM_EINVAL.
 * tdpsim_sim_new accepts the options of any version up to the current one. */
TDPSIM_EXTERN int tdpsim_options_init(tdpsim_options *opts, unsigned int version);

TDPSIM_EXTERN int tdpsim_sim_new(tdpsim_sim **out, const tdpsim_options *opts);

/* What the budget has counted so far: the bytes the machine holds (*memory) and the work of
 * the events applied (*work); either pointer may be NULL. */
TDPSIM_EXTERN void tdpsim_sim_budget_used(const tdpsim_sim *sim, uint64_t *memory,
					  uint64_t *work);
TDPSIM_EXTERN void tdpsim_sim_free(tdpsim_sim *sim);

/* ---- settings ---------------------------------------------------------------------------
 * Settings are named as in the trace `set` command and the CLI `--set` (nx_huge_pages,
 * eager_page_split, ...).  tdpsim_sim_set() sets the starting value and pins it.
 */
TDPSIM_EXTERN int tdpsim_sim_set(tdpsim_sim *sim, const char *key, const char *value);

/*
 * A folder whose model files (`set kvm=PATH`, `set cpu=PATH`) a trace may name.  A trace reads
 * only regular files in its own folder (a relative PATH is taken from there) or in a folder
 * given here; tdpsim_sim_set() may name any file.  0, or TDPSIM_EIO if `dir` is no folder.
 */
TDPSIM_EXTERN int tdpsim_sim_add_models_path(tdpsim_sim *sim, const char *dir);

/* Number of settings, and setting i: its name and current value (as text). */
TDPSIM_EXTERN size_t tdpsim_setting_count(void);
TDPSIM_EXTERN const char *tdpsim_setting_name(size_t i);
TDPSIM_EXTERN const char *tdpsim_sim_setting_value(const tdpsim_sim *sim, size_t i);
TDPSIM_EXTERN int tdpsim_sim_setting_pinned(const tdpsim_sim *sim, size_t i);
/* Setting i as the machine uses it: an `auto` as what it became on the kernel profile and CPU
 * model in force (nx_huge_pages=auto is force or off, tdp_mmu=auto 1 or 0, multihit=auto
 * machine-check or none, host_kernel=auto the profile's release); else the value.  The
 * string lives until the next call for the same setting (of either function). */
TDPSIM_EXTERN const char *tdpsim_sim_setting_resolved(const tdpsim_sim *sim, size_t i);

/* ---- running ---------------------------------------------------------------------------- */

/* Apply one event.  0 on success; on error the machine is unchanged by that event. */
TDPSIM_EXTERN int tdpsim_sim_apply(tdpsim_sim *sim, const tdpsim_event *ev);

/*
 * Called now and then during tdpsim_sim_replay(): events applied so far, bytes of the trace
 * consumed and the trace's size (0 if unknown).  Return non-zero to stop the replay
 * (tdpsim_sim_replay then returns TDPSIM_ECANCELED).
 */
typedef int (*tdpsim_progress_cb)(uint64_t events, uint64_t bytes_read, uint64_t bytes_total,
				  void *payload);

/*
 * Apply every event of `trace`, in order.  Returns the number of events applied (>= 0), or
 * a negative code; errors name the trace position.  `cb` may be NULL.
 */
TDPSIM_EXTERN int64_t tdpsim_sim_replay(tdpsim_sim *sim, tdpsim_trace *trace,
					tdpsim_progress_cb cb, void *payload);

/* ---- results ---------------------------------------------------------------------------- */

/* The stats now, as many counters as a struct of `size` bytes holds (see tdpsim/stats.h). */
TDPSIM_EXTERN void tdpsim_sim_stats_sized(const tdpsim_sim *sim, tdpsim_stats *out, size_t size);
TDPSIM_EXTERN void tdpsim_sim_stats(const tdpsim_sim *sim, tdpsim_stats *out);
#define tdpsim_sim_stats(sim, out) tdpsim_sim_stats_sized((sim), (out), sizeof(tdpsim_stats))

/* Whether stat i (vCPU stat i) exists on the machine's kernel profile: 1, or 0 for a counter
 * that KVM of that release does not have, whose value then reads 0 (the pf_* counters other
 * than pf_fixed before 5.19).  Reports print such a counter as absent (JSON null). */
TDPSIM_EXTERN int tdpsim_sim_stat_present(const tdpsim_sim *sim, size_t i);
TDPSIM_EXTERN int tdpsim_sim_vcpu_stat_present(const tdpsim_sim *sim, size_t i);

/* vCPUs of the machine (0 until it starts), and vCPU i's counters now. */
TDPSIM_EXTERN unsigned tdpsim_sim_vcpu_count(const tdpsim_sim *sim);
TDPSIM_EXTERN int tdpsim_sim_vcpu_stats(const tdpsim_sim *sim, unsigned vcpu,
					tdpsim_vcpu_stats *out);
/* The same, filling only what a struct of `size` bytes holds (the plain name is a macro for
 * it; the plain function gives the counters of 0.2). */
TDPSIM_EXTERN int tdpsim_sim_vcpu_stats_sized(const tdpsim_sim *sim, unsigned vcpu,
					      tdpsim_vcpu_stats *out, size_t size);
#define tdpsim_sim_vcpu_stats(sim, vcpu, out) \
	tdpsim_sim_vcpu_stats_sized((sim), (vcpu), (out), sizeof(tdpsim_vcpu_stats))

/* Snapshots kept at `mark` events, in order. */
TDPSIM_EXTERN size_t tdpsim_sim_mark_count(const tdpsim_sim *sim);
TDPSIM_EXTERN int tdpsim_sim_mark_sized(const tdpsim_sim *sim, size_t i, const char **label,
					tdpsim_stats *out, size_t size);
TDPSIM_EXTERN int tdpsim_sim_mark(const tdpsim_sim *sim, size_t i, const char **label,
				  tdpsim_stats *out);
#define tdpsim_sim_mark(sim, i, label, out) \
	tdpsim_sim_mark_sized((sim), (i), (label), (out), sizeof(tdpsim_stats))

/* Setting i as it stood at mark `mark`, resolved as tdpsim_sim_setting_resolved resolves it
 * (a trace's `set` may change a setting between marks); NULL if there is no such mark or
 * setting.  The string lives until the next call for the same setting. */
TDPSIM_EXTERN const char *tdpsim_sim_mark_setting(const tdpsim_sim *sim, size_t mark, size_t i);

/*
 * Things the replay wants a person to know that are not errors, e.g. a trace `set` ignored
 * because the setting is pinned (reported once per setting).  In order of occurrence.
 */
TDPSIM_EXTERN size_t tdpsim_sim_notice_count(const tdpsim_sim *sim);
TDPSIM_EXTERN const char *tdpsim_sim_notice(const tdpsim_sim *sim, size_t i);

/*
 * A 64-bit digest of the whole outcome so far: the settings, every mark's stats, the
 * current stats and each vCPU's (docs/digest.md gives the exact definition).  Equal across runs, machines
 * and compilers for the same input.
 */
TDPSIM_EXTERN uint64_t tdpsim_sim_digest(const tdpsim_sim *sim);

/*
 * Whether the simulated machine took a machine check (and halted): 1 with *event, *vcpu and
 * *gva of the fetch that raised it (any may be NULL), else 0.  A halted machine refuses
 * further events with TDPSIM_EHALTED; tdpsim_sim_replay stops there and returns the events
 * applied (the results stay readable).
 */
TDPSIM_EXTERN int tdpsim_sim_halted(const tdpsim_sim *sim, uint64_t *event, unsigned *vcpu,
				    uint64_t *gva);

/* ---- hooks ------------------------------------------------------------------------------ */

/* Register callbacks (copied); NULL removes them. */
TDPSIM_EXTERN int tdpsim_sim_set_hooks(tdpsim_sim *sim, const tdpsim_hooks *hooks);

#ifdef __cplusplus
}
#endif

#endif

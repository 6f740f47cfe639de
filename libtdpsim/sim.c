/* SPDX-License-Identifier: MIT */
/*
 * The public API of the machine (tdpsim/tdpsim.h): its settings, creating and freeing it,
 * hooks and models.  The parts: machine.c builds the machine, dispatch.c applies events
 * (tdpsim_sim_apply, tdpsim_sim_replay), results.c reads it out.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/mem.h"
#include "core/model_set.h"
#include "sim_internal.h"

/* ---- small helpers ---- */

int sim_grow(tdpsim_sim *sim, void **arr, size_t *cap, size_t n, size_t elem)
{
	void *p;
	size_t c;

	if (n < *cap)
		return 0;
	c = *cap ? 2 * *cap : 8;
	p = mem_realloc(&sim->mem, MEM_MARKS, *arr, *cap * elem, c * elem);
	if (!p)
		return tdpsim_error_last()->code;
	*arr = p;
	*cap = c;
	return 0;
}

int sim_add_notice(tdpsim_sim *sim, const char *msg)
{
	size_t len = strlen(msg) + 1;
	char *copy = mem_malloc(&sim->mem, MEM_MARKS, len);

	if (!copy)
		return tdpsim_error_last()->code;
	memcpy(copy, msg, len);
	if (sim_grow(sim, (void **)&sim->notices, &sim->cap_notices, sim->nnotices,
		     sizeof(char *)) < 0) {
		mem_free(&sim->mem, MEM_MARKS, copy, len);
		return tdpsim_error_last()->code;
	}
	sim->notices[sim->nnotices++] = copy;
	return 0;
}

/* ---- settings ---- */

int sim_apply_setting(tdpsim_sim *sim, const char *key, const char *value, int pin)
{
	int id = settings_find(key);
	struct setting_value *sv;
	char path[PATH_MAX];
	const char *parse_as = value;
	bool trace_model;
	uint64_t v;
	int rc;

	if (id < 0)
		return err_set(TDPSIM_ENOTFOUND, "unknown setting '%s' (settings: %s)", key,
			       settings_names());
	sv = &sim->settings.s[id];
	/* A model file a trace names: only one it may read (sim_models.c); none when the
	 * setting is pinned, since the line is ignored. */
	trace_model = !pin && (id == SET_KVM || id == SET_CPU) && model_set_is_path(value);
	if (trace_model && !sv->pinned &&
	    (rc = sim_trace_model_path(sim, value, path, sizeof(path))) < 0)
		return rc;
	if (trace_model && !sv->pinned)
		parse_as = path;
	v = sv->v;
	if (!(trace_model && sv->pinned) && (rc = settings_parse(id, parse_as, &v)) < 0)
		return rc;
	if (sv->pinned && !pin) {
		char msg[256], cur[24];

		if (!sv->reported) {
			snprintf(msg, sizeof(msg), "the trace sets %s=%s; ignored: pinned to %s", key,
				 value, settings_text(&sim->settings, id, cur, sizeof(cur)));
			if ((rc = sim_add_notice(sim, msg)) < 0)
				return rc;
			sv->reported = 1;
		}
		return 0;
	}
	if (settings_is_machine(id) && sim->started && v != sv->v)
		return err_set(TDPSIM_EINPUT,
			       "%s can only be set before the machine starts "
			       "(before the first memslot, access or other machine event)", key);
	if ((rc = check_nx_write(sim, id, v)) < 0) {
		char msg[320];

		/* KVM refuses the module parameter's write; the VM runs on as it was.  Only the
		 * caller of tdpsim_sim_set gets the error, as the writer of the file would. */
		if (pin)
			return rc;
		snprintf(msg, sizeof(msg), "the trace sets %s=%s: %s; the VM runs on", key, value,
			 tdpsim_error_last()->message);
		return sim_add_notice(sim, msg);
	}
	sv->v = v;
	sv->pinned |= pin;
	if (sim->started) {
		machine_refresh_config(sim, false);
		machine_refresh_multihit(sim);
	}
	return 0;
}

int tdpsim_sim_set(tdpsim_sim *sim, const char *key, const char *value)
{
	if (!sim || !key || !value)
		return err_set(TDPSIM_EINVAL, "tdpsim_sim_set: bad argument");
	return sim_apply_setting(sim, key, value, 1);
}

const char *tdpsim_sim_setting_value(const tdpsim_sim *sim, size_t i)
{
	if (!sim || i >= SET__COUNT)
		return NULL;
	return settings_text(&sim->settings, (int)i, ((tdpsim_sim *)sim)->valbuf[i],
			     sizeof(sim->valbuf[i]));
}

const char *tdpsim_sim_setting_resolved(const tdpsim_sim *sim, size_t i)
{
	if (!sim || i >= SET__COUNT)
		return NULL;
	return settings_resolved(&sim->settings, (int)i, ((tdpsim_sim *)sim)->valbuf[i],
				 sizeof(sim->valbuf[i]));
}

const char *tdpsim_sim_mark_setting(const tdpsim_sim *sim, size_t mark, size_t i)
{
	if (!sim || mark >= sim->nmarks || i >= SET__COUNT)
		return NULL;
	return settings_resolved(&sim->marks[mark].settings, (int)i,
				 ((tdpsim_sim *)sim)->valbuf[i], sizeof(sim->valbuf[i]));
}

int tdpsim_sim_setting_pinned(const tdpsim_sim *sim, size_t i)
{
	return sim && i < SET__COUNT ? sim->settings.s[i].pinned : 0;
}

/* ---- lifecycle ---- */

/* The bytes of tdpsim_options a caller of `version` has: version 1 ends after `check`. */
static size_t options_size(unsigned version)
{
	return version >= 2 ? sizeof(tdpsim_options) : offsetof(tdpsim_options, max_memory);
}

int tdpsim_sim_new(tdpsim_sim **out, const tdpsim_options *opts)
{
	tdpsim_sim *sim;
	int rc = 0;

	if (!out)
		return err_set(TDPSIM_EINVAL, "tdpsim_sim_new: out is NULL");
	*out = NULL;
	if (opts && (opts->version == 0 || opts->version > TDPSIM_OPTIONS_VERSION))
		return err_set(TDPSIM_EINVAL, "tdpsim_sim_new: options version %u, this library "
			       "knows 1 to %u (use TDPSIM_OPTIONS_INIT)", opts->version,
			       TDPSIM_OPTIONS_VERSION);
	sim = calloc(1, sizeof(*sim));
	if (!sim)
		return err_set(TDPSIM_ENOMEM, "tdpsim_sim_new: out of memory");
	settings_init(&sim->settings);
	timeline_init(&sim->timeline);
	sim->work_cap = UINT64_MAX;
	if (clock_init(&sim->clock) < 0) {
		free(sim);
		return TDPSIM_ENOMEM;
	}
	if (opts) {
		char num[24];

		sim->check = opts->check;
		if (opts->version >= 2) {
			sim->mem.limit = opts->max_memory;
			sim->max_work = opts->max_work;
			sim->work_cap = opts->max_work ? opts->max_work : UINT64_MAX;
		}
		if (opts->mmu && rc == 0)
			rc = sim_apply_setting(sim, "mmu", opts->mmu, 1);
		if (opts->kvm && rc == 0)
			rc = sim_apply_setting(sim, "kvm", opts->kvm, 1);
		if (opts->cpu && rc == 0)
			rc = sim_apply_setting(sim, "cpu", opts->cpu, 1);
		snprintf(num, sizeof(num), "%u", opts->vcpus);
		if (opts->vcpus && rc == 0)
			rc = sim_apply_setting(sim, "vcpus", num, 1);
	}
	if (rc < 0) {
		tdpsim_sim_free(sim);
		return rc;
	}
	*out = sim;
	return 0;
}

void tdpsim_sim_free(tdpsim_sim *sim)
{
	if (!sim)
		return;
	for (size_t i = 0; i < sim->nmarks; i++)
		free(sim->marks[i].label);
	for (size_t i = 0; i < sim->nnotices; i++)
		free(sim->notices[i]);
	free(sim->marks);
	free(sim->notices);
	machine_stop(sim);
	clock_free(&sim->clock);
	sim_free_models_dirs(sim);
	free(sim);
}

/* The size of tdpsim_hooks in each version this library accepts (3 was the first released:
 * 0.1), so that an older caller's struct is read no further than it reaches. */
static size_t hooks_size(unsigned version)
{
	/* An older caller's struct is a prefix of today's: copy no more than it has. */
	return version == 3 ? offsetof(tdpsim_hooks, on_spte_event)
	     : version == 4 ? offsetof(tdpsim_hooks, on_tlb_miss)
	     : version == 5 ? offsetof(tdpsim_hooks, on_nested_exit) : sizeof(tdpsim_hooks);
}

int tdpsim_hooks_init(tdpsim_hooks *hooks, unsigned int version)
{
	if (!hooks || version < 3 || version > TDPSIM_HOOKS_VERSION)
		return err_set(TDPSIM_EINVAL, "tdpsim_hooks_init: version %u, this library knows 3 "
			       "to %u", version, TDPSIM_HOOKS_VERSION);
	memset(hooks, 0, hooks_size(version));
	hooks->version = version;
	return 0;
}

int tdpsim_options_init(tdpsim_options *opts, unsigned int version)
{
	if (!opts || version == 0 || version > TDPSIM_OPTIONS_VERSION)
		return err_set(TDPSIM_EINVAL, "tdpsim_options_init: version %u, this library knows "
			       "1 to %u", version, TDPSIM_OPTIONS_VERSION);
	memset(opts, 0, options_size(version));
	opts->version = version;
	return 0;
}

void tdpsim_sim_budget_used(const tdpsim_sim *sim, uint64_t *memory, uint64_t *work)
{
	if (memory)
		*memory = sim ? sim->mem.used : 0;
	if (work)
		*work = sim ? sim->work : 0;
}

int tdpsim_sim_set_hooks(tdpsim_sim *sim, const tdpsim_hooks *hooks)
{
	if (!sim)
		return err_set(TDPSIM_EINVAL, "tdpsim_sim_set_hooks: sim is NULL");
	if (hooks && (hooks->version < 3 || hooks->version > TDPSIM_HOOKS_VERSION))
		return err_set(TDPSIM_EINVAL, "tdpsim_sim_set_hooks: hooks version %u, this library "
			       "knows 3 to %u (use TDPSIM_HOOKS_INIT)", hooks->version,
			       TDPSIM_HOOKS_VERSION);
	memset(&sim->hooks, 0, sizeof(sim->hooks));
	if (hooks)
		memcpy(&sim->hooks, hooks, hooks_size(hooks->version));
	return 0;
}



int tdpsim_sim_set_multihit_model(tdpsim_sim *sim, tdpsim_multihit_fn fn, void *payload)
{
	if (!sim)
		return err_set(TDPSIM_EINVAL, "tdpsim_sim_set_multihit_model: sim is NULL");
	sim->multihit = fn;
	sim->multihit_payload = payload;
	if (sim->started)
		machine_refresh_multihit(sim);
	return 0;
}

int tdpsim_sim_set_hugepage_policy(tdpsim_sim *sim, tdpsim_hugepage_policy_fn fn, void *payload)
{
	if (!sim)
		return err_set(TDPSIM_EINVAL, "tdpsim_sim_set_hugepage_policy: sim is NULL");
	sim->policy = fn;
	sim->policy_payload = payload;
	if (sim->started) {
		sim->machine.kvm.policy = fn;
		sim->machine.kvm.policy_payload = payload;
	}
	return 0;
}

int tdpsim_sim_set_sampling(tdpsim_sim *sim, const tdpsim_sampling *s)
{
	if (!sim)
		return err_set(TDPSIM_EINVAL, "tdpsim_sim_set_sampling: sim is NULL");
	return timeline_configure(&sim->timeline, sim, s);
}

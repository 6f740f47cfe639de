/* SPDX-License-Identifier: MIT */
/*
 * tdpsim/models.h - models a harness can inject into the simulated machine.
 */
#ifndef TDPSIM_MODELS_H
#define TDPSIM_MODELS_H

#include "tdpsim/common.h"
#include "tdpsim/hooks.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A hugepage policy: called on every fault that reaches kvm_tdp_mmu_map, after
 * kvm_mmu_hugepage_adjust chose fault->goal_level.  It returns the level to map, which may
 * be lower than goal_level (never higher; a higher or invalid answer keeps goal_level).  The
 * pfn is adjusted to the returned level as KVM adjusts it.  For researching new policies
 * without patching the simulator.
 */
typedef int (*tdpsim_hugepage_policy_fn)(const tdpsim_fault *fault, void *payload);

/* Install (or, with NULL, remove) the hugepage policy. */
TDPSIM_EXTERN int tdpsim_sim_set_hugepage_policy(tdpsim_sim *sim, tdpsim_hugepage_policy_fn fn,
						 void *payload);

/*
 * The iTLB-multihit model.  On every instruction fetch the iTLB is checked for two entries
 * of different page sizes that cover the fetched address and translate it differently (the
 * `multihit_rule` setting: broad = a different physical address or memory type, the
 * CVE-2018-12207 wording; strict = a 4K WB entry and a large UC entry, Intel's SKL002
 * wording).  What happens then is the model's decision.
 */


typedef tdpsim_multihit_action (*tdpsim_multihit_fn)(const tdpsim_multihit *m, void *payload);

/*
 * Install the caller's multihit model (NULL: back to the built-in one the `multihit` setting
 * chooses: none, count, machine-check, or auto = machine-check where the CPU model has the
 * erratum, else none).
 */
TDPSIM_EXTERN int tdpsim_sim_set_multihit_model(tdpsim_sim *sim, tdpsim_multihit_fn fn,
						void *payload);

/* ---- the built-in model sets: kernel profiles (`kvm=`) and CPU models (`cpu=`) ---- */

typedef enum tdpsim_model_kind {
	TDPSIM_MODEL_KERNEL_PROFILE = 0, /* models/kvm/<version>.ini, in version order */
	TDPSIM_MODEL_CPU = 1             /* models/cpu/<name>.ini, in file-name order */
} tdpsim_model_kind;

/* Number of built-in models of a kind (0 with the error set if they failed to parse). */
TDPSIM_EXTERN size_t tdpsim_model_count(tdpsim_model_kind kind);
/* Model i's name (what the setting takes) and description, or NULL past the end. */
TDPSIM_EXTERN const char *tdpsim_model_name(tdpsim_model_kind kind, size_t i);
TDPSIM_EXTERN const char *tdpsim_model_description(tdpsim_model_kind kind, size_t i);
/* The fields every model of a kind has (a profile's switches, a CPU's geometry and costs):
 * how many, the key a model file uses for field f, and model i's value of it as a file
 * spells it, written to buf (size bytes).  The value's length, or a negative code. */
TDPSIM_EXTERN size_t tdpsim_model_field_count(tdpsim_model_kind kind);
TDPSIM_EXTERN const char *tdpsim_model_field_name(tdpsim_model_kind kind, size_t f);
TDPSIM_EXTERN int tdpsim_model_field_value(tdpsim_model_kind kind, size_t i, size_t f,
					   char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif

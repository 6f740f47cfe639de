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

#ifdef __cplusplus
}
#endif

#endif

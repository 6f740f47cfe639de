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

#define TDPSIM_HOOKS_VERSION 3

/* KVM's page-fault results (RET_PF_*, mmu_internal.h), as tdpsim_fault.result. */
typedef enum tdpsim_pf_result {
	TDPSIM_PF_CONTINUE = 0,
	TDPSIM_PF_RETRY = 1,
	TDPSIM_PF_EMULATE = 2,
	TDPSIM_PF_WRITE_PROTECTED = 3,
	TDPSIM_PF_INVALID = 4,
	TDPSIM_PF_FIXED = 5,
	TDPSIM_PF_SPURIOUS = 6
} tdpsim_pf_result;

/*
 * One page fault as KVM's struct kvm_page_fault describes it, as it stood when the fault
 * was handled.  Levels are KVM's: 1 = 4K, 2 = 2M, 3 = 1G.
 */
typedef struct tdpsim_fault {
	uint32_t vcpu;
	uint64_t gpa;
	uint64_t gfn;
	uint32_t error_code;    /* PFERR_* bits (TDPSIM_PFERR_*) */
	int exec, write, present, rsvd, user;
	int max_level;          /* the largest level allowed (1G) */
	int req_level;          /* the level the memslot and host allow, before NX */
	int goal_level;         /* the level actually mapped */
	int huge_page_disallowed; /* exec fault with the NX workaround on */
	int nx_huge_page_workaround_enabled;
	uint64_t pfn;           /* host frame (of the goal-level page), or ~0 for MMIO */
	int map_writable;       /* the host mapping was writable */
	int fast;               /* fixed (or found spurious) by fast_page_fault */
	int mmio;               /* no memslot: an MMIO SPTE */
	tdpsim_pf_result result;
} tdpsim_fault;

/* An iTLB multihit (see tdpsim/models.h for the rules and the model). */
typedef struct tdpsim_multihit {
	uint64_t event;          /* index of the event that fetched */
	uint32_t vcpu;
	uint64_t gva;            /* the fetched linear address */
	uint64_t small_hpa, large_hpa; /* what each entry translates gva to */
	int small_level, large_level;  /* their page sizes: 1 = 4K, 2 = 2M, 3 = 1G */
	int small_memtype, large_memtype;
} tdpsim_multihit;

typedef enum tdpsim_multihit_action {
	TDPSIM_MULTIHIT_IGNORE = 0,        /* nothing happens (the CPU is not affected) */
	TDPSIM_MULTIHIT_COUNT = 1,         /* recorded (multihit_events) and the VM goes on */
	TDPSIM_MULTIHIT_MACHINE_CHECK = 2  /* machine check (MCACOD 0x150): the VM halts */
} tdpsim_multihit_action;

typedef struct tdpsim_hooks {
	unsigned int version; /* TDPSIM_HOOKS_VERSION */

	/* After every event has been applied; `index` counts events from 0. */
	void (*on_event)(uint64_t index, const tdpsim_event *ev, void *payload);

	/* At every `mark`, with the snapshot just kept. */
	void (*on_mark)(const char *label, const tdpsim_stats *stats, void *payload);

	/* After KVM handled a page fault (kvm_mmu_page_fault), with its whole descriptor. */
	void (*on_fault)(const tdpsim_fault *fault, void *payload);

	/* Every change of an SPTE in KVM's tables (handle_changed_spte), leaf or not. */
	void (*on_spte_change)(uint64_t gfn, int level, uint64_t old_spte, uint64_t new_spte,
			       void *payload);

	/* A huge leaf at `level` split into 512 entries one level down. */
	void (*on_split)(uint64_t gfn, int level, void *payload);

	/* A leaf or table at `level` zapped (removed) by KVM. */
	void (*on_zap)(uint64_t gfn, int level, uint64_t old_spte, void *payload);

	/* An iTLB multihit, with what the multihit model decided. */
	void (*on_multihit)(const tdpsim_multihit *m, tdpsim_multihit_action action,
			    void *payload);

	void *payload; /* passed to every callback */
} tdpsim_hooks;

#define TDPSIM_HOOKS_INIT { TDPSIM_HOOKS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL }

#ifdef __cplusplus
}
#endif

#endif

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

#define TDPSIM_HOOKS_VERSION 6

/* Which of KVM's MMUs a fault or an SPTE belongs to. */
typedef enum tdpsim_mmu_kind {
	TDPSIM_MMU_TDP = 0,        /* the TDP MMU (tdp_mmu.c) */
	TDPSIM_MMU_LEGACY_TDP = 1, /* the legacy MMU mapping for EPT (tdp_mmu=0; mmu.c direct_map) */
	TDPSIM_MMU_SHADOW = 2,     /* shadow paging of the guest's tables (mmu=shadow) */
	TDPSIM_MMU_SHADOW_EPT = 3  /* shadow EPT of an L1 hypervisor (nested) */
} tdpsim_mmu_kind;

/* A shadow page's role, as KVM's union kvm_mmu_page_role lays out its word (kvm_host.h). */
#define TDPSIM_ROLE_LEVEL(word) ((word) & 0xfu)
#define TDPSIM_ROLE_DIRECT(word) (((word) >> 7) & 1u)
#define TDPSIM_ROLE_ACCESS(word) (((word) >> 8) & 7u)
#define TDPSIM_ROLE_INVALID(word) (((word) >> 11) & 1u)
#define TDPSIM_ROLE_AD_DISABLED(word) (((word) >> 16) & 1u)
#define TDPSIM_ROLE_GUEST_MODE(word) (((word) >> 17) & 1u)
#define TDPSIM_ROLE_SMM(word) (((word) >> 24) & 0xffu)

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
	/* added in hooks version 4 (0.2) */
	tdpsim_mmu_kind mmu;    /* the MMU that handled the fault */
	uint32_t root_role;     /* the role word of the root it walked (TDPSIM_ROLE_*) */
	int is_tdp;             /* kvm_page_fault.is_tdp: addr is a gpa, not a gva */
	/* added in hooks version 5 (0.2) */
	uint64_t error_code64;  /* the whole 64-bit code; error_code is its low 32 bits */
} tdpsim_fault;

/* An SPTE change (on_spte_event), with the page it is in. */
typedef struct tdpsim_spte_change {
	uint64_t gfn;           /* the first gfn the SPTE maps */
	int level;              /* 1 = 4K, 2 = 2M, 3 = 1G, 4 = 512G */
	uint64_t old_spte, new_spte;
	tdpsim_mmu_kind mmu;    /* the MMU whose page holds the SPTE */
	uint32_t role;          /* that page's role word (TDPSIM_ROLE_*) */
} tdpsim_spte_change;

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

/* Which TLB missed (on_tlb_miss). */
typedef enum tdpsim_tlb_level {
	TDPSIM_TLB_L1 = 0,   /* the L1 dTLB or iTLB missed and the STLB had it (stlb_hits) */
	TDPSIM_TLB_STLB = 1  /* the STLB missed too: a page walk filled the entry (stlb_misses) */
} tdpsim_tlb_level;

/* A TLB miss: exactly one per stlb_hits or stlb_misses the stats count. */
typedef struct tdpsim_tlb_miss {
	uint32_t vcpu;
	uint64_t gva;
	int op;                 /* the access: TDPSIM_OP_READ, _WRITE (the dTLB) or _EXEC (iTLB) */
	tdpsim_tlb_level tlb;   /* the last TLB that missed */
	int page_level;         /* the entry that answered or was filled: 1 = 4K, 2 = 2M, 3 = 1G */
	int permission;         /* an entry was there but did not permit the access (a write
				 * to a clean page, say): the processor walked again */
} tdpsim_tlb_miss;

/* How a page walk ended (on_walk). */
typedef enum tdpsim_walk_result {
	TDPSIM_WALK_OK = 0,            /* translated: the TLB filled */
	TDPSIM_WALK_GUEST_PF = 1,      /* the guest's tables do not map it: a #PF in the guest */
	TDPSIM_WALK_EPT_VIOLATION = 2, /* EPT did not translate a table or the data: an exit */
	TDPSIM_WALK_SHADOW_PF = 3      /* mmu=shadow: KVM's shadow tables did not map it: a #PF
					* exit (KVM then maps, emulates or injects it) */
} tdpsim_walk_result;

/* One page walk of the processor: the 2-D walk (the guest's tables, each read through EPT)
 * under TDP, or the walk of KVM's shadow tables under mmu=shadow. */
typedef struct tdpsim_walk {
	uint32_t vcpu;
	uint64_t gva;
	int op;                 /* TDPSIM_OP_* */
	int two_dimensional;    /* 1: the guest's tables through EPT; 0: shadow tables */
	unsigned refs;          /* entries read from memory (walk_refs) */
	unsigned refs_cached;   /* entries the paging-structure caches supplied (walk_refs_cached) */
	tdpsim_walk_result result;
	uint64_t gpa;           /* OK: the data's gpa (2-D); EPT_VIOLATION: the gpa that faulted */
	uint32_t error_code;    /* the fault's PFERR_* bits (0 for OK) */
	int page_level;         /* OK: the TLB entry's size, 1 = 4K, 2 = 2M, 3 = 1G; else 0 */
} tdpsim_walk;

/* Why L2 stopped and L1 runs again (on_nested_exit): the basic exit reason KVM writes to
 * vmcs12 (EXIT_REASON_* of the kernel's uapi/asm/vmx.h), or the trace's own l2-exit. */
typedef enum tdpsim_nested_exit_reason {
	TDPSIM_NESTED_EXIT_BY_TRACE = -1,       /* `l2-exit`: an exit the trace does not name */
	TDPSIM_NESTED_EXIT_EPT_VIOLATION = 48,  /* EPT12 did not allow the access */
	TDPSIM_NESTED_EXIT_EPT_MISCONFIG = 49   /* an EPT12 entry with reserved bits */
} tdpsim_nested_exit_reason;

/* Bits of tdpsim_nested_exit.exit_qualification for an EPT violation (the kernel's
 * asm/vmx.h EPT_VIOLATION_*). */
#define TDPSIM_EPT_QUAL_READ (1u << 0)        /* the access was a read */
#define TDPSIM_EPT_QUAL_WRITE (1u << 1)       /* ... a write */
#define TDPSIM_EPT_QUAL_FETCH (1u << 2)       /* ... an instruction fetch */
#define TDPSIM_EPT_QUAL_READABLE (1u << 3)    /* EPT12 allowed reads of the gpa */
#define TDPSIM_EPT_QUAL_WRITABLE (1u << 4)    /* ... writes */
#define TDPSIM_EPT_QUAL_EXECUTABLE (1u << 5)  /* ... fetches */
#define TDPSIM_EPT_QUAL_GLA_VALID (1u << 7)   /* guest_linear_address is the access's */
#define TDPSIM_EPT_QUAL_GLA_FINAL (1u << 8)   /* the gpa was the data's (set), or an entry
					       * of L2's own page walk (clear) */

/* A nested VM exit as L1 sees it in vmcs12 (on_nested_exit). */
typedef struct tdpsim_nested_exit {
	uint32_t vcpu;
	tdpsim_nested_exit_reason reason;
	uint64_t exit_qualification;     /* EPT violation: TDPSIM_EPT_QUAL_*; else 0 */
	uint64_t guest_physical_address; /* EPT exits: the L2 gpa; else 0 */
	uint64_t guest_linear_address;   /* with TDPSIM_EPT_QUAL_GLA_VALID: L2's gva; else 0 */
} tdpsim_nested_exit;

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

	/* ---- added in version 4 (0.2); later versions add after these, so that a struct of
	 * an older version is a prefix of today's ---- */

	/* Every change of an SPTE, as on_spte_change, with the MMU and role of its page. */
	void (*on_spte_event)(const tdpsim_spte_change *change, void *payload);

	/* ---- added in version 5 (0.2): the processor's side, for TLB studies.  Unset, they
	 * cost a branch on the miss path and none on a hit (bench/RESULTS.md). ---- */

	/* A TLB miss, as the stats count it (after the walk, when it filled the entry). */
	void (*on_tlb_miss)(const tdpsim_tlb_miss *miss, void *payload);

	/* A page walk, with its references and how it ended. */
	void (*on_walk)(const tdpsim_walk *walk, void *payload);

	/* ---- added in version 6 (0.2): nested virtualization ---- */

	/* A nested VM exit from L2 to L1: an EPT violation or misconfiguration KVM reflected
	 * to L1 (nested_ept_inject_page_fault), or the trace's l2-exit. */
	void (*on_nested_exit)(const tdpsim_nested_exit *exit, void *payload);
} tdpsim_hooks;

#define TDPSIM_HOOKS_INIT                                                                    \
	{ TDPSIM_HOOKS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,    \
	  NULL, NULL }

/* Initialise `hooks` as TDPSIM_HOOKS_INIT does, for a caller written against `version`
 * (3 up to TDPSIM_HOOKS_VERSION; bindings that cannot use the macro call this).  0 or
 * TDPSIM_EINVAL. */
TDPSIM_EXTERN int tdpsim_hooks_init(tdpsim_hooks *hooks, unsigned int version);

#ifdef __cplusplus
}
#endif

#endif

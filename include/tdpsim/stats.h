/* SPDX-License-Identifier: MIT */
/*
 * tdpsim/stats.h - the counters a replay produces.
 *
 * Names follow KVM's binary stats where KVM has one; the rest are the simulator's own.  The
 * struct is plain data; tdpsim_stats_name()/tdpsim_stats_value() walk it in a fixed order, the
 * order every output (table, JSON, CSV, digest) uses.
 */
#ifndef TDPSIM_STATS_H
#define TDPSIM_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "tdpsim/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tdpsim_stats {
	/* KVM's VM stats (kvm->stat) */
	uint64_t pages_4k;        /* leaf SPTEs by level, over all roots */
	uint64_t pages_2m;
	uint64_t pages_1g;
	uint64_t nx_lpage_splits; /* SPs on the possible-NX-huge-page list(s) */
	uint64_t remote_tlb_flush_requests;
	uint64_t tdp_mmu_pages;   /* KVM's own table pages in use (kvm->arch.tdp_mmu_pages) */
	uint64_t dirty_pages;     /* what the most recent get-dirty-log returned */
	uint64_t pml_logged;      /* GPAs the processor logged in PML buffers (Intel PML) */
	uint64_t pml_full_exits;  /* VM exits for a full PML buffer */
	uint64_t nx_recovery_passes; /* runs of the NX recovery worker */
	uint64_t nx_recovery_zapped; /* tracked tables it zapped */
	/* KVM's vCPU stats, summed over vCPUs (per vCPU: tdpsim_sim_vcpu_stats) */
	uint64_t pf_taken;
	uint64_t pf_fixed;
	uint64_t pf_fast;
	uint64_t pf_spurious;
	uint64_t pf_emulate;
	uint64_t pf_mmio_spte_created;
	/* the guest and the host */
	uint64_t guest_page_faults; /* accesses whose guest walk failed: a #PF for the guest */
	uint64_t host_pages_4k;     /* host frames in use, in 4K units */
	/* the emulated core's translation hardware, summed over vCPUs; a miss is counted
	 * under the page size the walk then found */
	uint64_t itlb_hits_4k, itlb_hits_2m, itlb_hits_1g;
	uint64_t itlb_misses_4k, itlb_misses_2m, itlb_misses_1g;
	uint64_t dtlb_hits_4k, dtlb_hits_2m, dtlb_hits_1g;
	uint64_t dtlb_misses_4k, dtlb_misses_2m, dtlb_misses_1g;
	uint64_t stlb_hits, stlb_misses;
	uint64_t walk_refs;         /* memory references of 2-D page walks */
	uint64_t walk_refs_cached;  /* ... that a paging-structure cache served instead */
	uint64_t tlb_flushes;       /* whole-TLB flushes of a vCPU */
	/* cycles: the vCPUs' sum per category, and KVM's work outside any vCPU (eager
	 * splitting, NX recovery, memslot and notifier zaps) */
	uint64_t cycles, cycles_tlb, cycles_walk, cycles_exit, cycles_kvm, cycles_flush,
		 cycles_guest_pf;
	uint64_t cycles_background;
	uint64_t multihit_events;   /* iTLB multihits the model recorded */
	uint64_t machine_checks;    /* 1 once the machine took a machine check */
	/* the replay itself */
	uint64_t events;          /* events applied (a `set` line with two keys is two) */
	uint64_t accesses;        /* guest accesses: one per `access`, every step of a `sweep` */
	uint64_t accesses_read;
	uint64_t accesses_write;
	uint64_t accesses_exec;
	uint64_t recorded_faults; /* `fault` records fed to KVM's fault handler */
	uint64_t memslots;        /* memslots that exist now */
	uint64_t memslot_pages;   /* 4K pages covered by memslots now */
	uint64_t sim_ns;          /* simulated time (sum of `advance`) */
	/* ---- added in 0.2 (after every counter of 0.1, which keep their places) ----
	 * KVM's VM stats of the rmap-based MMU (tdp_mmu=0, shadow paging, nested) */
	uint64_t mmu_shadow_zapped; /* shadow pages zapped (__kvm_mmu_prepare_zap_page) */
	uint64_t mmu_recycled;      /* ... of them by the shadow-page budget */
	uint64_t mmu_cache_miss;    /* shadow pages looked up in mmu_page_hash and made */
	uint64_t shadow_mmu_pages;  /* the rmap-based MMU's pages in use (n_used_mmu_pages) */
	/* ---- added in 0.3: the shadow MMU's (mmu=shadow) ---- */
	uint64_t pf_guest;          /* #PFs KVM injected: the guest's own walk failed (vCPU sum) */
	uint64_t invlpg;            /* guest INVLPGs KVM intercepted (vCPU sum) */
	uint64_t mmu_pte_write;     /* emulated writes to shadowed guest tables */
	uint64_t mmu_pde_zapped;    /* upper-level SPTEs zapped by such writes */
	uint64_t mmu_flooded;       /* shadow pages zapped for write flooding or misaligned writes */
	uint64_t mmu_unsync;        /* guest-table pages unsync now */
	/* ---- added in 0.4: nested virtualization (L2 on shadow EPT) ---- */
	uint64_t nested_run;            /* L1's VMLAUNCH/VMRESUME into L2 */
	uint64_t nested_vmexits;        /* exits from L2 reflected to L1 (of them ...) */
	uint64_t nested_ept_violations; /* ... EPT12 walks that failed: EPT violations for L1 */
	uint64_t invept;                /* L1's INVEPTs KVM handled */
	/* ---- added in 0.5: the host's THP, by their /proc/vmstat names ---- */
	uint64_t thp_fault_alloc;    /* anonymous THPs allocated at a fault */
	uint64_t thp_fault_fallback; /* ... whose 2M allocation failed: 4K instead */
	uint64_t thp_file_alloc;     /* shmem huge pages allocated */
	uint64_t thp_file_fallback;  /* ... that failed */
	uint64_t thp_file_mapped;    /* shmem huge pages mapped by a PMD */
	uint64_t thp_split_pmd;      /* PMD leaves split into PTEs */
	uint64_t compact_stall;      /* direct compactions for a THP */
	uint64_t compact_fail;       /* ... that made no 2M block */
	uint64_t compact_success;    /* ... that made one */
	uint64_t thp_collapse_alloc;        /* khugepaged's THPs allocated for a collapse */
	uint64_t thp_collapse_alloc_failed; /* ... allocations that failed */
	uint64_t khugepaged_pages_collapsed; /* 2M ranges khugepaged collapsed */
	uint64_t khugepaged_full_scans;      /* its scans of the whole mm */
	/* ---- added in 0.6: paging depths ---- */
	uint64_t mmu_root_level;     /* the depth of root_mmu's tables: EPT's, or the guest's */
	uint64_t host_walk_refs;     /* host page-table entries KVM's walks of them read */
	/* ---- added in 0.6: aging ---- */
	uint64_t age_young_pages;    /* mapped 4K pages host-age found young (KVM's answer) */
	uint64_t age_old_pages;      /* ... and old */
	uint64_t age_scans;          /* passes of the aging scanner (host_age_period_ms) */
} tdpsim_stats;

/* The counters KVM keeps per vCPU (kvm_vcpu_stat), for one vCPU. */
typedef struct tdpsim_vcpu_stats {
	uint64_t pf_taken;
	uint64_t pf_fixed;
	uint64_t pf_fast;
	uint64_t pf_spurious;
	uint64_t pf_emulate;
	uint64_t pf_mmio_spte_created;
	uint64_t guest_page_faults;
	/* cycles spent by this vCPU, by category (integer cycles of the CPU model) */
	uint64_t cycles;             /* the sum of the categories */
	uint64_t cycles_tlb;         /* TLB hits (L1, STLB) */
	uint64_t cycles_walk;        /* page-walk references */
	uint64_t cycles_exit;        /* VM exits and entries */
	uint64_t cycles_kvm;         /* KVM's fault path, piece by piece */
	uint64_t cycles_flush;       /* TLB flushes KVM requested (and their IPIs) */
	uint64_t cycles_guest_pf;    /* #PF delivered to the guest */
	/* added in 0.3 */
	uint64_t pf_guest;           /* #PFs KVM injected (shadow paging) */
	uint64_t invlpg;             /* INVLPGs KVM intercepted (shadow paging) */
} tdpsim_vcpu_stats;

/* Number of counters in tdpsim_vcpu_stats, the name of counter i, its value in `s`. */
TDPSIM_EXTERN size_t tdpsim_vcpu_stats_count(void);
TDPSIM_EXTERN const char *tdpsim_vcpu_stats_name(size_t i);
TDPSIM_EXTERN uint64_t tdpsim_vcpu_stats_value(const tdpsim_vcpu_stats *s, size_t i);

/*
 * tdpsim_stats grows at its end from release to release.  Every function that fills or
 * counts one has a _sized form taking the size of the caller's struct, and fills (or counts)
 * only what fits; the plain names below are macros for those, so a program compiled against
 * any release gets what its struct holds.  The plain functions remain for programs built
 * against 0.1: they give the counters of 0.1 only.
 */

/* Number of counters in a tdpsim_stats of `size` bytes (all of them: sizeof(tdpsim_stats)). */
TDPSIM_EXTERN size_t tdpsim_stats_count_sized(size_t size);
TDPSIM_EXTERN size_t tdpsim_stats_count(void);
#define tdpsim_stats_count() tdpsim_stats_count_sized(sizeof(tdpsim_stats))

/* Name of counter i (0 <= i < count), or NULL past the end. */
TDPSIM_EXTERN const char *tdpsim_stats_name(size_t i);

/* Value of counter i in `s`; 0 past the end. */
TDPSIM_EXTERN uint64_t tdpsim_stats_value(const tdpsim_stats *s, size_t i);

/* Index of the counter called `name`, or a negative TDPSIM_ENOTFOUND. */
TDPSIM_EXTERN int tdpsim_stats_find(const char *name);

#ifdef __cplusplus
}
#endif

#endif

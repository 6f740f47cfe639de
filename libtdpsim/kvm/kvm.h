/* SPDX-License-Identifier: MIT */
/*
 * Internal: the VM as KVM's MMU sees it - struct kvm with its memslots, the TDP MMU's root
 * and shadow pages, the MMU-notifier state, the possible-NX-huge-page list, the stats - and
 * the page-fault descriptor (struct kvm_page_fault).
 */
#ifndef TDPSIM_KVM_KVM_H
#define TDPSIM_KVM_KVM_H

#include <stdbool.h>
#include <stdint.h>

#include "core/clock.h"
#include "host/host.h"
#include "kvm/memslot.h"
#include "kvm/mmu_page.h"
#include "kvm/profile.h"
#include "tdpsim/hooks.h"
#include "tdpsim/models.h"
#include "tdpsim/stats.h"

#define TDP_ROOT_LEVEL 4  /* 4-level EPT: guest-physical addresses below 2^48 */
#define KVM_PFN_NOSLOT (~0ull)

/* The vCPU stats KVM keeps per vCPU (kvm_vcpu_stat): the public struct, field for field. */
#define kvm_vcpu_stat tdpsim_vcpu_stats

/* Settings the MMU reads, refreshed by the machine when they change. */
struct kvm_config {
	bool nx_huge_pages;          /* the module parameter, resolved (auto -> the CPU's bug) */
	bool nx_hard_disabled;       /* nx_huge_pages=never */
	bool disable_nx_huge_pages;  /* KVM_CAP_VM_DISABLE_NX_HUGE_PAGES */
	uint64_t nx_recovery_ratio;
	uint64_t nx_recovery_period_ms;
	bool eager_page_split;       /* kvm.eager_page_split */
	bool manual_protect;         /* KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE */
	bool initially_set;          /* KVM_DIRTY_LOG_INITIALLY_SET */
	bool pml;                    /* kvm_intel.pml on a CPU that has PML (cpu_dirty_log_size) */
};

/* The PML buffer: 512 entries (PML_LOG_NR_ENTRIES, vmx.h), one per vCPU. */
#define PML_ENTRIES 512

/* KVM's work, tallied as it happens: the vCPU turns a fault's share into cycles with the CPU
 * model's costs; what is left after an event was done outside any vCPU (background). */
struct kvm_work {
	uint64_t fast_path;      /* fast_page_fault attempts */
	uint64_t faultin;        /* faultin (with the cache top-up before it) */
	uint64_t hugepage_adjust;
	uint64_t map_levels;     /* SPTEs visited by map walks */
	uint64_t make_spte;      /* leaf SPTEs built */
	uint64_t split_tables;   /* tables filled by splitting a huge leaf */
	uint64_t zapped;         /* present SPTEs zapped */
	uint64_t pml_drained;    /* PML buffer entries moved into dirty bitmaps */
};

struct kvm {
	const struct kvm_profile *profile;
	struct kvm_work work;
	/* kvm_flush_remote_tlbs reaches the vCPUs' TLBs through this (the machine's). */
	void (*flush_tlbs)(void *ctx);
	void *flush_ctx;
	struct kvm_config config;
	/* Each vCPU's PML buffer: the GPAs the processor logged since KVM last drained it. */
	uint64_t (*pml_buf)[PML_ENTRIES];
	uint16_t *pml_used;
	/* kvm_arch_sync_dirty_log kicks every vCPU out of the guest, so that each drains its
	 * PML buffer before the bitmap is read: the machine does the kicks (and their cost). */
	void (*kick_vcpus)(void *ctx);
	struct kvm_memslots memslots;
	uint64_t memslots_generation; /* bumped by every memslot change; in MMIO SPTEs */
	struct host_mm *host;
	struct sp_pool pool;
	struct kvm_mmu_page *root;    /* one root: all vCPUs share the role */

	/* MMU-notifier state (mmu_invalidate_*): faults that overlap are stale. */
	uint64_t mmu_invalidate_seq;
	int mmu_invalidate_in_progress;
	uint64_t mmu_invalidate_range_start, mmu_invalidate_range_end; /* gfns */

	/* possible_nx_huge_pages: FIFO of tracked SPs (ids), oldest first. */
	uint32_t nx_head, nx_tail;

	tdpsim_stats *stats;          /* the machine's counters: VM-wide and vCPU sums */
	tdpsim_vcpu_stats *vcpu_stat;
	unsigned nr_vcpus;

	/* The NX recovery worker on the simulated clock (nx_recovery.c). */
	struct clock *clock;
	bool nx_worker_started;
	bool nx_wake_pending;
	uint64_t nx_last_pass;       /* ns */
	uint64_t nx_next_wake;       /* ns */

	const tdpsim_hooks *hooks;
	tdpsim_hugepage_policy_fn policy;
	void *policy_payload;
};

/* struct kvm_page_fault (mmu_internal.h): one fault on its way through the MMU. */
struct kvm_page_fault {
	uint64_t addr;                /* gpa */
	uint32_t error_code;
	bool exec, write, present, rsvd, user;
	bool prefetch;
	bool nx_huge_page_workaround_enabled;
	bool huge_page_disallowed;
	int max_level, req_level, goal_level;
	uint64_t gfn;
	struct kvm_memory_slot *slot;
	uint64_t mmu_seq;
	uint64_t pfn;
	uint64_t hva;
	bool map_writable;
	bool fast;
	unsigned vcpu;
};

int kvm_init(struct kvm *kvm, struct host_mm *host, tdpsim_stats *stats, unsigned nr_vcpus,
	     const struct kvm_profile *profile);
void kvm_destroy(struct kvm *kvm);

/* is_nx_huge_page_enabled(kvm): the mitigation is on for this VM. */
static inline bool is_nx_huge_page_enabled(const struct kvm *kvm)
{
	return kvm->config.nx_huge_pages && !kvm->config.disable_nx_huge_pages;
}

/* kvm_mmu_page_fault: a fault at `gpa` with `error_code` on `vcpu`; returns RET_PF_* (>= 0)
 * or a negative code (an error with its message: a gfn whose memory is not backed). */
int kvm_mmu_page_fault(struct kvm *kvm, unsigned vcpu, uint64_t gpa, uint32_t error_code);

/* KVM_SET_USER_MEMORY_REGION through KVM: the memslot change and what the MMU does. */
int kvm_set_memory_region(struct kvm *kvm, uint32_t id, uint32_t flags, uint64_t gpa,
			  uint64_t size, uint64_t hva);

/* What an access of kind `op` (TDPSIM_OP_*) to `gpa` finds in EPT - the hardware's EPT walk:
 * 0 when it translates; otherwise the error code KVM builds from the EPT violation (or RSVD
 * for an MMIO SPTE's misconfiguration).  Also the entry the walk ended at (*sptep: the leaf,
 * or the non-present entry) and its level (0: gpa is beyond the tables, nothing was read). */
uint32_t kvm_tdp_translate(const struct kvm *kvm, uint64_t gpa, int op, uint64_t *sptep,
			   int *level);

/* --check: recount and verify (reference 10.3); 0 or EINTERNAL naming what broke. */
int kvm_mmu_check(const struct kvm *kvm);

#endif

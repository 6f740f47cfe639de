/* SPDX-License-Identifier: MIT */
/*
 * Internal: the VM as KVM's MMU sees it, after KVM's kvm_host.h - struct kvm with its
 * memslots, shadow pages, TDP MMU roots, the MMU-notifier state, the possible-NX-huge-page
 * list, the stats; struct kvm_vcpu with its MMU contexts (struct kvm_mmu) and its stats.
 */
#ifndef TDPSIM_KVM_KVM_H
#define TDPSIM_KVM_KVM_H

#include <stdbool.h>
#include <stdint.h>

#include "core/clock.h"
#include "core/mem.h"
#include "guest/guest.h"
#include "host/host.h"
#include "kvm/memslot.h"
#include "kvm/mmu_page.h"
#include "kvm/profile.h"
#include "tdpsim/hooks.h"
#include "tdpsim/models.h"
#include "tdpsim/stats.h"

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

/* KVM's work, tallied as it happens: the vCPU turns a fault's share into cycles with the CPU
 * model's costs; what is left after an event was done outside any vCPU (background). */
struct kvm_work {
	uint64_t fast_path;      /* fast_page_fault attempts */
	uint64_t faultin;        /* faultin (with the cache top-up before it) */
	uint64_t hugepage_adjust;
	uint64_t map_levels;     /* SPTEs visited by map walks */
	uint64_t make_spte;      /* leaf SPTEs built */
	uint64_t split_tables;   /* tables filled by splitting a huge leaf */
	uint64_t split_topups;   /* top-ups of the split caches (nested eager splitting) */
	uint64_t zapped;         /* present SPTEs zapped */
	uint64_t pml_drained;    /* PML buffer entries moved into dirty bitmaps */
	uint64_t host_walk_extra; /* host-table reads beyond a 4-level walk's (5-level host) */
	uint64_t aged;           /* young SPTEs aged (kvm_age_gfn) */
};

/*
 * What the vendor module's hardware setup and the VM's CPUID tell the MMU: tdp_enabled and
 * the TDP levels of kvm_configure_mmu (vmx.c hardware_setup, svm.c svm_hardware_setup), the
 * host's MAXPHYADDR (kvm_host.maxphyaddr) and the guest's (cpuid_maxphyaddr).
 */
struct kvm_mmu_setup {
	bool tdp_enabled;
	bool tdp_mmu;               /* kvm.tdp_mmu, resolved */
	int tdp_forced_root_level;  /* AMD: the host's paging depth (get_npt_level); Intel: 0 */
	int tdp_max_root_level;     /* Intel: 5 where the CPU walks 5-level EPT, else 4 */
	unsigned host_maxphyaddr, guest_maxphyaddr;
	bool ad_enabled;            /* EPT A/D bits (kvm_intel.ept_ad); NPT always has them */
};

struct kvm_page_fault;
struct kvm_vcpu;

/* pte_list_desc blocks (mmu.c, PTE_LIST_EXT = 14 SPTEs each), from a pool that grows in
 * chunks and recycles freed blocks. */
#define PTE_LIST_EXT 14
struct pte_list_desc {
	uint64_t sptes[PTE_LIST_EXT]; /* SPTE handles (sp id << 9 | index) */
	uint32_t spte_count;          /* used in this block */
	uint32_t tail_count;          /* in the blocks after it */
	uint32_t more;                /* the next block, or SP_NONE */
};
struct pte_list_pool {
	struct pte_list_desc *descs;
	uint32_t n, cap;
	uint32_t free_head;           /* linked through `more` */
	uint64_t allocated;           /* blocks handed out, ever (what a split's cache gave) */
};

/* struct kvm_mmu_root_info: a root as a vCPU loads it - the guest's pgd it shadows (0 for a
 * direct MMU) and the host-physical address of KVM's top-level table. */
#define INVALID_PAGE (~0ull)
struct kvm_mmu_root_info {
	uint64_t pgd;
	uint64_t hpa;
};

/* union kvm_mmu_role_ext / kvm_mmu_cpu_role, reduced to what the simulator's guests vary:
 * the guest's paging mode as the MMU sees it. */
union kvm_mmu_cpu_role {
	uint32_t word;
	struct {
		unsigned level:4;       /* guest paging levels (0: paging off) */
		unsigned cr0_wp:1;
		unsigned efer_nx:1;
		unsigned guest_mode:1;  /* L2 is running */
		unsigned is_tdp:1;
		unsigned ad_disabled:1; /* shadow EPT: L1's EPTP has no A/D enable */
		unsigned :23;
	};
};

/*
 * struct kvm_mmu (kvm_host.h): one MMU context - its fault handler, its software walk of the
 * guest's tables, its sync of an unsync shadow page, the root it has loaded and the roles of
 * that root and of the CPU mode it serves.  init_kvm_tdp_mmu, init_kvm_softmmu and
 * kvm_init_shadow_ept_mmu (mmu.c) fill it.
 */
#define KVM_MMU_NUM_PREV_ROOTS 3

struct kvm_mmu {
	int (*page_fault)(struct kvm_vcpu *vcpu, struct kvm_page_fault *fault);
	/* The guest's CR3 (its pgd) as this MMU sees it (kvm_mmu_get_guest_pgd). */
	uint64_t (*get_guest_pgd)(struct kvm_vcpu *vcpu);
	/* The gpa a gva translates to for an access of kind `access` (PFERR_* bits), or
	 * INVALID_PAGE with *fault_err the #PF the guest would take. */
	uint64_t (*gva_to_gpa)(struct kvm_vcpu *vcpu, struct kvm_mmu *mmu, uint64_t gva,
			       uint32_t access, uint32_t *fault_err);
	/* Re-read the guest PTE behind SPTE i of an unsync shadow page (shadow MMUs only). */
	int (*sync_spte)(struct kvm_vcpu *vcpu, struct kvm_mmu_page *sp, int i);
	/* INVLPG's work in one root up to 6.3 (FNAME(invlpg)); NULL where the kernel syncs the
	 * SPTE in place instead (6.4+) or the MMU shadows nothing. */
	void (*invlpg)(struct kvm_vcpu *vcpu, uint64_t gva, uint64_t root_hpa);
	/* The fault a software walk of this MMU found goes to the guest: a #PF for L1's (or
	 * the only) MMU, an EPT violation reflected to L1 for the shadow EPT MMU. */
	void (*inject_page_fault)(struct kvm_vcpu *vcpu, uint32_t error_code, uint64_t addr,
				  uint64_t exit_qualification);
	struct kvm_mmu_root_info root;
	/* Roots of CR3s used before, kept for a fast switch back (fast_pgd_switch). */
	struct kvm_mmu_root_info prev_roots[KVM_MMU_NUM_PREV_ROOTS];
	union kvm_mmu_page_role root_role;
	union kvm_mmu_cpu_role cpu_role;
};

/* struct kvm_vcpu: KVM's view of a vCPU.  The emulated processor's own state (TLBs,
 * paging-structure caches, the EPTP it runs on) lives in cpu/. */
struct kvm_vcpu {
	struct kvm *kvm;
	unsigned vcpu_idx;
	struct {
		struct kvm_mmu *mmu;       /* the MMU in use: root_mmu, or guest_mmu in L2 */
		struct kvm_mmu root_mmu;   /* L1's (or the only) MMU */
		struct kvm_mmu guest_mmu;  /* L2's, shadowing L1's EPT (nested) */
		struct kvm_mmu nested_mmu; /* walks L2's own tables (nested) */
		struct kvm_mmu *walk_mmu;  /* the MMU that translates gvas */
		uint64_t cr3;              /* the guest's CR3: the gpa of its top-level table */
		/* The EPT violation KVM is handling, as it reads it from the VMCS
		 * (vmx_get_exit_qual, GUEST_LINEAR_ADDRESS): the processor sets both at
		 * each EPT exit; only bits 7:8 of the qualification are kept here. */
		uint64_t exit_qual, exit_gla;
		/* A #PF KVM injected (kvm_inject_page_fault): the guest takes it at entry. */
		bool pf_pending;
		uint32_t pf_error_code;
		uint64_t pf_address;
	} arch;
	/* vmx->nested (vmx/nested.c): the vmcs12 fields the MMU reads, and the EPT violation
	 * KVM reflected to L1 (nested_ept_inject_page_fault), which L1's hypervisor handles
	 * after the nested VM exit. */
	struct {
		bool guest_mode;           /* L2 runs (is_guest_mode) */
		uint64_t ept_pointer;      /* vmcs12's EPTP: EPT12's root gpa, bit 6 A/D enable */
		uint64_t l2_cr3;           /* L2's CR3: its top-level table's L2 gpa */
		/* vmcs12's VPID (0: VPID off for L2) and the last one entered
		 * (vmx->nested.last_vpid) */
		uint16_t vpid12, last_vpid;
		/* vmcs12's exit fields as the last nested VM exit left them for L1
		 * (nested_vmx_vmexit, nested_ept_inject_page_fault; on_nested_exit) */
		uint64_t exit_qualification;
		uint64_t guest_physical_address;
		uint64_t guest_linear_address;
	} nested;
	struct kvm_vcpu_stat stat;
};

/* The MMUs that keep NX huge-page lists (kvm_host.h enum kvm_mmu_type). */
enum kvm_mmu_type { KVM_SHADOW_MMU, KVM_TDP_MMU, KVM_NR_MMU_TYPES };

/* One list of possible NX huge pages (kvm_host.h struct kvm_possible_nx_huge_pages). */
struct kvm_possible_nx_huge_pages {
	uint32_t head, tail; /* SP ids, SP_NONE when empty */
	uint64_t nr_pages;
};

struct kvm {
	const struct kvm_profile *profile;
	struct mem_meter *mem; /* what KVM's structures are charged to (core/mem.h) */
	struct kvm_work work;
	/* kvm_flush_remote_tlbs reaches the vCPUs' TLBs through this (the machine's). */
	void (*flush_tlbs)(void *ctx);
	/* The processor's TLB entries of one gva on one vCPU (flush_tlb_gva: INVLPG). */
	void (*flush_tlb_gva)(void *ctx, unsigned vcpu, uint64_t gva);
	/* The entries of one vCPU's current context (flush_tlb_current: INVEPT single-context
	 * of the vCPU's root under EPT, its VPID under shadow paging). */
	void (*flush_tlb_current)(void *ctx, unsigned vcpu);
	/* The linear and combined mappings of one of the vCPU's VPIDs, vpid02 (L2's own) or
	 * vpid01 (vmx_flush_tlb_guest: INVVPID single-context). */
	void (*flush_tlb_guest)(void *ctx, unsigned vcpu, bool vpid02);
	void *flush_ctx;
	struct kvm_config config;
	/* kvm_arch_sync_dirty_log kicks every vCPU out of the guest, so that each drains its
	 * PML buffer before the bitmap is read: the machine does the kicks (and their cost). */
	void (*kick_vcpus)(void *ctx);
	struct kvm_memslots memslots;
	uint64_t memslots_generation; /* bumped by every memslot change; in MMIO SPTEs */
	struct host_mm *host;
	/* Guest memory as KVM reads and writes it through the memslots' hvas (the guest's page
	 * tables live there: the shadow MMU walks them in software). */
	struct guest_mm *guest;
	/* tdp_enabled (mmu.c): EPT, or shadow paging; the format of every SPTE follows. */
	bool tdp_enabled;
	/* mmu.c's tdp_root_level and max_tdp_level, and the address widths (per VM here,
	 * globals in KVM: every VM of a host shares them). */
	int tdp_root_level, max_tdp_level;
	unsigned host_maxphyaddr, guest_maxphyaddr;
	int host_levels;              /* the host's paging depth (host_paging_levels) */
	const struct spte_masks *spte;
	struct sp_pool pool;          /* every shadow page, of every MMU: KVM's table memory */

	/* kvm->arch: the TDP MMU's roots (tdp_mmu_roots), by role, newest first. */
	bool tdp_mmu_enabled;
	uint32_t tdp_mmu_roots;       /* first root's SP id, linked by next_root */

	/* kvm->arch: the rmap-based MMU's pages (shadow_mmu.c) */
	uint32_t *mmu_page_hash;      /* KVM_NUM_MMU_PAGES buckets of SP ids (NULL: unused) */
	bool shadow_root_allocated;   /* rmaps, write tracking, translations: all there */
	uint32_t active_head, active_tail; /* active_mmu_pages: newest at the head */
	uint32_t invalid_head;        /* zapped pages awaiting kvm_mmu_commit_zap_page */
	uint64_t n_used_mmu_pages, n_max_mmu_pages, n_requested_mmu_pages;
	uint8_t mmu_valid_gen;
	uint64_t indirect_shadow_pages; /* shadow pages of guest tables (account_shadowed) */
	uint64_t tlbs_dirty;            /* 5.10: SPTEs a sync dropped, their flush deferred */
	struct pte_list_pool pte_lists; /* pte_list_desc blocks for rmaps and parent_ptes */
	/* kvm->arch.split_desc_cache and split_{page_header,shadow_page}_cache (one count for
	 * both page caches: a split takes one of each): objects held for eager splits of
	 * nested MMUs (shadow_mmu.c topup_split_caches). */
	uint32_t split_desc_cache, split_page_cache;
	/* KVM_REQ_MMU_FREE_OBSOLETE_ROOTS: every vCPU reloads its MMU before it runs again
	 * (the machine's). */
	void (*reload_vcpus)(void *ctx);

	/* MMU-notifier state (mmu_invalidate_*): faults that overlap are stale. */
	uint64_t mmu_invalidate_seq;
	int mmu_invalidate_in_progress;
	uint64_t mmu_invalidate_range_start, mmu_invalidate_range_end; /* gfns */

	/* possible_nx_huge_pages: FIFOs of tracked SPs (ids), oldest first - one per MMU type
	 * from 6.18 (profile per_mmu_nx_lists), one for both before (index KVM_SHADOW_MMU). */
	struct kvm_possible_nx_huge_pages possible_nx_huge_pages[KVM_NR_MMU_TYPES];

	tdpsim_stats *stats;          /* the machine's counters: VM-wide and vCPU sums */
	struct kvm_vcpu *vcpus;
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

/* The VM: EPT (tdp_enabled) with the TDP MMU or the legacy one (tdp_mmu), or shadow
 * paging, whose MMU reads the guest's tables from `guest`. */
int kvm_init(struct kvm *kvm, struct host_mm *host, struct guest_mm *guest, tdpsim_stats *stats,
	     unsigned nr_vcpus, const struct kvm_profile *profile,
	     const struct kvm_mmu_setup *setup, struct mem_meter *mem);
void kvm_destroy(struct kvm *kvm);

/* is_nx_huge_page_enabled(kvm): the mitigation is on for this VM. */
static inline bool is_nx_huge_page_enabled(const struct kvm *kvm)
{
	return kvm->config.nx_huge_pages && !kvm->config.disable_nx_huge_pages;
}

/* kvm_mmu_page_fault: a fault at `addr` (a gpa under TDP) with `error_code` on `vcpu`;
 * returns RET_PF_* (>= 0) or a negative code (an error with its message: a gfn whose memory
 * is not backed). */
int kvm_mmu_page_fault(struct kvm_vcpu *vcpu, uint64_t addr, uint64_t error_code);

/* KVM_SET_USER_MEMORY_REGION through KVM: the memslot change and what the MMU does. */
int kvm_set_memory_region(struct kvm *kvm, uint32_t id, uint32_t flags, uint64_t gpa,
			  uint64_t size, uint64_t hva);

#endif

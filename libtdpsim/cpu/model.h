/* SPDX-License-Identifier: MIT */
/*
 * Internal: a CPU model - the translation hardware of the emulated core and what its events
 * cost - as read from models/cpu/<name>.ini.  Every number in a model file carries its
 * source in a comment; an estimate is marked as one.
 */
#ifndef TDPSIM_CPU_MODEL_H
#define TDPSIM_CPU_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One TLB array: `entries` in sets of `ways` (entries / ways sets); 0 entries = absent. */
struct tlb_geometry {
	uint32_t entries;
	uint32_t ways;
};

enum tlb_replacement { TLB_LRU = 0 };

/* How a set-associative array picks a page's set: the low bits of its page number, or their
 * XOR with the next as many bits (Skylake's STLB: "XOR-7", TLBleed's reverse engineering). */
enum tlb_index { TLB_INDEX_LINEAR = 0, TLB_INDEX_XOR = 1 };

struct cpu_model {
	char name[32];
	char description[128];
	char vendor[16];                 /* "intel" or "amd" */
	/* X86_BUG_ITLB_MULTIHIT: affected unless whitelisted (AMD, some Atoms) or the part
	 * reports PSCHANGE_MC_NO (arch/x86/kernel/cpu/common.c cpu_set_bug_bits). */
	bool itlb_multihit;
	bool pml;                        /* Page Modification Logging (Intel) */
	bool ept_1g;                     /* EPT (or NPT) 1G leaves: KVM's max_huge_page_level */
	/* Paging depths.  maxphyaddr: CPUID 0x80000008 EAX[7:0], the host's (kvm_host.maxphyaddr)
	 * and, with `-cpu host`, the guest's.  la57: 5-level paging (CPUID 7.ECX LA57), for the
	 * host kernel and - KVM offers it from the hardware bit, cpuid.c kvm_set_cpu_caps -
	 * for guests.  ept_5level: 5-level EPT (IA32_VMX_EPT_VPID_CAP bit 7, vmx.c
	 * vmx_get_max_ept_level); AMD's NPT walks as deep as the host's own paging, so there it
	 * equals la57. */
	uint32_t maxphyaddr;
	bool la57;
	bool ept_5level;

	/* L1 instruction TLB, per page size; 1G fetches use the 2M array when itlb_1g is 0. */
	struct tlb_geometry itlb_4k, itlb_2m, itlb_1g;
	/* L1 data TLB, per page size. */
	struct tlb_geometry dtlb_4k, dtlb_2m, dtlb_1g;
	/* Second-level TLB: one array for 4K and 2M (stlb_holds_2m), and one for 1G. */
	struct tlb_geometry stlb, stlb_1g;
	bool stlb_holds_2m;
	enum tlb_index stlb_index;       /* the STLB's set index (the L1 arrays: linear) */
	enum tlb_replacement replacement;

	/* Paging-structure caches (entries, fully associative): guest PML4E/PDPTE/PDE and the
	 * EPT's own upper levels. */
	uint32_t psc_guest[3];           /* [0] PML4E, [1] PDPTE, [2] PDE */
	uint32_t psc_ept[3];

	/* Costs, in core cycles. */
	uint32_t cyc_l1_tlb_hit;         /* added per access that hits an L1 TLB */
	uint32_t cyc_stlb_hit;           /* an L1 miss that hits the STLB */
	uint32_t cyc_walk_ref_cached;    /* one page-walk memory reference served by a cache */
	uint32_t cyc_walk_ref_memory;    /* ... or by memory (a cold walk) */
	uint32_t cyc_vmexit;             /* VM exit + entry round trip */
	uint32_t cyc_guest_pf;           /* delivering a #PF to the guest */
	/* KVM's fault path, per piece (from a function-graph trace, tracing overhead removed). */
	uint32_t cyc_fast_page_fault, cyc_topup, cyc_faultin, cyc_hugepage_adjust;
	uint32_t cyc_map_per_level, cyc_make_spte, cyc_split_per_table, cyc_zap_per_spte;
	uint32_t cyc_flush, cyc_ipi;
	uint32_t cyc_pml_entry;          /* draining one PML buffer entry into the dirty bitmap */
	uint32_t cpu_mhz;                /* for converting simulated time to cycles */
};

/* The model called `name` (a built-in one, or a file when name has a '/' or ends in .ini);
 * NULL with a located error (file:line) when it cannot be read.  A model loaded from a file
 * before is also found by its `name` (the name the `cpu` setting shows for it).  An unknown
 * name: NULL with TDPSIM_ENOTFOUND. */
const struct cpu_model *cpu_model_lookup(const char *name);

/* The built-in models, in a fixed order (their file names' order); none if they failed to
 * parse (cpu_model_lookup then says why). */
size_t cpu_model_count(void);
const struct cpu_model *cpu_model_at(size_t i);

/* ---- additions for the `cpu` setting, model files and listings (libtdpsim/cpu/model.c) ---- */

/* What a model file may hold ("absurd sizes" beyond these are errors).  Every TLB array that is
 * present has entries = ways x sets with a power-of-two number of sets. */
#define CPU_TLB_MAX_ENTRIES 65536u
#define CPU_TLB_MAX_WAYS 1024u
#define CPU_PSC_MAX_ENTRIES 4096u
#define CPU_MAX_CYCLES 100000000u
#define CPU_MHZ_MIN 100u
#define CPU_MHZ_MAX 10000u
#define CPU_MAXPHYADDR_MIN 36u /* x86-64's least (PAE's 36 bits) */
#define CPU_MAXPHYADDR_MAX 52u

/*
 * Resolve a value of the `cpu` setting: the name of a built-in model, or - when `value`
 * contains a '/' or ends in ".ini" - a model file to load from disk (kept for the life of the
 * process; loading the same file again finds it again).  A bare name never reads a file.
 * Sets *id to the model's number for cpu_model_by_id.  0, or a negative TDPSIM_E* code with a
 * message: TDPSIM_ENOTFOUND for an unknown name, "file:line: ..." for a bad file.
 */
int cpu_model_resolve(const char *value, size_t *id);
/* The model numbered `id` by cpu_model_resolve (built-in ones are 0..count-1), or NULL. */
const struct cpu_model *cpu_model_by_id(size_t id);

/* Parse a model from `text`, naming it `file` in errors.  0 or a negative code with a message
 * "file:line: ...". */
int cpu_model_parse(struct cpu_model *out, const char *file, const char *text);

/* The fields after name and description, for listings: the key a model file uses, and the
 * value of field `i` in `m` as a file spells it ("128/8", "true", "4 8 32", "1500"), written
 * to buf (n bytes) or returned as a constant. */
size_t cpu_model_field_count(void);
const char *cpu_model_field_name(size_t i);
const char *cpu_model_field_text(const struct cpu_model *m, size_t i, char *buf, size_t n);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Internal: the simulated machine's parts, created when the machine starts (the first event
 * that uses it), once the machine settings are known: the host's address space, the guest's
 * page tables, KVM, and the vCPUs.
 */
#ifndef TDPSIM_MACHINE_H
#define TDPSIM_MACHINE_H

#include <stdint.h>

#include "cpu/model.h"
#include "cpu/vcpu.h"
#include "guest/guest.h"
#include "host/host.h"
#include "kvm/kvm.h"
#include "tlb/tlb.h"


enum cycle_cat { CYC_TLB, CYC_WALK, CYC_EXIT, CYC_KVM, CYC_FLUSH, CYC_GUEST_PF };

struct machine {
	struct host_mm *host;
	struct guest_mm *guest;     /* L1's memory: its page tables, and its EPT12 for L2 */
	struct guest_mm *l2_guest;  /* L2's own page tables (nested; NULL until used) */
	struct mem_meter *mem;
	uint64_t khugepaged_wake;   /* when khugepaged's next pass runs (ns) */
	uint64_t age_wake;          /* when the aging scanner's next pass runs (ns) */
	bool age_pending;           /* ... and whether one is scheduled */
	bool store_failed;          /* a hooked guest store failed (its error is set) */
	struct kvm kvm;
	struct vcpu *vcpus;
	unsigned nr_vcpus;
	tdpsim_stats *stats;
	/* The stats counter of a TLB lookup's outcome: [fetch][hit][page size level]; size
	 * level 0 (no size) points at `no_count`.  Set by vcpu_counters_init. */
	uint64_t *tlb_count[2][2][4];
	uint64_t no_count;
	const struct cpu_model *cpu;
	/* the iTLB-multihit model */
	bool multihit_broad;
	tdpsim_multihit_action multihit_default;
	tdpsim_multihit_fn multihit_fn;
	void *multihit_payload;
};

#define VCPU_MACHINE_CHECK 1 /* vcpu_access: the fetch raised a machine check */

void vcpu_charge(struct machine *m, unsigned vcpu, enum cycle_cat cat, uint64_t cycles);
/* KVM's work counted in `w`, in cycles of the model's pieces. */
uint64_t kvm_work_cycles(const struct cpu_model *c, const struct kvm_work *w);

/* --check: every vCPU's TLB entries and EPT paging-structure cache entries agree with EPT
 * (cpu/vcpu.c); 0 or EINTERNAL naming the stale entry. */
int vcpu_check_tlbs(const struct machine *m);

/* An EPT violation (or misconfiguration) at gpa with KVM's error code (cpu/vcpu.c): the
 * exit (draining the PML buffer, as every exit does), KVM's fault path, the entry, charged
 * to the vCPU.  KVM's RET_PF_* or a negative code. */
int vcpu_ept_fault(struct machine *m, unsigned vcpu, uint64_t gpa, uint64_t err);

/*
 * A guest store of 8 bytes to `gpa` (cpu/vcpu.c), as the guest kernel's write of a page-table
 * entry: the EPT side of a data write - EPT violations through KVM's fault path until EPT
 * lets the write through, then the processor sets the leaf's D bit and, while PML logs,
 * logs the page.  The guest's linear mapping of its tables is not modelled: no guest TLB
 * lookup or walk is made or charged.  0, or a negative code (EINPUT when the gpa is in no
 * writable memslot: KVM would emulate the store, and the guest memory modelled here would
 * not hold it).  A store KVM write-tracks (a table it shadows for L2) is emulated with
 * `value`, as vcpu_l1_table_store does.  From a vCPU in L2, `gpa` is an L2 gpa, stored
 * through EPT02; 1 when EPT12 refuses the write: an EPT violation reflected to L1, which
 * now runs, and the store has not happened.
 */
int vcpu_store_gpa(struct machine *m, unsigned vcpu, uint64_t gpa, uint64_t value);

/* A VM exit whose only work is draining vcpu's PML buffer (cpu/vcpu.c): a PML-full exit, or
 * the kick of kvm_arch_sync_dirty_log (`ipi_cycles` the IPI's cost, else 0). */
void vcpu_pml_exit(struct machine *m, unsigned vcpu, uint64_t ipi_cycles);

/* Under shadow paging (cpu/vcpu.c): the guest's store of a page-table entry at gpa (as KVM
 * takes it by gfn: kvm_mmu_guest_pte_store), charged; 0 or a negative code. */
int vcpu_shadow_gpte_store(struct machine *m, unsigned vcpu, uint64_t gpa, uint64_t value);
/* The guest's INVLPG (intercepted under shadow paging) and CR3 load of address space id. */
void vcpu_invlpg(struct machine *m, unsigned vcpu, uint64_t gva);
int vcpu_load_cr3(struct machine *m, unsigned vcpu, uint32_t id);

/* The guest memory of L2's own page tables, made on first use (machine.c). */
int machine_l2_guest(struct machine *m, struct guest_mm **out);
/* A store of L1's to one of its EPT12 tables at gpa (cpu/vcpu.c): EPT01's side of the write
 * - where KVM shadows the table for L2 it faults: an upper-level table's store is emulated
 * and reaches the shadow pages (kvm_mmu_track_write), a 4K table in sync goes unsync - on
 * `vcpu`, in L1.  0 or a negative code. */
int vcpu_l1_table_store(struct machine *m, unsigned vcpu, uint64_t gpa, uint64_t value);
/* L1's VMLAUNCH/VMRESUME into L2 (EPT12 root eptp, L2's CR3 id cr3, vmcs12's VPID vpid12,
 * 0 for none), its INVEPT, and a nested VM exit to L1 (cpu/vcpu.c): each an exit to KVM,
 * charged.  0 or a negative code. */
int vcpu_l2_enter(struct machine *m, unsigned vcpu, uint64_t eptp, uint32_t cr3, uint16_t vpid12);
int vcpu_l2_exit(struct machine *m, unsigned vcpu);
int vcpu_invept(struct machine *m, unsigned vcpu, int type, uint64_t eptp);
/* A VM entry: the vCPU runs on the root KVM's MMU in use has loaded (cpu/vcpu.c). */
void vcpu_enter(struct machine *m, unsigned vcpu);
/* The processor's side of a vCPU KVM has created: its counters, its first entry. */
void vcpu_attach(struct machine *m, unsigned vcpu);

/* Point m->tlb_count at m->stats (cpu/vcpu.c), once m->stats is set. */
void vcpu_counters_init(struct machine *m);

/* One guest access by `vcpu` (cpu/vcpu.c): the TLBs, or the guest walk through EPT with
 * KVM's faults until it completes, or a guest #PF.  0, VCPU_MACHINE_CHECK, or an error. */
int vcpu_access(struct machine *m, unsigned vcpu, uint64_t gva, int op, int cpl);

#endif

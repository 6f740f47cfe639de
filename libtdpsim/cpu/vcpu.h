/* SPDX-License-Identifier: MIT */
/*
 * Internal: the emulated processor's state of one vCPU (cpu/vcpu.c) - what the hardware
 * holds, apart from KVM's view of the vCPU (struct kvm_vcpu, kvm/kvm.h): the address space
 * and tags it runs under, the root loaded at entry, its TLBs, and the PML buffer it logs
 * into.
 */
#ifndef TDPSIM_CPU_VCPU_H
#define TDPSIM_CPU_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "tdpsim/stats.h"

struct guest_mm;

struct tlb;

/* vmx.h: PML_LOG_NR_ENTRIES entries, logged from PML_HEAD_INDEX down to 0. */
#define PML_LOG_NR_ENTRIES 512
#define PML_HEAD_INDEX (PML_LOG_NR_ENTRIES - 1)

struct vcpu {
	uint32_t cr3;     /* the guest address space (guest-map cr3=) the vCPU runs in; its
			   * low 12 bits are the PCID */
	uint16_t vpid;    /* the VPID it runs under: vpid01 in L1, vpid02 in L2 */
	uint16_t vpid01, vpid02;
	bool in_l2;       /* running L2 (nested): `guest`, `cr3` and `vpid` are L2's */
	uint32_t other_cr3; /* the CR3 id of the level not running */
	struct guest_mm *guest; /* the tables it walks: L1's, or in L2 L2's own */
	uint64_t eptp;    /* the root KVM loaded at the last VM entry (vmx_load_mmu_pgd): EPT's,
			   * or under shadow paging the shadow root the processor's CR3 holds */
	int ept_levels;   /* that EPTP's page-walk length + 1 (construct_eptp): 4 or 5 */
	bool ept_ad;      /* ... and its A/D enable (bit 6): the processor sets EPT A and D */
	bool cr3_loaded;  /* KVM has been told the guest's CR3 (shadow paging) */
	tdpsim_vcpu_stats *stat; /* KVM's counters of this vCPU (kvm_vcpu.stat), charged here */
	struct tlb *tlb;  /* its TLBs and paging-structure caches */
	/* Page-modification logging: the page KVM gave the VMCS (vmx.c vmx->pml_pg) and the
	 * VMCS's GUEST_PML_INDEX.  The processor logs at the index and counts down from
	 * PML_HEAD_INDEX; once it has gone below 0 the next log is a PML-full VM exit. */
	uint64_t pml_page[PML_LOG_NR_ENTRIES];
	uint16_t pml_index;
};

/* The EP4TA of an EPTP whose root is at `root_hpa` (bits 51:12 of the EPTP): the tag of the
 * EPT context in the TLBs (tlb_set_ep4ta), its low 32 bits. */
static inline uint32_t vcpu_ep4ta(uint64_t root_hpa)
{
	return (uint32_t)(root_hpa >> 12);
}

/* The processor's side of PML: is the buffer full (the index went below 0)? */
static inline bool vcpu_pml_full(const struct vcpu *v)
{
	return v->pml_index >= PML_LOG_NR_ENTRIES;
}

/* Log one GPA at the index and count the index down (it wraps below 0 to 0xffff). */
static inline void vcpu_pml_log(struct vcpu *v, uint64_t gpa)
{
	v->pml_page[v->pml_index--] = gpa;
}

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Internal: nested virtualization with EPT, after KVM's vmx/nested.c - L1's hypervisor
 * enters L2 on its EPT12 (VMLAUNCH/VMRESUME: nested_vmx_enter_non_root_mode), leaves it
 * (nested_vmx_vmexit), and invalidates with INVEPT (handle_invept).  While L2 runs, the MMU
 * in use is guest_mmu, the shadow EPT MMU (kvm_init_shadow_ept_mmu), building EPT02 from
 * EPT12; an EPT12 walk that fails is an EPT violation reflected to L1.
 */
#ifndef TDPSIM_KVM_NESTED_H
#define TDPSIM_KVM_NESTED_H

#include <stdbool.h>
#include <stdint.h>

#include "kvm/kvm.h"

/* vmcs12's EPTP fields (SDM 25.6.11): write-back, a page-walk length of 4, bit 6 A/D. */
#define VMX_EPTP_MT_WB 6ull
#define VMX_EPTP_PWL_4 (3ull << 3)
#define VMX_EPTP_AD_ENABLE_BIT (1ull << 6)
#define VMX_EPTP_PA_MASK 0x000ffffffffff000ull

/* INVEPT's types (VMX_EPT_EXTENT_*). */
enum { VMX_EPT_EXTENT_CONTEXT = 1, VMX_EPT_EXTENT_GLOBAL = 2 };
/* Ours: a single-context INVEPT whose EPTP names no EPT12 L1 built - nothing matches. */
#define VMX_EPT_EXTENT_NONE 0

/* VMLAUNCH/VMRESUME: L2 runs with vmcs12's EPTP `eptp` (its root gpa in L1 memory, its A/D
 * bit) and CR3 `l2_cr3`; guest_mmu becomes the MMU in use and walk_mmu the nested one.
 * 0, or TDPSIM_EINPUT with nothing changed: an EPT12 root in no memslot (mmu_check_root). */
int nested_vmx_enter_non_root_mode(struct kvm_vcpu *vcpu, uint64_t eptp, uint64_t l2_cr3,
				    uint16_t vpid12);
/* The basic exit reasons KVM reflects to L1 here (uapi/asm/vmx.h); the trace's l2-exit
 * names none (TDPSIM_NESTED_EXIT_BY_TRACE). */
#define EXIT_REASON_EPT_VIOLATION 48
#define EXIT_REASON_EPT_MISCONFIG 49
/* The EPT violation qualification's linear-address bits (vmx.h). */
#define EPT_VIOLATION_GVA_IS_VALID (1ull << 7)
#define EPT_VIOLATION_GVA_TRANSLATED (1ull << 8)

/* A nested VM exit for `reason` with its qualification: vmcs12 shows it to L1 (and the
 * on_nested_exit hook), then L1 runs again, on root_mmu; guest_mmu keeps its roots. */
void nested_vmx_vmexit(struct kvm_vcpu *vcpu, int reason, uint64_t exit_qualification);
/* L1's INVEPT of `type` (single-context for `eptp`, or global): the shadow EPT roots that
 * match are freed (a new one is built, and flushed, at the next entry to L2). */
void handle_invept(struct kvm_vcpu *vcpu, int type, uint64_t eptp);

#endif

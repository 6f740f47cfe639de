/* SPDX-License-Identifier: MIT */
/*
 * Nested EPT: L1's entries to and exits from L2 and its INVEPT, as vmx/nested.c makes them
 * reach the MMU (nested_ept_init_mmu_context, nested_ept_uninit_mmu_context,
 * nested_ept_inject_page_fault, handle_invept).  The rest of a VMCS is not modelled.
 */
#include "kvm/nested.h"
#include "kvm/mmu.h"
#include "kvm/shadow_mmu.h"

/* nested_ept_get_eptp: vmcs12's EPTP, the "guest pgd" of guest_mmu. */
static uint64_t nested_ept_get_eptp(struct kvm_vcpu *vcpu)
{
	return vcpu->nested.ept_pointer;
}

/* nested_ept_root_matches: a root built for an EPTP with the same address. */
static bool nested_ept_root_matches(uint64_t root_hpa, uint64_t root_eptp, uint64_t eptp)
{
	return root_hpa != INVALID_PAGE &&
	       (root_eptp & VMX_EPTP_PA_MASK) == (eptp & VMX_EPTP_PA_MASK);
}

/* nested_ept_invalidate_addr: addr synced in the cached roots of the same EPT12 too - the
 * TLB tags mappings by EP4TA, not by the whole EPTP. */
static void nested_ept_invalidate_addr(struct kvm_vcpu *vcpu, uint64_t eptp, uint64_t addr)
{
	struct kvm_mmu *mmu = &vcpu->arch.guest_mmu;
	unsigned roots = 0;

	for (int i = 0; i < KVM_MMU_NUM_PREV_ROOTS; i++)
		if (nested_ept_root_matches(mmu->prev_roots[i].hpa, mmu->prev_roots[i].pgd, eptp))
			roots |= KVM_MMU_ROOT_PREVIOUS(i);
	if (roots)
		kvm_mmu_invalidate_addr(vcpu, mmu, addr, roots);
}

/*
 * nested_ept_inject_page_fault: guest_mmu's inject_page_fault.  The walk of EPT12 failed:
 * L1 gets an EPT violation (or, for reserved bits, an EPT misconfiguration) with the L2 gpa
 * and the qualification the walk built, by a nested VM exit.  Not a #PF: no pf_guest.
 */
static void nested_ept_inject_page_fault(struct kvm_vcpu *vcpu, uint32_t error_code,
					 uint64_t addr, uint64_t exit_qualification)
{
	vcpu->kvm->stats->nested_ept_violations++;
	vcpu->nested.exit_qualification =
		(error_code & TDPSIM_PFERR_RSVD) ? 0 : exit_qualification;
	vcpu->nested.guest_physical_address = addr;
	if (!(error_code & TDPSIM_PFERR_RSVD))
		nested_ept_invalidate_addr(vcpu, vcpu->nested.ept_pointer, addr);
	nested_vmx_vmexit(vcpu);
}

/* nested_ept_init_mmu_context: guest_mmu in use, shadowing vmcs12's EPTP. */
static void nested_ept_init_mmu_context(struct kvm_vcpu *vcpu)
{
	struct kvm_mmu *mmu = &vcpu->arch.guest_mmu;

	vcpu->arch.mmu = mmu;
	kvm_init_shadow_ept_mmu(vcpu, (vcpu->nested.ept_pointer & VMX_EPTP_AD_ENABLE_BIT) != 0,
				vcpu->nested.ept_pointer);
	mmu->get_guest_pgd = nested_ept_get_eptp;
	mmu->inject_page_fault = nested_ept_inject_page_fault;
	vcpu->arch.walk_mmu = &vcpu->arch.nested_mmu;
}

void nested_vmx_enter_non_root_mode(struct kvm_vcpu *vcpu, uint64_t eptp, uint64_t l2_cr3)
{
	vcpu->kvm->stats->nested_run++;
	vcpu->nested.guest_mode = true;
	vcpu->nested.ept_pointer = eptp;
	vcpu->nested.l2_cr3 = l2_cr3;
	nested_ept_init_mmu_context(vcpu);
}

/* nested_ept_uninit_mmu_context, with the rest of the exit left out. */
void nested_vmx_vmexit(struct kvm_vcpu *vcpu)
{
	vcpu->kvm->stats->nested_vmexits++;
	vcpu->nested.guest_mode = false;
	vcpu->arch.mmu = &vcpu->arch.root_mmu;
	vcpu->arch.walk_mmu = &vcpu->arch.root_mmu;
}

void handle_invept(struct kvm_vcpu *vcpu, int type, uint64_t eptp)
{
	/* Nested EPT roots are always held through guest_mmu, not root_mmu. */
	struct kvm_mmu *mmu = &vcpu->arch.guest_mmu;
	unsigned roots_to_free = 0;

	vcpu->kvm->stats->invept++;
	if (type == VMX_EPT_EXTENT_GLOBAL) {
		roots_to_free = KVM_MMU_ROOTS_ALL;
	} else if (type == VMX_EPT_EXTENT_CONTEXT) {
		if (nested_ept_root_matches(mmu->root.hpa, mmu->root.pgd, eptp))
			roots_to_free |= KVM_MMU_ROOT_CURRENT;
		for (int i = 0; i < KVM_MMU_NUM_PREV_ROOTS; i++)
			if (nested_ept_root_matches(mmu->prev_roots[i].hpa, mmu->prev_roots[i].pgd,
						    eptp))
				roots_to_free |= KVM_MMU_ROOT_PREVIOUS(i);
	}
	if (roots_to_free)
		kvm_mmu_free_roots(vcpu->kvm, mmu, roots_to_free);
}

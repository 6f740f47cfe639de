/* SPDX-License-Identifier: MIT */
/*
 * Nested EPT: L1's entries to and exits from L2 and its INVEPT, as vmx/nested.c makes them
 * reach the MMU (nested_ept_init_mmu_context, nested_ept_uninit_mmu_context,
 * nested_ept_inject_page_fault, handle_invept), and the TLB flushes of the transitions
 * (nested_vmx_transition_tlb_flush).  The rest of a VMCS is not modelled.
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
 * and the qualification the walk built - bits 7:8 (is the linear address valid, and was the
 * gpa the data's or an entry of L2's own walk) copied from the hardware exit - by a nested
 * VM exit.  Not a #PF: no pf_guest.
 */
static void nested_ept_inject_page_fault(struct kvm_vcpu *vcpu, uint32_t error_code,
					 uint64_t addr, uint64_t exit_qualification)
{
	int reason = EXIT_REASON_EPT_MISCONFIG;

	vcpu->kvm->stats->nested_ept_violations++;
	if (!(error_code & TDPSIM_PFERR_RSVD)) {
		reason = EXIT_REASON_EPT_VIOLATION;
		exit_qualification |= vcpu->arch.exit_qual &
				      (EPT_VIOLATION_GVA_IS_VALID | EPT_VIOLATION_GVA_TRANSLATED);
		nested_ept_invalidate_addr(vcpu, vcpu->nested.ept_pointer, addr);
	} else {
		exit_qualification = 0;
	}
	vcpu->nested.guest_physical_address = addr;
	nested_vmx_vmexit(vcpu, reason, exit_qualification);
}

/* vmx_get_current_vpid: the VPID the vCPU runs under - vpid02 for an L2 with a vmcs12
 * VPID, vpid01 for L1 and (6.12+) for an L2 without; before 6.12 vpid02 whenever L2 ran,
 * though such an L2 ran under vpid01 (profile vpid01_current_without_vpid12). */
static bool vmx_current_vpid_is_vpid02(const struct kvm_vcpu *vcpu)
{
	if (!vcpu->nested.guest_mode)
		return false;
	return vcpu->nested.vpid12 != 0 || !vcpu->kvm->profile->vpid01_current_without_vpid12;
}

/* kvm_vcpu_flush_tlb_guest (KVM_REQ_TLB_FLUSH_GUEST, done before the next entry): the guest's
 * view of a TLB flush.  Under EPT that is vmx_flush_tlb_guest alone, INVVPID of the current
 * VPID; EPT's guest-physical mappings stay (no nested MMU sync either: tdp_enabled). */
static void kvm_vcpu_flush_tlb_guest(struct kvm_vcpu *vcpu)
{
	if (vcpu->kvm->flush_tlb_guest)
		vcpu->kvm->flush_tlb_guest(vcpu->kvm->flush_ctx, vcpu->vcpu_idx,
					   vmx_current_vpid_is_vpid02(vcpu));
}

/* nested_vmx_transition_tlb_flush: what L1 may expect of a VM entry or exit.  Without a
 * vmcs12 VPID, L2 shares L1's tag (VPID 0 on hardware, vpid01 here), and both transitions
 * flush it.  With one, L2 runs under vpid02, which stands for whichever vpid12 came last:
 * a new vpid12 at entry is a new address space, so vpid02 is flushed.  With EPT L2 always
 * has a TLB tag of its own, so no flush of the current context is needed. */
static void nested_vmx_transition_tlb_flush(struct kvm_vcpu *vcpu, bool is_vmenter)
{
	if (!vcpu->nested.vpid12) {
		kvm_vcpu_flush_tlb_guest(vcpu);
		return;
	}
	if (is_vmenter && vcpu->nested.vpid12 != vcpu->nested.last_vpid) {
		vcpu->nested.last_vpid = vcpu->nested.vpid12;
		kvm_vcpu_flush_tlb_guest(vcpu);
	}
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

int nested_vmx_enter_non_root_mode(struct kvm_vcpu *vcpu, uint64_t eptp, uint64_t l2_cr3,
				   uint16_t vpid12)
{
	/* KVM finds this at the entry's kvm_mmu_load, after the switch; refused here, before
	 * it, so that L1 keeps running on its root (refused after, L2 would run on none). */
	int r = mmu_check_root(vcpu, eptp, "L1's EPT12 root");

	if (r < 0)
		return r;
	vcpu->kvm->stats->nested_run++;
	vcpu->nested.guest_mode = true;
	vcpu->nested.ept_pointer = eptp;
	vcpu->nested.l2_cr3 = l2_cr3;
	vcpu->nested.vpid12 = vpid12;
	nested_ept_init_mmu_context(vcpu);
	nested_vmx_transition_tlb_flush(vcpu, true); /* prepare_vmcs02 */
	return 0;
}

/* The exit as vmcs12 shows it to L1 (prepare_vmcs12), for on_nested_exit.  The linear
 * address is the access's when the qualification says so (bit 7), else 0. */
static void prepare_vmcs12(struct kvm_vcpu *vcpu, int reason, uint64_t exit_qualification)
{
	const tdpsim_hooks *hooks = vcpu->kvm->hooks;
	bool ept = reason == EXIT_REASON_EPT_VIOLATION || reason == EXIT_REASON_EPT_MISCONFIG;

	vcpu->nested.exit_qualification = exit_qualification;
	if (!ept)
		vcpu->nested.guest_physical_address = 0;
	vcpu->nested.guest_linear_address =
		(exit_qualification & EPT_VIOLATION_GVA_IS_VALID) ? vcpu->arch.exit_gla : 0;
	if (hooks && hooks->on_nested_exit) {
		tdpsim_nested_exit e = {
			.vcpu = vcpu->vcpu_idx,
			.reason = (tdpsim_nested_exit_reason)reason,
			.exit_qualification = exit_qualification,
			.guest_physical_address = vcpu->nested.guest_physical_address,
			.guest_linear_address = vcpu->nested.guest_linear_address,
		};

		hooks->on_nested_exit(&e, hooks->payload);
	}
}

/* nested_vmx_vmexit: vmcs12 gets the exit (prepare_vmcs12), then L1's state comes back
 * (nested_ept_uninit_mmu_context, load_vmcs12_host_state); the rest of the exit is left out. */
void nested_vmx_vmexit(struct kvm_vcpu *vcpu, int reason, uint64_t exit_qualification)
{
	vcpu->kvm->stats->nested_vmexits++;
	prepare_vmcs12(vcpu, reason, exit_qualification);
	vcpu->nested.guest_mode = false;
	vcpu->arch.mmu = &vcpu->arch.root_mmu;
	vcpu->arch.walk_mmu = &vcpu->arch.root_mmu;
	nested_vmx_transition_tlb_flush(vcpu, false); /* load_vmcs12_host_state */
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

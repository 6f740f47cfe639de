/* SPDX-License-Identifier: MIT */
/*
 * A vCPU's memory access, as the hardware performs it with EPT: the guest's page walk, whose
 * every page-table read is itself a guest-physical access through EPT, then the access to
 * the translated guest-physical address.  Wherever EPT lacks a translation the hardware
 * exits with an EPT violation; KVM handles it (kvm_mmu_page_fault) and the guest re-executes
 * the instruction, which walks again.  (The TLBs that let the hardware skip walks come with
 * the x86-core issue; without them every access walks.)
 */
#include <inttypes.h>

#include "core/error.h"
#include "kvm/tdp_mmu.h"
#include "machine.h"
#include "tdpsim/trace.h"

/* Faults one instruction may take before the simulator calls it a livelock.  A fresh access
 * can need one per guest page-table level, one for the data, and retries after host
 * invalidations: far fewer than this. */
#define MAX_FAULTS_PER_ACCESS 32

/* The walker's access to a page-table entry: can EPT translate it? */
static int walker_gpa_access(void *ctx, uint64_t gpa, int write)
{
	const struct kvm *kvm = ctx;

	return kvm_tdp_access(kvm, gpa, write ? TDPSIM_OP_WRITE : TDPSIM_OP_READ) != 0;
}

/* An EPT violation (or misconfiguration) at gpa; returns RET_PF_* or a negative code. */
static int ept_fault(struct machine *m, unsigned vcpu, uint64_t gpa, int op)
{
	uint32_t err = kvm_tdp_access(&m->kvm, gpa, op);

	return kvm_mmu_page_fault(&m->kvm, vcpu, gpa, err);
}

int vcpu_access(struct machine *m, unsigned vcpu, uint64_t gva, int op, int cpl)
{
	int kind = op == TDPSIM_OP_WRITE ? GUEST_WRITE : op == TDPSIM_OP_EXEC ? GUEST_FETCH
									 : GUEST_READ;

	for (int faults = 0; faults < MAX_FAULTS_PER_ACCESS; faults++) {
		struct guest_walk w;
		enum guest_walk_status st = guest_walk(m->guest, m->vcpus[vcpu].cr3, gva, kind, cpl,
						       walker_gpa_access, &m->kvm, &w);
		int r;

		if (st == GUEST_WALK_PF) {
			m->kvm.vcpu_stat[vcpu].guest_page_faults++;
			m->stats->guest_page_faults++;
			return 0;
		}
		if (st == GUEST_WALK_EPT) {
			r = ept_fault(m, vcpu, w.pt_gpa, w.pt_write ? TDPSIM_OP_WRITE : TDPSIM_OP_READ);
			if (r == RET_PF_EMULATE)
				return err_set(TDPSIM_EINPUT,
					       "vcpu %u: the guest page table at gpa 0x%" PRIx64
					       " is not in guest memory (no memslot)", vcpu, w.pt_gpa);
		} else {
			if (kvm_tdp_access(&m->kvm, w.gpa, op) == 0)
				return 0;
			r = ept_fault(m, vcpu, w.gpa, op);
			if (r == RET_PF_EMULATE) /* MMIO or a read-only slot: KVM emulated it */
				return 0;
		}
		if (r < 0)
			return r;
	}
	return err_set(TDPSIM_EINTERNAL, "vcpu %u: the access to gva 0x%" PRIx64 " took %d faults "
		       "without completing", vcpu, gva, MAX_FAULTS_PER_ACCESS);
}

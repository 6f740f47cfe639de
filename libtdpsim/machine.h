/* SPDX-License-Identifier: MIT */
/*
 * Internal: the simulated machine's parts, created when the machine starts (the first event
 * that uses it), once the machine settings are known: the host's address space, the guest's
 * page tables, KVM, and the vCPUs.
 */
#ifndef TDPSIM_MACHINE_H
#define TDPSIM_MACHINE_H

#include <stdint.h>

#include "guest/guest.h"
#include "host/host.h"
#include "kvm/kvm.h"

struct vcpu {
	uint32_t cr3; /* the guest address space (guest-map cr3=) the vCPU runs in */
};

struct machine {
	struct host_mm *host;
	struct guest_mm *guest;
	struct kvm kvm;
	struct vcpu *vcpus;
	unsigned nr_vcpus;
	tdpsim_stats *stats;
};

/* One guest access by `vcpu` (cpu/vcpu.c): the guest walk, EPT, KVM's faults until it
 * completes, or a guest #PF. */
int vcpu_access(struct machine *m, unsigned vcpu, uint64_t gva, int op, int cpl);

#endif

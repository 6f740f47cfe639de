/* SPDX-License-Identifier: MIT */
/*
 * Internal: KVM's NX huge page recovery worker (mmu.c kvm_nx_huge_page_recovery_worker),
 * on the simulated clock.
 */
#ifndef TDPSIM_KVM_NX_RECOVERY_H
#define TDPSIM_KVM_NX_RECOVERY_H

#include "kvm/kvm.h"

/* The worker comes to life: with the VM (<= 6.12), or at the first KVM_RUN (6.13+). */
void kvm_nx_recovery_start(struct kvm *kvm, uint64_t now);

/* A recovery parameter or nx_huge_pages changed: wake the worker, as KVM does. */
void kvm_nx_recovery_params_changed(struct kvm *kvm, uint64_t now);

/* The period in ms KVM derives (0 when recovery is off). */
uint64_t kvm_nx_recovery_period_ms(const struct kvm *kvm);

#endif

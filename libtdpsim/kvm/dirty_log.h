/* SPDX-License-Identifier: MIT */
/*
 * Internal: dirty logging (x86.c, mmu.c, kvm_main.c): what KVM does when a memslot's
 * KVM_MEM_LOG_DIRTY_PAGES flag changes (kvm_mmu_slot_apply_flags), KVM_GET_DIRTY_LOG and
 * KVM_CLEAR_DIRTY_LOG, through the MMU's operations (kvm/mmu.h): write-protection (or, with
 * PML, clearing D), eager splitting, and getting huge pages back when logging stops.  And
 * PML's buffer: the processor logs, KVM drains.
 */
#ifndef TDPSIM_KVM_DIRTY_LOG_H
#define TDPSIM_KVM_DIRTY_LOG_H

#include "kvm/kvm.h"

/* After a FLAGS_ONLY memslot update from old_flags to the slot's flags. */
int kvm_mmu_slot_apply_flags(struct kvm *kvm, struct kvm_memory_slot *slot, uint32_t old_flags);

/* A slot created or moved with logging already on: its bitmap. */
int kvm_dirty_log_slot_created(struct kvm *kvm, struct kvm_memory_slot *slot);

/* KVM_GET_DIRTY_LOG: the number of dirty pages reported (the bits taken), or EINPUT for a
 * slot without a dirty bitmap (KVM: ENOENT). */
int64_t kvm_get_dirty_log(struct kvm *kvm, struct kvm_memory_slot *slot);

/* KVM_CLEAR_DIRTY_LOG for pages [first, first + num) of the slot, as if the user's bitmap
 * were all ones there: the pages that were dirty get re-protected.  Returns the count of
 * bits cleared, or EINPUT where KVM refuses (no manual protect, no bitmap, a range not in
 * 64-page chunks of the slot). */
int64_t kvm_clear_dirty_log(struct kvm *kvm, struct kvm_memory_slot *slot, uint64_t first,
			    uint64_t num);

/* PML (vmx.c vmx_flush_pml_buffer).  Does the processor log now?  PML is in use and some slot is
 * dirty-logged (kvm_mmu_update_cpu_dirty_logging enables it in every vCPU with the first). */
bool kvm_pml_logging(const struct kvm *kvm);
/* vmx_flush_pml_buffer, on every VM exit: each GPA the processor logged in the vCPU's PML
 * page since the last drain (from GUEST_PML_INDEX + 1 up) is marked dirty in its slot, and
 * the index goes back to PML_HEAD_INDEX. */
void kvm_flush_pml_buffer(struct kvm *kvm, const uint64_t *pml_page, uint16_t *pml_index);

#endif

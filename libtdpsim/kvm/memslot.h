/* SPDX-License-Identifier: MIT */
/*
 * Internal: KVM's memslots as KVM_SET_USER_MEMORY_REGION manages them: create, move (new
 * base gfn), change flags, delete; with KVM's rules for what an existing slot may change.
 */
#ifndef TDPSIM_KVM_MEMSLOT_H
#define TDPSIM_KVM_MEMSLOT_H

#include <stddef.h>
#include <stdint.h>

#include "x86/paging.h"

struct kvm_memory_slot {
	uint32_t id;
	uint32_t flags;         /* TDPSIM_MEM_* */
	uint64_t base_gfn;
	uint64_t npages;
	uint64_t userspace_addr; /* hva of base_gfn */
};

struct kvm_memslots {
	struct kvm_memory_slot *slots; /* sorted by base_gfn; ranges never overlap */
	size_t n, cap;
	uint64_t npages;               /* sum over slots */
};

void memslots_init(struct kvm_memslots *ms);
void memslots_free(struct kvm_memslots *ms);

/* KVM_SET_USER_MEMORY_REGION.  size 0 deletes.  0 or a negative code with a message. */
int memslots_set(struct kvm_memslots *ms, uint32_t id, uint32_t flags, uint64_t gpa,
		 uint64_t size, uint64_t hva);

struct kvm_memory_slot *memslots_by_id(struct kvm_memslots *ms, uint32_t id);
/* The slot holding gfn, or NULL (binary search). */
struct kvm_memory_slot *memslots_by_gfn(struct kvm_memslots *ms, uint64_t gfn);

/* The invariants: sorted, no overlap, npages equals the sum.  NULL or what is broken. */
const char *memslots_check(const struct kvm_memslots *ms);

#endif

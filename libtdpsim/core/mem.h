/* SPDX-License-Identifier: MIT */
/*
 * Internal: the memory a machine holds, by part, against its budget (tdpsim_options
 * .max_memory, the CLI's --max-memory).  Every part that grows with the input - shadow pages,
 * rmaps, memslot metadata, dirty bitmaps, host and guest page tables, marks -
 * charges what it allocates here before it allocates it, and gives it back when it frees it.
 * The count is of the simulator's own allocations, so it is the same on every machine: a
 * budget refuses the same event everywhere.  Past the budget, or when malloc fails, the
 * allocation fails with TDPSIM_ENOMEM and a message naming the part that grew.
 */
#ifndef TDPSIM_CORE_MEM_H
#define TDPSIM_CORE_MEM_H

#include <stddef.h>
#include <stdint.h>

enum mem_part {
	MEM_VCPUS,        /* the vCPUs and their TLBs */
	MEM_SHADOW_PAGES, /* struct kvm_mmu_page and its table, the hash */
	MEM_RMAPS,        /* rmap heads and pte_list_desc */
	MEM_MEMSLOTS,     /* the memslot array, lpage_info, write tracking */
	MEM_DIRTY_LOG,    /* dirty bitmaps */
	MEM_HOST_PT,      /* the host's page tables */
	MEM_HOST_MM,      /* the host's backings and its frame allocator */
	MEM_GUEST_PT,     /* the guest's page-table memory */
	MEM_MARKS,        /* marks and notices */
	MEM__COUNT
};

struct mem_meter {
	uint64_t limit; /* bytes; 0: none */
	uint64_t used;
	uint64_t part[MEM__COUNT];
};

/* The part's name as messages give it ("the host page tables"). */
const char *mem_part_name(enum mem_part p);

/* Count `bytes` more for part p: 0, or TDPSIM_ENOMEM when that passes the limit (the message
 * names the part, what it would hold and the limit).  `m` may be NULL (nothing counted). */
int mem_charge(struct mem_meter *m, enum mem_part p, uint64_t bytes);
void mem_uncharge(struct mem_meter *m, enum mem_part p, uint64_t bytes);

/* Would `bytes` more fit?  0, or TDPSIM_ENOMEM saying that `what` needs them: the check an
 * event makes before it starts work whose memory is known in advance. */
int mem_reserve_check(const struct mem_meter *m, enum mem_part p, uint64_t bytes,
		      const char *what);

/* malloc, calloc and realloc that charge part p first (realloc: the growth from old to
 * new bytes) and give the charge back when the allocation fails; NULL with the error set. */
void *mem_malloc(struct mem_meter *m, enum mem_part p, size_t bytes);
void *mem_calloc(struct mem_meter *m, enum mem_part p, size_t n, size_t size);
void *mem_realloc(struct mem_meter *m, enum mem_part p, void *ptr, size_t old_bytes,
		  size_t new_bytes);
/* free, giving back the `bytes` it was charged. */
void mem_free(struct mem_meter *m, enum mem_part p, void *ptr, size_t bytes);

/* "12.0 GiB", "640 KiB", "100 B": a size as messages give it. */
const char *mem_size_text(uint64_t bytes, char *buf, size_t size);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Internal: the host's page tables - 512-entry uint64_t tables in x86 PTE format, taken from
 * a pool that grows in chunks, so a fault never mallocs a table of its own.
 *
 * A table entry holds the pfn of the table below it, as on hardware; table pages live in
 * their own window of physical memory (HOST_PT_PFN_BASE, see frames.h), and the pool turns
 * such a pfn back into a pointer with one subtraction and one chunk lookup.  Freed tables go
 * on a LIFO free list threaded through their own first entry (no memory of its own).
 */
#ifndef TDPSIM_HOST_HOST_PT_H
#define TDPSIM_HOST_HOST_PT_H

#include <stdint.h>

#include "host/frames.h"
#include "x86/paging.h"

/* TASK_SIZE, the top of the user half of the address space: 47 bits of it under 4-level
 * paging (the PGD is the PML4, the P4D folded), 56 under 5-level (the PGD a PML5). */
static inline uint64_t host_task_size(int levels)
{
	return levels == 5 ? 1ull << 56 : 1ull << 47;
}
#define HOST_PT_CHUNK 64            /* tables per pool chunk: 256 KiB at a time */

struct host_mm;

typedef uint64_t host_pt_page[PT_ENTRIES];

struct host_pt_pool {
	host_pt_page **chunk; /* chunk[i] holds tables i * HOST_PT_CHUNK ... */
	uint32_t nchunks, chunk_cap;
	uint32_t ntables;     /* tables handed out so far, by index (the bump pointer) */
	uint32_t nfree;       /* of those, on the free list */
	uint32_t free_head;   /* index + 1 of the most recently freed table; 0 = none */
	uint64_t frees;       /* tables freed so far: a pointer to a table held since is stale */
	struct mem_meter *mem; /* charged as chunks are added */
};

void host_pt_pool_init(struct host_pt_pool *p, struct mem_meter *mem);
void host_pt_pool_fini(struct host_pt_pool *p);

/* A zeroed table into *pfn: 0 or ENOMEM. */
int host_pt_alloc(struct host_pt_pool *p, uint64_t *pfn);

/* Give an (empty or no longer linked) table back to the pool. */
void host_pt_free(struct host_pt_pool *p, uint64_t pfn);

/* Tables handed out and not freed. */
static inline uint64_t host_pt_in_use(const struct host_pt_pool *p)
{
	return (uint64_t)p->ntables - p->nfree;
}

static inline uint64_t *host_pt_table(const struct host_pt_pool *p, uint64_t pfn)
{
	uint64_t idx = pfn - HOST_PT_PFN_BASE;

	return p->chunk[idx / HOST_PT_CHUNK][idx % HOST_PT_CHUNK];
}

/* Host PTEs.  Accessed/dirty bits are not modelled: nothing ages host memory yet. */
static inline int host_pte_present(uint64_t pte)
{
	return (pte & PT_PRESENT_MASK) != 0;
}

static inline int host_pte_writable(uint64_t pte)
{
	return (pte & PT_WRITABLE_MASK) != 0;
}

static inline uint64_t host_pte_pfn(uint64_t pte)
{
	return (pte & PT64_ADDR_MASK) >> PAGE_SHIFT;
}

/* A leaf at level 1 is any present PTE; above, a present entry with PAGE_SIZE set. */
static inline int host_pte_is_leaf(uint64_t pte, int level)
{
	return level == PG_LEVEL_4K || (pte & PT_PAGE_SIZE_MASK) != 0;
}

static inline uint64_t host_mk_table_pte(uint64_t table_pfn)
{
	return (table_pfn << PAGE_SHIFT) | PT_PRESENT_MASK | PT_WRITABLE_MASK | PT_USER_MASK;
}

static inline uint64_t host_mk_leaf_pte(uint64_t pfn, int level, int writable)
{
	return (pfn << PAGE_SHIFT) | PT_PRESENT_MASK | PT_USER_MASK |
	       (writable ? PT_WRITABLE_MASK : 0) | (level > PG_LEVEL_4K ? PT_PAGE_SIZE_MASK : 0);
}

/* Where a walk of the host tables for one hva stopped. */
struct host_walk {
	uint64_t *ptep; /* a present leaf, or the first entry that is not present */
	int level;      /* the level of *ptep */
};

/*
 * Read the tables for `hva` from the root down, one entry per level, as
 * host_pfn_mapping_level does.  1 if a present leaf maps hva, 0 if the walk hit a hole.
 */
int host_pt_walk(const struct host_pt_pool *p, uint64_t *root, int levels, uint64_t hva,
		 struct host_walk *w);

/*
 * Fill the hole a walk stopped at down to `level`: link a new table into each missing entry
 * between w->level and `level`, then leave w at the (empty) entry for hva at `level`.
 * 0 or ENOMEM (tables linked so far stay, empty, as the kernel's __pte_alloc leaves them).
 */
int host_pt_fill_hole(struct host_pt_pool *p, struct host_walk *w, uint64_t hva, int level);

/* Host page-table pages in use, the root included (for memory accounting and tests). */
uint64_t host_pt_pages(const struct host_mm *mm);

/* Tables the pool ever handed out, free ones included: what it holds in memory (tests). */
uint64_t host_pt_pool_tables(const struct host_mm *mm);

#endif

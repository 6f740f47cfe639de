/* SPDX-License-Identifier: MIT */
/*
 * Internal to guest/: where the guest's page-table pages live.  The `guest-pt` regions are
 * guest-physical memory that this module stores page by page (512 entries each, allocated the
 * first time a page is written, so a page never written reads as zeros), a deterministic
 * allocator hands their pages out as tables, and each address space (`cr3` id) has a root.
 */
#ifndef TDPSIM_GUEST_PT_MEM_H
#define TDPSIM_GUEST_PT_MEM_H

#include <stddef.h>
#include <stdint.h>

#include "guest/guest.h"
#include "x86/paging.h"

/* The largest guest-pt region: page tables for a whole guest fit in far less. */
#define GUEST_PT_REGION_MAX (1ull << 30)

/* MAXPHYADDR is 52 (the trace format's gpa range). */
#define GUEST_GPA_LIMIT (1ull << 52)

struct pt_region {
	uint64_t gpa;       /* first byte */
	uint64_t npages;
	uint64_t **page;    /* [npages]: a page's 512 entries, NULL until first written */
	uint8_t *in_use;    /* [npages]: 1 while the allocator has it out as a page table */
};

/* An address space: a CR3 id (guest-map cr3=), or an EPT12 of L1's (ept12-map ept=:
 * GPT_EPT_SPACE | ept), so that the two kinds of ids never meet. */
#define GPT_EPT_SPACE (1ull << 32)
struct addr_space {
	uint64_t id;
	uint64_t root;      /* gpa of the PML4 (or PML5, or the EPT PML4) */
};

struct guest_mm {
	int levels;                 /* 4 or 5 */
	/* Told of every entry guest_map writes, before it is written (guest_set_store_hook). */
	void (*store_hook)(void *ctx, uint64_t gpa, uint64_t value);
	void *store_ctx;

	struct pt_region *regions;  /* sorted by gpa, for lookup */
	size_t nregions;
	uint64_t *add_order;        /* each region's gpa, in the order added: the allocator's order */
	size_t bump_region;         /* add_order index the bump allocator is in */
	uint64_t bump_page;         /* next never-allocated page of that region */

	uint64_t total_pages;       /* in all regions */
	uint64_t pages_in_use;
	uint64_t *free_gpa;         /* freed tables, reused last-in first-out; room for all */
	uint64_t nfree;

	struct addr_space *spaces;  /* sorted by cr3 */
	size_t nspaces, cap_spaces;
	struct mem_meter *mem;      /* what the tables are charged to */
};

/* The stored entries of the page that holds `gpa`, or NULL if none are stored (zeros). */
uint64_t *gpt_page(const struct guest_mm *g, uint64_t gpa);

/* The same, creating the storage; NULL (with the error set) outside every guest-pt region
 * or without memory.  `what` names the operation for the message. */
uint64_t *gpt_page_create(struct guest_mm *g, uint64_t gpa, const char *what);

/* Is `gpa` inside a guest-pt region? */
int gpt_in_regions(const struct guest_mm *g, uint64_t gpa);

/* Hand out a zeroed page-table page (freed pages first, then the next never-used one). */
int gpt_alloc(struct guest_mm *g, uint64_t *gpa, const char *what);

/* Free the table at `gpa` holding level-`level` entries and every table below it that the
 * allocator handed out; other pages (outside the regions, or never allocated) are left.
 * `present`: the bits that make an entry present in the table's format (PT_PRESENT_MASK, or
 * EPT's R|W|X). */
void gpt_free_tree(struct guest_mm *g, uint64_t gpa, int level, uint64_t present);

/* Pages the allocator can still hand out. */
uint64_t gpt_pages_free(const struct guest_mm *g);

/* The address space `id` (a cr3 id, or GPT_EPT_SPACE | ept), or NULL if it was never used. */
const struct addr_space *gpt_space(const struct guest_mm *g, uint64_t id);
/* The root of address space `id`, created empty on first use; `what` names it in errors. */
int gpt_space_root(struct guest_mm *g, uint64_t id, const char *what, uint64_t *root_gpa);

/* The 4K page that holds `gpa`. */
static inline uint64_t page_base(uint64_t gpa)
{
	return gpa & ~(uint64_t)(PAGE_SIZE - 1);
}

/* Is `gva` canonical: bits 63..47 (63..56 with 5-level paging) all equal? */
static inline int gva_canonical(int levels, uint64_t gva)
{
	uint64_t top = gva >> (levels == 5 ? 56 : 47);

	return top == 0 || top == (UINT64_MAX >> (levels == 5 ? 56 : 47));
}

/* Does entry `pte` at `level` lead to a table, rather than being a leaf or not present?  PS
 * makes a leaf at the PDPTE and PDE; at the PML4E and PML5E it is a reserved bit, and no
 * table is reached either. */
static inline int pte_is_table(uint64_t pte, int level)
{
	return (pte & PT_PRESENT_MASK) && level > 1 && !(pte & PT_PAGE_SIZE_MASK);
}

/* The same for a table of either format: `present` is PT_PRESENT_MASK or EPT's R|W|X (an
 * EPT entry is present when it grants any of them; bit 7 is its huge-page bit too). */
static inline int pte_is_table_fmt(uint64_t pte, int level, uint64_t present)
{
	return (pte & present) && level > 1 && !(pte & PT_PAGE_SIZE_MASK);
}

/* A huge leaf: PS in a present PDPTE (1G) or PDE (2M), of either format. */
static inline int pte_is_huge_leaf(uint64_t pte, int level, uint64_t present)
{
	return (pte & present) && (level == 2 || level == 3) && (pte & PT_PAGE_SIZE_MASK);
}

#endif

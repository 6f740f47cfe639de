/* SPDX-License-Identifier: MIT */
/*
 * The guest's page-table memory: the guest-pt regions, their stored pages, the allocator that
 * hands pages out as tables, and the address spaces' roots.
 *
 * Allocation is deterministic: freed tables are reused last-in first-out, and otherwise pages
 * are handed out in address order through the regions in the order they were added - the
 * same trace always builds the same tables at the same GPAs.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/mem.h"
#include "guest/pt_mem.h"

int guest_mm_new(struct guest_mm **out, int levels, struct mem_meter *mem)
{
	struct guest_mm *g;

	*out = NULL;
	if (levels != 4 && levels != 5)
		return err_set(TDPSIM_EINVAL, "guest paging has 4 or 5 levels, not %d", levels);
	g = calloc(1, sizeof(*g));
	if (!g)
		return err_set(TDPSIM_ENOMEM, "out of memory for the guest page tables");
	g->levels = levels;
	g->mem = mem;
	*out = g;
	return 0;
}

void guest_mm_free(struct guest_mm *g)
{
	size_t i;
	uint64_t p;

	if (!g)
		return;
	for (i = 0; i < g->nregions; i++) {
		for (p = 0; p < g->regions[i].npages; p++)
			free(g->regions[i].page[p]);
		free(g->regions[i].page);
		free(g->regions[i].in_use);
	}
	free(g->regions);
	free(g->add_order);
	free(g->free_gpa);
	free(g->spaces);
	free(g);
}

/* ---- regions ---- */

/* Index of the first region that starts above `gpa` (so the one before may hold it). */
static size_t region_upper(const struct guest_mm *g, uint64_t gpa)
{
	size_t lo = 0, hi = g->nregions;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (g->regions[mid].gpa <= gpa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The region holding `gpa`, or NULL.  Binary search: a walk does this once per level. */
static struct pt_region *region_of(const struct guest_mm *g, uint64_t gpa)
{
	size_t i = region_upper(g, gpa);
	struct pt_region *r;

	if (i == 0)
		return NULL;
	r = &g->regions[i - 1];
	return (gpa - r->gpa) >> PAGE_SHIFT < r->npages ? r : NULL;
}

int gpt_in_regions(const struct guest_mm *g, uint64_t gpa)
{
	return region_of(g, gpa) != NULL;
}

uint64_t *gpt_page(const struct guest_mm *g, uint64_t gpa)
{
	struct pt_region *r = region_of(g, gpa);

	return r ? r->page[(gpa - r->gpa) >> PAGE_SHIFT] : NULL;
}

uint64_t *gpt_page_create(struct guest_mm *g, uint64_t gpa, const char *what)
{
	struct pt_region *r = region_of(g, gpa);
	uint64_t **slot;

	if (!r) {
		err_set(TDPSIM_EINPUT, "%s: the page table at gpa 0x%" PRIx64
			" lies outside every guest-pt region", what, page_base(gpa));
		return NULL;
	}
	slot = &r->page[(gpa - r->gpa) >> PAGE_SHIFT];
	if (!*slot) {
		*slot = mem_calloc(g->mem, MEM_GUEST_PT, PT_ENTRIES, sizeof(uint64_t));
		if (!*slot)
			err_prefix(what);
	}
	return *slot;
}

static int check_region(const struct guest_mm *g, uint64_t gpa, uint64_t size)
{
	size_t i;

	if ((gpa | size) & (PAGE_SIZE - 1))
		return err_set(TDPSIM_EINPUT, "guest-pt gpa=0x%" PRIx64 " size=0x%" PRIx64
			       ": gpa and size must be multiples of 4K", gpa, size);
	if (size == 0)
		return err_set(TDPSIM_EINPUT, "guest-pt gpa=0x%" PRIx64 ": size is 0", gpa);
	if (size > GUEST_PT_REGION_MAX)
		return err_set(TDPSIM_EINPUT, "guest-pt gpa=0x%" PRIx64 " size=0x%" PRIx64
			       ": a guest-pt region may be at most 1G (page tables for a whole"
			       " guest fit in far less)", gpa, size);
	if (gpa >= GUEST_GPA_LIMIT || size > GUEST_GPA_LIMIT - gpa)
		return err_set(TDPSIM_EINPUT, "guest-pt gpa=0x%" PRIx64 " size=0x%" PRIx64
			       ": ends above the 52-bit guest-physical space", gpa, size);
	/* Sorted and disjoint: only the neighbours around gpa can overlap. */
	i = region_upper(g, gpa);
	if (i > 0 && gpa - g->regions[i - 1].gpa < g->regions[i - 1].npages << PAGE_SHIFT)
		i--;
	else if (!(i < g->nregions && g->regions[i].gpa - gpa < size))
		return 0;
	return err_set(TDPSIM_EINPUT, "guest-pt gpa=0x%" PRIx64 " size=0x%" PRIx64
		       ": overlaps the guest-pt region gpa=0x%" PRIx64 " size=0x%" PRIx64,
		       gpa, size, g->regions[i].gpa, g->regions[i].npages << PAGE_SHIFT);
}

static uint64_t region_bytes(uint64_t npages)
{
	return npages * (sizeof(uint64_t *) + 1 + sizeof(uint64_t)) + sizeof(struct pt_region) +
	       sizeof(uint64_t);
}

/* Make room for one more region and its pages, before anything changes. */
static int grow_for_region(struct guest_mm *g, uint64_t npages)
{
	void *p;

	p = realloc(g->regions, (g->nregions + 1) * sizeof(*g->regions));
	if (!p)
		return -1;
	g->regions = p;
	p = realloc(g->add_order, (g->nregions + 1) * sizeof(*g->add_order));
	if (!p)
		return -1;
	g->add_order = p;
	p = realloc(g->free_gpa, (size_t)(g->total_pages + npages) * sizeof(*g->free_gpa));
	if (!p)
		return -1;
	g->free_gpa = p;
	return 0;
}

int guest_pt_add(struct guest_mm *g, uint64_t gpa, uint64_t size)
{
	struct pt_region r = { .gpa = gpa, .npages = size >> PAGE_SHIFT };
	int err = check_region(g, gpa, size);
	size_t i;

	if (err)
		return err;
	/* Charged once for the region's arrays: a page pointer, an in-use byte and a place on
	 * the free list per page, and the region's entries in the two region arrays. */
	if ((err = mem_charge(g->mem, MEM_GUEST_PT, region_bytes(r.npages))) < 0)
		return err;
	r.page = calloc((size_t)r.npages, sizeof(*r.page));
	r.in_use = calloc((size_t)r.npages, 1);
	if (!r.page || !r.in_use || grow_for_region(g, r.npages)) {
		free(r.page);
		free(r.in_use);
		mem_uncharge(g->mem, MEM_GUEST_PT, region_bytes(r.npages));
		return err_set(TDPSIM_ENOMEM, "guest-pt gpa=0x%" PRIx64 " size=0x%" PRIx64
			       ": out of memory", gpa, size);
	}
	i = region_upper(g, gpa);
	memmove(&g->regions[i + 1], &g->regions[i], (g->nregions - i) * sizeof(*g->regions));
	g->regions[i] = r;
	g->add_order[g->nregions++] = gpa;
	g->total_pages += r.npages;
	return 0;
}

/* ---- the allocator ---- */

uint64_t gpt_pages_free(const struct guest_mm *g)
{
	return g->total_pages - g->pages_in_use;
}

int guest_levels(const struct guest_mm *g)
{
	return g->levels;
}

uint64_t guest_pt_pages(const struct guest_mm *g)
{
	return g->pages_in_use;
}

/* The next page never handed out, in the regions' order of addition; 0 when none is left
 * (gpa 0 can be a region's first page, so the answer is in *gpa). */
static int bump_next(struct guest_mm *g, uint64_t *gpa)
{
	while (g->bump_region < g->nregions) {
		const struct pt_region *r = region_of(g, g->add_order[g->bump_region]);

		if (g->bump_page < r->npages) {
			*gpa = r->gpa + (g->bump_page++ << PAGE_SHIFT);
			return 1;
		}
		g->bump_region++;
		g->bump_page = 0;
	}
	return 0;
}

static int out_of_pages(const struct guest_mm *g, const char *what)
{
	if (!g->nregions)
		return err_set(TDPSIM_EINPUT, "%s: no guest-pt region to take page tables from"
			       " (add one with guest-pt gpa= size=)", what);
	return err_set(TDPSIM_EINPUT, "%s: out of guest page-table pages (all %" PRIu64
		       " pages of the guest-pt regions are in use)", what, g->total_pages);
}

int gpt_alloc(struct guest_mm *g, uint64_t *gpa, const char *what)
{
	struct pt_region *r;
	uint64_t *entries;
	uint64_t page;

	if (g->nfree)
		page = g->free_gpa[g->nfree - 1];
	else if (!bump_next(g, &page))
		return out_of_pages(g, what);
	entries = gpt_page_create(g, page, what);
	if (!entries) {
		if (!g->nfree)
			g->bump_page--; /* give it back: nothing changed */
		return TDPSIM_ENOMEM;
	}
	if (g->nfree)
		g->nfree--;
	/* The guest OS clears a page before it becomes a table. */
	memset(entries, 0, PT_ENTRIES * sizeof(uint64_t));
	r = region_of(g, page);
	r->in_use[(page - r->gpa) >> PAGE_SHIFT] = 1;
	g->pages_in_use++;
	*gpa = page;
	return 0;
}

void gpt_free_tree(struct guest_mm *g, uint64_t gpa, int level, uint64_t present)
{
	struct pt_region *r = region_of(g, gpa);
	uint64_t idx, *entries;
	unsigned i;

	if (!r || !r->in_use[idx = (gpa - r->gpa) >> PAGE_SHIFT])
		return;
	/* Mark it free before going down, so an entry that points back up (a guest's own
	 * `gpte` can make one) finds it already free and it is listed once. */
	r->in_use[idx] = 0;
	entries = r->page[idx];
	for (i = 0; level > 1 && i < PT_ENTRIES; i++)
		if (pte_is_table_fmt(entries[i], level, present))
			gpt_free_tree(g, entries[i] & PT64_ADDR_MASK, level - 1, present);
	g->free_gpa[g->nfree++] = page_base(gpa);
	g->pages_in_use--;
}

/* ---- address spaces ---- */

/* Index of the first address space with id >= `id`. */
static size_t space_lower(const struct guest_mm *g, uint64_t id)
{
	size_t lo = 0, hi = g->nspaces;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (g->spaces[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct addr_space *gpt_space(const struct guest_mm *g, uint64_t id)
{
	size_t i = space_lower(g, id);

	return i < g->nspaces && g->spaces[i].id == id ? &g->spaces[i] : NULL;
}

int guest_root(struct guest_mm *g, uint32_t cr3, uint64_t *root_gpa)
{
	char what[40];

	snprintf(what, sizeof(what), "the root of cr3=%" PRIu32, cr3);
	return gpt_space_root(g, cr3, what, root_gpa);
}

int guest_ept_root(struct guest_mm *g, uint32_t ept, uint64_t *root_gpa)
{
	char what[40];

	snprintf(what, sizeof(what), "the root of ept=%" PRIu32, ept);
	return gpt_space_root(g, GPT_EPT_SPACE | ept, what, root_gpa);
}

int guest_ept_root_find(const struct guest_mm *g, uint32_t ept, uint64_t *root_gpa)
{
	const struct addr_space *s = gpt_space(g, GPT_EPT_SPACE | ept);

	if (s)
		*root_gpa = s->root;
	return s != NULL;
}

int gpt_space_root(struct guest_mm *g, uint64_t id, const char *what, uint64_t *root_gpa)
{
	size_t i = space_lower(g, id);
	uint64_t root;
	int err;

	if (i < g->nspaces && g->spaces[i].id == id) {
		*root_gpa = g->spaces[i].root;
		return 0;
	}
	if (g->nspaces == g->cap_spaces) {
		size_t cap = g->cap_spaces ? 2 * g->cap_spaces : 8;
		void *p = mem_realloc(g->mem, MEM_GUEST_PT, g->spaces,
				      g->cap_spaces * sizeof(*g->spaces), cap * sizeof(*g->spaces));

		if (!p)
			return TDPSIM_ENOMEM;
		g->spaces = p;
		g->cap_spaces = cap;
	}
	err = gpt_alloc(g, &root, what);
	if (err)
		return err;
	memmove(&g->spaces[i + 1], &g->spaces[i], (g->nspaces - i) * sizeof(*g->spaces));
	g->spaces[i].id = id;
	g->spaces[i].root = root;
	g->nspaces++;
	*root_gpa = root;
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* The host page-table pool and the walk over the tables it holds. */
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/mem.h"
#include "host/host_pt.h"

void host_pt_pool_init(struct host_pt_pool *p, struct mem_meter *mem)
{
	memset(p, 0, sizeof(*p));
	p->mem = mem;
}

void host_pt_pool_fini(struct host_pt_pool *p)
{
	uint32_t i;

	for (i = 0; i < p->nchunks; i++)
		free(p->chunk[i]);
	free(p->chunk);
	memset(p, 0, sizeof(*p));
}

/* Another chunk of tables; the chunk array itself doubles, so growth stays amortized. */
static int host_pt_pool_grow(struct host_pt_pool *p)
{
	if ((uint64_t)(p->nchunks + 1) * HOST_PT_CHUNK > HOST_PFN_WINDOW)
		return err_set(TDPSIM_EINPUT, "host page tables: more than %llu tables in use",
			       (unsigned long long)HOST_PFN_WINDOW);
	if (p->nchunks == p->chunk_cap) {
		uint32_t cap = p->chunk_cap ? 2 * p->chunk_cap : 16;
		host_pt_page **c = mem_realloc(p->mem, MEM_HOST_PT, p->chunk,
					       p->chunk_cap * sizeof(*c), cap * sizeof(*c));

		if (!c)
			return TDPSIM_ENOMEM;
		p->chunk = c;
		p->chunk_cap = cap;
	}
	p->chunk[p->nchunks] = mem_malloc(p->mem, MEM_HOST_PT, HOST_PT_CHUNK * sizeof(host_pt_page));
	if (!p->chunk[p->nchunks])
		return TDPSIM_ENOMEM;
	p->nchunks++;
	return 0;
}

int host_pt_alloc(struct host_pt_pool *p, uint64_t *pfn)
{
	uint32_t idx;
	uint64_t *t;
	int rc;

	if (p->free_head) {
		/* Most recently freed first: its memory is the likeliest to be cache-warm. */
		idx = p->free_head - 1;
		t = p->chunk[idx / HOST_PT_CHUNK][idx % HOST_PT_CHUNK];
		p->free_head = (uint32_t)t[0];
		p->nfree--;
	} else {
		if (p->ntables == p->nchunks * HOST_PT_CHUNK && (rc = host_pt_pool_grow(p)) != 0)
			return rc;
		idx = p->ntables++;
		t = p->chunk[idx / HOST_PT_CHUNK][idx % HOST_PT_CHUNK];
	}
	memset(t, 0, sizeof(host_pt_page));
	*pfn = HOST_PT_PFN_BASE + idx;
	return 0;
}

void host_pt_free(struct host_pt_pool *p, uint64_t pfn)
{
	uint64_t *t = host_pt_table(p, pfn);

	t[0] = p->free_head;
	p->free_head = (uint32_t)(pfn - HOST_PT_PFN_BASE) + 1;
	p->nfree++;
	p->frees++;
}

/* The walk from a root at `levels`: inlined per depth, so that each compiles to a fixed
 * chain of loads as the 4-level one did. */
static inline __attribute__((always_inline)) int
walk_from(const struct host_pt_pool *p, uint64_t *root, const int levels, uint64_t hva,
	  struct host_walk *w)
{
	uint64_t *table = root;

	for (int level = levels;; level--) {
		uint64_t *ptep = &table[pt_index(hva, level)];

		if (!host_pte_present(*ptep) || host_pte_is_leaf(*ptep, level)) {
			w->ptep = ptep;
			w->level = level;
			return host_pte_present(*ptep);
		}
		table = host_pt_table(p, host_pte_pfn(*ptep));
	}
}

int host_pt_walk(const struct host_pt_pool *p, uint64_t *root, int levels, uint64_t hva,
		 struct host_walk *w)
{
	return levels == 5 ? walk_from(p, root, 5, hva, w) : walk_from(p, root, 4, hva, w);
}

int host_pt_fill_hole(struct host_pt_pool *p, struct host_walk *w, uint64_t hva, int level)
{
	while (w->level > level) {
		uint64_t pfn;
		int rc = host_pt_alloc(p, &pfn);

		if (rc)
			return rc;
		*w->ptep = host_mk_table_pte(pfn);
		w->level--;
		w->ptep = &host_pt_table(p, pfn)[pt_index(hva, w->level)];
	}
	return 0;
}

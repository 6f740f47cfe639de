/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/mem.h"
#include "kvm/mmu_page.h"

void sp_pool_init(struct sp_pool *p, bool with_translations, struct mem_meter *mem)
{
	memset(p, 0, sizeof(*p));
	p->mem = mem;
	p->with_translations = with_translations;
	p->free_head = SP_NONE;
}

/* What a chunk holds: its pages, their tables (and translations), its place in the arrays. */
static uint64_t chunk_bytes(const struct sp_pool *p)
{
	uint64_t table = (uint64_t)SP_CHUNK * PT_ENTRIES * sizeof(uint64_t);

	return SP_CHUNK * sizeof(struct kvm_mmu_page) + table * (p->with_translations ? 2 : 1) +
	       3 * sizeof(void *);
}

void sp_pool_free(struct sp_pool *p)
{
	for (uint32_t c = 0; c < p->nchunks; c++) {
		free(p->chunks[c]);
		free(p->tables[c]);
		if (p->xlat)
			free(p->xlat[c]);
	}
	free(p->chunks);
	free(p->tables);
	free(p->xlat);
	mem_uncharge(p->mem, MEM_SHADOW_PAGES, p->nchunks * chunk_bytes(p));
	sp_pool_init(p, p->with_translations, p->mem);
}

int sp_pool_enable_translations(struct sp_pool *p)
{
	const uint64_t table = (uint64_t)SP_CHUNK * PT_ENTRIES * sizeof(uint64_t);
	uint64_t **xlat;
	int rc;

	if (p->with_translations)
		return 0;
	if ((rc = mem_charge(p->mem, MEM_SHADOW_PAGES, p->nchunks * table)) < 0)
		return rc;
	xlat = calloc(p->nchunks ? p->nchunks : 1, sizeof(*xlat));
	for (uint32_t c = 0; xlat && c < p->nchunks; c++)
		if (!(xlat[c] = malloc((size_t)table))) {
			while (c-- > 0)
				free(xlat[c]);
			free(xlat);
			xlat = NULL;
		}
	if (!xlat) {
		mem_uncharge(p->mem, MEM_SHADOW_PAGES, p->nchunks * table);
		return err_set(TDPSIM_ENOMEM, "kvm: out of memory for shadow pages");
	}
	for (uint32_t c = 0; c < p->nchunks; c++)
		for (uint32_t i = 0; i < SP_CHUNK; i++)
			p->chunks[c][i].shadowed_translation = xlat[c] + (size_t)i * PT_ENTRIES;
	p->xlat = xlat;
	p->with_translations = true;
	return 0;
}

/* The memory of chunk c = p->nchunks: the arrays' room for it, its pages and tables. */
static int sp_pool_alloc_chunk(struct sp_pool *p)
{
	struct kvm_mmu_page **chunks = realloc(p->chunks, (p->nchunks + 1) * sizeof(*chunks));
	uint64_t **tables;
	uint32_t c = p->nchunks;

	if (!chunks)
		return err_set(TDPSIM_ENOMEM, "kvm: out of memory for shadow pages");
	p->chunks = chunks;
	tables = realloc(p->tables, (p->nchunks + 1) * sizeof(*tables));
	if (!tables)
		return err_set(TDPSIM_ENOMEM, "kvm: out of memory for shadow pages");
	p->tables = tables;
	if (p->with_translations) {
		uint64_t **xlat = realloc(p->xlat, (p->nchunks + 1) * sizeof(*xlat));

		if (!xlat)
			return err_set(TDPSIM_ENOMEM, "kvm: out of memory for shadow pages");
		p->xlat = xlat;
		p->xlat[c] = malloc((size_t)SP_CHUNK * PT_ENTRIES * sizeof(uint64_t));
		if (!p->xlat[c])
			return err_set(TDPSIM_ENOMEM, "kvm: out of memory for shadow pages");
	}
	p->chunks[c] = calloc(SP_CHUNK, sizeof(struct kvm_mmu_page));
	p->tables[c] = malloc((size_t)SP_CHUNK * PT_ENTRIES * sizeof(uint64_t));
	if (!p->chunks[c] || !p->tables[c]) {
		free(p->chunks[c]);
		free(p->tables[c]);
		if (p->with_translations)
			free(p->xlat[c]);
		return err_set(TDPSIM_ENOMEM, "kvm: out of memory for shadow pages");
	}
	return 0;
}

/* Add a chunk of SP_CHUNK pages to the free list, lowest id first; charged whole first. */
static int sp_pool_grow(struct sp_pool *p)
{
	uint32_t c = p->nchunks;
	int rc;

	if ((rc = mem_charge(p->mem, MEM_SHADOW_PAGES, chunk_bytes(p))) < 0)
		return rc;
	if ((rc = sp_pool_alloc_chunk(p)) < 0) {
		mem_uncharge(p->mem, MEM_SHADOW_PAGES, chunk_bytes(p));
		return rc;
	}
	p->nchunks++;
	for (uint32_t i = SP_CHUNK; i-- > 0;) {
		struct kvm_mmu_page *sp = &p->chunks[c][i];

		sp->id = c * SP_CHUNK + i;
		sp->spt = p->tables[c] + (size_t)i * PT_ENTRIES;
		sp->shadowed_translation =
			p->with_translations ? p->xlat[c] + (size_t)i * PT_ENTRIES : NULL;
		sp->next_free = p->free_head;
		p->free_head = sp->id;
	}
	return 0;
}

struct kvm_mmu_page *sp_alloc(struct sp_pool *p, union kvm_mmu_page_role role, uint64_t gfn)
{
	struct kvm_mmu_page *sp;

	if (p->free_head == SP_NONE && sp_pool_grow(p) < 0)
		return NULL;
	sp = sp_by_id(p, p->free_head);
	p->free_head = sp->next_free;
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		sp->spt[i] = SHADOW_NONPRESENT_VALUE;
	sp->gfn = gfn;
	sp->role = role;
	sp->tdp_mmu_page = false;
	sp->next_root = SP_NONE;
	sp->parent = SP_NONE;
	sp->nx_huge_page_disallowed = false;
	sp->tracked = false;
	sp->nx_prev = sp->nx_next = SP_NONE;
	sp->hash_next = sp->link_prev = sp->link_next = SP_NONE;
	sp->parent_ptes = 0;
	sp->root_count = 0;
	sp->mmu_valid_gen = 0;
	sp->on_invalid_list = false;
	sp->unsync = false;
	sp->unsync_children = 0;
	memset(sp->unsync_child_bitmap, 0, sizeof(sp->unsync_child_bitmap));
	sp->write_flooding_count = 0;
	p->used++;
	return sp;
}

void sp_release(struct sp_pool *p, struct kvm_mmu_page *sp)
{
	sp->next_free = p->free_head;
	p->free_head = sp->id;
	p->used--;
}

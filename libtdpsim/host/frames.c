/* SPDX-License-Identifier: MIT */
/* The host frame allocator: one bump pointer and one LIFO free list per page size. */
#include <stdlib.h>

#include "core/error.h"
#include "host/frames.h"
#include "x86/paging.h"

static const char *const class_name[3] = { "4K", "2M", "1G" };

void host_frames_init(struct host_frames *fa, struct mem_meter *mem)
{
	static const uint64_t base[3] = { HOST_PFN_BASE_4K, HOST_PFN_BASE_2M, HOST_PFN_BASE_1G };
	int i;

	for (i = 0; i < 3; i++) {
		fa->cls[i] = (struct host_frame_class){ .next = base[i],
						   .limit = base[i] + HOST_PFN_WINDOW };
	}
	fa->in_use_4k = 0;
	fa->pieces = NULL;
	fa->pieces_cap = 0;
	fa->mem = mem;
}

void host_frames_fini(struct host_frames *fa)
{
	int i;

	for (i = 0; i < 3; i++) {
		free(fa->cls[i].free);
		fa->cls[i].free = NULL;
		fa->cls[i].nfree = fa->cls[i].cap = 0;
	}
	free(fa->pieces);
	fa->pieces = NULL;
	fa->pieces_cap = 0;
}

uint64_t host_frames_left(const struct host_frames *fa, int level)
{
	const struct host_frame_class *c = &fa->cls[level - 1];

	return c->nfree + (c->limit - c->next) / pages_per_hpage(level);
}

int host_frames_get(struct host_frames *fa, int level, uint64_t *pfn)
{
	struct host_frame_class *c = &fa->cls[level - 1];
	uint64_t npages = pages_per_hpage(level);

	/* Reuse the most recently freed frame first, as the kernel's per-cpu lists do. */
	if (c->nfree) {
		*pfn = c->free[--c->nfree];
	} else if (c->limit - c->next >= npages) {
		*pfn = c->next;
		c->next += npages;
	} else {
		return err_set(TDPSIM_EINPUT, "host memory exhausted: more than %llu GiB of %s "
			       "frames in use", (unsigned long long)(HOST_PFN_WINDOW >> 18),
			       class_name[level - 1]);
	}
	fa->in_use_4k += npages;
	return 0;
}

int host_frames_reserve(struct host_frames *fa, int level, uint64_t n)
{
	struct host_frame_class *c = &fa->cls[level - 1];
	size_t cap = c->cap ? c->cap : 64;
	uint64_t *f;

	if (n <= c->cap - c->nfree)
		return 0;
	/* No class ever holds more than its window's frames: n is bounded, the sum cannot wrap. */
	while (cap - c->nfree < n)
		cap *= 2;
	f = mem_realloc(fa->mem, MEM_HOST_MM, c->free, c->cap * sizeof(*f), cap * sizeof(*f));
	if (!f)
		return TDPSIM_ENOMEM;
	c->free = f;
	c->cap = cap;
	return 0;
}

int host_frames_split(struct host_frames *fa, uint64_t pfn)
{
	size_t idx = (size_t)((pfn - HOST_PFN_BASE_2M) / PT_ENTRIES);

	if (idx >= fa->pieces_cap) {
		size_t cap = fa->pieces_cap ? fa->pieces_cap : 64;
		uint16_t *p;

		while (cap <= idx)
			cap *= 2;
		p = mem_realloc(fa->mem, MEM_HOST_MM, fa->pieces, fa->pieces_cap * sizeof(*p),
				cap * sizeof(*p));
		if (!p)
			return TDPSIM_ENOMEM;
		fa->pieces = p;
		fa->pieces_cap = cap;
	}
	fa->pieces[idx] = PT_ENTRIES;
	return 0;
}

int host_frames_put(struct host_frames *fa, int level, uint64_t pfn)
{
	struct host_frame_class *c = &fa->cls[level - 1];
	int rc;

	if (level == PG_LEVEL_4K && host_pfn_in_2m_window(pfn)) {
		/* A piece of a split 2M frame: the frame itself goes back with its last piece. */
		uint64_t head = pfn & ~(uint64_t)(PT_ENTRIES - 1);
		uint16_t *left = &fa->pieces[(head - HOST_PFN_BASE_2M) / PT_ENTRIES];

		if (*left == 1 && (rc = host_frames_reserve(fa, PG_LEVEL_2M, 1)) != 0)
			return rc;
		fa->in_use_4k--;
		if (--*left == 0)
			fa->cls[PG_LEVEL_2M - 1].free[fa->cls[PG_LEVEL_2M - 1].nfree++] = head;
		return 0;
	}
	if ((rc = host_frames_reserve(fa, level, 1)) != 0)
		return rc;
	c->free[c->nfree++] = pfn;
	fa->in_use_4k -= pages_per_hpage(level);
	return 0;
}

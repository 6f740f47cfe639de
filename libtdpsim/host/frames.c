/* SPDX-License-Identifier: MIT */
/* The host frame allocator: one bump pointer and one LIFO free list per page size. */
#include <stdlib.h>

#include "core/error.h"
#include "host/frames.h"
#include "x86/paging.h"

static const char *const class_name[3] = { "4K", "2M", "1G" };

void host_frames_init(struct host_frames *fa)
{
	static const uint64_t base[3] = { HOST_PFN_BASE_4K, HOST_PFN_BASE_2M, HOST_PFN_BASE_1G };
	int i;

	for (i = 0; i < 3; i++) {
		fa->cls[i] = (struct host_frame_class){ .next = base[i],
						   .limit = base[i] + HOST_PFN_WINDOW };
	}
	fa->in_use_4k = 0;
}

void host_frames_fini(struct host_frames *fa)
{
	int i;

	for (i = 0; i < 3; i++) {
		free(fa->cls[i].free);
		fa->cls[i].free = NULL;
		fa->cls[i].nfree = fa->cls[i].cap = 0;
	}
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

int host_frames_put(struct host_frames *fa, int level, uint64_t pfn)
{
	struct host_frame_class *c = &fa->cls[level - 1];

	if (c->nfree == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		uint64_t *f = realloc(c->free, cap * sizeof(*f));

		if (!f)
			return err_set(TDPSIM_ENOMEM, "host frames: out of memory");
		c->free = f;
		c->cap = cap;
	}
	c->free[c->nfree++] = pfn;
	fa->in_use_4k -= pages_per_hpage(level);
	return 0;
}

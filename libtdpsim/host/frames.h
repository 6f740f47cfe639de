/* SPDX-License-Identifier: MIT */
/*
 * Internal: the host's physical memory as the simulator hands it out - a deterministic frame
 * allocator with one size class per page size.
 *
 * Each class takes its frames from a window of physical memory of its own, so a 4K frame, a
 * 2M frame and a 1G frame can never be the same memory, and a pfn alone says what it is:
 *
 *   window 0  [0,            1 << 30)  special frames: the shared zero pages
 *   window 1  [1ull << 30,   2ull << 30)  host page-table pages (host_pt.c)
 *   window 2  [2ull << 30,   3ull << 30)  4K frames
 *   window 3  [3ull << 30,   4ull << 30)  2M frames, 512-aligned
 *   window 4  [4ull << 30,   5ull << 30)  1G frames, 262144-aligned
 *
 * (pfns; a window is 4 TiB.)  Within a class, frames come from a bump pointer, and freed
 * frames from a LIFO free list first, so the same sequence of calls gives the same pfns.
 *
 * A 2M frame can be split (a THP whose PMD became 512 PTEs): its 4K pieces are then mapped
 * and freed one by one.  A freed piece leaves host_frames_4k at once (as Rss does; the
 * kernel frees it when the deferred split runs) and is not reused on its own; the 2M frame
 * goes back on the 2M free list when its last piece is freed.
 */
#ifndef TDPSIM_HOST_FRAMES_H
#define TDPSIM_HOST_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#include "core/mem.h"

#define HOST_PFN_WINDOW (1ull << 30)
#define HOST_ZERO_PFN 0x200ull      /* the shared 4K zero page (empty_zero_page) */
#define HOST_HUGE_ZERO_PFN 0x400ull /* the 2M huge zero page, 512-aligned */
#define HOST_PT_PFN_BASE (1ull * HOST_PFN_WINDOW)
#define HOST_PFN_BASE_4K (2ull * HOST_PFN_WINDOW)
#define HOST_PFN_BASE_2M (3ull * HOST_PFN_WINDOW)
#define HOST_PFN_BASE_1G (4ull * HOST_PFN_WINDOW)

/* One size class: frames of pages_per_hpage(level) 4K pages each. */
struct host_frame_class {
	uint64_t next;  /* bump pointer: the next never-used pfn */
	uint64_t limit; /* end of the class's window */
	uint64_t *free; /* LIFO stack of freed pfns */
	size_t nfree, cap;
};

struct host_frames {
	struct host_frame_class cls[3];      /* [level - 1]: 4K, 2M, 1G */
	uint64_t in_use_4k;                  /* frames in use, counted in 4K pages */
	uint16_t *pieces;                    /* [2M frame index]: pieces of a split frame still in use */
	size_t pieces_cap;
	struct mem_meter *mem;               /* charged as the arrays grow */
};

void host_frames_init(struct host_frames *fa, struct mem_meter *mem);
void host_frames_fini(struct host_frames *fa);

/* A frame of `level`'s size (1, 2 or 3) into *pfn: 0, or EINPUT once the window is used up. */
int host_frames_get(struct host_frames *fa, int level, uint64_t *pfn);

/*
 * Give back a frame that host_frames_get returned, or (level 1) one 4K piece of a split 2M
 * frame: 0, or ENOMEM if the free list cannot grow - never after host_frames_reserve made
 * room for it.
 */
int host_frames_put(struct host_frames *fa, int level, uint64_t pfn);

/* Make room on `level`'s free list for n more frames, so the next n puts cannot fail. */
int host_frames_reserve(struct host_frames *fa, int level, uint64_t n);

/* The 2M frame at pfn is now mapped as 512 4K pieces: 0, or ENOMEM. */
int host_frames_split(struct host_frames *fa, uint64_t pfn);

/* A pfn in the 2M frames' window (a whole 2M frame or a piece of one). */
static inline int host_pfn_in_2m_window(uint64_t pfn)
{
	return pfn - HOST_PFN_BASE_2M < HOST_PFN_WINDOW;
}

/* How many more frames of `level` host_frames_get can still hand out. */
uint64_t host_frames_left(const struct host_frames *fa, int level);

/* The pfns the zero pages live at; neither is ever allocated or freed. */
static inline int host_pfn_is_zero_page(uint64_t pfn)
{
	return pfn == HOST_ZERO_PFN || pfn == HOST_HUGE_ZERO_PFN;
}

#endif

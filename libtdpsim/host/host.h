/* SPDX-License-Identifier: MIT */
/*
 * Internal: the VMM process's address space on the host - what KVM's faultin and
 * host_pfn_mapping_level see.  Host page tables (4-level, real 512-entry tables) map HVA to
 * host frames; backings say how a range is backed (anonymous 4K, THP, hugetlbfs 2M or 1G);
 * a deterministic frame allocator hands out frames; changes to existing mappings are reported
 * to an MMU notifier, as the kernel's mm reports them to KVM.
 */
#ifndef TDPSIM_HOST_HOST_H
#define TDPSIM_HOST_HOST_H

#include <stdint.h>

#include "tdpsim/trace.h" /* TDPSIM_BACKING_* */

struct host_mm;

/*
 * The MMU notifier: invalidate_range_start before the host changes or removes any existing
 * mapping in [start, end) (byte HVAs), invalidate_range_end after.  KVM zaps its mappings
 * of the range in start and lets faults proceed again after end.
 */
struct host_notifier {
	void (*invalidate_range_start)(void *ctx, uint64_t start, uint64_t end);
	void (*invalidate_range_end)(void *ctx, uint64_t start, uint64_t end);
	void *ctx;
};

int host_mm_new(struct host_mm **out);
void host_mm_free(struct host_mm *mm);
void host_mm_set_notifier(struct host_mm *mm, const struct host_notifier *n);

/*
 * `backing hva= size= kind= populate=`: [hva, hva+size) is now backed as `kind`.  Ranges of
 * different backings must not overlap (an error, EINPUT, naming both).  With `populate`, the
 * whole range is touched for write at once (THP gets 2M pages where a 2M-aligned 2M range
 * lies wholly inside the backing; hugetlb gets its huge pages; 4K gets 4K pages).
 */
int host_backing_add(struct host_mm *mm, uint64_t hva, uint64_t size, uint32_t kind,
		     int populate);

/* The result of resolving one 4K page of an HVA, as GUP (hva_to_pfn) would. */
struct host_page {
	uint64_t pfn;   /* host frame of the 4K page that holds the HVA */
	int writable;   /* the host PTE is writable (map_writable for KVM) */
	int level;      /* the host mapping's level: 1, 2 (PMD leaf) or 3 (PUD leaf) */
	int zero_page;  /* the shared (huge) zero page, mapped read-only */
};

/*
 * Fault the page at `hva` in, as KVM's faultin does through GUP with FOLL_WRITE for writes:
 *   - not yet mapped, read: anonymous memory (4k, thp) maps the shared zero page read-only
 *     (a THP range eligible for a huge page maps the huge zero page at 2M); hugetlb
 *     allocates its huge page, writable;
 *   - not yet mapped, write: allocates (a 2M THP where eligible, the backing's huge page for
 *     hugetlb, else 4K), writable;
 *   - mapped to a zero page, write: breaks it - the notifier's invalidate_range_start/end run
 *     for the old mapping's range - and maps a new writable frame (a 2M THP where eligible).
 * Returns 0 with *out filled, or TDPSIM_EINPUT (message names the HVA) when no backing
 * covers `hva` (KVM turns that into -EFAULT).  The result is deterministic.
 */
int host_faultin(struct host_mm *mm, uint64_t hva, int write, struct host_page *out);

/* What the host tables map at `hva` now, without faulting: 1 with *out, 0 if unmapped. */
int host_lookup(const struct host_mm *mm, uint64_t hva, struct host_page *out);

/*
 * host_pfn_mapping_level: read the host tables at `hva` once per level - a PUD leaf is 1G,
 * a PMD leaf 2M, anything else (including not mapped) 4K.
 */
int host_pfn_mapping_level(const struct host_mm *mm, uint64_t hva);

/* Host frames in use (for memory accounting and --check). */
uint64_t host_frames_4k(const struct host_mm *mm);

#endif

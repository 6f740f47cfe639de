/* SPDX-License-Identifier: MIT */
/*
 * Internal: the host address space's state, shared by host.c (backings, faultin, populate)
 * and host_madvise.c (madvise and munmap: the VMM changing its own memory).
 */
#ifndef TDPSIM_HOST_HOST_MM_H
#define TDPSIM_HOST_HOST_MM_H

#include <stddef.h>
#include <stdint.h>

#include "host/frames.h"
#include "host/host.h"
#include "host/host_pt.h"

#define SZ_2M (1ull << 21)

/* One VMA, as far as the simulator tells VMAs apart: a range and how it is backed. */
struct host_backing {
	uint64_t hva, size;
	struct host_vma vma;
};

struct host_mm {
	struct host_pt_pool pool;
	uint64_t *pgd;                 /* the root table (the PML4, or the PML5) */
	int levels;                    /* 4, or 5 (5-level paging: the kernel's no5lvl not given) */
	uint64_t task_size;            /* the top of the user address space (host_task_size) */
	struct host_frames frames;
	struct host_backing *backings; /* sorted by hva; ranges never overlap */
	size_t nbackings, cap;
	size_t last;                   /* the backing the last fault hit: faults come in runs */
	struct host_notifier notifier; /* callbacks may be NULL */
	struct host_behaviour behaviour;
	struct host_thp_config thp;    /* the sysfs knobs (host_mm_set_thp) */
	struct host_vmstat vmstat;
	uint64_t thp_allocs;           /* 2M allocations drawn so far: the fragmentation stream */
	uint64_t khugepaged_cursor;    /* where khugepaged's scan goes on (khugepaged_scan.address) */
	struct mem_meter *mem;         /* what the host's arrays are charged to */
	/*
	 * The present leaf the last faultin found, for host_pfn_mapping_level, which KVM calls
	 * on the same gfn right after (kvm_mmu_hugepage_adjust): [leaf_hva, + its size) at
	 * leaf_level (0: none yet), valid while leaf_gen == notify_gen.  A present leaf
	 * changes only inside a notifier round (Linux's rule, which KVM's mmu_invalidate_seq
	 * relies on; holes filled and empty tables freed do not touch it), and notify_start
	 * bumps notify_gen.
	 */
	uint64_t leaf_hva;
	int leaf_level;
	uint64_t leaf_gen, notify_gen;
	/*
	 * The PTE table host_lookup last walked to, for the 2M at lookup_base: a shadow fault
	 * looks up its 7 prefetched neighbours right after (FNAME(pte_prefetch)), all in that
	 * table.  A table is unlinked from its PMD only to be freed (zap, collapse), so the
	 * pointer holds while no table has been freed since (lookup_frees == pool.frees); the
	 * entries are read afresh each time.
	 */
	uint64_t lookup_base, lookup_frees;
	uint64_t *lookup_pt; /* NULL: none */
};

/* A range the host's mm calls take (madvise, munmap, aging): page-aligned, below
 * task_size.  0, or EINPUT naming `what`. */
int host_range_check(const struct host_mm *mm, const char *what, uint64_t hva, uint64_t size);

/*
 * __split_huge_pmd (host_madvise.c): the PMD leaf at *pmdp, mapping [start, start + 2M),
 * becomes a PTE table over the same memory, in one notifier round over the 2M.
 */
int host_split_pmd(struct host_mm *mm, uint64_t *pmdp, uint64_t start);

/*
 * host/thp.c: whether a fault may map hva's 2M range of backing b with a PMD leaf (the
 * range inside b, and b's THP rules), and the 2M allocation for one: 0 with *pfn, 1 when
 * it fails (fragmentation) and the fault falls back to 4K, or a negative code.
 */
int thp_pmd_allowed(const struct host_mm *mm, const struct host_backing *b, uint64_t hva);
int thp_alloc(struct host_mm *mm, const struct host_backing *b, uint64_t *pfn);

/* Whether a 2M block can be had: the first try, then direct compaction when `direct`
 * (with its COMPACT* counters).  host/thp.c. */
int thp_2m_available(struct host_mm *mm, int direct);

/* host_madvise.c: the entry at `level` on hva's walk, when the tables down to it exist (else
 * NULL, *next the end of the hole above); collapse_huge_page of the PTE table at *pmdp. */
uint64_t *host_entry_at(const struct host_mm *mm, uint64_t hva, int level, uint64_t *next);
int host_collapse_pmd(struct host_mm *mm, uint64_t *pmdp, uint64_t start);

static inline uint64_t backing_end(const struct host_backing *b)
{
	return b->hva + b->size;
}

static inline int backing_is_hugetlb(const struct host_backing *b)
{
	return b->vma.type == VMA_HUGETLB;
}

/* mmap(MAP_HUGETLB) wants the huge page size's alignment; everything else wants 4K. */
static inline uint64_t backing_align(const struct host_backing *b)
{
	return backing_is_hugetlb(b) ? level_size(b->vma.level) : PAGE_SIZE;
}

static inline const char *backing_name(const struct host_backing *b)
{
	return host_vma_name(&b->vma);
}

static inline int vma_equal(const struct host_vma *a, const struct host_vma *b)
{
	return a->type == b->type && a->flags == b->flags && a->level == b->level &&
	       a->mnt_huge == b->mnt_huge;
}

/* Index of the first backing that starts above hva. */
static inline size_t backing_upper_bound(const struct host_mm *mm, uint64_t hva)
{
	size_t lo = 0, hi = mm->nbackings;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (mm->backings[mid].hva <= hva)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static inline void notify_start(struct host_mm *mm, uint64_t start, uint64_t end)
{
	mm->notify_gen++; /* the remembered leaf may change from here on */
	if (mm->notifier.invalidate_range_start)
		mm->notifier.invalidate_range_start(mm->notifier.ctx, start, end);
}

static inline void notify_end(const struct host_mm *mm, uint64_t start, uint64_t end)
{
	if (mm->notifier.invalidate_range_end)
		mm->notifier.invalidate_range_end(mm->notifier.ctx, start, end);
}

#endif

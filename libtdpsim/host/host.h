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

#include <stdbool.h>
#include <stdint.h>

#include "tdpsim/trace.h" /* TDPSIM_BACKING_* */

struct mem_meter;

struct host_mm;

/*
 * The MMU notifier: invalidate_range_start before the host changes or removes any existing
 * mapping in [start, end) (byte HVAs), invalidate_range_end after.  KVM zaps its mappings
 * of the range in start and lets faults proceed again after end.
 */
struct host_notifier {
	void (*invalidate_range_start)(void *ctx, uint64_t start, uint64_t end);
	void (*invalidate_range_end)(void *ctx, uint64_t start, uint64_t end);
	/* clear_flush_young (flush) / clear_young, and test_young: 1 if a secondary MMU
	 * found the range young. */
	int (*clear_young)(void *ctx, uint64_t start, uint64_t end, bool flush);
	int (*test_young)(void *ctx, uint64_t start, uint64_t end);
	void *ctx;
};

/* The host's mm under `levels`-level paging (4, or 5: LA57 without no5lvl). */
int host_mm_new(struct host_mm **out, int levels, struct mem_meter *mem);
int host_paging_levels(const struct host_mm *mm);
void host_mm_free(struct host_mm *mm);
void host_mm_set_notifier(struct host_mm *mm, const struct host_notifier *n);

/*
 * The host kernel's mm behaviours that KVM can see and that differ between Linux releases,
 * one switch each (the machine derives them from the host_kernel setting).  A new mm starts
 * with the newest kernel's behaviour.
 *   huge_zero_wp_allocates_thp - 6.13+ (mm/huge_memory.c do_huge_zero_wp_pmd, "mm: Allocate
 *       THP on hugezeropage wp-fault"): a write fault on the huge zero PMD maps a new 2M THP
 *       in its place.  Before, do_huge_pmd_wp_page split the PMD (__split_huge_pmd: 512
 *       read-only PTEs of the 4K zero page) and the 4K fault copied the one page written
 *       (mm/memory.c do_wp_page -> wp_page_copy).
 */
struct host_behaviour {
	int huge_zero_wp_allocates_thp;
};

void host_mm_set_behaviour(struct host_mm *mm, const struct host_behaviour *b);

/*
 * A VMA as far as THP and KVM can tell them apart (host/vma.c).  type: private anonymous
 * memory, shared memory (shmem: memfd, MAP_SHARED|MAP_ANONYMOUS, a tmpfs file) or hugetlbfs;
 * flags: VM_HUGEPAGE / VM_NOHUGEPAGE (MADV_[NO]HUGEPAGE); level: a hugetlb page's;
 * mnt_huge: shmem's mount's huge= option - SHMEM_HUGE_* for a tmpfs file, or
 * SHMEM_MNT_INTERNAL for the kernel's internal mount (memfd, shared anonymous), whose
 * huge= is the sysfs shmem_enabled (mm/shmem.c shmem_enabled_store sets both).
 */
enum { VMA_ANON, VMA_SHMEM, VMA_HUGETLB };
#define VMA_HUGEPAGE 1u
#define VMA_NOHUGEPAGE 2u
enum { SHMEM_HUGE_NEVER, SHMEM_HUGE_ALWAYS, SHMEM_HUGE_WITHIN_SIZE, SHMEM_HUGE_ADVISE,
       SHMEM_HUGE_DENY, SHMEM_HUGE_FORCE };
#define SHMEM_MNT_INTERNAL 0xffu

struct host_vma {
	uint8_t type, flags, level, mnt_huge;
};

/*
 * What `backing kind=... [QEMU's properties]` maps: the plain kinds (4k: anonymous with
 * VM_NOHUGEPAGE; thp: with VM_HUGEPAGE; anon: with neither; shmem: shared memory on the
 * internal mount; hugetlb2m, hugetlb1g) and QEMU's memory backends as QEMU creates them.
 * 0 with *out, or EINPUT naming what is not modelled.
 */
int host_backing_resolve(uint32_t kind, uint32_t share, uint32_t hugetlb,
			 uint32_t hugetlbsize, uint32_t fs, uint32_t huge,
			 struct host_vma *out);

/* The VMA's name in messages: "4k", "thp", "anon", "shmem", "shmem+hugepage", ... */
const char *host_vma_name(const struct host_vma *vma);

/*
 * The host's THP knobs (Documentation/admin-guide/mm/transhuge.rst), settings of their own:
 *   enabled        transparent_hugepage/enabled: THP_ALWAYS, THP_MADVISE, THP_NEVER
 *   defrag         transparent_hugepage/defrag: DEFRAG_* - which faults compact directly
 *   use_zero_page  transparent_hugepage/use_zero_page: a read maps the huge zero page
 *   shmem_enabled  transparent_hugepage/shmem_enabled: SHMEM_HUGE_*
 *   fail_ppm       fragmentation: per million 2M allocations, those that find no free 2M
 *                  block without compaction (drawn from `seed`, one draw per allocation)
 *   compact_fail_ppm  per million direct compactions, those that cannot make one either
 *   seed           the draws' stream
 */
enum { THP_ALWAYS, THP_MADVISE, THP_NEVER };
enum { DEFRAG_ALWAYS, DEFRAG_DEFER, DEFRAG_DEFER_MADVISE, DEFRAG_MADVISE, DEFRAG_NEVER };

struct host_thp_config {
	int enabled, defrag, use_zero_page, shmem_enabled;
	uint32_t fail_ppm, compact_fail_ppm;
	uint64_t seed;
	/* transparent_hugepage/khugepaged/: pages_to_scan, scan_sleep_millisecs,
	 * alloc_sleep_millisecs, max_ptes_none, defrag */
	uint32_t khugepaged_pages_to_scan, khugepaged_scan_sleep_ms, khugepaged_alloc_sleep_ms;
	uint32_t khugepaged_max_ptes_none;
	int khugepaged_defrag;
};

void host_mm_set_thp(struct host_mm *mm, const struct host_thp_config *cfg);

/* The host's /proc/vmstat counters the THP paths move, by their names there. */
struct host_vmstat {
	uint64_t thp_fault_alloc, thp_fault_fallback;  /* anonymous THP at a fault */
	uint64_t thp_file_alloc, thp_file_fallback;    /* shmem huge folios */
	uint64_t thp_file_mapped;                      /* ... mapped by a PMD */
	uint64_t thp_split_pmd;                        /* PMD leaves split (__split_huge_pmd) */
	uint64_t compact_stall, compact_fail, compact_success; /* direct compaction */
	uint64_t thp_collapse_alloc, thp_collapse_alloc_failed; /* khugepaged's 2M allocations */
	uint64_t khugepaged_pages_collapsed, khugepaged_full_scans; /* its sysfs counters */
	uint64_t age_young_pages, age_old_pages;       /* host_age's answers, in 4K pages */
	uint64_t age_scans;                            /* passes of the aging scanner */
};

/* What one host_age found: mapped 4K pages (a THP's share of the range) young or old. */
struct host_age_result {
	uint64_t young_pages, old_pages;
};

/*
 * Age the mapped pages of [hva, hva + size) as Linux's aging does, one leaf (folio) at a
 * time: the MMU notifier's clear_young (op TDPSIM_AGE_CLEAR: idle page tracking, MGLRU),
 * clear_flush_young (TDPSIM_AGE_CLEAR_FLUSH: reclaim) or test_young (TDPSIM_AGE_TEST) over
 * the leaf; young where KVM found it so.  Holes, hugetlb and the zero pages are skipped:
 * they are on no LRU.  The host PTEs' own accessed bits are not modelled (the guest's
 * accesses never set them; only the host's faults would).  0, or EINPUT naming the range.
 */
int host_age(struct host_mm *mm, uint64_t hva, uint64_t size, int op,
	     struct host_age_result *out);
/* One pass of an aging scanner: host_age over every backing, whole (counted in age_scans). */
void host_age_scan(struct host_mm *mm, int op);
/* The 4K pages of all backings: a scanner pass's work at most. */
uint64_t host_backing_pages(const struct host_mm *mm);

/*
 * One pass of khugepaged (mm/khugepaged.c khugepaged_do_scan) over the VMM's mm: from where
 * the last pass stopped, khugepaged_pages_to_scan worth of 2M ranges (512 each; a VMA it may
 * not collapse counts 1) in the VMAs where THP's rules allow a 2M page; each range whose PMD
 * points to a PTE table with at most max_ptes_none empty or zero-page entries is collapsed
 * into a new THP (a notifier round over its 2M, so KVM zaps its mappings).  Returns the
 * milliseconds khugepaged then sleeps: scan_sleep, or alloc_sleep after a failed 2M
 * allocation.  Negative on an internal error.
 */
int64_t host_khugepaged_pass(struct host_mm *mm);

const struct host_vmstat *host_mm_vmstat(const struct host_mm *mm);

/*
 * `backing hva= size= kind= populate=`: [hva, hva+size) is now backed as `vma`.  Ranges of
 * different backings must not overlap (an error, EINPUT, naming both).  With `populate`, the
 * whole range is touched for write at once, in hva order (a 2M page where a fault would map
 * one and its allocation succeeds; hugetlb gets its huge pages; else 4K pages).  Shared
 * memory starts 2M-aligned: shmem_get_unmapped_area aligns it so that file offsets and
 * addresses agree mod 2M, which a PMD mapping needs.
 */
int host_backing_add(struct host_mm *mm, uint64_t hva, uint64_t size,
		     const struct host_vma *vma, int populate);

/* The result of resolving one 4K page of an HVA, as GUP (hva_to_pfn) would. */
struct host_page {
	uint64_t pfn;   /* host frame of the 4K page that holds the HVA */
	int writable;   /* the host PTE is writable (map_writable for KVM) */
	int level;      /* the host mapping's level: 1, 2 (PMD leaf) or 3 (PUD leaf) */
	int zero_page;  /* the shared (huge) zero page, mapped read-only */
};

/*
 * Fault the page at `hva` in, as KVM's faultin does through GUP with FOLL_WRITE for writes:
 *   - not yet mapped, read: anonymous memory maps the shared zero page read-only (where a
 *     THP may be mapped, the huge zero page at 2M - unless use_zero_page is off: then a
 *     THP); shmem allocates (a huge folio where shmem's rules allow one), writable, as a
 *     shared mapping without write-notify does; hugetlb allocates its huge page, writable;
 *   - not yet mapped, write: allocates (a 2M THP where one may be mapped and the
 *     allocation succeeds, the backing's huge page for hugetlb, else 4K), writable;
 *   - mapped to a zero page, write: breaks it - the notifier's invalidate_range_start/end run
 *     for the old mapping's range - and maps a new writable frame: a 4K frame for the 4K zero
 *     page; for the huge zero page a 2M THP (huge_zero_wp_allocates_thp), else the PMD is
 *     split (a round over its 2M) and one 4K frame replaces the zero PTE written (a round
 *     over the 4K).
 * Returns 0 with *out filled, or TDPSIM_EINPUT (message names the HVA) when no backing
 * covers `hva` (KVM turns that into -EFAULT).  The result is deterministic.
 */
int host_faultin(struct host_mm *mm, uint64_t hva, int write, struct host_page *out);

/* What the host tables map at `hva` now, without faulting: 1 with *out, 0 if unmapped. */
int host_lookup(struct host_mm *mm, uint64_t hva, struct host_page *out);

/*
 * host_pfn_mapping_level: read the host tables at `hva` once per level - a PUD leaf is 1G,
 * a PMD leaf 2M, anything else (including not mapped) 4K.
 */
int host_pfn_mapping_level(const struct host_mm *mm, uint64_t hva);

/*
 * `host-madvise hva= size= advice=`: madvise() of [hva, hva+size) with a TDPSIM_ADVICE_*, as
 * Linux 6.18 does it on anonymous memory (THP enabled=madvise, no swap; a 4k backing is
 * VM_NOHUGEPAGE memory, a thp backing VM_HUGEPAGE) and on hugetlbfs.  Every change of an
 * existing mapping runs inside one notifier round (invalidate_range_start before, _end after)
 * over the HVAs whose mappings change; a THP split or collapse is a round over its 2M of its
 * own, ahead of a zap.  Nothing mapped changes: no notifier call.
 *   dontneed   - zap: unmap the range and free its frames; a THP only partly inside is split
 *                first (its 4K PTEs keep its frames), then the covered part is zapped - one
 *                zap round per backing, over the zapped mappings.  The range is unpopulated
 *                afterwards (reads map a zero page, writes allocate), and a PTE table whose
 *                whole 2M lay in the zap is freed, as 6.18's PT reclaim does, so a later fault
 *                there may map a THP again.  hugetlb: the part in a hugetlb backing must start
 *                on a huge page (else EINPUT naming it); its end is rounded down to one, as
 *                Linux does; the whole huge pages in it are freed.
 *   pageout    - reclaim without swap frees nothing, but splits each THP that overlaps the
 *                range into 4K PTEs over the same frames (a round over its 2M); 4K pages, zero
 *                pages and the huge zero page stay.  Linux's madvise stops at the first VMA
 *                that refuses the advice: a hugetlb backing (EINVAL there) ends the walk.
 *   collapse   - MADV_COLLAPSE: each 2M-aligned 2M region inside the range and one thp
 *                backing whose PMD points to a PTE table (any contents: holes and zero pages
 *                become zero-filled parts) gets a new 2M frame as a PMD leaf, the old 4K
 *                frames freed (a round over the 2M).  A region mapped by a PMD leaf stays;
 *                one without a PMD table is skipped; one whose PMD entry is none ends the
 *                call there.  A 4k (VM_NOHUGEPAGE) or hugetlb backing is refused (EINVAL in
 *                Linux) and ends the call; so does a thp backing in which a region failed or
 *                whose part of the range holds no whole 2M region.
 *   hugepage / nohugepage - thp / 4k from now on (future faults); no mapping changes, except
 *                that a new backing boundary inside a PMD-mapped THP splits it (a round over
 *                its 2M, as a VMA split does).  Changed pieces merge with adjacent backings of
 *                the same kind, as VMAs merge.  hugetlb backings are left alone (Linux sets a
 *                meaningless flag) unless the range cuts one of their huge pages (EINPUT).
 * Returns 0; EINPUT naming the range when hva or size is not 4K-aligned, it ends above the
 * user address space or the advice is unknown, naming the first unbacked hva when a part of
 * the range is not backed (Linux: ENOMEM) - errors change nothing; ENOMEM.  size 0 is a
 * no-op, as in madvise().  Frames and tables are reused deterministically (LIFO).
 */
int host_madvise(struct host_mm *mm, uint64_t hva, uint64_t size, uint32_t advice);

/*
 * `host-munmap hva= size=`: munmap() of [hva, hva+size).  THPs cut by the range's ends are
 * split first (a round over each 2M); then one round over the mappings the range holds zaps
 * them, frees their frames and frees each page table that no longer spans any backing (as
 * free_pgtables does between the neighbouring VMAs), and the range leaves the backings (a
 * backing cut in two becomes two).  Unbacked parts are allowed (nothing happens there); a
 * later host_backing_add over the range maps fresh frames.  EINPUT naming the range when hva
 * or size is not 4K-aligned, size is 0, it ends above the user address space or it cuts a
 * hugetlb huge page; errors change nothing.
 */
int host_munmap(struct host_mm *mm, uint64_t hva, uint64_t size);

/* Host frames in use (for memory accounting and --check). */
uint64_t host_frames_4k(const struct host_mm *mm);

#endif

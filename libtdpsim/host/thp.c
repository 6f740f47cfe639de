/* SPDX-License-Identifier: MIT */
/*
 * Transparent huge pages on the host: whether a fault may map a VMA's 2M range with a PMD
 * (anonymous memory: transparent_hugepage/enabled; shmem: shmem_enabled and its mount's
 * huge=), and the 2M allocation itself, which fragmentation can make fail - then direct
 * compaction, where transparent_hugepage/defrag asks for it, may rescue it - with the
 * /proc/vmstat counters Linux moves.
 */
#include "host/host.h"
#include "host/host_mm.h"

#define PPM 1000000u

void host_mm_set_thp(struct host_mm *mm, const struct host_thp_config *cfg)
{
	mm->thp = *cfg;
}

const struct host_vmstat *host_mm_vmstat(const struct host_mm *mm)
{
	return &mm->vmstat;
}

/* The 2M-aligned 2M range around hva lies wholly inside the one VMA (thp_vma_suitable_order;
 * for shmem the file's offsets agree with the addresses mod 2M: its backings start aligned). */
static int pmd_range_inside(const struct host_backing *b, uint64_t hva)
{
	uint64_t start = hva & ~(SZ_2M - 1);

	return start >= b->hva && start + SZ_2M <= backing_end(b);
}

/* __thp_vma_allowable_orders for the PMD order of an anonymous VMA: VM_NOHUGEPAGE never;
 * enabled=always everywhere, enabled=madvise only under MADV_HUGEPAGE. */
static int anon_thp_allowed(const struct host_thp_config *c, unsigned flags)
{
	if (flags & VMA_NOHUGEPAGE)
		return 0;
	return c->enabled == THP_ALWAYS || (c->enabled == THP_MADVISE && (flags & VMA_HUGEPAGE));
}

/*
 * mm/shmem.c __shmem_huge_global_enabled: VM_NOHUGEPAGE never; shmem_enabled=deny never and
 * force always, over every mount; else the mount's huge= - always; within_size where the 2M
 * lies inside i_size (the backing is the whole file, as QEMU sizes it, and the range is
 * inside it); advise under MADV_HUGEPAGE; never.  The internal mount's huge= is
 * shmem_enabled.  Under 6.18's default per-size controls (hugepages-2048kB/shmem_enabled
 * "inherit") anonymous shared memory follows the same rule (shmem_allowable_huge_orders).
 */
static int shmem_huge_allowed(const struct host_thp_config *c, const struct host_vma *v)
{
	int huge;

	if (v->flags & VMA_NOHUGEPAGE || c->shmem_enabled == SHMEM_HUGE_DENY)
		return 0;
	if (c->shmem_enabled == SHMEM_HUGE_FORCE)
		return 1;
	huge = v->mnt_huge == SHMEM_MNT_INTERNAL ? c->shmem_enabled : v->mnt_huge;
	switch (huge) {
	case SHMEM_HUGE_ALWAYS:
	case SHMEM_HUGE_WITHIN_SIZE:
		return 1;
	case SHMEM_HUGE_ADVISE:
		return (v->flags & VMA_HUGEPAGE) != 0;
	default:
		return 0;
	}
}

int thp_pmd_allowed(const struct host_mm *mm, const struct host_backing *b, uint64_t hva)
{
	if (!pmd_range_inside(b, hva))
		return 0;
	switch (b->vma.type) {
	case VMA_ANON:
		return anon_thp_allowed(&mm->thp, b->vma.flags);
	case VMA_SHMEM:
		return shmem_huge_allowed(&mm->thp, &b->vma);
	default:
		return 0;
	}
}

/* One draw of the fragmentation stream: 1 with probability ppm / 10^6 (splitmix64 of the
 * seed and the draw's number, so the same trace and seed give the same draws). */
static int draw(struct host_mm *mm, uint32_t ppm)
{
	uint64_t z = mm->thp.seed + ++mm->thp_allocs * 0x9e3779b97f4a7c15ull;

	if (ppm == 0)
		return 0;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return z % PPM < ppm;
}

/*
 * vma_thp_gfp_mask (mm/huge_memory.c): whether the allocation may compact directly -
 * defrag=always for every VMA, defer+madvise and madvise for VM_HUGEPAGE ones, defer and
 * never for none (they wake kcompactd at most and fail at once).
 */
static int direct_compaction(const struct host_thp_config *c, unsigned flags)
{
	switch (c->defrag) {
	case DEFRAG_ALWAYS:
		return 1;
	case DEFRAG_DEFER_MADVISE:
	case DEFRAG_MADVISE:
		return (flags & VMA_HUGEPAGE) != 0;
	default:
		return 0;
	}
}

/* The 2M allocation: the buddy allocator's first try, then (where allowed) direct
 * compaction - COMPACTSTALL, then COMPACTSUCCESS or COMPACTFAIL (__alloc_pages_direct_compact). */
int thp_2m_available(struct host_mm *mm, int direct)
{
	if (!draw(mm, mm->thp.fail_ppm))
		return 1;
	if (!direct)
		return 0;
	mm->vmstat.compact_stall++;
	if (draw(mm, mm->thp.compact_fail_ppm)) {
		mm->vmstat.compact_fail++;
		return 0;
	}
	mm->vmstat.compact_success++;
	return 1;
}

int thp_alloc(struct host_mm *mm, const struct host_backing *b, uint64_t *pfn)
{
	int shmem = b->vma.type == VMA_SHMEM;
	int rc;

	if (!thp_2m_available(mm, direct_compaction(&mm->thp, b->vma.flags))) {
		/* THP_FAULT_FALLBACK (vma_alloc_anon_folio_pmd), THP_FILE_FALLBACK
		 * (shmem_alloc_and_add_folio): the fault goes on with a 4K page */
		if (shmem)
			mm->vmstat.thp_file_fallback++;
		else
			mm->vmstat.thp_fault_fallback++;
		return 1;
	}
	if ((rc = host_frames_get(&mm->frames, PG_LEVEL_2M, pfn)) != 0)
		return rc;
	if (shmem) {
		mm->vmstat.thp_file_alloc++;
		mm->vmstat.thp_file_mapped++; /* do_set_pmd maps the new folio at once */
	} else {
		mm->vmstat.thp_fault_alloc++;
	}
	return 0;
}

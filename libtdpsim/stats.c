/* SPDX-License-Identifier: MIT */
/* The counters' names, in the one order every output uses. */
#include <stddef.h>
#include <string.h>

#include "tdpsim/stats.h"

#define STAT(name) { #name, offsetof(tdpsim_stats, name) }

static const struct {
	const char *name;
	size_t offset;
} stat_fields[] = {
	STAT(pages_4k),
	STAT(pages_2m),
	STAT(pages_1g),
	STAT(nx_lpage_splits),
	STAT(remote_tlb_flush_requests),
	STAT(tdp_mmu_pages),
	STAT(dirty_pages),
	STAT(pml_logged),
	STAT(pml_full_exits),
	STAT(nx_recovery_passes),
	STAT(nx_recovery_zapped),
	STAT(pf_taken),
	STAT(pf_fixed),
	STAT(pf_fast),
	STAT(pf_spurious),
	STAT(pf_emulate),
	STAT(pf_mmio_spte_created),
	STAT(guest_page_faults),
	STAT(host_pages_4k),
	STAT(itlb_hits_4k), STAT(itlb_hits_2m), STAT(itlb_hits_1g),
	STAT(itlb_misses_4k), STAT(itlb_misses_2m), STAT(itlb_misses_1g),
	STAT(dtlb_hits_4k), STAT(dtlb_hits_2m), STAT(dtlb_hits_1g),
	STAT(dtlb_misses_4k), STAT(dtlb_misses_2m), STAT(dtlb_misses_1g),
	STAT(stlb_hits), STAT(stlb_misses),
	STAT(walk_refs), STAT(walk_refs_cached),
	STAT(tlb_flushes),
	STAT(cycles), STAT(cycles_tlb), STAT(cycles_walk), STAT(cycles_exit), STAT(cycles_kvm),
	STAT(cycles_flush), STAT(cycles_guest_pf), STAT(cycles_background),
	STAT(multihit_events), STAT(machine_checks),
	STAT(events),
	STAT(accesses),
	STAT(accesses_read),
	STAT(accesses_write),
	STAT(accesses_exec),
	STAT(recorded_faults),
	STAT(memslots),
	STAT(memslot_pages),
	STAT(sim_ns),
	/* 0.2 */
	STAT(mmu_shadow_zapped),
	STAT(mmu_recycled),
	STAT(mmu_cache_miss),
	STAT(shadow_mmu_pages),
	/* 0.3 */
	STAT(pf_guest),
	STAT(invlpg),
	STAT(mmu_pte_write),
	STAT(mmu_pde_zapped),
	STAT(mmu_flooded),
	STAT(mmu_unsync),
	/* 0.4 */
	STAT(nested_run),
	STAT(nested_vmexits),
	STAT(nested_ept_violations),
	STAT(invept),
	/* 0.5 */
	STAT(thp_fault_alloc), STAT(thp_fault_fallback),
	STAT(thp_file_alloc), STAT(thp_file_fallback), STAT(thp_file_mapped),
	STAT(thp_split_pmd),
	STAT(compact_stall), STAT(compact_fail), STAT(compact_success),
	STAT(thp_collapse_alloc), STAT(thp_collapse_alloc_failed),
	STAT(khugepaged_pages_collapsed), STAT(khugepaged_full_scans),
	/* 0.6 */
	STAT(mmu_root_level), STAT(host_walk_refs),
	STAT(age_young_pages), STAT(age_old_pages), STAT(age_scans),
};

/* The counters of 0.1: those before the first one added since. */
#define NSTATS_0_1 (offsetof(tdpsim_stats, mmu_shadow_zapped) / sizeof(uint64_t))

#define NSTATS (sizeof(stat_fields) / sizeof(stat_fields[0]))

/* Every field of the struct must be in the table, and nothing else; the table is in the
 * struct's order (a caller's smaller struct holds a prefix of it). */
_Static_assert(NSTATS * sizeof(uint64_t) == sizeof(tdpsim_stats), "stats table out of date");

size_t tdpsim_stats_count_sized(size_t size)
{
	size_t n = size / sizeof(uint64_t);

	return n < NSTATS ? n : NSTATS;
}

size_t (tdpsim_stats_count)(void)
{
	return NSTATS_0_1;
}

const char *tdpsim_stats_name(size_t i)
{
	return i < NSTATS ? stat_fields[i].name : NULL;
}

uint64_t tdpsim_stats_value(const tdpsim_stats *s, size_t i)
{
	if (!s || i >= NSTATS)
		return 0;
	return *(const uint64_t *)((const char *)s + stat_fields[i].offset);
}

int tdpsim_stats_find(const char *name)
{
	for (size_t i = 0; name && i < NSTATS; i++)
		if (strcmp(stat_fields[i].name, name) == 0)
			return (int)i;
	return TDPSIM_ENOTFOUND;
}

#define VSTAT(name) { #name, offsetof(tdpsim_vcpu_stats, name) }

static const struct {
	const char *name;
	size_t offset;
} vcpu_stat_fields[] = {
	VSTAT(pf_taken),
	VSTAT(pf_fixed),
	VSTAT(pf_fast),
	VSTAT(pf_spurious),
	VSTAT(pf_emulate),
	VSTAT(pf_mmio_spte_created),
	VSTAT(guest_page_faults),
	VSTAT(cycles),
	VSTAT(cycles_tlb),
	VSTAT(cycles_walk),
	VSTAT(cycles_exit),
	VSTAT(cycles_kvm),
	VSTAT(cycles_flush),
	VSTAT(cycles_guest_pf),
	VSTAT(pf_guest),
	VSTAT(invlpg),
};

#define NVSTATS (sizeof(vcpu_stat_fields) / sizeof(vcpu_stat_fields[0]))

_Static_assert(NVSTATS * sizeof(uint64_t) == sizeof(tdpsim_vcpu_stats),
	       "vCPU stats table out of date");

size_t tdpsim_vcpu_stats_count(void)
{
	return NVSTATS;
}

const char *tdpsim_vcpu_stats_name(size_t i)
{
	return i < NVSTATS ? vcpu_stat_fields[i].name : NULL;
}

uint64_t tdpsim_vcpu_stats_value(const tdpsim_vcpu_stats *s, size_t i)
{
	if (!s || i >= NVSTATS)
		return 0;
	return *(const uint64_t *)((const char *)s + vcpu_stat_fields[i].offset);
}

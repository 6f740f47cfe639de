/* SPDX-License-Identifier: MIT */
/*
 * Internal: x86 paging facts shared by every table in the simulator - the host's page
 * tables, the guest's, and KVM's EPT - in KVM's vocabulary: level 1 = 4K, 2 = 2M, 3 = 1G,
 * 4 = 512G, 5 = PML5.
 */
#ifndef TDPSIM_X86_PAGING_H
#define TDPSIM_X86_PAGING_H

#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ull << PAGE_SHIFT)
#define PT_ENTRIES 512          /* entries in one table page: SPTE_ENT_PER_PAGE */
#define PT_MAX_LEVEL 5          /* PT64_ROOT_MAX_LEVEL */
#define KVM_MAX_HUGEPAGE_LEVEL 3

enum pg_level { PG_LEVEL_4K = 1, PG_LEVEL_2M = 2, PG_LEVEL_1G = 3, PG_LEVEL_512G = 4 };

/* Bits of an address that index the table at `level`, and what one entry there maps. */
static inline unsigned level_shift(int level)
{
	return PAGE_SHIFT + 9u * (unsigned)(level - 1);
}

/* KVM_PAGES_PER_HPAGE: 4K pages mapped by one entry at `level`. */
static inline uint64_t pages_per_hpage(int level)
{
	return 1ull << (9u * (unsigned)(level - 1));
}

static inline uint64_t level_size(int level)
{
	return 1ull << level_shift(level);
}

/* Index of the entry for `addr` (a byte address) in the table at `level`. */
static inline unsigned pt_index(uint64_t addr, int level)
{
	return (unsigned)(addr >> level_shift(level)) & (PT_ENTRIES - 1);
}

/* Index of the entry for `gfn` (a frame number) in the table at `level`. */
static inline unsigned gfn_index(uint64_t gfn, int level)
{
	return (unsigned)(gfn >> (9u * (unsigned)(level - 1))) & (PT_ENTRIES - 1);
}

/* x86 PTE bits (guest page tables and the host's). */
#define PT_PRESENT_MASK (1ull << 0)
#define PT_WRITABLE_MASK (1ull << 1)
#define PT_USER_MASK (1ull << 2)
#define PT_ACCESSED_MASK (1ull << 5)
#define PT_DIRTY_MASK (1ull << 6)
#define PT_PAGE_SIZE_MASK (1ull << 7)
#define PT64_NX_MASK (1ull << 63)
#define PT64_ADDR_MASK 0x000ffffffffff000ull /* bits 12..51 */

#endif

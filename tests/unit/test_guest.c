/* SPDX-License-Identifier: MIT */
/*
 * The guest page tables: how guest-map builds them in guest-pt memory, and how the walker
 * translates, checks rights, sets A/D and stops for EPT - with the expected values worked
 * out from the x86 rules (Intel SDM vol. 3, chapter 4), not read back from the code.
 */
#include <string.h>

#include "check_main.h"
#include "guest/guest.h"
#include "tdpsim/common.h"
#include "tdpsim/trace.h"
#include "x86/paging.h"

#define PT_BASE 0x10000000ull /* the guest-pt region: 4M = 1024 table pages */
#define PT_SIZE (4ull << 20)
#define RW (TDPSIM_PROT_R | TDPSIM_PROT_W)
#define RWX (TDPSIM_PROT_R | TDPSIM_PROT_W | TDPSIM_PROT_X)

#define P TDPSIM_PFERR_PRESENT
#define W TDPSIM_PFERR_WRITE
#define U TDPSIM_PFERR_USER
#define RSVD TDPSIM_PFERR_RSVD
#define ID TDPSIM_PFERR_FETCH

static struct guest_mm *mm_with_region(int levels)
{
	struct guest_mm *g;

	ck_assert_int_eq(guest_mm_new(&g, levels, NULL), 0);
	ck_assert_int_eq(guest_pt_add(g, PT_BASE, PT_SIZE), 0);
	return g;
}

static enum guest_walk_status walk(struct guest_mm *g, uint64_t gva, int kind, int cpl,
				   struct guest_walk *w)
{
	return guest_walk(g, 0, gva, kind, cpl, NULL, NULL, w);
}

/* Every entry on the walk of gva, top first, to see what a walk changed. */
static void snapshot(struct guest_mm *g, uint64_t gva, int levels, uint64_t *ptes)
{
	int l;

	for (l = levels; l >= 1; l--)
		ptes[l] = guest_read_pte(g, 0, gva, l);
}

START_TEST(map_1g_range_with_2m_pages_uses_three_table_pages)
{
	struct guest_mm *g = mm_with_region(4);

	/* One PML4, one PDPT, one PD whose 512 PDEs are all 2M leaves. */
	ck_assert_int_eq(guest_map(g, 0, 0x40000000, 0x80000000, 1ull << 30, 2, RW, 1, 0), 0);
	ck_assert_uint_eq(guest_pt_pages(g), 3);
	ck_assert_uint_eq(guest_read_pte(g, 0, 0x40000000 + (511ull << 21), 2),
			  (0x80000000 + (511ull << 21)) | PT_PRESENT_MASK | PT_WRITABLE_MASK |
				  PT_USER_MASK | PT_PAGE_SIZE_MASK | PT64_NX_MASK);
	guest_mm_free(g);
}
END_TEST

START_TEST(map_1g_range_with_4k_pages_uses_515_table_pages)
{
	struct guest_mm *g = mm_with_region(4);
	uint64_t gva = 0x7f0000000000ull, off = 0x12345000;

	/* PML4 + PDPT + one PD + 512 PTs of 512 PTEs: 262144 leaves. */
	ck_assert_int_eq(guest_map(g, 0, gva, 0x100000000ull, 1ull << 30, 1, TDPSIM_PROT_R, 0,
				   1),
			 0);
	ck_assert_uint_eq(guest_pt_pages(g), 1 + 1 + 1 + 512);
	ck_assert_uint_eq(guest_read_pte(g, 0, gva + off, 1),
			  (0x100000000ull + off) | PT_PRESENT_MASK | PT64_NX_MASK |
				  PT_ACCESSED_MASK | PT_DIRTY_MASK);
	ck_assert_uint_eq(guest_read_pte(g, 0, gva + (1ull << 30) - 4096, 1) & PT64_ADDR_MASK,
			  0x100000000ull + (1ull << 30) - 4096);
	/* Tables on the way: P|W|U (the leaf decides), A preset with ad=1, never NX. */
	ck_assert_uint_eq(guest_read_pte(g, 0, gva, 2) & ~PT64_ADDR_MASK,
			  PT_PRESENT_MASK | PT_WRITABLE_MASK | PT_USER_MASK | PT_ACCESSED_MASK);
	guest_mm_free(g);
}
END_TEST

START_TEST(table_pages_come_from_the_regions_in_the_order_they_were_added)
{
	struct guest_mm *g;
	uint64_t root;

	ck_assert_int_eq(guest_mm_new(&g, 4, NULL), 0);
	ck_assert_int_eq(guest_pt_add(g, 0x200000, 0x2000), 0);  /* added first: used first */
	ck_assert_int_eq(guest_pt_add(g, 0x100000, 0x10000), 0);
	ck_assert_int_eq(guest_root(g, 0, &root), 0);
	ck_assert_uint_eq(root, 0x200000);
	ck_assert_int_eq(guest_map(g, 0, 0, 0x1000000, 4096, 1, RW, 0, 0), 0);
	/* PDPT at 0x201000, then the first region is full: PD and PT from the second. */
	ck_assert_uint_eq(guest_read_pte(g, 0, 0, 4) & PT64_ADDR_MASK, 0x201000);
	ck_assert_uint_eq(guest_read_pte(g, 0, 0, 3) & PT64_ADDR_MASK, 0x100000);
	ck_assert_uint_eq(guest_read_pte(g, 0, 0, 2) & PT64_ADDR_MASK, 0x101000);
	ck_assert_uint_eq(guest_root(g, 0, &root), 0);
	ck_assert_uint_eq(root, 0x200000); /* the same root every time */
	guest_mm_free(g);
}
END_TEST

START_TEST(guest_pt_regions_must_be_aligned_disjoint_and_at_most_1g)
{
	struct guest_mm *g = mm_with_region(4);

	ck_assert_int_eq(guest_pt_add(g, PT_BASE + PT_SIZE - 4096, 8192), TDPSIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "overlaps"));
	ck_assert_int_eq(guest_pt_add(g, PT_BASE - 4096, 8192), TDPSIM_EINPUT);
	ck_assert_int_eq(guest_pt_add(g, PT_BASE - 0x100000, 0x200000), TDPSIM_EINPUT);
	ck_assert_int_eq(guest_pt_add(g, 0x1800, 4096), TDPSIM_EINPUT);
	ck_assert_int_eq(guest_pt_add(g, 0x1000, 0x800), TDPSIM_EINPUT);
	ck_assert_int_eq(guest_pt_add(g, 0x1000, 0), TDPSIM_EINPUT);
	ck_assert_int_eq(guest_pt_add(g, 1ull << 40, (1ull << 30) + 4096), TDPSIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "at most 1G"));
	/* Touching is not overlapping. */
	ck_assert_int_eq(guest_pt_add(g, PT_BASE - 4096, 4096), 0);
	ck_assert_int_eq(guest_pt_add(g, PT_BASE + PT_SIZE, 4096), 0);
	guest_mm_free(g);
}
END_TEST

START_TEST(guest_map_refuses_what_x86_cannot_map)
{
	struct guest_mm *g = mm_with_region(4);

	ck_assert_int_eq(guest_map(g, 0, 0, 0, 4096, 1, TDPSIM_PROT_W, 0, 0), TDPSIM_EINPUT);
	ck_assert_int_eq(guest_map(g, 0, 0x1000, 0, 2ull << 20, 2, RW, 0, 0), TDPSIM_EINPUT);
	ck_assert_int_eq(guest_map(g, 0, 0, 0x200000, 1ull << 30, 3, RW, 0, 0), TDPSIM_EINPUT);
	/* 4-level: bits 63..47 equal; a range may not cross the hole between the halves. */
	ck_assert_int_eq(guest_map(g, 0, 0x800000000000ull, 0, 4096, 1, RW, 0, 0), TDPSIM_EINPUT);
	ck_assert_int_eq(guest_map(g, 0, 0x7ffffffff000ull, 0, 8192, 1, RW, 0, 0), TDPSIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "canonical"));
	ck_assert_int_eq(guest_map(g, 0, 0, (1ull << 52) - 4096, 8192, 1, RW, 0, 0),
			 TDPSIM_EINPUT);
	ck_assert_uint_eq(guest_pt_pages(g), 0); /* nothing was built */
	/* The very top of the upper half is fine. */
	ck_assert_int_eq(guest_map(g, 0, 0xfffffffffffff000ull, 0, 4096, 1, RW, 0, 0), 0);
	guest_mm_free(g);
}
END_TEST

START_TEST(walk_translates_with_page_offset_for_4k_2m_1g)
{
	struct guest_mm *g = mm_with_region(4);
	struct guest_walk w;

	ck_assert_int_eq(guest_map(g, 0, 0x1000, 0x5000, 4096, 1, RW, 1, 0), 0);
	ck_assert_int_eq(guest_map(g, 0, 0x200000, 0x600000, 2ull << 20, 2, RW, 1, 0), 0);
	ck_assert_int_eq(guest_map(g, 0, 0x40000000, 0xc0000000, 1ull << 30, 3, RW, 1, 0), 0);

	ck_assert_int_eq(walk(g, 0x1abc, GUEST_READ, 3, &w), GUEST_WALK_OK);
	ck_assert_uint_eq(w.gpa, 0x5abc);
	ck_assert_int_eq(w.level, 1);
	ck_assert_int_eq(walk(g, 0x2fedcb, GUEST_READ, 3, &w), GUEST_WALK_OK);
	ck_assert_uint_eq(w.gpa, 0x6fedcb);
	ck_assert_int_eq(w.level, 2);
	ck_assert_uint_eq(w.leaf_pte & PT64_ADDR_MASK, 0x600000);
	ck_assert_int_eq(walk(g, 0x7654321f, GUEST_READ, 3, &w), GUEST_WALK_OK);
	ck_assert_uint_eq(w.gpa, 0xc0000000 + 0x3654321f);
	ck_assert_int_eq(w.level, 3);
	ck_assert(w.leaf_pte & PT_PAGE_SIZE_MASK);
	guest_mm_free(g);
}
END_TEST

START_TEST(a_huge_leaf_frame_leaves_out_the_pat_bit)
{
	struct guest_mm *g = mm_with_region(4);
	struct guest_walk w;
	uint64_t pde;

	ck_assert_int_eq(guest_map(g, 0, 0x200000, 0x600000, 2ull << 20, 2, RW, 0, 0), 0);
	pde = guest_read_pte(g, 0, 0x200000, 2) | (1ull << 12); /* PAT of a 2M leaf */
	ck_assert_int_eq(guest_write_pte(g, 0, 0x200000, 2, pde), 0);
	ck_assert_int_eq(walk(g, 0x200123, GUEST_READ, 0, &w), GUEST_WALK_OK);
	ck_assert_uint_eq(w.gpa, 0x600123);
	guest_mm_free(g);
}
END_TEST

START_TEST(walk_sets_accessed_on_every_level_and_dirty_on_the_leaf_for_writes_only_when_clear)
{
	struct guest_mm *g = mm_with_region(4);
	uint64_t gva = 0x7000, before[6] = { 0 }, after[6] = { 0 };
	struct guest_walk w;
	int l;

	ck_assert_int_eq(guest_map(g, 0, gva, 0x9000, 4096, 1, RW, 1, 0), 0);
	snapshot(g, gva, 4, before);
	for (l = 4; l >= 1; l--)
		ck_assert(!(before[l] & (PT_ACCESSED_MASK | PT_DIRTY_MASK)));

	/* A read: A on all four entries, no D anywhere. */
	ck_assert_int_eq(walk(g, gva, GUEST_READ, 3, &w), GUEST_WALK_OK);
	snapshot(g, gva, 4, after);
	for (l = 4; l >= 1; l--)
		ck_assert_uint_eq(after[l], before[l] | PT_ACCESSED_MASK);
	ck_assert_uint_eq(w.leaf_pte, after[1]);

	/* A write: D on the leaf only (bit 6 of a table entry is ignored, not dirty). */
	ck_assert_int_eq(walk(g, gva, GUEST_WRITE, 3, &w), GUEST_WALK_OK);
	snapshot(g, gva, 4, after);
	for (l = 4; l >= 2; l--)
		ck_assert_uint_eq(after[l], before[l] | PT_ACCESSED_MASK);
	ck_assert_uint_eq(after[1], before[1] | PT_ACCESSED_MASK | PT_DIRTY_MASK);
	ck_assert_uint_eq(w.leaf_pte, after[1]);

	/* A and D are only ever set: a later read leaves D, and preset bits stay as they are. */
	ck_assert_int_eq(walk(g, gva, GUEST_READ, 3, &w), GUEST_WALK_OK);
	ck_assert_uint_eq(guest_read_pte(g, 0, gva, 1), after[1]);
	ck_assert_int_eq(guest_map(g, 0, 0x8000, 0xa000, 4096, 1, RW, 1, 1), 0);
	ck_assert_uint_eq(guest_read_pte(g, 0, 0x8000, 1),
			  0xa000 | PT_PRESENT_MASK | PT_WRITABLE_MASK | PT_USER_MASK |
				  PT64_NX_MASK | PT_ACCESSED_MASK | PT_DIRTY_MASK);
	snapshot(g, 0x8000, 4, before);
	ck_assert_int_eq(walk(g, 0x8000, GUEST_WRITE, 3, &w), GUEST_WALK_OK);
	snapshot(g, 0x8000, 4, after);
	ck_assert_mem_eq(after, before, sizeof(before));
	guest_mm_free(g);
}
END_TEST

START_TEST(a_faulting_walk_sets_no_accessed_bit)
{
	struct guest_mm *g = mm_with_region(4);
	uint64_t before[6] = { 0 }, after[6] = { 0 };
	struct guest_walk w;

	ck_assert_int_eq(guest_map(g, 0, 0x7000, 0x9000, 4096, 1, TDPSIM_PROT_R, 1, 0), 0);
	snapshot(g, 0x7000, 4, before);
	ck_assert_int_eq(walk(g, 0x7000, GUEST_WRITE, 3, &w), GUEST_WALK_PF);
	snapshot(g, 0x7000, 4, after);
	ck_assert_mem_eq(after, before, sizeof(before));
	guest_mm_free(g);
}
END_TEST

START_TEST(user_access_to_supervisor_page_is_a_protection_fault_with_p_and_u)
{
	struct guest_mm *g = mm_with_region(4);
	struct guest_walk w;
	uint64_t pde;

	ck_assert_int_eq(guest_map(g, 0, 0x1000, 0x5000, 4096, 1, RWX, 0, 0), 0);
	ck_assert_int_eq(walk(g, 0x1000, GUEST_READ, 3, &w), GUEST_WALK_PF);
	ck_assert_uint_eq(w.error_code, P | U);
	ck_assert_int_eq(walk(g, 0x1000, GUEST_WRITE, 3, &w), GUEST_WALK_PF);
	ck_assert_uint_eq(w.error_code, P | W | U);
	ck_assert_int_eq(walk(g, 0x1000, GUEST_FETCH, 3, &w), GUEST_WALK_PF);
	ck_assert_uint_eq(w.error_code, P | U | ID);
	ck_assert_int_eq(walk(g, 0x1000, GUEST_WRITE, 0, &w), GUEST_WALK_OK);

	/* U must be set at every level: a user leaf under a supervisor PDE is supervisor. */
	ck_assert_int_eq(guest_map(g, 0, 0x2000, 0x6000, 4096, 1, RW, 1, 0), 0);
	ck_assert_int_eq(walk(g, 0x2000, GUEST_READ, 3, &w), GUEST_WALK_OK);
	pde = guest_read_pte(g, 0, 0x2000, 2);
	ck_assert_int_eq(guest_write_pte(g, 0, 0x2000, 2, pde & ~PT_USER_MASK), 0);
	ck_assert_int_eq(walk(g, 0x2000, GUEST_READ, 3, &w), GUEST_WALK_PF);
	ck_assert_uint_eq(w.error_code, P | U);
	ck_assert_int_eq(w.refs, 4);
	guest_mm_free(g);
}
END_TEST

START_TEST(write_to_read_only_page_faults_with_p_w)
{
	struct guest_mm *g = mm_with_region(4);
	struct guest_walk w;
	uint64_t pdpte;

	ck_assert_int_eq(guest_map(g, 0, 0x1000, 0x5000, 4096, 1, TDPSIM_PROT_R, 1, 0), 0);
	/* CR0.WP=1: the supervisor obeys R/W too. */
	ck_assert_int_eq(walk(g, 0x1000, GUEST_WRITE, 0, &w), GUEST_WALK_PF);
	ck_assert_uint_eq(w.error_code, P | W);
	ck_assert_int_eq(walk(g, 0x1000, GUEST_WRITE, 3, &w), GUEST_WALK_PF);
	ck_assert_uint_eq(w.error_code, P | W | U);
	ck_assert_int_eq(walk(g, 0x1000, GUEST_READ, 3, &w), GUEST_WALK_OK);

	/* R/W must be set at every level: a writable leaf under a read-only PDPTE is not. */
	ck_assert_int_eq(guest_map(g, 0, 0x200000, 0x600000, 2ull << 20, 2, RW, 1, 0), 0);
	ck_assert_int_eq(walk(g, 0x200000, GUEST_WRITE, 3, &w), GUEST_WALK_OK);
	pdpte = guest_read_pte(g, 0, 0x200000, 3);
	ck_assert_int_eq(guest_write_pte(g, 0, 0x200000, 3, pdpte & ~PT_WRITABLE_MASK), 0);
	ck_assert_int_eq(walk(g, 0x200000, GUEST_WRITE, 0, &w), GUEST_WALK_PF);
	ck_assert_uint_eq(w.error_code, P | W);
	guest_mm_free(g);
}
END_TEST

START_TEST(fetch_from_nx_page_faults_with_p_id)
{
	struct guest_mm *g = mm_with_region(4);
	struct guest_walk w;
	uint64_t pml4e;

	ck_assert_int_eq(guest_map(g, 0, 0x1000, 0x5000, 4096, 1, RW, 1, 0), 0);
	ck_assert_uint_eq(guest_read_pte(g, 0, 0x1000, 1) & PT64_NX_MASK, PT64_NX_MASK);
	ck_assert_int_eq(walk(g, 0x1000, GUEST_FETCH, 3, &w), GUEST_WALK_PF);
	ck_assert_uint_eq(w.error_code, P | U | ID);
	ck_assert_int_eq(walk(g, 0x1000, GUEST_FETCH, 0, &w), GUEST_WALK_PF);
	ck_assert_uint_eq(w.error_code, P | ID);

	/* XD must be clear at every level: an executable leaf under an XD PML4E is not. */
	ck_assert_int_eq(guest_map(g, 0, 0x8000000000ull, 0x7000, 4096, 1, RWX, 1, 0), 0);
	ck_assert_int_eq(walk(g, 0x8000000000ull, GUEST_FETCH, 3, &w), GUEST_WALK_OK);
	pml4e = guest_read_pte(g, 0, 0x8000000000ull, 4);
	ck_assert_int_eq(guest_write_pte(g, 0, 0x8000000000ull, 4, pml4e | PT64_NX_MASK), 0);
	ck_assert_int_eq(walk(g, 0x8000000000ull, GUEST_FETCH, 3, &w), GUEST_WALK_PF);
	ck_assert_uint_eq(w.error_code, P | U | ID);
	ck_assert_int_eq(walk(g, 0x8000000000ull, GUEST_READ, 3, &w), GUEST_WALK_OK);
	guest_mm_free(g);
}
END_TEST

START_TEST(not_present_faults_without_p)
{
	struct guest_mm *g = mm_with_region(4);
	struct guest_walk w;

	ck_assert_int_eq(guest_map(g, 0, 0x1000, 0x5000, 4096, 1, RW, 1, 0), 0);
	/* The next PTE in the same PT is not present: the walk read all four levels. */
	ck_assert_int_eq(walk(g, 0x2000, GUEST_WRITE, 3, &w), GUEST_WALK_PF);
	ck_assert_uint_eq(w.error_code, W | U);
	ck_assert_int_eq(w.refs, 4);
	ck_assert_int_eq(walk(g, 0x2000, GUEST_FETCH, 0, &w), GUEST_WALK_PF);
	ck_assert_uint_eq(w.error_code, ID);
	/* Another PML4 slot: the walk stops at the first entry. */
	ck_assert_int_eq(walk(g, 0xffff800000000000ull, GUEST_READ, 3, &w), GUEST_WALK_PF);
	ck_assert_uint_eq(w.error_code, U);
	ck_assert_int_eq(w.refs, 1);
	guest_mm_free(g);
}
END_TEST

START_TEST(a_reserved_bit_faults_with_p_and_rsvd)
{
	struct guest_mm *g = mm_with_region(4);
	struct guest_walk w;
	uint64_t pde, pml4e;

	ck_assert_int_eq(guest_map(g, 0, 0x200000, 0x600000, 2ull << 20, 2, RW, 1, 0), 0);
	/* A 2M leaf's frame is 2M-aligned: bits 20..13 are reserved. */
	pde = guest_read_pte(g, 0, 0x200000, 2);
	ck_assert_int_eq(guest_write_pte(g, 0, 0x200000, 2, pde | (1ull << 13)), 0);
	ck_assert_int_eq(walk(g, 0x200000, GUEST_READ, 3, &w), GUEST_WALK_PF);
	ck_assert_uint_eq(w.error_code, P | RSVD | U);
	ck_assert_int_eq(w.refs, 3);
	/* PS in a PML4E is reserved. */
	pml4e = guest_read_pte(g, 0, 0x200000, 4);
	ck_assert_int_eq(guest_write_pte(g, 0, 0x200000, 4, pml4e | PT_PAGE_SIZE_MASK), 0);
	ck_assert_int_eq(walk(g, 0x200000, GUEST_WRITE, 0, &w), GUEST_WALK_PF);
	ck_assert_uint_eq(w.error_code, P | RSVD | W);
	ck_assert_int_eq(w.refs, 1);
	guest_mm_free(g);
}
END_TEST

/* An EPT stand-in: records the walker's page-table accesses and refuses one GPA. */
struct ept_mock {
	uint64_t refuse;
	int n;
	uint64_t gpa[8];
	int write[8];
};

static int ept_access(void *ctx, uint64_t gpa, int write)
{
	struct ept_mock *m = ctx;

	if (m->n < 8) {
		m->gpa[m->n] = gpa;
		m->write[m->n] = write;
	}
	m->n++;
	return gpa == m->refuse;
}

START_TEST(walk_stops_for_ept_at_the_first_page_table_access_that_needs_it)
{
	struct guest_mm *g = mm_with_region(4);
	uint64_t gva = 0x12345678000ull, before[6] = { 0 }, after[6] = { 0 };
	struct ept_mock m = { 0 };
	struct guest_walk w;

	ck_assert_int_eq(guest_map(g, 0, gva, 0x9000, 4096, 1, RW, 1, 0), 0);
	/* Bump allocation: PML4, PDPT, PD, PT are the region's first four pages. */
	m.refuse = PT_BASE + 2 * 4096 + 8 * pt_index(gva, 2); /* the PDE */
	snapshot(g, gva, 4, before);
	ck_assert_int_eq(guest_walk(g, 0, gva, GUEST_READ, 3, ept_access, &m, &w),
			 GUEST_WALK_EPT);
	ck_assert_uint_eq(w.pt_gpa, m.refuse);
	ck_assert_int_eq(w.pt_write, 1);
	ck_assert_int_eq(w.refs, 2); /* the PML4E and PDPTE were read; the PDE was not */
	ck_assert_int_eq(m.n, 3);
	ck_assert_uint_eq(m.gpa[0], PT_BASE + 8 * pt_index(gva, 4));
	ck_assert_uint_eq(m.gpa[1], PT_BASE + 4096 + 8 * pt_index(gva, 3));
	/* With EPT A/D on, paging-structure accesses are writes for EPT. */
	ck_assert_int_eq(m.write[0], 1);
	ck_assert_int_eq(m.write[1], 1);
	snapshot(g, gva, 4, after);
	ck_assert_mem_eq(after, before, sizeof(before)); /* no A bit set */

	/* Once EPT lets it through, the walk completes and reads one entry per level. */
	m.refuse = 1;
	m.n = 0;
	ck_assert_int_eq(guest_walk(g, 0, gva, GUEST_READ, 3, ept_access, &m, &w),
			 GUEST_WALK_OK);
	ck_assert_int_eq(m.n, 4);
	ck_assert_uint_eq(m.gpa[3], PT_BASE + 3 * 4096 + 8 * pt_index(gva, 1));
	ck_assert_uint_eq(w.gpa, 0x9000);
	guest_mm_free(g);
}
END_TEST

static void check_refs(struct guest_mm *g, uint64_t gva, int refs)
{
	struct guest_walk w;

	ck_assert_int_eq(walk(g, gva, GUEST_READ, 0, &w), GUEST_WALK_OK);
	ck_assert_int_eq(w.refs, refs);
}

START_TEST(walk_reads_count_one_entry_per_level)
{
	struct guest_mm *g4 = mm_with_region(4), *g5 = mm_with_region(5);
	struct guest_mm *gs[2] = { g4, g5 };
	int i;

	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(guest_map(gs[i], 0, 0x1000, 0x1000, 4096, 1, RW, 0, 0), 0);
		ck_assert_int_eq(guest_map(gs[i], 0, 0x200000, 0x200000, 2ull << 20, 2, RW, 0, 0),
				 0);
		ck_assert_int_eq(guest_map(gs[i], 0, 0x40000000, 0x40000000, 1ull << 30, 3, RW, 0,
					   0),
				 0);
		check_refs(gs[i], 0x1000, 4 + i);
		check_refs(gs[i], 0x200000, 3 + i);
		check_refs(gs[i], 0x40000000, 2 + i);
	}
	guest_mm_free(g4);
	guest_mm_free(g5);
}
END_TEST

START_TEST(five_level_paging_maps_and_walks_57_bit_addresses)
{
	struct guest_mm *g = mm_with_region(5), *g4 = mm_with_region(4);
	uint64_t low = 0x00f0123456789000ull, high = 0xff80000000000000ull;
	struct guest_walk w;

	/* PML5, PML4, PDPT, PD, PT. */
	ck_assert_int_eq(guest_map(g, 0, low, 0x9000, 4096, 1, RW, 1, 0), 0);
	ck_assert_uint_eq(guest_pt_pages(g), 5);
	ck_assert_int_eq(walk(g, low + 0x10, GUEST_READ, 3, &w), GUEST_WALK_OK);
	ck_assert_uint_eq(w.gpa, 0x9010);
	ck_assert_int_eq(w.refs, 5);
	ck_assert_uint_eq(guest_read_pte(g, 0, low, 5) & PT64_ADDR_MASK, PT_BASE + 4096);
	/* The bottom of the 5-level upper half; 0x0100... is not canonical (bit 56 alone). */
	ck_assert_int_eq(guest_map(g, 0, high, 0x200000, 2ull << 20, 2, RW, 0, 0), 0);
	ck_assert_int_eq(walk(g, high + 0x1234, GUEST_WRITE, 0, &w), GUEST_WALK_OK);
	ck_assert_uint_eq(w.gpa, 0x201234);
	ck_assert_int_eq(guest_map(g, 0, 0x0100000000000000ull, 0, 4096, 1, RW, 0, 0),
			 TDPSIM_EINPUT);

	/* Under 4-level paging the same addresses are not canonical. */
	ck_assert_int_eq(guest_map(g4, 0, low, 0x9000, 4096, 1, RW, 1, 0), TDPSIM_EINPUT);
	ck_assert_int_eq(guest_map(g4, 0, 0, 0x9000, 4096, 1, RW, 1, 0), 0);
	/* ... and a walk of one is reported as a #PF with error code 0, reading nothing. */
	w.refs = -1;
	ck_assert_int_eq(walk(g4, low, GUEST_READ, 3, &w), GUEST_WALK_PF);
	ck_assert_uint_eq(w.error_code, 0);
	ck_assert_int_eq(w.refs, 0);
	guest_mm_free(g);
	guest_mm_free(g4);
}
END_TEST

START_TEST(gpte_writes_the_entry_at_the_level_and_refuses_a_missing_table)
{
	struct guest_mm *g = mm_with_region(4);
	struct guest_walk w;
	uint64_t pte = 0x77000 | PT_PRESENT_MASK | PT_USER_MASK;

	ck_assert_int_eq(guest_map(g, 0, 0x1000, 0x5000, 4096, 1, RW, 1, 0), 0);
	ck_assert_int_eq(guest_write_pte(g, 0, 0x1000, 1, pte), 0);
	ck_assert_uint_eq(guest_read_pte(g, 0, 0x1000, 1), pte);
	ck_assert_int_eq(walk(g, 0x1008, GUEST_READ, 3, &w), GUEST_WALK_OK);
	ck_assert_uint_eq(w.gpa, 0x77008);
	/* A neighbour in the same PT can be written: its table exists. */
	ck_assert_int_eq(guest_write_pte(g, 0, 0x3000, 1, pte), 0);
	ck_assert_int_eq(walk(g, 0x3000, GUEST_READ, 3, &w), GUEST_WALK_OK);
	/* Clearing P unmaps. */
	ck_assert_int_eq(guest_write_pte(g, 0, 0x1000, 1, 0), 0);
	ck_assert_int_eq(walk(g, 0x1000, GUEST_READ, 3, &w), GUEST_WALK_PF);

	/* No PD for 1G..2G, so no PDE or PTE there; the PDPTE itself exists. */
	ck_assert_int_eq(guest_write_pte(g, 0, 0x40000000, 1, pte), TDPSIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "does not reach level 1"));
	ck_assert_int_eq(guest_write_pte(g, 0, 0x40000000, 2, pte), TDPSIM_EINPUT);
	ck_assert_int_eq(guest_write_pte(g, 0, 0x40000000, 3, 0), 0);
	ck_assert_int_eq(guest_read_pte(g, 0, 0x40000000, 1), 0);
	/* Below a 2M leaf there is no PT. */
	ck_assert_int_eq(guest_map(g, 0, 0x200000, 0x600000, 2ull << 20, 2, RW, 1, 0), 0);
	ck_assert_int_eq(guest_write_pte(g, 0, 0x201000, 1, pte), TDPSIM_EINPUT);
	ck_assert_int_eq(guest_write_pte(g, 0, 0x1000, 6, pte), TDPSIM_EINPUT);
	ck_assert_int_eq(guest_write_pte(g, 0, 0x1000, 0, pte), TDPSIM_EINPUT);
	guest_mm_free(g);
}
END_TEST

START_TEST(a_group_read_gives_the_entries_one_by_one_reads_give_and_zeros_outside_memory)
{
	struct guest_mm *g = mm_with_region(4);
	uint64_t group[8], gpa;

	/* 16 4K pages from gva 0x10000 to gpa 0x5000..: the PT's entries 16..31.  The aligned
	 * group of 8 at gva 0x18000 (KVM's prefetch reads one) is entries 24..31, and entry
	 * 24 + k maps gva 0x18000 + 4K * k to gpa 0x5000 + 4K * (8 + k). */
	ck_assert_int_eq(guest_map(g, 0, 0x10000, 0x5000, 16 * 4096, 1, RW, 1, 0), 0);
	ck_assert_int_eq(guest_pte_gpa(g, 0, 0x18000, 1, &gpa), 0);
	guest_read_u64s(g, gpa, 8, group);
	for (unsigned k = 0; k < 8; k++) {
		ck_assert_uint_eq(group[k], guest_read_u64(g, gpa + 8 * k));
		ck_assert_uint_eq(group[k] & PT64_ADDR_MASK, 0x5000 + (8 + k) * 4096ull);
	}
	/* Outside the guest-pt region nothing is stored: a read gives zeros, as one by one. */
	memset(group, 0xff, sizeof(group));
	guest_read_u64s(g, PT_BASE + PT_SIZE, 8, group);
	for (unsigned k = 0; k < 8; k++)
		ck_assert_uint_eq(group[k], 0);
	guest_mm_free(g);
}
END_TEST

START_TEST(a_table_entry_pointing_outside_guest_pt_memory_reads_as_not_present)
{
	struct guest_mm *g = mm_with_region(4);
	uint64_t pde = 0x50000000 | PT_PRESENT_MASK | PT_WRITABLE_MASK | PT_USER_MASK;
	struct guest_walk w;

	ck_assert_int_eq(guest_map(g, 0, 0x1000, 0x5000, 4096, 1, RW, 1, 0), 0);
	ck_assert_int_eq(guest_write_pte(g, 0, 0x1000, 2, pde), 0);
	ck_assert_int_eq(walk(g, 0x1000, GUEST_READ, 3, &w), GUEST_WALK_PF);
	ck_assert_uint_eq(w.error_code, U);
	ck_assert_int_eq(w.refs, 4);
	ck_assert_int_eq(guest_write_pte(g, 0, 0x1000, 1, 0), TDPSIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "outside every guest-pt"));
	/* guest-map builds a fresh table in its place. */
	ck_assert_int_eq(guest_map(g, 0, 0x1000, 0x5000, 4096, 1, RW, 1, 0), 0);
	ck_assert_int_eq(walk(g, 0x1000, GUEST_READ, 3, &w), GUEST_WALK_OK);
	guest_mm_free(g);
}
END_TEST

START_TEST(running_out_of_guest_pt_pages_is_an_error_naming_the_range)
{
	struct guest_mm *g;
	struct guest_walk w;
	const char *msg;

	ck_assert_int_eq(guest_mm_new(&g, 4, NULL), 0);
	ck_assert_int_eq(guest_map(g, 0, 0, 0, 4096, 1, RW, 0, 0), TDPSIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "no guest-pt region"));

	ck_assert_int_eq(guest_pt_add(g, PT_BASE, 4 * 4096), 0);
	ck_assert_int_eq(guest_map(g, 0, 0, 0, 4096, 1, RW, 0, 0), 0); /* all four pages */
	/* 1G..: the PDPTE is free, so a PD and a PT are needed, and none is left. */
	ck_assert_int_eq(guest_map(g, 0, 0x40000000, 0x1000, 8192, 1, RW, 0, 0), TDPSIM_EINPUT);
	msg = tdpsim_error_last()->message;
	ck_assert_ptr_nonnull(strstr(msg, "gva=0x40000000"));
	ck_assert_ptr_nonnull(strstr(msg, "size=0x2000"));
	ck_assert_ptr_nonnull(strstr(msg, "out of guest page-table pages"));
	/* Refused whole: nothing was built. */
	ck_assert_uint_eq(guest_pt_pages(g), 4);
	ck_assert_uint_eq(guest_read_pte(g, 0, 0x40000000, 3), 0);
	/* Leaves in existing tables need no page. */
	ck_assert_int_eq(guest_map(g, 0, 0x1000, 0x1000, 0x1ff000, 1, RW, 0, 0), 0);
	ck_assert_int_eq(walk(g, 0x1ff000, GUEST_READ, 0, &w), GUEST_WALK_OK);
	/* A new address space needs a root. */
	ck_assert_int_eq(guest_map(g, 7, 0, 0, 2ull << 20, 2, RW, 0, 0), TDPSIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "cr3=7"));
	guest_mm_free(g);
}
END_TEST

START_TEST(cr3_address_spaces_are_separate)
{
	struct guest_mm *g = mm_with_region(4);
	uint64_t root1, root2;
	struct guest_walk w;

	ck_assert_int_eq(guest_map(g, 1, 0x400000, 0x1000000, 4096, 1, RW, 1, 0), 0);
	ck_assert_int_eq(guest_map(g, 2, 0x400000, 0x2000000, 4096, 1, RW, 1, 0), 0);
	ck_assert_uint_eq(guest_pt_pages(g), 8); /* four tables each */
	ck_assert_int_eq(guest_root(g, 1, &root1), 0);
	ck_assert_int_eq(guest_root(g, 2, &root2), 0);
	ck_assert_uint_ne(root1, root2);

	ck_assert_int_eq(guest_walk(g, 1, 0x400010, GUEST_READ, 3, NULL, NULL, &w), GUEST_WALK_OK);
	ck_assert_uint_eq(w.gpa, 0x1000010);
	ck_assert_int_eq(guest_walk(g, 2, 0x400010, GUEST_READ, 3, NULL, NULL, &w), GUEST_WALK_OK);
	ck_assert_uint_eq(w.gpa, 0x2000010);
	/* A write through cr3=1 dirties its own PTE only. */
	ck_assert_int_eq(guest_walk(g, 1, 0x400000, GUEST_WRITE, 3, NULL, NULL, &w), GUEST_WALK_OK);
	ck_assert(guest_read_pte(g, 1, 0x400000, 1) & PT_DIRTY_MASK);
	ck_assert(!(guest_read_pte(g, 2, 0x400000, 1) & PT_DIRTY_MASK));
	/* An address space never used has nothing present and reads no entry. */
	ck_assert_int_eq(guest_walk(g, 3, 0x400000, GUEST_READ, 3, NULL, NULL, &w),
			 GUEST_WALK_PF);
	ck_assert_uint_eq(w.error_code, U);
	ck_assert_int_eq(w.refs, 0);
	ck_assert_uint_eq(guest_pt_pages(g), 8);
	guest_mm_free(g);
}
END_TEST

START_TEST(remapping_a_range_replaces_the_old_leaves)
{
	struct guest_mm *g = mm_with_region(4);
	struct guest_walk w;

	/* 4K leaves: PML4, PDPT, PD, PT. */
	ck_assert_int_eq(guest_map(g, 0, 0x200000, 0x1000000, 2ull << 20, 1, TDPSIM_PROT_R, 0,
				   0),
			 0);
	ck_assert_uint_eq(guest_pt_pages(g), 4);
	/* A 2M leaf over them: the PT goes back to the guest OS. */
	ck_assert_int_eq(guest_map(g, 0, 0x200000, 0x3000000, 2ull << 20, 2, RW, 1, 0), 0);
	ck_assert_uint_eq(guest_pt_pages(g), 3);
	ck_assert_int_eq(walk(g, 0x212345, GUEST_WRITE, 3, &w), GUEST_WALK_OK);
	ck_assert_int_eq(w.level, 2);
	ck_assert_uint_eq(w.gpa, 0x3012345);
	ck_assert_int_eq(w.refs, 3);
	/* Remapping 4K leaves over the same range replaces the 2M leaf; the freed page is
	 * the one reused. */
	ck_assert_int_eq(guest_map(g, 0, 0x200000, 0x5000000, 2ull << 20, 1, RW, 1, 0), 0);
	ck_assert_uint_eq(guest_pt_pages(g), 4);
	ck_assert_uint_eq(guest_read_pte(g, 0, 0x200000, 2) & PT64_ADDR_MASK, PT_BASE + 3 * 4096);
	ck_assert_int_eq(walk(g, 0x212345, GUEST_READ, 3, &w), GUEST_WALK_OK);
	ck_assert_int_eq(w.level, 1);
	ck_assert_uint_eq(w.gpa, 0x5012345);
	/* Overwriting leaves in place allocates nothing. */
	ck_assert_int_eq(guest_map(g, 0, 0x200000, 0x6000000, 2ull << 20, 1, RW, 1, 0), 0);
	ck_assert_uint_eq(guest_pt_pages(g), 4);
	ck_assert_int_eq(walk(g, 0x3ff000, GUEST_READ, 3, &w), GUEST_WALK_OK);
	ck_assert_uint_eq(w.gpa, 0x61ff000);
	/* A 1G leaf over it all frees the PD and the PT below it. */
	ck_assert_int_eq(guest_map(g, 0, 0, 0x40000000, 1ull << 30, 3, RW, 1, 0), 0);
	ck_assert_uint_eq(guest_pt_pages(g), 2);
	guest_mm_free(g);
}
END_TEST

START_TEST(a_smaller_map_inside_a_huge_leaf_splits_it_and_keeps_the_rest_mapped)
{
	struct guest_mm *g = mm_with_region(4);
	struct guest_walk w;

	ck_assert_int_eq(guest_map(g, 0, 0x40000000, 0x80000000, 1ull << 30, 3, RWX, 1, 0), 0);
	ck_assert_uint_eq(guest_pt_pages(g), 2);
	/* One 4K page in the middle: a PD of 2M leaves, then a PT of 4K leaves for its 2M. */
	ck_assert_int_eq(guest_map(g, 0, 0x40403000, 0x7000, 4096, 1, TDPSIM_PROT_R, 0, 0), 0);
	ck_assert_uint_eq(guest_pt_pages(g), 4);
	ck_assert_int_eq(walk(g, 0x40403004, GUEST_READ, 0, &w), GUEST_WALK_OK);
	ck_assert_uint_eq(w.gpa, 0x7004);
	ck_assert_int_eq(walk(g, 0x40403004, GUEST_READ, 3, &w), GUEST_WALK_PF);
	/* The rest keeps the 1G leaf's memory and rights. */
	ck_assert_int_eq(walk(g, 0x40404000, GUEST_FETCH, 3, &w), GUEST_WALK_OK);
	ck_assert_int_eq(w.level, 1);
	ck_assert_uint_eq(w.gpa, 0x80404000);
	ck_assert_int_eq(walk(g, 0x7fe00010, GUEST_WRITE, 3, &w), GUEST_WALK_OK);
	ck_assert_int_eq(w.level, 2);
	ck_assert_uint_eq(w.gpa, 0xbfe00010);
	guest_mm_free(g);
}
END_TEST

/* ---- L1's EPT12 (ept12-map): EPT entries, Intel SDM vol. 3, 29.3.2 ---- */

#define EPT_R 1ull
#define EPT_W 2ull
#define EPT_X 4ull
#define EPT_WB (6ull << 3)  /* memory type, bits 5:3 of a leaf */
#define EPT_A (1ull << 8)
#define EPT_D (1ull << 9)

START_TEST(ept12_map_writes_ept_format_leaves_and_tables)
{
	struct guest_mm *g = mm_with_region(5); /* L1's own paging depth does not matter */
	uint64_t root;

	/* L2 gpa 0x200000 (one 2M page, rw-) to L1 gpa 0x40000000, A/D preset: the leaf is
	 * R|W, WB, bit 7, A|D - no X; its PDPT and PML4 entries R|W|X with A. 4 levels. */
	ck_assert_int_eq(guest_ept12_map(g, 0, 0x200000, 0x40000000, 2ull << 20, 2, RW, 1), 0);
	ck_assert_uint_eq(guest_pt_pages(g), 3); /* EPT PML4, PDPT, PD */
	ck_assert_uint_eq(guest_ept12_read(g, 0, 0x200000, 2),
			  0x40000000 | EPT_R | EPT_W | EPT_WB | PT_PAGE_SIZE_MASK | EPT_A | EPT_D);
	ck_assert_int_eq(guest_ept_root(g, 0, &root), 0);
	ck_assert_uint_eq(root, PT_BASE); /* the first page handed out */
	ck_assert_uint_eq(guest_ept12_read(g, 0, 0x200000, 4), (PT_BASE + 0x1000) | 7 | EPT_A);
	/* A 4K execute-only page, without A/D: X and WB alone, no bit 7. */
	ck_assert_int_eq(guest_ept12_map(g, 0, 0x1000, 0x5000, 4096, 1, TDPSIM_PROT_X, 0), 0);
	ck_assert_uint_eq(guest_ept12_read(g, 0, 0x1000, 1), 0x5000 | EPT_X | EPT_WB);
	ck_assert_uint_eq(guest_ept12_read(g, 0, 0x1000, 2) & 7, 7); /* a table, R|W|X */
	guest_mm_free(g);
}
END_TEST

START_TEST(ept12_spaces_are_apart_from_cr3_spaces)
{
	struct guest_mm *g = mm_with_region(4);
	uint64_t cr3_root, ept_root;

	/* cr3=0 and ept=0 are different tables: each id names its own root. */
	ck_assert_int_eq(guest_map(g, 0, 0x1000, 0x9000, 4096, 1, RW, 0, 0), 0);
	ck_assert_int_eq(guest_ept12_map(g, 0, 0x1000, 0x7000, 4096, 1, RW, 0), 0);
	ck_assert_int_eq(guest_root(g, 0, &cr3_root), 0);
	ck_assert_int_eq(guest_ept_root(g, 0, &ept_root), 0);
	ck_assert_uint_ne(cr3_root, ept_root);
	ck_assert_uint_eq(guest_read_pte(g, 0, 0x1000, 1) & PT64_ADDR_MASK, 0x9000);
	ck_assert_uint_eq(guest_ept12_read(g, 0, 0x1000, 1) & PT64_ADDR_MASK, 0x7000);
	ck_assert_uint_eq(guest_pt_pages(g), 8); /* 4 tables each */
	guest_mm_free(g);
}
END_TEST

START_TEST(ept12_map_refuses_write_without_read_and_addresses_beyond_4_level_ept)
{
	struct guest_mm *g = mm_with_region(4);

	/* W without R is an EPT misconfiguration (SDM 29.3.3.1); no permission is not present. */
	ck_assert_int_eq(guest_ept12_map(g, 0, 0, 0, 4096, 1, TDPSIM_PROT_W, 0), TDPSIM_EINPUT);
	ck_assert_int_eq(guest_ept12_map(g, 0, 0, 0, 4096, 1, 0, 0), TDPSIM_EINPUT);
	ck_assert_int_eq(guest_ept12_map(g, 0, 1ull << 48, 0, 4096, 1, RW, 0), TDPSIM_EINPUT);
	ck_assert_uint_eq(guest_pt_pages(g), 0);
	guest_mm_free(g);
}
END_TEST

START_TEST(ept12_map_inside_a_huge_ept12_leaf_splits_it_keeping_its_bits)
{
	struct guest_mm *g = mm_with_region(4);

	/* A 2M rwx leaf with A/D, then one 4K page inside remapped: the PD entry becomes a
	 * table of 512 4K leaves with the 2M leaf's bits but bit 7, the one page new. */
	ck_assert_int_eq(guest_ept12_map(g, 0, 0x200000, 0x600000, 2ull << 20, 2, RWX, 1), 0);
	ck_assert_int_eq(guest_ept12_map(g, 0, 0x203000, 0x9000, 4096, 1, TDPSIM_PROT_R, 0), 0);
	ck_assert_uint_eq(guest_ept12_read(g, 0, 0x204000, 1),
			  0x604000 | EPT_R | EPT_W | EPT_X | EPT_WB | EPT_A | EPT_D);
	ck_assert_uint_eq(guest_ept12_read(g, 0, 0x203000, 1), 0x9000 | EPT_R | EPT_WB);
	guest_mm_free(g);
}
END_TEST

static Suite *guest_suite(void)
{
	Suite *s = suite_create("guest");
	TCase *tc = tcase_create("page tables");

	tcase_add_test(tc, map_1g_range_with_2m_pages_uses_three_table_pages);
	tcase_add_test(tc, map_1g_range_with_4k_pages_uses_515_table_pages);
	tcase_add_test(tc, table_pages_come_from_the_regions_in_the_order_they_were_added);
	tcase_add_test(tc, guest_pt_regions_must_be_aligned_disjoint_and_at_most_1g);
	tcase_add_test(tc, guest_map_refuses_what_x86_cannot_map);
	tcase_add_test(tc, walk_translates_with_page_offset_for_4k_2m_1g);
	tcase_add_test(tc, a_huge_leaf_frame_leaves_out_the_pat_bit);
	tcase_add_test(tc,
		       walk_sets_accessed_on_every_level_and_dirty_on_the_leaf_for_writes_only_when_clear);
	tcase_add_test(tc, a_faulting_walk_sets_no_accessed_bit);
	tcase_add_test(tc, user_access_to_supervisor_page_is_a_protection_fault_with_p_and_u);
	tcase_add_test(tc, write_to_read_only_page_faults_with_p_w);
	tcase_add_test(tc, fetch_from_nx_page_faults_with_p_id);
	tcase_add_test(tc, not_present_faults_without_p);
	tcase_add_test(tc, a_reserved_bit_faults_with_p_and_rsvd);
	tcase_add_test(tc, walk_stops_for_ept_at_the_first_page_table_access_that_needs_it);
	tcase_add_test(tc, walk_reads_count_one_entry_per_level);
	tcase_add_test(tc, five_level_paging_maps_and_walks_57_bit_addresses);
	tcase_add_test(tc, gpte_writes_the_entry_at_the_level_and_refuses_a_missing_table);
	tcase_add_test(tc, a_group_read_gives_the_entries_one_by_one_reads_give_and_zeros_outside_memory);
	tcase_add_test(tc, a_table_entry_pointing_outside_guest_pt_memory_reads_as_not_present);
	tcase_add_test(tc, running_out_of_guest_pt_pages_is_an_error_naming_the_range);
	tcase_add_test(tc, cr3_address_spaces_are_separate);
	tcase_add_test(tc, remapping_a_range_replaces_the_old_leaves);
	tcase_add_test(tc, a_smaller_map_inside_a_huge_leaf_splits_it_and_keeps_the_rest_mapped);
	tcase_add_test(tc, ept12_map_writes_ept_format_leaves_and_tables);
	tcase_add_test(tc, ept12_spaces_are_apart_from_cr3_spaces);
	tcase_add_test(tc, ept12_map_refuses_write_without_read_and_addresses_beyond_4_level_ept);
	tcase_add_test(tc, ept12_map_inside_a_huge_ept12_leaf_splits_it_keeping_its_bits);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(guest_suite)

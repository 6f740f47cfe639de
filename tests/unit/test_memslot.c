/* SPDX-License-Identifier: MIT */
/*
 * lpage_info / disallow_lpage as KVM sets it up (x86.c kvm_alloc_memslot_metadata): the partial
 * head and tail regions of a slot are disallowed, every region is when GPA and HVA are incongruent
 * at that level, and a shadowed or write-tracked gfn holds its 2M and 1G regions at 4K for as long
 * as it stays so (a counter, not a flag).
 */
#include "check_main.h"
#include "kvm/memslot.h"

#define MAX_GFN ((1ull << 36) - 1)
#define MB (1ull << 20)
#define GB (1ull << 30)

static struct kvm_memory_slot *slot_at(struct kvm_memslots *ms, uint64_t gpa, uint64_t size,
				       uint64_t hva)
{
	memslots_init(ms, NULL);
	ck_assert_int_eq(memslots_set(ms, 1, 0, gpa, size, hva, MAX_GFN), 0);
	return memslots_by_id(ms, 1);
}

START_TEST(an_aligned_congruent_slot_allows_every_whole_region)
{
	struct kvm_memslots ms;
	struct kvm_memory_slot *s = slot_at(&ms, 1 * GB, 2 * GB, 0x7f0000000000ull);

	for (uint64_t gfn = s->base_gfn; gfn < s->base_gfn + s->npages; gfn += 512)
		ck_assert(!lpage_disallowed(s, gfn, 2));
	ck_assert(!lpage_disallowed(s, s->base_gfn, 3));
	ck_assert(!lpage_disallowed(s, s->base_gfn + s->npages - 1, 3));
	memslots_free(&ms);
}
END_TEST

START_TEST(partial_head_and_tail_regions_are_disallowed)
{
	struct kvm_memslots ms;
	/* 1 MiB past a 2M boundary in both GPA and HVA: congruent, but ragged ends */
	struct kvm_memory_slot *s = slot_at(&ms, 1 * GB + 1 * MB, 1 * GB, 0x7f0000100000ull);
	uint64_t first = s->base_gfn, last = s->base_gfn + s->npages - 1;

	ck_assert(lpage_disallowed(s, first, 2));             /* head region, 2M */
	ck_assert(lpage_disallowed(s, last, 2));              /* tail region, 2M */
	ck_assert(!lpage_disallowed(s, first + 256, 2));      /* the first whole region */
	ck_assert(!lpage_disallowed(s, last - 256, 2));       /* the last whole region */
	ck_assert(lpage_disallowed(s, first, 3));             /* not 1G-aligned at either end */
	ck_assert(lpage_disallowed(s, last, 3));
	memslots_free(&ms);
}
END_TEST

START_TEST(incongruent_gpa_and_hva_disallow_every_region_of_that_level)
{
	struct kvm_memslots ms;
	/* congruent mod 2M (both 2M-aligned) but not mod 1G */
	struct kvm_memory_slot *s = slot_at(&ms, 1 * GB, 2 * GB, 0x7f0000200000ull);

	for (uint64_t gfn = s->base_gfn; gfn < s->base_gfn + s->npages; gfn += 512)
		ck_assert(!lpage_disallowed(s, gfn, 2));
	ck_assert(lpage_disallowed(s, s->base_gfn, 3));
	ck_assert(lpage_disallowed(s, s->base_gfn + 262144, 3));
	memslots_free(&ms);
	/* not even congruent mod 2M: nothing huge at all */
	s = slot_at(&ms, 1 * GB, 2 * GB, 0x7f0000100000ull);
	for (uint64_t gfn = s->base_gfn; gfn < s->base_gfn + s->npages; gfn += 512)
		ck_assert(lpage_disallowed(s, gfn, 2));
	memslots_free(&ms);
}
END_TEST

START_TEST(a_shadowed_gfn_holds_its_regions_at_4k_until_released)
{
	struct kvm_memslots ms;
	struct kvm_memory_slot *s = slot_at(&ms, 1 * GB, 1 * GB, 0x7f0000000000ull);
	uint64_t gfn = s->base_gfn + 512 * 7 + 3; /* inside the 8th 2M region */

	/* tracked twice (e.g. two shadow pages of one guest page table) */
	kvm_mmu_gfn_disallow_lpage(s, gfn);
	kvm_mmu_gfn_disallow_lpage(s, gfn);
	ck_assert(lpage_disallowed(s, gfn, 2));
	ck_assert(lpage_disallowed(s, s->base_gfn + 512 * 7, 2)); /* the whole region */
	ck_assert(!lpage_disallowed(s, s->base_gfn + 512 * 8, 2)); /* not the next one */
	ck_assert(lpage_disallowed(s, gfn, 3));                    /* and its 1G region */
	kvm_mmu_gfn_allow_lpage(s, gfn);
	ck_assert(lpage_disallowed(s, gfn, 2)); /* still held once */
	kvm_mmu_gfn_allow_lpage(s, gfn);
	ck_assert(!lpage_disallowed(s, gfn, 2));
	ck_assert(!lpage_disallowed(s, gfn, 3));
	memslots_free(&ms);
}
END_TEST

START_TEST(a_move_recomputes_the_metadata_for_the_new_base)
{
	struct kvm_memslots ms;
	struct kvm_memory_slot *s = slot_at(&ms, 1 * GB, 1 * GB, 0x7f0000000000ull);

	ck_assert(!lpage_disallowed(s, s->base_gfn, 2));
	/* moved 1 MiB off: now incongruent with its HVA at 2M */
	ck_assert_int_eq(memslots_set(&ms, 1, 0, 4 * GB + 1 * MB, 1 * GB, 0x7f0000000000ull,
				      MAX_GFN), 0);
	s = memslots_by_id(&ms, 1);
	ck_assert(lpage_disallowed(s, s->base_gfn + 1024, 2));
	memslots_free(&ms);
}
END_TEST

/* Slots by id and by gfn stay right whatever order they come and go in (the id index and the
 * binary searches of memslot.c against the plain rule: slot k holds gfns [k*512, k*512+1)). */
START_TEST(slots_are_found_by_id_and_gfn_in_any_order_of_creation_and_deletion)
{
	enum { N = 2000 };
	static uint32_t order[N];
	struct kvm_memslots ms;
	uint32_t x = 12345;

	memslots_init(&ms, NULL);
	for (uint32_t k = 0; k < N; k++)
		order[k] = k;
	for (uint32_t k = N - 1; k > 0; k--) { /* a fixed shuffle (xorshift) */
		uint32_t j, t;

		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		j = x % (k + 1), t = order[k], order[k] = order[j], order[j] = t;
	}
	for (uint32_t k = 0; k < N; k++)
		ck_assert_int_eq(memslots_set(&ms, order[k], 0, (uint64_t)order[k] * 2 * MB, 4096,
					      0x7f0000000000ull + (uint64_t)order[k] * 2 * MB,
					      MAX_GFN), 0);
	/* One page into a neighbour's range overlaps it, whichever side. */
	ck_assert_int_lt(memslots_set(&ms, N, 0, 7 * 2 * MB - 4096, 8192, 0x7e0000000000ull,
				      MAX_GFN), 0);
	for (uint32_t k = 0; k < N; k += 2) /* delete the even ones */
		ck_assert_int_eq(memslots_set(&ms, k, 0, 0, 0, 0, MAX_GFN), 0);
	for (uint32_t k = 0; k < N; k++) {
		struct kvm_memory_slot *s = memslots_by_id(&ms, k);

		if (k % 2 == 0) {
			ck_assert_ptr_null(s);
			ck_assert_ptr_null(memslots_by_gfn(&ms, (uint64_t)k * 512));
			continue;
		}
		ck_assert_ptr_nonnull(s);
		ck_assert_uint_eq(s->id, k);
		ck_assert_uint_eq(s->base_gfn, (uint64_t)k * 512);
		ck_assert_ptr_eq(memslots_by_gfn(&ms, (uint64_t)k * 512), s);
	}
	ck_assert_uint_eq(ms.n, N / 2);
	memslots_free(&ms);
}
END_TEST

static Suite *memslot_suite(void)
{
	Suite *s = suite_create("memslot");
	TCase *tc = tcase_create("lpage_info");

	tcase_add_test(tc, an_aligned_congruent_slot_allows_every_whole_region);
	tcase_add_test(tc, partial_head_and_tail_regions_are_disallowed);
	tcase_add_test(tc, incongruent_gpa_and_hva_disallow_every_region_of_that_level);
	tcase_add_test(tc, a_shadowed_gfn_holds_its_regions_at_4k_until_released);
	tcase_add_test(tc, a_move_recomputes_the_metadata_for_the_new_base);
	tcase_add_test(tc, slots_are_found_by_id_and_gfn_in_any_order_of_creation_and_deletion);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(memslot_suite)

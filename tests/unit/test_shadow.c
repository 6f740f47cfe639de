/* SPDX-License-Identifier: MIT */
/*
 * The shadow MMU's state against the guest's tables (kvm/paging_tmpl.h, kvm/shadow_paging.c):
 * what KVM's software walk writes into the guest's PTEs, and what --check's shadow rules
 * catch when KVM's pages and the guest's tables part ways behind KVM's back - which the
 * simulator itself never lets happen, so it is done here on purpose through the internals.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "core/error.h"
#include "kvm/mmu.h"
#include "sim_internal.h"
#include "tdpsim/tdpsim.h"

/* Slot 0 holds the guest's tables (PML4 0x200000, PDPT 0x201000, PD 0x202000, PT 0x203000)
 * and the data at 0x400000, mapped with 4K pages. */
static const char *const setup =
	"tdpsim-trace 1\n"
	"set mmu=shadow kvm=6.18 nx_huge_pages=off\n"
	"memslot slot=0 gpa=0 size=16M hva=0x7f0000000000\n"
	"backing hva=0x7f0000000000 size=16M kind=4k populate=1\n"
	"guest-pt gpa=0x200000 size=1M\n";

static const char *last_message(void)
{
	const tdpsim_error *e = tdpsim_error_last();

	return e ? e->message : "";
}

static tdpsim_sim *replay(const char *more)
{
	char path[] = "/tmp/tdpsim-shadow-XXXXXX";
	int fd = mkstemp(path);
	tdpsim_trace *t;
	tdpsim_sim *sim;
	tdpsim_event ev;
	FILE *f;
	int r;

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	fputs(setup, f);
	fputs(more, f);
	fclose(f);
	ck_assert_int_eq(tdpsim_trace_open(&t, path), 0);
	ck_assert_int_eq(tdpsim_sim_new(&sim, NULL), 0);
	while ((r = tdpsim_trace_next(t, &ev)) == 1)
		ck_assert_msg(tdpsim_sim_apply(sim, &ev) >= 0, "%s", last_message());
	ck_assert_int_eq(r, 0);
	tdpsim_trace_free(t);
	unlink(path);
	return sim;
}

START_TEST(kvm_walk_sets_accessed_everywhere_and_dirty_only_on_a_write)
{
	tdpsim_sim *sim = replay("guest-map gva=0x400000 gpa=0x400000 size=8K page=4k prot=rw "
				 "user=1 ad=0\n"
				 "access vcpu=0 gva=0x400000 op=r\n"
				 "access vcpu=0 gva=0x401000 op=w\n");
	struct guest_mm *g = sim->machine.guest;

	/* FNAME(update_accessed_dirty_bits): A at every level walked; D on the written leaf. */
	for (int level = 4; level >= 2; level--)
		ck_assert(guest_read_pte(g, 0, 0x400000, level) & PT_ACCESSED_MASK);
	ck_assert(guest_read_pte(g, 0, 0x400000, 1) & PT_ACCESSED_MASK);
	ck_assert(!(guest_read_pte(g, 0, 0x400000, 1) & PT_DIRTY_MASK));
	ck_assert(guest_read_pte(g, 0, 0x401000, 1) & PT_DIRTY_MASK);
	ck_assert_int_eq(kvm_mmu_check(&sim->machine.kvm), 0);
	tdpsim_sim_free(sim);
}
END_TEST

/* A supervisor read of a not-present page has #PF error code 0 (no P, W, U, I/D bit): the
 * processor still faults, KVM's walk finds no guest mapping and injects the #PF
 * (paging_tmpl.h FNAME(page_fault) -> kvm_inject_emulated_page_fault); nothing is cached. */
START_TEST(supervisor_read_of_an_unmapped_page_exits_and_the_guest_takes_the_pf)
{
	tdpsim_sim *sim = replay("guest-map gva=0x400000 gpa=0x400000 size=4K page=4k prot=rw user=1\n"
				 "access vcpu=0 gva=0x400000 op=r\n"
				 "access vcpu=0 gva=0x403000 op=r cpl=0\n");
	tdpsim_stats st;

	tdpsim_sim_stats(sim, &st);
	ck_assert_uint_eq(st.pf_taken, 2);    /* the mapped page's fault, then the #PF exit */
	ck_assert_uint_eq(st.pf_guest, 1);    /* injected: the guest has no mapping */
	ck_assert_uint_eq(st.dtlb_hits_4k + st.stlb_hits, 0); /* nothing translated it */
	tdpsim_sim_free(sim);
}
END_TEST

START_TEST(check_finds_a_shadow_leaf_its_sync_gpte_no_longer_allows)
{
	tdpsim_sim *sim = replay("guest-map gva=0x400000 gpa=0x400000 size=8K page=4k prot=rw "
				 "user=1 ad=1\n"
				 "access vcpu=0 gva=0x400000 op=w\n");

	ck_assert_int_eq(kvm_mmu_check(&sim->machine.kvm), 0);
	/* The gpte loses W behind KVM's back (the PT page is write-protected: a real guest's
	 * store would have faulted and unsynced it). */
	guest_write_u64(sim->machine.guest, 0x203000 + 8 * 0, 0x400000 | 0x65);
	ck_assert_int_eq(kvm_mmu_check(&sim->machine.kvm), TDPSIM_EINTERNAL);
	ck_assert(strstr(last_message(), "in sync") != NULL);
	tdpsim_sim_free(sim);
}
END_TEST

START_TEST(check_allows_an_unsync_table_to_differ_until_invalidated)
{
	tdpsim_sim *sim = replay("guest-map gva=0x400000 gpa=0x400000 size=8K page=4k prot=rw "
				 "user=1 ad=1\n"
				 "access vcpu=0 gva=0x400000 op=w\n"
				 "gpte vcpu=0 gva=0x400000 level=1 value=0x400065\n");

	/* The store unsynced the PT's page: the guest may change it unseen. */
	ck_assert_uint_eq(sim->stats.mmu_unsync, 1);
	ck_assert_int_eq(kvm_mmu_check(&sim->machine.kvm), 0);
	tdpsim_sim_free(sim);
}
END_TEST

START_TEST(check_finds_write_tracking_that_differs_from_the_shadowed_tables)
{
	tdpsim_sim *sim = replay("guest-map gva=0x400000 gpa=0x400000 size=8K page=4k prot=rw "
				 "user=1 ad=1\n"
				 "access vcpu=0 gva=0x400000 op=w\n");
	struct kvm_memory_slot *slot = memslots_by_gfn(&sim->machine.kvm.memslots, 0x202);

	/* The PD (gfn 0x202) is shadowed at level 2: tracked once. */
	ck_assert_uint_eq(slot->gfn_write_track[0x202], 1);
	slot->gfn_write_track[0x202] = 0;
	ck_assert_int_eq(kvm_mmu_check(&sim->machine.kvm), TDPSIM_EINTERNAL);
	ck_assert(strstr(last_message(), "write-tracked") != NULL);
	tdpsim_sim_free(sim);
}
END_TEST

START_TEST(check_finds_a_shadow_leaf_the_host_no_longer_backs)
{
	tdpsim_sim *sim = replay("guest-map gva=0x400000 gpa=0x400000 size=8K page=4k prot=rw "
				 "user=1 ad=1\n"
				 "access vcpu=0 gva=0x400000 op=w\n");
	struct kvm *kvm = &sim->machine.kvm;
	uint64_t *sptep;
	int level;

	sptep = kvm_mmu_get_last_sptep(kvm, kvm->vcpus[0].arch.mmu->root.hpa, 0x400, &level);
	ck_assert_int_eq(level, 1);
	*sptep += 1ull << PAGE_SHIFT; /* another frame */
	ck_assert_int_eq(kvm_mmu_check(kvm), TDPSIM_EINTERNAL);
	tdpsim_sim_free(sim);
}
END_TEST

static Suite *shadow_suite(void)
{
	Suite *s = suite_create("shadow");
	TCase *tc = tcase_create("shadow");

	tcase_add_test(tc, kvm_walk_sets_accessed_everywhere_and_dirty_only_on_a_write);
	tcase_add_test(tc, supervisor_read_of_an_unmapped_page_exits_and_the_guest_takes_the_pf);
	tcase_add_test(tc, check_finds_a_shadow_leaf_its_sync_gpte_no_longer_allows);
	tcase_add_test(tc, check_allows_an_unsync_table_to_differ_until_invalidated);
	tcase_add_test(tc, check_finds_write_tracking_that_differs_from_the_shadowed_tables);
	tcase_add_test(tc, check_finds_a_shadow_leaf_the_host_no_longer_backs);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(shadow_suite)

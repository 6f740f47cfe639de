/* SPDX-License-Identifier: MIT */
/*
 * --check's TLB rule (cpu/vcpu.c, vcpu_check_tlbs): every cached translation is still what
 * EPT gives, because KVM flushes every vCPU's TLBs when it zaps or takes a permission away.
 * A machine is built here from its parts, with the flush KVM requests wired to a switch, so
 * that a missing flush - which the simulator itself never commits - can be made on purpose.
 */
#include <check.h>
#include <string.h>

#include "check_main.h"
#include "cpu/model.h"
#include "kvm/profile.h"
#include "machine.h"
#include "tdpsim/tdpsim.h"
#include "host/host.h"
#include "test_util.h"

#define SLOT_GPA 0x40000000ull
#define SLOT_HVA 0x7f0000000000ull
#define PT_HVA 0x7e0000000000ull

struct rig {
	struct machine m;
	tdpsim_stats stats;
	tdpsim_hooks hooks;
	bool flush_works;    /* does kvm_flush_remote_tlbs reach the TLBs? */
	unsigned flushes;
};

static void rig_flush(void *ctx)
{
	struct rig *r = ctx;

	r->flushes++;
	if (r->flush_works)
		tlb_flush_all(r->m.vcpus[0].tlb);
}

/* One vCPU, 2 MiB of guest page tables and 2 MiB of data at 1 GiB over 4K host pages, mapped
 * by the guest with 4K pages; KVM 6.18 on skylake-sp. */
static void rig_start(struct rig *r)
{
	struct machine *m = &r->m;

	memset(r, 0, sizeof(*r));
	r->flush_works = true;
	r->hooks.version = TDPSIM_HOOKS_VERSION;
	m->stats = &r->stats;
	vcpu_counters_init(m);
	m->cpu = cpu_model_lookup("skylake-sp");
	ck_assert_ptr_nonnull(m->cpu);
	m->nr_vcpus = 1;
	m->vcpus = calloc(1, sizeof(*m->vcpus));
	ck_assert_ptr_nonnull(m->vcpus);
	m->vcpus[0].vpid = 1;
	ck_assert_int_eq(tlb_new(&m->vcpus[0].tlb, m->cpu, NULL), 0);
	ck_assert_int_eq(host_mm_new(&m->host, 4, NULL), 0);
	ck_assert_int_eq(guest_mm_new(&m->guest, 4, NULL), 0);
	/* Skylake-SP: 4-level EPT, 46-bit MAXPHYADDR (its model) */
	struct kvm_mmu_setup setup = { .tdp_enabled = true, .tdp_mmu = true,
				       .tdp_max_root_level = 4, .host_maxphyaddr = 46,
				       .guest_maxphyaddr = 46, .ad_enabled = true };

	ck_assert_int_eq(kvm_init(&m->kvm, m->host, NULL, &r->stats, 1, kvm_profile_find("6.18"),
				  &setup, NULL), 0);
	vcpu_attach(m, 0);
	m->kvm.flush_tlbs = rig_flush;
	m->kvm.flush_ctx = r;
	m->kvm.hooks = &r->hooks;
	ck_assert_int_eq(kvm_set_memory_region(&m->kvm, 0, 0, 0, 2 << 20, PT_HVA), 0);
	ck_assert_int_eq(host_backing_add_kind(m->host, PT_HVA, 2 << 20, TDPSIM_BACKING_4K, 1), 0);
	ck_assert_int_eq(kvm_set_memory_region(&m->kvm, 1, 0, SLOT_GPA, 2 << 20, SLOT_HVA), 0);
	ck_assert_int_eq(host_backing_add_kind(m->host, SLOT_HVA, 2 << 20, TDPSIM_BACKING_4K, 1), 0);
	ck_assert_int_eq(guest_pt_add(m->guest, 0, 2 << 20), 0);
	ck_assert_int_eq(guest_map(m->guest, 0, SLOT_GPA, SLOT_GPA, 2 << 20, 1,
				   TDPSIM_PROT_R | TDPSIM_PROT_W, 1, 1), 0);
}

static void rig_stop(struct rig *r)
{
	kvm_destroy(&r->m.kvm);
	guest_mm_free(r->m.guest);
	host_mm_free(r->m.host);
	tlb_free(r->m.vcpus[0].tlb);
	free(r->m.vcpus);
}

START_TEST(check_accepts_tlb_entries_that_ept_still_backs)
{
	struct rig r;

	rig_start(&r);
	for (uint64_t p = 0; p < 64; p++)
		ck_assert_int_eq(vcpu_access(&r.m, 0, SLOT_GPA + p * 4096, TDPSIM_OP_WRITE, 3), 0);
	ck_assert_uint_gt(r.stats.dtlb_misses_4k, 0);
	ck_assert_int_eq(vcpu_check_tlbs(&r.m), 0);
	rig_stop(&r);
}
END_TEST

START_TEST(check_catches_a_tlb_entry_that_outlives_its_ept_mapping)
{
	struct rig r;
	const tdpsim_error *e;

	rig_start(&r);
	ck_assert_int_eq(vcpu_access(&r.m, 0, SLOT_GPA, TDPSIM_OP_WRITE, 3), 0);
	/* The VMM unmaps the data: the MMU notifier zaps the leaf and KVM asks for a flush,
	 * which this time does not reach the TLB. */
	r.flush_works = false;
	ck_assert_int_eq(host_munmap(r.m.host, SLOT_HVA, 2 << 20), 0);
	ck_assert_uint_gt(r.flushes, 0);
	ck_assert_int_eq(vcpu_check_tlbs(&r.m), TDPSIM_EINTERNAL);
	e = tdpsim_error_last();
	ck_assert_ptr_nonnull(strstr(e->message, "vcpu 0's dtlb_4k maps gva 0x40000000"));
	ck_assert_ptr_nonnull(strstr(e->message, "a missing TLB flush"));
	rig_stop(&r);
}
END_TEST

START_TEST(check_catches_a_write_permission_kept_after_write_protection)
{
	struct rig r;
	const tdpsim_error *e;

	rig_start(&r);
	ck_assert_int_eq(vcpu_access(&r.m, 0, SLOT_GPA, TDPSIM_OP_WRITE, 3), 0);
	/* Dirty logging on: KVM write-protects the slot and flushes - here in vain. */
	r.flush_works = false;
	ck_assert_int_eq(kvm_set_memory_region(&r.m.kvm, 1, TDPSIM_MEM_LOG_DIRTY_PAGES, SLOT_GPA,
					       2 << 20, SLOT_HVA), 0);
	ck_assert_uint_gt(r.flushes, 0);
	ck_assert_int_eq(vcpu_check_tlbs(&r.m), TDPSIM_EINTERNAL);
	e = tdpsim_error_last();
	ck_assert_ptr_nonnull(strstr(e->message, "0x40000000 (size level 1)"));
	ck_assert_ptr_nonnull(strstr(e->message, " w, but EPT maps"));
	/* With the flush, nothing is left to catch. */
	r.flush_works = true;
	rig_flush(&r);
	ck_assert_int_eq(vcpu_check_tlbs(&r.m), 0);
	rig_stop(&r);
}
END_TEST

START_TEST(check_accepts_a_larger_entry_left_by_a_split_without_a_flush)
{
	struct rig r;

	/* KVM splits a huge leaf without a flush (tdp_mmu_split_huge_page): the larger entry
	 * still translates as the smaller leaves do.  Here the dTLB keeps a 2M entry while EPT
	 * maps the range with 4K leaves: the guest maps 2M, EPT too (hugetlb), then an NX
	 * exec fault splits EPT's leaf. */
	rig_start(&r);
	ck_assert_int_eq(host_munmap(r.m.host, SLOT_HVA, 2 << 20), 0);
	ck_assert_int_eq(host_backing_add_kind(r.m.host, SLOT_HVA, 2 << 20, TDPSIM_BACKING_HUGETLB2M, 1),
			 0);
	ck_assert_int_eq(guest_map(r.m.guest, 0, SLOT_GPA, SLOT_GPA, 2 << 20, 2,
				   TDPSIM_PROT_R | TDPSIM_PROT_W | TDPSIM_PROT_X, 1, 1), 0);
	r.m.kvm.config.nx_huge_pages = true;
	ck_assert_int_eq(vcpu_access(&r.m, 0, SLOT_GPA, TDPSIM_OP_READ, 3), 0);
	ck_assert_uint_eq(r.stats.dtlb_misses_2m, 1);
	ck_assert_uint_eq(r.stats.pages_2m, 1);
	r.flushes = 0;
	ck_assert_int_eq(vcpu_access(&r.m, 0, SLOT_GPA + 4096, TDPSIM_OP_EXEC, 3), 0);
	ck_assert_uint_eq(r.stats.nx_lpage_splits, 1);
	ck_assert_uint_eq(r.flushes, 0);
	ck_assert_int_eq(vcpu_check_tlbs(&r.m), 0);
	/* the 2M dTLB entry is still there, over 4K leaves */
	ck_assert_int_eq(tlb_lookup(r.m.vcpus[0].tlb, TLB_DATA, SLOT_GPA + 8192, 1, 0).where, 1);
	rig_stop(&r);
}
END_TEST

static Suite *tlb_check_suite(void)
{
	Suite *s = suite_create("tlb_check");
	TCase *tc = tcase_create("check");

	tcase_add_test(tc, check_accepts_tlb_entries_that_ept_still_backs);
	tcase_add_test(tc, check_catches_a_tlb_entry_that_outlives_its_ept_mapping);
	tcase_add_test(tc, check_catches_a_write_permission_kept_after_write_protection);
	tcase_add_test(tc, check_accepts_a_larger_entry_left_by_a_split_without_a_flush);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(tlb_check_suite)

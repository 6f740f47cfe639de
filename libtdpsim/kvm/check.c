/* SPDX-License-Identifier: MIT */
/*
 * --check for KVM's tables, after KVM's own BUG/WARN checks (tdp_mmu.c handle_changed_spte,
 * spte.h check_spte_writable_invariants): the stats equal a recount, the NX list is what
 * nx_lpage_splits says, every present leaf lies in a memslot and agrees with the host's
 * tables, the writable flags nest, and no huge leaf is executable while NX is on.
 */
#include <inttypes.h>

#include "core/error.h"
#include "kvm/mmu.h"
#include "kvm/shadow_mmu.h"
#include "kvm/tdp_mmu.h"

struct recount {
	uint64_t pages[KVM_MAX_HUGEPAGE_LEVEL];
	uint64_t tables;
};

static int check_leaf(const struct kvm *kvm, uint64_t gfn, int level, uint64_t spte)
{
	const struct kvm_memory_slot *slot =
		memslots_by_gfn((struct kvm_memslots *)&kvm->memslots, gfn);
	struct host_page hp;
	uint64_t hva;

	/* Writable implies MMU-writable, and Dirty - except where PML cleared D for dirty
	 * logging, where make_spte built it over a writable SPTE before 6.13 (no Dirty
	 * there: profile make_spte_old_writable), or on an A/D-less SPTE (no D at all). */
	if (is_writable_pte(spte) &&
	    (!is_mmu_writable_spte(spte) ||
	     (!(spte & SPTE_DIRTY_MASK) && !kvm->config.pml && spte_ad_enabled(spte) &&
	      kvm->profile->make_spte_old_writable == OLD_WRITABLE_LEAF_NO_UNSYNC)))
		return err_set(TDPSIM_EINTERNAL, "check: writable SPTE at gfn 0x%" PRIx64
			       " without MMU-writable or Dirty", gfn);
	if (is_mmu_writable_spte(spte) && !(spte & SPTE_HOST_WRITABLE))
		return err_set(TDPSIM_EINTERNAL, "check: MMU-writable SPTE at gfn 0x%" PRIx64
			       " without host-writable", gfn);
	if (level > PG_LEVEL_4K && is_executable_pte(spte) && is_nx_huge_page_enabled(kvm))
		return err_set(TDPSIM_EINTERNAL, "check: executable huge SPTE at gfn 0x%" PRIx64
			       " level %d while the NX workaround is on", gfn, level);
	if ((gfn | spte_to_pfn(spte)) & (pages_per_hpage(level) - 1))
		return err_set(TDPSIM_EINTERNAL, "check: level-%d leaf at gfn 0x%" PRIx64
			       " not aligned with its pfn", level, gfn);
	if (!slot || gfn + pages_per_hpage(level) > slot->base_gfn + slot->npages)
		return err_set(TDPSIM_EINTERNAL, "check: leaf at gfn 0x%" PRIx64 " level %d "
			       "outside every memslot", gfn, level);
	hva = slot->userspace_addr + ((gfn - slot->base_gfn) << PAGE_SHIFT);
	if (!host_lookup(kvm->host, hva, &hp) || hp.pfn != spte_to_pfn(spte) ||
	    hp.level < level)
		return err_set(TDPSIM_EINTERNAL, "check: leaf at gfn 0x%" PRIx64 " level %d "
			       "(pfn 0x%" PRIx64 ") disagrees with the host's mapping of hva 0x%"
			       PRIx64, gfn, level, spte_to_pfn(spte), hva);
	if ((spte & SPTE_HOST_WRITABLE) && !hp.writable)
		return err_set(TDPSIM_EINTERNAL, "check: host-writable SPTE at gfn 0x%" PRIx64
			       " over a read-only host page", gfn);
	return 0;
}

static int walk_table(const struct kvm *kvm, const struct kvm_mmu_page *sp, struct recount *rc)
{
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		uint64_t spte = sp->spt[i], gfn = sp->gfn + i * pages_per_hpage(sp->role.level);
		int r;

		if (!is_shadow_present_pte(spte))
			continue;
		if (is_last_spte(spte, sp->role.level)) {
			rc->pages[sp->role.level - 1]++;
			if ((r = check_leaf(kvm, gfn, sp->role.level, spte)) < 0)
				return r;
			continue;
		}
		{
			const struct kvm_mmu_page *child = spte_to_child_sp(&kvm->pool, spte);

			if (child->role.level != sp->role.level - 1 || child->gfn != gfn)
				return err_set(TDPSIM_EINTERNAL, "check: table at gfn 0x%" PRIx64
					       " has the wrong level or gfn", gfn);
			rc->tables++;
			if ((r = walk_table(kvm, child, rc)) < 0)
				return r;
		}
	}
	return 0;
}

int kvm_mmu_check(const struct kvm *kvm)
{
	struct recount rc = { { 0 }, 0 };
	const struct kvm_mmu_page *root;
	uint64_t listed = 0;
	int r;

	/* The rmap-based pages (the legacy MMU's, or a TDP VM's nested ones), then the TDP
	 * MMU's tables: pages_* counts the leaves of both, as KVM's stats do. */
	if (kvm->mmu_page_hash && (r = kvm_shadow_mmu_check(kvm, rc.pages)) < 0)
		return r;
	if (!kvm->tdp_enabled && (r = kvm_shadow_paging_check(kvm)) < 0)
		return r;
	for_each_tdp_mmu_root(kvm, root)
		if ((r = walk_table(kvm, root, &rc)) < 0)
			return r;
	if (rc.pages[0] != kvm->stats->pages_4k || rc.pages[1] != kvm->stats->pages_2m ||
	    rc.pages[2] != kvm->stats->pages_1g)
		return err_set(TDPSIM_EINTERNAL, "check: pages_4k/2m/1g %" PRIu64 "/%" PRIu64 "/%"
			       PRIu64 " but the tables hold %" PRIu64 "/%" PRIu64 "/%" PRIu64,
			       kvm->stats->pages_4k, kvm->stats->pages_2m, kvm->stats->pages_1g,
			       rc.pages[0], rc.pages[1], rc.pages[2]);
	if (rc.tables != kvm->stats->tdp_mmu_pages)
		return err_set(TDPSIM_EINTERNAL, "check: tdp_mmu_pages %" PRIu64 " but %" PRIu64
			       " tables are linked", kvm->stats->tdp_mmu_pages, rc.tables);
	for (int t = 0; t < KVM_NR_MMU_TYPES; t++) {
		const struct kvm_possible_nx_huge_pages *l = &kvm->possible_nx_huge_pages[t];
		uint64_t in_list = 0;

		for (uint32_t id = l->head; id != SP_NONE; id = sp_by_id(&kvm->pool, id)->nx_next) {
			const struct kvm_mmu_page *sp = sp_by_id(&kvm->pool, id);

			if (!sp->tracked || !sp->nx_huge_page_disallowed)
				return err_set(TDPSIM_EINTERNAL, "check: an SP on the NX list is "
					       "not tracked and tagged");
			in_list++;
		}
		if (in_list != l->nr_pages)
			return err_set(TDPSIM_EINTERNAL, "check: NX list %d counts %" PRIu64
				       " pages but holds %" PRIu64, t, l->nr_pages, in_list);
		listed += in_list;
	}
	if (listed != kvm->stats->nx_lpage_splits)
		return err_set(TDPSIM_EINTERNAL, "check: nx_lpage_splits %" PRIu64 " but the "
			       "list holds %" PRIu64, kvm->stats->nx_lpage_splits, listed);
	return 0;
}

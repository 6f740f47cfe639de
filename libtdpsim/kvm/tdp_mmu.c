/* SPDX-License-Identifier: MIT */
/*
 * The TDP MMU (KVM's tdp_mmu.c): roots by role on kvm->tdp_mmu_roots
 * (one, shared by the vCPUs, as long as no vCPU runs in SMM or L2), walked with the
 * tdp_iter.  Every SPTE change goes through handle_changed_spte, which keeps pages_4k/2m/1g
 * and frees unlinked tables, exactly where KVM does it.  Single-threaded, so the atomic
 * cmpxchg of KVM always succeeds here and FROZEN SPTEs are not needed.
 */
#include "core/error.h"
#include "kvm/dirty_log.h"
#include "kvm/mmu.h"
#include "kvm/mmu_internal.h"
#include "kvm/tdp_iter.h"
#include "kvm/tdp_mmu.h"

static void handle_changed_spte(struct kvm *kvm, uint64_t gfn, uint64_t old_spte,
				uint64_t new_spte, int level);

/* The hooks of a change at `level`: the TDP MMU's pages have their root's role, a level
 * down per level (tdp_mmu_init_child_sp). */
static void tdp_mmu_report(const struct kvm *kvm, int level, uint64_t gfn, uint64_t old_spte,
			   uint64_t new_spte)
{
	union kvm_mmu_page_role role = sp_by_id(&kvm->pool, kvm->tdp_mmu_roots)->role;

	role.level = (unsigned)level;
	kvm_mmu_report_spte_change(kvm, role, true, gfn, old_spte, new_spte);
}

/* handle_removed_pt: a table was unlinked; its entries go, recursively, then the page. */
static void handle_removed_pt(struct kvm *kvm, struct kvm_mmu_page *sp)
{
	int level = sp->role.level;

	untrack_possible_nx_huge_page(kvm, sp, KVM_TDP_MMU);
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		uint64_t old = sp->spt[i];

		sp->spt[i] = SHADOW_NONPRESENT_VALUE;
		handle_changed_spte(kvm, sp->gfn + i * pages_per_hpage(level), old,
				    SHADOW_NONPRESENT_VALUE, level);
	}
	sp_release(&kvm->pool, sp);
	kvm->stats->tdp_mmu_pages--;
}

/* handle_changed_spte: the side effects of every SPTE write. */
static void handle_changed_spte(struct kvm *kvm, uint64_t gfn, uint64_t old_spte,
				uint64_t new_spte, int level)
{
	bool was_present = is_shadow_present_pte(old_spte);
	bool is_present = is_shadow_present_pte(new_spte);
	bool was_leaf = was_present && is_last_spte(old_spte, level);
	bool is_leaf = is_present && is_last_spte(new_spte, level);

	if (old_spte == new_spte)
		return;
	if (kvm_spte_hooked(kvm))
		tdp_mmu_report(kvm, level, gfn, old_spte, new_spte);
	if (was_present && !is_present)
		kvm->work.zapped++;
	if (was_leaf != is_leaf)
		kvm_update_page_stats(kvm, level, is_leaf ? 1 : -1);
	if (was_present && !was_leaf && (!is_present || is_leaf))
		handle_removed_pt(kvm, spte_to_child_sp(&kvm->pool, old_spte));
}

static void tdp_mmu_iter_set_spte(struct kvm *kvm, struct tdp_iter *iter, uint64_t new_spte)
{
	uint64_t old = iter->old_spte;

	*iter->sptep = new_spte;
	iter->old_spte = new_spte;
	handle_changed_spte(kvm, iter->gfn, old, new_spte, iter->level);
}

/* tdp_mmu_alloc_sp + tdp_mmu_init_child_sp: the child's role is its parent's, one level
 * down. */
static struct kvm_mmu_page *tdp_mmu_alloc_sp(struct kvm *kvm, struct tdp_iter *iter)
{
	struct kvm_mmu_page *parent = tdp_iter_sp(iter);
	union kvm_mmu_page_role role = parent->role;
	struct kvm_mmu_page *sp;

	role.level--;
	sp = sp_alloc(&kvm->pool, role, iter->gfn);
	if (sp) {
		sp->parent = parent->id;
		sp->tdp_mmu_page = true;
	}
	return sp;
}

int kvm_tdp_mmu_get_vcpu_root_hpa(struct kvm_vcpu *vcpu, uint64_t *hpa)
{
	struct kvm *kvm = vcpu->kvm;
	union kvm_mmu_page_role role = vcpu->arch.mmu->root_role;
	struct kvm_mmu_page *root;

	/* A valid root of the same role is shared (all vCPUs outside SMM have one role). */
	for_each_tdp_mmu_root(kvm, root)
		if (root->role.word == role.word && !root->role.invalid) {
			*hpa = sp_pfn(root) << PAGE_SHIFT;
			return 0;
		}
	root = sp_alloc(&kvm->pool, role, 0);
	if (!root)
		return TDPSIM_ENOMEM;
	root->tdp_mmu_page = true;
	root->next_root = kvm->tdp_mmu_roots;
	kvm->tdp_mmu_roots = root->id;
	*hpa = sp_pfn(root) << PAGE_SHIFT;
	return 0;
}

/* tdp_mmu_link_sp: point the iterator's SPTE at the new table. */
static void tdp_mmu_link_sp(struct kvm *kvm, struct tdp_iter *iter, struct kvm_mmu_page *sp)
{
	kvm->stats->tdp_mmu_pages++;
	tdp_mmu_iter_set_spte(kvm, iter, make_nonleaf_spte(&spte_masks_ept, sp_pfn(sp)));
}

/* tdp_mmu_split_huge_page (6.2+): fill the new table with the huge page's 512 pieces, then
 * link it.  The translation does not change, so no TLB flush. */
static void tdp_mmu_split_huge_page(struct kvm *kvm, struct tdp_iter *iter,
				    struct kvm_mmu_page *sp)
{
	bool nx = is_nx_huge_page_enabled(kvm);
	uint64_t first = make_small_spte(iter->old_spte, sp->role.level, 0, nx);
	uint64_t step = pages_per_hpage(sp->role.level) << PAGE_SHIFT;

	/* make_small_spte for each child: the same bits, the frame advancing by one child. */
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		sp->spt[i] = first + i * step;
	kvm_update_page_stats(kvm, sp->role.level, PT_ENTRIES);
	kvm->work.split_tables++;
	if (kvm->hooks->on_split)
		kvm->hooks->on_split(iter->gfn, iter->level, kvm->hooks->payload);
	tdp_mmu_link_sp(kvm, iter, sp);
}

/* Before 6.2: zap the huge SPTE (with a flush: all its translations go), then link an
 * empty table. */
static void tdp_mmu_zap_then_link(struct kvm *kvm, struct tdp_iter *iter,
				  struct kvm_mmu_page *sp)
{
	if (kvm->hooks->on_zap)
		kvm->hooks->on_zap(iter->gfn, iter->level, iter->old_spte, kvm->hooks->payload);
	tdp_mmu_iter_set_spte(kvm, iter, SHADOW_NONPRESENT_VALUE);
	kvm_flush_remote_tlbs(kvm);
	tdp_mmu_link_sp(kvm, iter, sp);
}

/* tdp_mmu_map_handle_target_level (tdp_mmu.c). */
static int tdp_mmu_map_handle_target_level(struct kvm_vcpu *vcpu,
					   struct kvm_page_fault *fault, struct tdp_iter *iter)
{
	struct kvm *kvm = vcpu->kvm;
	uint64_t old = iter->old_spte, new_spte;
	int ret = RET_PF_FIXED;
	bool wrprot = false;

	if (kvm->profile->target_spurious_early_out && is_shadow_present_pte(old) &&
	    is_last_spte(old, iter->level) && (fault->prefetch || is_access_allowed(fault, old)))
		return RET_PF_SPURIOUS;
	kvm->work.make_spte++;
	if (!fault->slot)
		new_spte = make_mmio_spte(&spte_masks_ept, iter->gfn, kvm->memslots_generation);
	else
		wrprot = make_spte(vcpu, tdp_iter_sp(iter), fault->slot, ACC_ALL, iter->gfn,
				   fault->pfn, old, fault->prefetch, false, fault->map_writable,
				   &new_spte);
	if (new_spte == old) {
		ret = RET_PF_SPURIOUS;
	} else {
		/* KVM never moves a present leaf to another frame in place (it BUGs). */
		if (is_shadow_present_pte(old) && is_last_spte(old, iter->level) &&
		    spte_to_pfn(old) != spte_to_pfn(new_spte))
			return err_set(TDPSIM_EINTERNAL,
				       "kvm: leaf at gfn 0x%llx level %d would change frame in place",
				       (unsigned long long)iter->gfn, iter->level);
		tdp_mmu_iter_set_spte(kvm, iter, new_spte);
		/* A huge leaf replaced a table: the table's translations must go. */
		if (is_shadow_present_pte(old) && !is_last_spte(old, iter->level))
			kvm_flush_remote_tlbs(kvm);
	}
	/* A write to a gfn KVM write-tracks (a guest table the shadow MMU shadows: only with
	 * nested shadow pages beside the TDP MMU). */
	if (wrprot && fault->write)
		ret = kvm->profile->write_protected_result ? RET_PF_WRITE_PROTECTED
							   : RET_PF_EMULATE;
	if (is_mmio_spte(new_spte)) {
		kvm_count_pf(kvm, &vcpu->stat.pf_mmio_spte_created,
			     &kvm->stats->pf_mmio_spte_created); /* 5.19+ */
		ret = RET_PF_EMULATE;
	}
	return ret;
}

int kvm_tdp_mmu_map(struct kvm_vcpu *vcpu, struct kvm_page_fault *fault)
{
	struct kvm *kvm = vcpu->kvm;
	struct kvm_mmu_page *root = root_to_sp(kvm, vcpu->arch.mmu->root.hpa);
	struct tdp_iter iter;

	kvm_mmu_hugepage_adjust(kvm, fault);
	kvm_mmu_apply_hugepage_policy(kvm, fault);
	for_each_tdp_pte(iter, &kvm->pool, root, fault->gfn, fault->gfn + 1) {
		struct kvm_mmu_page *sp;

		kvm->work.map_levels++;
		if (fault->nx_huge_page_workaround_enabled)
			disallowed_hugepage_adjust(kvm, fault, iter.old_spte, iter.level);
		if (iter.level == fault->goal_level)
			return tdp_mmu_map_handle_target_level(vcpu, fault, &iter);
		/* Step down into an existing table; replace nothing else. */
		if (is_shadow_present_pte(iter.old_spte) && !is_large_pte(iter.old_spte))
			continue;
		sp = tdp_mmu_alloc_sp(kvm, &iter);
		if (!sp)
			return TDPSIM_ENOMEM;
		sp->nx_huge_page_disallowed = fault->huge_page_disallowed;
		if (!is_shadow_present_pte(iter.old_spte))
			tdp_mmu_link_sp(kvm, &iter, sp);
		else if (kvm->profile->split_on_fault)
			tdp_mmu_split_huge_page(kvm, &iter, sp);
		else
			tdp_mmu_zap_then_link(kvm, &iter, sp);
		/* Track it if a huge page could have been used here but for NX (1.10.3). */
		if (fault->huge_page_disallowed && fault->req_level >= iter.level)
			track_possible_nx_huge_page(kvm, sp, KVM_TDP_MMU);
	}
	/* The walk ends at goal_level at the latest; getting here is a bug. */
	return err_set(TDPSIM_EINTERNAL, "kvm: walk for gfn 0x%llx ended above goal level %d",
		       (unsigned long long)fault->gfn, fault->goal_level);
}

/* tdp_mmu_zap_leafs: every leaf of one root that maps part of [start, end). */
static bool tdp_mmu_zap_leafs(struct kvm *kvm, struct kvm_mmu_page *root, uint64_t start,
			      uint64_t end)
{
	struct tdp_iter iter;
	bool flush = false;

	for_each_tdp_pte(iter, &kvm->pool, root, start, end) {
		if (!is_shadow_present_pte(iter.old_spte) ||
		    !is_last_spte(iter.old_spte, iter.level))
			continue;
		if (kvm->hooks->on_zap)
			kvm->hooks->on_zap(iter.gfn, iter.level, iter.old_spte, kvm->hooks->payload);
		tdp_mmu_iter_set_spte(kvm, &iter, SHADOW_NONPRESENT_VALUE);
		flush = true;
	}
	return flush;
}

bool kvm_tdp_mmu_unmap_gfn_range(struct kvm *kvm, uint64_t start, uint64_t end)
{
	struct kvm_mmu_page *root;
	bool flush = false;

	for_each_tdp_mmu_root(kvm, root)
		flush |= tdp_mmu_zap_leafs(kvm, root, start, end);
	return flush;
}

/*
 * __kvm_tdp_mmu_age_gfn_range: each young leaf of [start, end) in every root, aged
 * (kvm_tdp_mmu_age_spte: A cleared, or access-tracked without A/D) unless only testing,
 * where the first young one answers.  Aging is not a zap: no stats move, hooks see it.
 */
bool kvm_tdp_mmu_age_gfn_range(struct kvm *kvm, uint64_t start, uint64_t end, bool test_only)
{
	struct kvm_mmu_page *root;
	bool young = false;

	for_each_tdp_mmu_root(kvm, root) {
		struct tdp_iter iter;

		for_each_tdp_pte(iter, &kvm->pool, root, start, end) {
			if (!is_shadow_present_pte(iter.old_spte) ||
			    !is_last_spte(iter.old_spte, iter.level) ||
			    !is_accessed_spte(kvm->spte, iter.old_spte))
				continue;
			if (test_only)
				return true;
			young = true;
			kvm->work.aged++;
			tdp_mmu_iter_set_spte(kvm, &iter,
					      mark_spte_for_access_track(kvm->spte, iter.old_spte));
		}
	}
	return young;
}

/* Zapping a root's entries frees every table below through handle_removed_pt. */
static bool tdp_mmu_zap_root(struct kvm *kvm, struct kvm_mmu_page *root)
{
	bool flush = false;

	int level = (int)root->role.level;

	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		uint64_t old = root->spt[i];
		uint64_t gfn = i * pages_per_hpage(level);

		if (!is_shadow_present_pte(old))
			continue;
		if (kvm->hooks->on_zap)
			kvm->hooks->on_zap(gfn, level, old, kvm->hooks->payload);
		root->spt[i] = SHADOW_NONPRESENT_VALUE;
		handle_changed_spte(kvm, gfn, old, SHADOW_NONPRESENT_VALUE, level);
		flush = true;
	}
	return flush;
}

bool kvm_tdp_mmu_zap_all(struct kvm *kvm)
{
	struct kvm_mmu_page *root;
	bool flush = false;

	for_each_tdp_mmu_root(kvm, root)
		flush |= tdp_mmu_zap_root(kvm, root);
	return flush;
}

/* kvm_tdp_mmu_invalidate_all_roots: no vCPU may use a root from now on. */
static void kvm_tdp_mmu_invalidate_all_roots(struct kvm *kvm)
{
	struct kvm_mmu_page *root;

	for_each_tdp_mmu_root(kvm, root)
		root->role.invalid = 1;
}

/* The last reference to each invalid root is put (kvm_tdp_mmu_put_root): it leaves the list
 * and its page is freed.  Its translations need no flush: no vCPU can reach it. */
static void tdp_mmu_free_invalid_roots(struct kvm *kvm)
{
	uint32_t *link = &kvm->tdp_mmu_roots;

	while (*link != SP_NONE) {
		struct kvm_mmu_page *root = sp_by_id(&kvm->pool, *link);

		if (!root->role.invalid) {
			link = &root->next_root;
			continue;
		}
		*link = root->next_root;
		sp_release(&kvm->pool, root);
	}
}

bool kvm_tdp_mmu_zap_all_fast(struct kvm *kvm)
{
	struct kvm_mmu_page *root;
	bool flush = false;

	if (kvm->profile->tdp_fast_zap == TDP_ZAP_IN_PLACE) /* 5.10: kvm_tdp_mmu_zap_all */
		return kvm_tdp_mmu_zap_all(kvm);
	kvm_tdp_mmu_invalidate_all_roots(kvm);
	/* kvm_tdp_mmu_zap_invalidated_roots: every SPTE is gone before the fast zap returns
	 * (a memslot being deleted must not stay mapped). */
	for_each_tdp_mmu_root(kvm, root)
		flush |= tdp_mmu_zap_root(kvm, root);
	/* KVM_REQ_MMU_FREE_OBSOLETE_ROOTS: each vCPU puts its invalid root and loads a new
	 * one (kvm_mmu_load flushes the new root's context). */
	if (kvm->reload_vcpus)
		kvm->reload_vcpus(kvm->flush_ctx);
	tdp_mmu_free_invalid_roots(kvm);
	/* 5.18 "Overhaul TDP MMU zapping and flushing": invalidated roots are unreachable, so
	 * zapping them needs no flush; before, the zap flushed. */
	return flush && kvm->profile->tdp_fast_zap == TDP_ZAP_INVALIDATE_FLUSH;
}

uint64_t *kvm_tdp_mmu_get_last_sptep(const struct kvm *kvm, const struct kvm_mmu_page *root,
				     uint64_t gfn, int *level)
{
	const uint64_t *spt = root->spt;

	/* Every EPT check of every access comes through here: follow the links straight to
	 * the child tables, one load per level as the hardware does, not via the SPs. */
	for (int l = (int)root->role.level;; l--) {
		uint64_t *sptep = (uint64_t *)&spt[gfn_index(gfn, l)];

		if (!is_shadow_present_pte(*sptep) || is_last_spte(*sptep, l)) {
			*level = l;
			return sptep;
		}
		spt = spte_to_child_spt(&kvm->pool, *sptep);
	}
}

/* ---- dirty logging (kvm_tdp_mmu_try_split_huge_pages, kvm_tdp_mmu_recover_huge_pages) ---- */

/* Clear `bit` (W, or D for PML) on the leaves of `sp` (and below) that map part of
 * [start, end), at min_level or above.  A table at a time, in a tight loop: after an eager
 * split this runs over millions of leaves.  Only that bit changes, so no stats move; hooks
 * still see each change. */
static bool clear_leaf_bit(struct kvm *kvm, struct kvm_mmu_page *sp, uint64_t start,
			   uint64_t end, int min_level, uint64_t bit)
{
	uint64_t span = pages_per_hpage(sp->role.level);
	unsigned first = sp->gfn >= start ? 0 : (unsigned)((start - sp->gfn) / span);
	bool flush = false;

	for (unsigned i = first; i < PT_ENTRIES; i++) {
		uint64_t gfn = sp->gfn + i * span, spte = sp->spt[i];

		if (gfn >= end)
			break;
		if (!is_shadow_present_pte(spte))
			continue;
		if (!is_last_spte(spte, sp->role.level)) {
			if (sp->role.level > min_level)
				flush |= clear_leaf_bit(kvm, spte_to_child_sp(&kvm->pool, spte),
							start, end, min_level, bit);
			continue;
		}
		if (sp->role.level < min_level || !(spte & bit))
			continue;
		sp->spt[i] = spte & ~bit;
		if (kvm_spte_hooked(kvm))
			kvm_mmu_report_spte_change(kvm, sp->role, true, gfn, spte, sp->spt[i]);
		flush = true;
	}
	return flush;
}

/* kvm_tdp_mmu_wrprot_slot: clear W on every leaf of the slot at min_level or above; KVM's
 * MMU-writable bit stays, so the fast path can give W back (and log the page). */
bool kvm_tdp_mmu_wrprot_slot(struct kvm *kvm, const struct kvm_memory_slot *slot, int min_level)
{
	struct kvm_mmu_page *root;
	bool flush = false;

	for_each_tdp_mmu_root(kvm, root)
		flush |= clear_leaf_bit(kvm, root, slot->base_gfn, slot->base_gfn + slot->npages,
					min_level, VMX_EPT_WRITABLE_MASK);
	return flush;
}

/* kvm_tdp_mmu_clear_dirty_slot (PML): clear D on every leaf of the slot, W kept; the
 * processor sets D again, and logs the GPA, at the next write. */
bool kvm_tdp_mmu_clear_dirty_slot(struct kvm *kvm, const struct kvm_memory_slot *slot)
{
	struct kvm_mmu_page *root;
	bool flush = false;

	for_each_tdp_mmu_root(kvm, root)
		flush |= clear_leaf_bit(kvm, root, slot->base_gfn, slot->base_gfn + slot->npages,
					PG_LEVEL_4K, SPTE_DIRTY_MASK);
	return flush;
}

/* kvm_tdp_mmu_clear_dirty_pt_masked: the 4K leaves of the pages in `mask` lose W (wrprot)
 * or D (PML); huge leaves are not touched here. */
void kvm_tdp_mmu_clear_dirty_pt_masked(struct kvm *kvm, uint64_t gfn, uint64_t mask,
				       bool wrprot)
{
	uint64_t bit = wrprot ? VMX_EPT_WRITABLE_MASK : SPTE_DIRTY_MASK;
	struct kvm_mmu_page *root;

	for_each_tdp_mmu_root(kvm, root)
		for (uint64_t m = mask; m; m &= m - 1) {
			uint64_t g = gfn + (uint64_t)__builtin_ctzll(m);
			int level;
			uint64_t *sptep = kvm_tdp_mmu_get_last_sptep(kvm, root, g, &level);
			uint64_t old = *sptep;

			if (level != PG_LEVEL_4K || !is_shadow_present_pte(old) || !(old & bit))
				continue;
			*sptep = old & ~bit; /* only that bit: no stats move */
			if (kvm_spte_hooked(kvm))
				tdp_mmu_report(kvm, level, g, old, *sptep);
		}
}

/* kvm_tdp_mmu_write_protect_gfn: the leaf mapping gfn at min_level or above loses W and
 * MMU-writable, so only the slow path can make it writable again. */
bool kvm_tdp_mmu_write_protect_gfn(struct kvm *kvm, uint64_t gfn, int min_level)
{
	struct kvm_mmu_page *root;
	struct tdp_iter iter;
	bool flush = false;

	for_each_tdp_mmu_root(kvm, root)
	for_each_tdp_pte_min_level(iter, &kvm->pool, root, min_level, gfn, gfn + 1) {
		if (!is_shadow_present_pte(iter.old_spte) ||
		    !is_last_spte(iter.old_spte, iter.level) ||
		    !(iter.old_spte & (VMX_EPT_WRITABLE_MASK | SPTE_MMU_WRITABLE)))
			continue;
		tdp_mmu_iter_set_spte(kvm, &iter, iter.old_spte & ~(VMX_EPT_WRITABLE_MASK |
								     SPTE_MMU_WRITABLE));
		flush = true;
	}
	return flush;
}

/* kvm_tdp_mmu_try_split_huge_pages: every huge leaf in [start, end) above target_level is
 * split; the walk is pre-order, so a 1G page becomes 512 x 2M and each of those 512 x 4K in
 * the same pass.  The new tables are not NX-tagged; no TLB flush (nothing is unmapped). */
void kvm_tdp_mmu_try_split_huge_pages(struct kvm *kvm, uint64_t start, uint64_t end,
				      int target_level)
{
	struct kvm_mmu_page *root;
	struct tdp_iter iter;

	for_each_tdp_mmu_root(kvm, root)
	for_each_tdp_pte_min_level(iter, &kvm->pool, root, target_level + 1, start, end) {
		struct kvm_mmu_page *sp;

		if (!is_shadow_present_pte(iter.old_spte) || !is_large_pte(iter.old_spte))
			continue;
		sp = tdp_mmu_alloc_sp(kvm, &iter);
		if (!sp)
			return; /* what is left splits lazily, as after KVM's -ENOMEM */
		tdp_mmu_split_huge_page(kvm, &iter, sp);
	}
}

/* make_huge_spte (6.13+): a huge leaf from one of its small pieces. */
static uint64_t make_huge_spte(const struct kvm *kvm, uint64_t small_spte, int level)
{
	uint64_t huge = small_spte | SPTE_PAGE_SIZE_MASK;
	uint64_t pfn = spte_to_pfn(small_spte) & ~(pages_per_hpage(level) - 1);

	huge = (huge & ~SPTE_PFN_MASK) | (pfn << PAGE_SHIFT);
	if (is_nx_huge_page_enabled(kvm))
		huge &= ~VMX_EPT_EXECUTABLE_MASK;
	return huge;
}

/* The first present leaf under the table `spte` links to (kvm_tdp_mmu_make_huge_spte). */
static bool first_leaf_below(const struct kvm *kvm, uint64_t spte, uint64_t *leaf)
{
	struct kvm_mmu_page *child = spte_to_child_sp(&kvm->pool, spte);
	struct tdp_iter iter;

	for_each_tdp_pte(iter, &kvm->pool, child, child->gfn,
			 child->gfn + pages_per_hpage(child->role.level + 1)) {
		if (is_shadow_present_pte(iter.old_spte) && is_last_spte(iter.old_spte, iter.level)) {
			*leaf = iter.old_spte;
			return true;
		}
	}
	return false;
}

/* ≤ 5.18: zap the leaves that could be mapped larger; their tables stay. */
static void zap_collapsible_leaves(struct kvm *kvm, const struct kvm_memory_slot *slot)
{
	uint64_t start = slot->base_gfn, end = start + slot->npages;
	struct kvm_mmu_page *root;
	struct tdp_iter iter;

	for_each_tdp_mmu_root(kvm, root)
	for_each_tdp_pte(iter, &kvm->pool, root, start, end) {
		if (!is_shadow_present_pte(iter.old_spte) || !is_last_spte(iter.old_spte, iter.level) ||
		    iter.gfn < start || iter.gfn >= end)
			continue;
		if (iter.level >= kvm_mmu_max_mapping_level(kvm, slot, iter.gfn, KVM_MAX_HUGEPAGE_LEVEL))
			continue;
		if (kvm->hooks->on_zap)
			kvm->hooks->on_zap(iter.gfn, iter.level, iter.old_spte, kvm->hooks->payload);
		tdp_mmu_iter_set_spte(kvm, &iter, SHADOW_NONPRESENT_VALUE);
		kvm_flush_remote_tlbs(kvm); /* a successful atomic zap flushes */
	}
}

/* 5.19-6.12 (zap the table) and 6.13+ (a huge leaf in its place): every table at 2M or 1G
 * whose region the memslot and the host allow to be mapped at that level. */
static void recover_tables(struct kvm *kvm, const struct kvm_memory_slot *slot, bool in_place)
{
	uint64_t start = slot->base_gfn, end = start + slot->npages;
	struct kvm_mmu_page *root;
	struct tdp_iter iter;
	bool flush = false;

	for_each_tdp_mmu_root(kvm, root)
	for_each_tdp_pte_min_level(iter, &kvm->pool, root, PG_LEVEL_2M, start, end) {
		uint64_t huge;

		if (iter.level > KVM_MAX_HUGEPAGE_LEVEL || !is_shadow_present_pte(iter.old_spte) ||
		    is_last_spte(iter.old_spte, iter.level))
			continue;
		/* A region that starts outside the slot cannot be made huge (and its
		 * lpage_info does not exist). */
		if (iter.gfn < start || iter.gfn >= end)
			continue;
		if (kvm_mmu_max_mapping_level(kvm, slot, iter.gfn, KVM_MAX_HUGEPAGE_LEVEL) < iter.level)
			continue;
		if (!in_place) {
			if (kvm->hooks->on_zap)
				kvm->hooks->on_zap(iter.gfn, iter.level, iter.old_spte,
						   kvm->hooks->payload);
			tdp_mmu_iter_set_spte(kvm, &iter, SHADOW_NONPRESENT_VALUE);
			kvm_flush_remote_tlbs(kvm); /* a successful atomic zap flushes */
			continue;
		}
		if (!first_leaf_below(kvm, iter.old_spte, &huge))
			continue;
		tdp_mmu_iter_set_spte(kvm, &iter, make_huge_spte(kvm, huge, iter.level));
		flush = true;
	}
	if (flush)
		kvm_flush_remote_tlbs(kvm); /* kvm_flush_remote_tlbs_memslot */
}

void kvm_tdp_mmu_recover_huge_pages(struct kvm *kvm, const struct kvm_memory_slot *slot)
{
	switch (kvm->profile->log_off_recovery) {
	case LOG_OFF_ZAP_LEAVES:
		zap_collapsible_leaves(kvm, slot);
		break;
	case LOG_OFF_ZAP_COLLAPSIBLE:
		recover_tables(kvm, slot, false);
		break;
	default:
		recover_tables(kvm, slot, true);
		break;
	}
}

/* ---- NX recovery ---- */

/* kvm_tdp_mmu_zap_possible_nx_huge_page: clear the SPTE that links sp; sp and everything
 * below go. */
void kvm_tdp_mmu_zap_possible_nx_huge_page(struct kvm *kvm, struct kvm_mmu_page *sp)
{
	struct kvm_mmu_page *parent = sp_by_id(&kvm->pool, sp->parent);
	int level = sp->role.level + 1;
	uint64_t *ptep = &parent->spt[gfn_index(sp->gfn, level)];
	uint64_t old = *ptep;

	if (kvm->hooks->on_zap)
		kvm->hooks->on_zap(sp->gfn, level, old, kvm->hooks->payload);
	*ptep = SHADOW_NONPRESENT_VALUE;
	handle_changed_spte(kvm, sp->gfn, old, SHADOW_NONPRESENT_VALUE, level);
}

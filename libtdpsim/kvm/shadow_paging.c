/* SPDX-License-Identifier: MIT */
/*
 * What only shadow paging needs of the rmap-based MMU, after KVM's mmu.c and page_track.c:
 * write tracking of the guest tables KVM shadows (account_shadowed: an upper-level table's
 * gfn is write-tracked, a 4K table's only keeps huge pages off its region; both are
 * write-protected), unsync 4K tables (mmu_try_to_unsync_pages) and their sync
 * (kvm_sync_page, mmu_sync_children, kvm_mmu_sync_roots, INVLPG), the emulated guest write
 * to a tracked table (kvm_mmu_track_write), and the shadow roots a vCPU keeps per guest CR3
 * (mmu_alloc_shadow_roots, fast_pgd_switch with KVM_MMU_NUM_PREV_ROOTS cached roots).
 */
#include <inttypes.h>
#include <string.h>

#include "core/error.h"
#include "kvm/mmu.h"
#include "kvm/mmu_internal.h"
#include "kvm/shadow_mmu.h"

#define GOLDEN_RATIO_64 0x61C8864680B583EBull /* include/linux/hash.h */

static inline uint32_t gfn_bucket(uint64_t gfn)
{
	return (uint32_t)((gfn * GOLDEN_RATIO_64) >> (64 - KVM_MMU_HASH_SHIFT));
}

/* for_each_gfn_valid_sp_with_gptes: the next valid guest-table page of gfn after *id. */
static struct kvm_mmu_page *next_gfn_sp_with_gptes(const struct kvm *kvm, uint64_t gfn,
						   uint32_t *id)
{
	while (*id != SP_NONE) {
		struct kvm_mmu_page *sp = sp_by_id(&kvm->pool, *id);

		*id = sp->hash_next;
		if (sp->gfn == gfn && sp_has_gptes(sp) && !sp->role.invalid &&
		    sp->mmu_valid_gen == kvm->mmu_valid_gen)
			return sp;
	}
	return NULL;
}

#define for_each_gfn_valid_sp_with_gptes(kvm, sp, gfn, id)                                  \
	for (uint32_t id = (kvm)->mmu_page_hash[gfn_bucket(gfn)];                            \
	     ((sp) = next_gfn_sp_with_gptes(kvm, gfn, &id)) != NULL;)

/* ---- write tracking (page_track.c) and account_shadowed (mmu.c) ---- */

bool kvm_gfn_is_write_tracked(const struct kvm *kvm, const struct kvm_memory_slot *slot,
			      uint64_t gfn)
{
	(void)kvm;
	return slot && slot->gfn_write_track && gfn >= slot->base_gfn &&
	       gfn < slot->base_gfn + slot->npages && slot->gfn_write_track[gfn - slot->base_gfn];
}

bool kvm_gfn_has_shadow_pages(const struct kvm *kvm, uint64_t gfn)
{
	struct kvm_mmu_page *sp;

	if (!kvm->indirect_shadow_pages)
		return false;
	for_each_gfn_valid_sp_with_gptes(kvm, sp, gfn, id)
		return true;
	return false;
}

/* __kvm_write_track_add_gfn: tracked, no huge page over it, and no writable SPTE maps it. */
static void kvm_write_track_add_gfn(struct kvm *kvm, struct kvm_memory_slot *slot, uint64_t gfn)
{
	slot->gfn_write_track[gfn - slot->base_gfn]++;
	kvm_mmu_gfn_disallow_lpage(slot, gfn);
	if (kvm_mmu_slot_gfn_write_protect(kvm, slot, gfn, PG_LEVEL_4K))
		kvm_flush_remote_tlbs(kvm);
}

/*
 * account_shadowed: a page now shadows the guest table at sp->gfn.  An upper-level table is
 * kept read-only for good (write-tracked); a 4K table only loses its writable SPTEs, since
 * it may go unsync later.  Either way no huge page may map its region.  A table outside
 * every memslot is shadowed all the same (KVM reads it through no slot: the walk failed
 * before), with nothing to protect.
 */
void account_shadowed(struct kvm *kvm, struct kvm_mmu_page *sp)
{
	struct kvm_memory_slot *slot = memslots_by_gfn(&kvm->memslots, sp->gfn);

	kvm->indirect_shadow_pages++;
	if (!slot)
		return;
	if (sp->role.level > PG_LEVEL_4K) {
		kvm_write_track_add_gfn(kvm, slot, sp->gfn);
		return;
	}
	kvm_mmu_gfn_disallow_lpage(slot, sp->gfn);
	if (kvm_mmu_slot_gfn_write_protect(kvm, slot, sp->gfn, PG_LEVEL_4K))
		kvm_flush_remote_tlbs(kvm); /* kvm_flush_remote_tlbs_gfn */
}

void unaccount_shadowed(struct kvm *kvm, struct kvm_mmu_page *sp)
{
	struct kvm_memory_slot *slot = memslots_by_gfn(&kvm->memslots, sp->gfn);

	kvm->indirect_shadow_pages--;
	if (!slot)
		return;
	if (sp->role.level > PG_LEVEL_4K)
		slot->gfn_write_track[sp->gfn - slot->base_gfn]--;
	kvm_mmu_gfn_allow_lpage(slot, sp->gfn);
}

/* ---- unsync ---- */

/* kvm_unsync_page: the guest may now write the table without KVM seeing it. */
static void kvm_unsync_page(struct kvm *kvm, struct kvm_mmu_page *sp)
{
	kvm->stats->mmu_unsync++;
	sp->unsync = true;
	kvm_mmu_mark_parents_unsync(kvm, sp);
}

void kvm_unlink_unsync_page(struct kvm *kvm, struct kvm_mmu_page *sp)
{
	sp->unsync = false;
	kvm->stats->mmu_unsync--;
}

/*
 * mmu_try_to_unsync_pages (mmu.c): a write-tracked gfn stays write-protected (-EPERM); the
 * 4K guest tables at gfn go unsync, unless KVM is synchronizing (-EPERM) or prefetching
 * (-EEXIST: a prefetch does not unsync), so the SPTE may be writable.
 */
int mmu_try_to_unsync_pages(struct kvm *kvm, const struct kvm_memory_slot *slot, uint64_t gfn,
			    bool synchronizing, bool prefetch)
{
	struct kvm_mmu_page *sp;

	if (!kvm->indirect_shadow_pages) /* no guest table is shadowed anywhere */
		return 0;
	/* Every shadowed table disallows the huge pages over it (account_shadowed): where the
	 * 2M region is not disallowed, no table here is shadowed or tracked - nothing to look
	 * up in mmu_page_hash. */
	if (slot && !lpage_disallowed(slot, gfn, PG_LEVEL_2M))
		return 0;
	if (kvm_gfn_is_write_tracked(kvm, slot, gfn))
		return -1;
	for_each_gfn_valid_sp_with_gptes(kvm, sp, gfn, id) {
		if (synchronizing)
			return -1;
		if (sp->unsync)
			continue;
		if (prefetch)
			return -2;
		kvm_unsync_page(kvm, sp); /* only 4K tables get here: the others are tracked */
	}
	return 0;
}

/* ---- sync ---- */

/* __kvm_sync_page: each SPTE re-made from its gpte (FNAME(sync_spte)); < 0 if the page
 * must be zapped: a gpte that cannot be read (-1) sticks in the OR as KVM's does. */
static int __kvm_sync_page(struct kvm_vcpu *vcpu, struct kvm_mmu_page *sp)
{
	int flush = 0;

	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		int ret;

		if (!is_shadow_present_pte(sp->spt[i])) /* kvm_sync_spte */
			continue;
		ret = vcpu->arch.mmu->sync_spte(vcpu, sp, (int)i);
		if (ret < -1)
			return -1;
		flush |= ret;
	}
	return flush;
}

/*
 * FNAME(sync_page) before 5.16 (profile shadow_sync): the SPTEs left present are counted,
 * and with none (or a gpte that cannot be read) the page is zapped.  The page flushes every
 * vCPU itself where a kept SPTE lost its writability or - 5.15 - an SPTE was dropped; 5.10
 * only counts a dropped SPTE in kvm->tlbs_dirty for the next flush.  1: synced.
 */
static int sync_page_nr_present(struct kvm_vcpu *vcpu, struct kvm_mmu_page *sp)
{
	struct kvm *kvm = vcpu->kvm;
	bool remote = false;
	int nr_present = 0;

	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		int ret;

		if (!is_shadow_present_pte(sp->spt[i]))
			continue;
		if ((ret = vcpu->arch.mmu->sync_spte(vcpu, sp, (int)i)) < 0)
			return -1;
		if (!is_shadow_present_pte(sp->spt[i])) { /* dropped */
			if (kvm->profile->shadow_sync == SHADOW_SYNC_TLBS_DIRTY)
				kvm->tlbs_dirty++;
			else
				remote = true;
			continue;
		}
		nr_present++;
		remote |= ret > 0;
	}
	if (remote)
		kvm_flush_remote_tlbs(kvm);
	return nr_present ? 1 : -1;
}

int kvm_sync_page(struct kvm_vcpu *vcpu, struct kvm_mmu_page *sp)
{
	int ret = shadow_flushes_current(vcpu->kvm) ? sync_page_nr_present(vcpu, sp)
						    : __kvm_sync_page(vcpu, sp);

	if (ret < 0)
		kvm_mmu_prepare_zap_page(vcpu->kvm, sp);
	return ret;
}

/*
 * struct kvm_mmu_pages (mmu.c): up to KVM_PAGE_ARRAY_NR pages found below a parent by one
 * mmu_unsync_walk - the upper-level pages on the way, each with the index of the entry that
 * links it, and the unsync 4K pages - which mmu_sync_children then handles as one batch.
 */
#define KVM_PAGE_ARRAY_NR 16
#define INVALID_INDEX (-1)

struct kvm_mmu_pages {
	struct { struct kvm_mmu_page *sp; int idx; } page[KVM_PAGE_ARRAY_NR];
	unsigned nr;
};

/* mmu_pages_add: true once the array is full (an unsync page already in it is not added). */
static bool mmu_pages_add(struct kvm_mmu_pages *pvec, struct kvm_mmu_page *sp, int idx)
{
	if (sp->unsync)
		for (unsigned i = 0; i < pvec->nr; i++)
			if (pvec->page[i].sp == sp)
				return false;
	pvec->page[pvec->nr].sp = sp;
	pvec->page[pvec->nr].idx = idx;
	return ++pvec->nr == KVM_PAGE_ARRAY_NR;
}

/* __mmu_unsync_walk: the unsync pages below sp, counted; bits that no longer lead to one
 * are cleared on the way; -1 once the array is full. */
static int __mmu_unsync_walk(const struct kvm *kvm, struct kvm_mmu_page *sp,
			     struct kvm_mmu_pages *pvec)
{
	int nr_unsync_leaf = 0;

	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		uint64_t ent = sp->spt[i];
		struct kvm_mmu_page *child;
		int ret;

		if (!(sp->unsync_child_bitmap[i / 64] & 1ull << (i % 64)))
			continue;
		if (!is_shadow_present_pte(ent) || is_large_pte(ent)) {
			clear_unsync_child_bit(sp, i);
			continue;
		}
		child = spte_to_child_sp(&kvm->pool, ent);
		if (child->unsync_children) {
			if (mmu_pages_add(pvec, child, (int)i))
				return -1;
			if ((ret = __mmu_unsync_walk(kvm, child, pvec)) < 0)
				return ret;
			if (!ret)
				clear_unsync_child_bit(sp, i);
			nr_unsync_leaf += ret;
		} else if (child->unsync) {
			nr_unsync_leaf++;
			if (mmu_pages_add(pvec, child, (int)i))
				return -1;
		} else {
			clear_unsync_child_bit(sp, i);
		}
	}
	return nr_unsync_leaf;
}

static int mmu_unsync_walk(const struct kvm *kvm, struct kvm_mmu_page *sp,
			   struct kvm_mmu_pages *pvec)
{
	pvec->nr = 0;
	if (!sp->unsync_children)
		return 0;
	mmu_pages_add(pvec, sp, INVALID_INDEX);
	return __mmu_unsync_walk(kvm, sp, pvec);
}

/* struct mmu_page_path: the upper-level pages above the 4K page for_each_sp is at, and the
 * index of the entry linking each level's page in the one above. */
struct mmu_page_path { /* PT_MAX_LEVEL: PT64_ROOT_MAX_LEVEL */
	struct kvm_mmu_page *parent[PT_MAX_LEVEL];
	int idx[PT_MAX_LEVEL];
};

/* mmu_pages_next: the next 4K page of the array after i, with the path to it. */
static unsigned mmu_pages_next(const struct kvm_mmu_pages *pvec, struct mmu_page_path *parents,
			       unsigned i)
{
	unsigned n;

	for (n = i + 1; n < pvec->nr; n++) {
		struct kvm_mmu_page *sp = pvec->page[n].sp;
		int level = sp->role.level;

		parents->idx[level - 1] = pvec->page[n].idx;
		if (level == PG_LEVEL_4K)
			break;
		parents->parent[level - 2] = sp;
	}
	return n;
}

static unsigned mmu_pages_first(const struct kvm_mmu_pages *pvec, struct mmu_page_path *parents)
{
	int level;

	if (!pvec->nr)
		return 0;
	level = pvec->page[0].sp->role.level;
	parents->parent[level - 2] = pvec->page[0].sp;
	parents->parent[level - 1] = NULL; /* the sentinel: the walk's parent is the top */
	return mmu_pages_next(pvec, parents, 0);
}

/* mmu_pages_clear_parents: the synced page's bit in its parent, and upwards while a parent
 * has no unsync children left. */
static void mmu_pages_clear_parents(struct mmu_page_path *parents)
{
	struct kvm_mmu_page *sp;
	unsigned level = 0;

	do {
		sp = parents->parent[level];
		if (!sp)
			return;
		clear_unsync_child_bit(sp, (unsigned)parents->idx[level]);
		level++;
	} while (!sp->unsync_children);
}

#define for_each_sp(pvec, sp, parents, i)                                                     \
	for (i = mmu_pages_first(&pvec, &parents);                                            \
	     i < pvec.nr && ((sp = pvec.page[i].sp), 1); i = mmu_pages_next(&pvec, &parents, i))

/*
 * mmu_sync_children: batch by batch, the unsync pages below parent are write-protected
 * again (one flush for the batch if that took a writable SPTE away), then each no longer
 * unsync and synced from its gptes; one flush at the end if a sync asked for one (or the
 * commit of the pages a sync had to zap).
 */
void mmu_sync_children(struct kvm_vcpu *vcpu, struct kvm_mmu_page *parent)
{
	struct kvm *kvm = vcpu->kvm;
	struct mmu_page_path parents;
	struct kvm_mmu_pages pages;
	struct kvm_mmu_page *sp;
	bool flush = false;
	unsigned i;

	memset(&parents, 0, sizeof(parents));
	while (mmu_unsync_walk(kvm, parent, &pages)) {
		bool protected = false;

		for_each_sp(pages, sp, parents, i)
			protected |= kvm_mmu_slot_gfn_write_protect(kvm,
					memslots_by_gfn(&kvm->memslots, sp->gfn), sp->gfn,
					PG_LEVEL_4K);
		if (protected) {
			kvm_flush_remote_tlbs(kvm);
			flush = false;
		}
		for_each_sp(pages, sp, parents, i) {
			kvm_unlink_unsync_page(kvm, sp);
			flush |= kvm_sync_page(vcpu, sp) > 0;
			mmu_pages_clear_parents(&parents);
		}
	}
	/* Before 5.16 (kvm_mmu_flush_or_zap) the syncs flushed for themselves and `flush`
	 * asks for the current vCPU's TLB, unless zapped pages were committed. */
	if (shadow_flushes_current(kvm)) {
		if (!kvm_mmu_remote_flush_or_zap(kvm, false) && flush)
			kvm_flush_tlb_current(vcpu);
		return;
	}
	kvm_mmu_remote_flush_or_zap(kvm, flush);
}

/* kvm_mmu_sync_roots (KVM_REQ_MMU_SYNC): the current root's unsync pages, at a CR3 load. */
void kvm_mmu_sync_roots(struct kvm_vcpu *vcpu)
{
	struct kvm_mmu *mmu = vcpu->arch.mmu;
	struct kvm_mmu_page *sp;

	if (mmu->root_role.direct || mmu->root.hpa == INVALID_PAGE)
		return;
	sp = root_to_sp(vcpu->kvm, mmu->root.hpa);
	if (sp->unsync || sp->unsync_children)
		mmu_sync_children(vcpu, sp);
}

/* __kvm_mmu_invalidate_addr: on the walk of gva from root, each unsync page's SPTE is
 * synced from its gpte (or zapped if that fails), down to the last page with unsync
 * children. */
static void invalidate_addr(struct kvm_vcpu *vcpu, struct kvm_mmu *mmu, uint64_t gva,
			    uint64_t root_hpa)
{
	struct kvm *kvm = vcpu->kvm;
	struct kvm_mmu_page *sp = root_to_sp(kvm, root_hpa);

	for (;;) {
		unsigned i = pt_index(gva, sp->role.level);
		uint64_t spte = sp->spt[i];

		if (sp->unsync && is_shadow_present_pte(spte)) {
			int ret = mmu->sync_spte(vcpu, sp, (int)i);

			if (ret < 0)
				mmu_page_zap_pte(kvm, sp, i);
			if (ret)
				kvm_flush_remote_tlbs(kvm); /* kvm_flush_remote_tlbs_sptep */
		}
		if (!sp->unsync_children || !is_shadow_present_pte(spte) ||
		    is_last_spte(spte, sp->role.level))
			return;
		sp = spte_to_child_sp(&kvm->pool, spte);
	}
}

/* One root: up to 6.3 the MMU's invlpg (kvm_mmu_invalidate_gva calling mmu->invlpg), from
 * 6.4 the sync in place above. */
static void invalidate_addr_in_root(struct kvm_vcpu *vcpu, struct kvm_mmu *mmu, uint64_t gva,
				    uint64_t root_hpa)
{
	if (mmu->invlpg)
		mmu->invlpg(vcpu, gva, root_hpa);
	else
		invalidate_addr(vcpu, mmu, gva, root_hpa);
}

void kvm_mmu_invalidate_addr(struct kvm_vcpu *vcpu, struct kvm_mmu *mmu, uint64_t addr,
			     unsigned roots)
{
	struct kvm *kvm = vcpu->kvm;

	/* For guest_mmu addr is an L2 gpa: no linear address of the processor's to flush. */
	if (mmu != &vcpu->arch.guest_mmu && kvm->flush_tlb_gva)
		kvm->flush_tlb_gva(kvm->flush_ctx, vcpu->vcpu_idx, addr);
	if (!mmu->sync_spte)
		return;
	if ((roots & KVM_MMU_ROOT_CURRENT) && mmu->root.hpa != INVALID_PAGE)
		invalidate_addr_in_root(vcpu, mmu, addr, mmu->root.hpa);
	for (int r = 0; r < KVM_MMU_NUM_PREV_ROOTS; r++)
		if ((roots & KVM_MMU_ROOT_PREVIOUS(r)) && mmu->prev_roots[r].hpa != INVALID_PAGE)
			invalidate_addr_in_root(vcpu, mmu, addr, mmu->prev_roots[r].hpa);
}

/* kvm_mmu_invlpg: INVLPG reaches global mappings whatever the PCID, so every cached root
 * is synced at gva. */
void kvm_mmu_invlpg(struct kvm_vcpu *vcpu, uint64_t gva)
{
	kvm_mmu_invalidate_addr(vcpu, vcpu->arch.walk_mmu, gva, KVM_MMU_ROOTS_ALL);
	vcpu->stat.invlpg++;
	vcpu->kvm->stats->invlpg++;
}

/* ---- an emulated write to a write-protected guest table (kvm_mmu_track_write) ---- */

/* detect_write_misaligned: a write that is not one whole gpte (a 1-byte write to a gpte's
 * first byte, as clear_bit does, counts as aligned). */
static bool detect_write_misaligned(uint64_t gpa, unsigned bytes)
{
	unsigned offset = (unsigned)(gpa & (PAGE_SIZE - 1));

	if (!(offset & 7) && bytes == 1)
		return false;
	return ((offset ^ (offset + bytes - 1)) & ~7u) || bytes < 4;
}

/* detect_write_flooding: an upper-level table written three times without the guest using
 * it in between is no longer a table (4K tables go unsync instead). */
static bool detect_write_flooding(struct kvm_mmu_page *sp)
{
	if (sp->role.level == PG_LEVEL_4K)
		return false;
	return ++sp->write_flooding_count >= 3;
}

void kvm_mmu_track_write(struct kvm_vcpu *vcpu, uint64_t gpa, uint64_t new_gpte, unsigned bytes)
{
	struct kvm *kvm = vcpu->kvm;
	uint64_t gfn = gpa >> PAGE_SHIFT;
	struct kvm_mmu_page *sp;
	bool flush = false;

	if (!kvm->indirect_shadow_pages)
		return;
	kvm->stats->mmu_pte_write++;
	for_each_gfn_valid_sp_with_gptes(kvm, sp, gfn, id) {
		unsigned i = (unsigned)(gpa & (PAGE_SIZE - 1)) / 8;

		if (detect_write_misaligned(gpa, bytes) || detect_write_flooding(sp)) {
			kvm_mmu_prepare_zap_page(kvm, sp);
			kvm->stats->mmu_flooded++;
			continue;
		}
		/* get_written_sptes: the one SPTE the 8-byte gpte is behind; it is zapped, to be
		 * rebuilt from the new gpte at the next fault. */
		if (mmu_page_zap_pte(kvm, sp, i))
			flush = true;
		if (new_gpte && sp->role.level != PG_LEVEL_4K)
			kvm->stats->mmu_pde_zapped++;
	}
	kvm_mmu_remote_flush_or_zap(kvm, flush);
}

/* ---- shadow roots (mmu_alloc_shadow_roots, fast_pgd_switch) ---- */

/* mmu_first_shadow_root_alloc: a TDP VM's first shadow page (for L2) brings what the rmap
 * MMU needs - mmu_page_hash and the lists here, rmaps and write tracking for every memslot
 * (kvm_shadow_root_allocated from then on), and the pages' shadowed_translation arrays
 * (kvm_mmu_alloc_shadow_page gives every indirect page one).  A shadow-paging VM has all of
 * it from the start; the legacy TDP MMU (tdp_mmu=0) has the hash and the rmaps, but neither
 * write tracking nor translations (its pages are direct): KVM too allocates what is missing
 * (kvm_memslots_have_rmaps, kvm_page_track_write_tracking_enabled). */
static int mmu_first_shadow_root_alloc(struct kvm *kvm)
{
	int r;

	if (kvm->shadow_root_allocated)
		return 0;
	/* Each step allocates only what is missing, so a failed one is resumed next time. */
	if ((r = memslots_alloc_shadow_metadata(&kvm->memslots)) < 0 ||
	    (r = sp_pool_enable_translations(&kvm->pool)) < 0 ||
	    (!kvm->mmu_page_hash && (r = kvm_shadow_mmu_init_vm(kvm)) < 0))
		return r;
	kvm->shadow_root_allocated = true;
	return 0;
}

int mmu_check_root(const struct kvm_vcpu *vcpu, uint64_t pgd, const char *what)
{
	if (memslots_by_gfn(&vcpu->kvm->memslots, pgd >> PAGE_SHIFT))
		return 0;
	return err_set(TDPSIM_EINPUT, "vcpu %u: %s at gpa 0x%" PRIx64 " is in no memslot: "
		       "a shadow MMU needs the tables it shadows in guest memory (KVM would run "
		       "on a dummy root)", vcpu->vcpu_idx, what, pgd & ~(uint64_t)0xfff);
}

int mmu_alloc_shadow_roots(struct kvm_vcpu *vcpu)
{
	struct kvm_mmu *mmu = vcpu->arch.mmu;
	uint64_t pgd = mmu->get_guest_pgd(vcpu);
	struct kvm_mmu_page *sp;
	int r;

	if ((r = mmu_check_root(vcpu, pgd, mmu == &vcpu->arch.guest_mmu
						? "L1's EPT12 root" : "the guest's top-level page table")) < 0)
		return r;
	if ((r = mmu_first_shadow_root_alloc(vcpu->kvm)) < 0)
		return r;
	sp = kvm_mmu_get_shadow_page(vcpu, pgd >> PAGE_SHIFT, mmu->root_role);
	if (!sp)
		return TDPSIM_ENOMEM;
	sp->root_count++;
	mmu->root.hpa = sp_pfn(sp) << PAGE_SHIFT;
	mmu->root.pgd = pgd;
	return 0;
}

/* is_root_usable: a cached root for this pgd and role. */
static bool is_root_usable(const struct kvm *kvm, const struct kvm_mmu_root_info *root,
			   uint64_t pgd, union kvm_mmu_page_role role)
{
	return root->hpa != INVALID_PAGE && root->pgd == pgd &&
	       root_to_sp(kvm, root->hpa)->role.word == role.word;
}

/* cached_root_find_and_keep_current / _without_current: the root for pgd among the cached
 * ones; the current one is kept in the cache (rotating it), or, when none is found, the
 * oldest is let go and the vCPU loads a new root before it runs again. */
static bool fast_pgd_switch(struct kvm *kvm, struct kvm_mmu *mmu, uint64_t pgd)
{
	union kvm_mmu_page_role role = mmu->root_role;

	if (mmu->root.hpa != INVALID_PAGE && is_root_usable(kvm, &mmu->root, pgd, role))
		return true;
	for (int i = 0; i < KVM_MMU_NUM_PREV_ROOTS; i++) {
		struct kvm_mmu_root_info t = mmu->root;

		mmu->root = mmu->prev_roots[i];
		mmu->prev_roots[i] = t;
		if (is_root_usable(kvm, &mmu->root, pgd, role))
			return true;
	}
	if (mmu->root.hpa != INVALID_PAGE)
		mmu_free_root(kvm, &mmu->root.hpa);
	return false;
}

void kvm_mmu_new_pgd(struct kvm_vcpu *vcpu, uint64_t new_pgd)
{
	struct kvm_mmu *mmu = vcpu->arch.mmu;

	if (!fast_pgd_switch(vcpu->kvm, mmu, new_pgd))
		return; /* kvm_mmu_reload loads a root for it before the next entry */
	root_to_sp(vcpu->kvm, mmu->root.hpa)->write_flooding_count = 0;
}

void kvm_mmu_free_all_roots(struct kvm_vcpu *vcpu, struct kvm_mmu *mmu)
{
	if (mmu->root.hpa != INVALID_PAGE)
		mmu_free_root(vcpu->kvm, &mmu->root.hpa);
	for (int i = 0; i < KVM_MMU_NUM_PREV_ROOTS; i++)
		if (mmu->prev_roots[i].hpa != INVALID_PAGE)
			mmu_free_root(vcpu->kvm, &mmu->prev_roots[i].hpa);
}

void kvm_mmu_free_obsolete_prev_roots(struct kvm_vcpu *vcpu)
{
	struct kvm_mmu *mmu = vcpu->arch.mmu;

	for (int i = 0; i < KVM_MMU_NUM_PREV_ROOTS; i++)
		if (mmu->prev_roots[i].hpa != INVALID_PAGE &&
		    is_obsolete_root(vcpu->kvm, mmu->prev_roots[i].hpa))
			mmu_free_root(vcpu->kvm, &mmu->prev_roots[i].hpa);
}

/*
 * A guest store of 8 bytes to the page-table entry at gpa, the `gpte` command under shadow
 * paging.  The guest's own mapping of its tables (the gva it stores through) is not in the
 * trace, so the store's path through KVM is taken by gfn, as KVM would take it whatever
 * that gva: a write-tracked gfn (an upper-level table KVM shadows) is mapped read-only, the
 * store faults and KVM emulates it (page_fault_handle_page_track; kvm_mmu_track_write); a
 * 4K table KVM shadows in sync was write-protected by account_shadowed, so the store
 * faults, and the writable SPTE the fault makes lets the table go unsync
 * (mmu_try_to_unsync_pages); an unsync or unshadowed table takes the store directly -
 * unless dirty logging write-protected the page since it was last logged: then the store
 * faults as any write would.  The write is logged where the slot is dirty-logged.
 * RET_PF_EMULATE, RET_PF_FIXED (a fault the caller charges as an exit), 0 (no exit), or a
 * negative code.
 */
int kvm_mmu_guest_pte_store(struct kvm_vcpu *vcpu, uint64_t gpa, uint64_t value)
{
	struct kvm *kvm = vcpu->kvm;
	uint64_t gfn = gpa >> PAGE_SHIFT;
	struct kvm_memory_slot *slot = memslots_by_gfn(&kvm->memslots, gfn);
	struct kvm_mmu_page *sp;
	bool in_sync = false;
	int ret = 0;

	if (!slot || (slot->flags & TDPSIM_MEM_READONLY))
		return err_set(TDPSIM_EINPUT, "vcpu %u: the store to the guest page table at gpa 0x%"
			       PRIx64 " is not to writable guest memory (no memslot, or a read-only "
			       "one): KVM would emulate it", vcpu->vcpu_idx, gpa);
	if (kvm_gfn_is_write_tracked(kvm, slot, gfn)) {
		kvm_count_pf(kvm, &vcpu->stat.pf_taken, &kvm->stats->pf_taken);
		if (!kvm->profile->write_protected_result)
			kvm_count_pf(kvm, &vcpu->stat.pf_emulate, &kvm->stats->pf_emulate);
		mark_page_dirty_in_slot(slot, gfn);
		kvm_mmu_track_write(vcpu, gpa, value, 8);
		return RET_PF_EMULATE;
	}
	for_each_gfn_valid_sp_with_gptes(kvm, sp, gfn, id)
		in_sync |= !sp->unsync;
	/* Dirty logging write-protected every SPTE of a page whose bit is clear (at enable, or
	 * at the GET or CLEAR that last took the bit), the guest's mapping of this table too:
	 * the store faults, and the writable SPTE the fault makes logs the page. */
	if (in_sync || (kvm_slot_dirty_track_enabled(slot) && !kvm_slot_page_is_dirty(slot, gfn))) {
		kvm_count_pf(kvm, &vcpu->stat.pf_taken, &kvm->stats->pf_taken);
		vcpu->stat.pf_fixed++;
		kvm->stats->pf_fixed++;
		if (in_sync)
			mmu_try_to_unsync_pages(kvm, slot, gfn, false, false);
		ret = RET_PF_FIXED;
	}
	mark_page_dirty_in_slot(slot, gfn);
	return ret;
}

/* ---- --check ---- */

/* A leaf of a guest table's page in sync agrees with its gpte: present, the same gfn, no
 * right the gpte does not give (write only through a dirty gpte). */
static int check_leaf_gpte(const struct kvm *kvm, const struct kvm_mmu_page *sp, unsigned i)
{
	uint64_t spte = sp->spt[i], gpte = guest_read_u64(kvm->guest, (sp->gfn << PAGE_SHIFT) + 8u * i);
	uint64_t frame = (gpte & PT64_ADDR_MASK & ~(level_size(sp->role.level) - 1)) >> PAGE_SHIFT;

	if (!(gpte & PT_PRESENT_MASK) || frame != kvm_mmu_page_get_gfn(sp, i) ||
	    (is_writable_pte(spte) && (!(gpte & PT_WRITABLE_MASK) || !(gpte & PT_DIRTY_MASK))) ||
	    ((spte & PT_USER_MASK) && !(gpte & PT_USER_MASK)) ||
	    (!(spte & PT64_NX_MASK) && (gpte & PT64_NX_MASK)))
		return err_set(TDPSIM_EINTERNAL, "check: the shadow page of the guest table at gfn "
			       "0x%" PRIx64 " (level %d, in sync) has spte 0x%" PRIx64 " at %u for "
			       "gpte 0x%" PRIx64, sp->gfn, sp->role.level, spte, i, gpte);
	return 0;
}

/* A link in a guest table's page in sync leads where its gpte does: the page of the table it
 * names, or the direct page below a huge gpte. */
static int check_link_gpte(const struct kvm *kvm, const struct kvm_mmu_page *sp, unsigned i)
{
	const struct kvm_mmu_page *child = spte_to_child_sp(&kvm->pool, sp->spt[i]);
	uint64_t gpte = guest_read_u64(kvm->guest, (sp->gfn << PAGE_SHIFT) + 8u * i);
	uint64_t want = child->role.direct
		? (gpte & PT64_ADDR_MASK & ~(level_size(sp->role.level) - 1)) >> PAGE_SHIFT
		: (gpte & PT64_ADDR_MASK) >> PAGE_SHIFT;

	if (!(gpte & PT_PRESENT_MASK) || child->gfn != want ||
	    child->role.direct != !!(gpte & PT_PAGE_SIZE_MASK))
		return err_set(TDPSIM_EINTERNAL, "check: the shadow page of the guest table at gfn "
			       "0x%" PRIx64 " (level %d, in sync) links the page of gfn 0x%" PRIx64
			       " at %u for gpte 0x%" PRIx64, sp->gfn, sp->role.level, child->gfn, i,
			       gpte);
	return 0;
}

/* Every present leaf maps the host page its gfn's hva has now. */
static int check_leaf_host(const struct kvm *kvm, const struct kvm_mmu_page *sp, unsigned i)
{
	uint64_t gfn = kvm_mmu_page_get_gfn(sp, i), spte = sp->spt[i];
	const struct kvm_memory_slot *slot =
		memslots_by_gfn((struct kvm_memslots *)&kvm->memslots, gfn);
	struct host_page hp;

	if (!slot || !host_lookup(kvm->host, slot->userspace_addr +
				  ((gfn - slot->base_gfn) << PAGE_SHIFT), &hp) ||
	    hp.pfn != spte_to_pfn(spte) || hp.level < sp->role.level ||
	    (is_writable_pte(spte) && !hp.writable))
		return err_set(TDPSIM_EINTERNAL, "check: shadow leaf at gfn 0x%" PRIx64 " level %d "
			       "(spte 0x%" PRIx64 ") disagrees with the host's page", gfn,
			       sp->role.level, spte);
	return 0;
}

static int check_page(const struct kvm *kvm, const struct kvm_mmu_page *sp)
{
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		uint64_t spte = sp->spt[i];
		bool leaf = is_last_spte(spte, sp->role.level);
		int r = 0;

		if (!is_shadow_present_pte(spte))
			continue;
		if (leaf && (r = check_leaf_host(kvm, sp, i)) < 0)
			return r;
		if (!sp_has_gptes(sp) || sp->unsync)
			continue;
		if ((r = leaf ? check_leaf_gpte(kvm, sp, i) : check_link_gpte(kvm, sp, i)) < 0)
			return r;
	}
	return 0;
}

/*
 * --check under shadow paging: every shadow leaf agrees with the host page it maps and, in a
 * guest table's page that is in sync, with the gpte behind it (an unsync page may differ:
 * the guest has not invalidated yet); the write-tracked gfns are exactly the shadowed
 * upper-level tables; mmu_unsync and the count of shadowed tables equal a recount.
 */
int kvm_shadow_paging_check(const struct kvm *kvm)
{
	uint64_t tracked = 0, shadowed = 0, unsync = 0, track_sum = 0;
	int r;

	for (uint32_t id = kvm->active_head; id != SP_NONE;) {
		const struct kvm_mmu_page *sp = sp_by_id(&kvm->pool, id);

		id = sp->link_next;
		if (sp->role.invalid)
			continue;
		if (sp_has_gptes(sp)) {
			const struct kvm_memory_slot *slot =
				memslots_by_gfn((struct kvm_memslots *)&kvm->memslots, sp->gfn);

			shadowed++;
			if (sp->role.level > PG_LEVEL_4K && slot) {
				tracked++;
				if (!kvm_gfn_is_write_tracked(kvm, slot, sp->gfn))
					return err_set(TDPSIM_EINTERNAL, "check: the guest table at gfn "
						       "0x%" PRIx64 " is shadowed at level %d but not "
						       "write-tracked", sp->gfn, sp->role.level);
			}
		}
		unsync += sp->unsync;
		if ((r = check_page(kvm, sp)) < 0)
			return r;
	}
	for (size_t s = 0; s < kvm->memslots.n; s++) {
		const struct kvm_memory_slot *slot = &kvm->memslots.slots[s];

		for (uint64_t p = 0; slot->gfn_write_track && p < slot->npages; p++)
			track_sum += slot->gfn_write_track[p];
	}
	if (track_sum != tracked)
		return err_set(TDPSIM_EINTERNAL, "check: %" PRIu64 " write-tracked gfn counts but %"
			       PRIu64 " shadowed upper-level tables", track_sum, tracked);
	if (unsync != kvm->stats->mmu_unsync)
		return err_set(TDPSIM_EINTERNAL, "check: mmu_unsync %" PRIu64 " but %" PRIu64
			       " pages are unsync", kvm->stats->mmu_unsync, unsync);
	if (shadowed != kvm->indirect_shadow_pages)
		return err_set(TDPSIM_EINTERNAL, "check: %" PRIu64 " guest tables shadowed, "
			       "indirect_shadow_pages %" PRIu64, shadowed, kvm->indirect_shadow_pages);
	return 0;
}

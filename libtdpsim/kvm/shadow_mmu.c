/* SPDX-License-Identifier: MIT */
/*
 * The rmap-based MMU, after KVM's mmu.c (direct_map, mmu_set_spte): shadow pages keyed by gfn and
 * role in mmu_page_hash and kept on active_mmu_pages, newest first; the rmaps (a pte_list of
 * leaf SPTEs per gfn and level in each memslot) and each page's parent_ptes; mmu_set_spte;
 * zapping in two steps (kvm_mmu_prepare_zap_page, then kvm_mmu_commit_zap_page with one
 * flush); the shadow-page budget; kvm_mmu_zap_all_fast by generation; and the legacy TDP
 * MMU's direct_map with direct_pte_prefetch.  An SPTE is named by a handle, its page's id
 * and its index (sp id << 9 | index), where KVM keeps a pointer.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/mem.h"
#include "kvm/mmu.h"
#include "kvm/mmu_internal.h"
#include "kvm/shadow_mmu.h"

#define GOLDEN_RATIO_64 0x61C8864680B583EBull /* include/linux/hash.h */

/* ---- SPTE handles ---- */

static inline uint64_t spte_handle(const struct kvm_mmu_page *sp, unsigned i)
{
	return (uint64_t)sp->id << 9 | i;
}

static inline struct kvm_mmu_page *handle_sp(const struct kvm *kvm, uint64_t h)
{
	return sp_by_id(&kvm->pool, (uint32_t)(h >> 9));
}

/* kvm_mmu_page_get_gfn: the first gfn SPTE i maps - computed for a direct page, recorded
 * for a guest table's page (its gptes say). */
uint64_t kvm_mmu_page_get_gfn(const struct kvm_mmu_page *sp, unsigned i)
{
	if (sp->shadowed_translation && !sp->role.direct)
		return sp->shadowed_translation[i] >> PAGE_SHIFT;
	return sp->gfn + (uint64_t)i * pages_per_hpage(sp->role.level);
}

#define sp_spte_gfn kvm_mmu_page_get_gfn

/* kvm_mmu_page_set_translation / _set_access: what SPTE i of a guest table's page maps. */
void kvm_mmu_page_set_translation(struct kvm_mmu_page *sp, unsigned i, uint64_t gfn,
					 unsigned access)
{
	if (sp->shadowed_translation)
		sp->shadowed_translation[i] = gfn << PAGE_SHIFT | access;
}

unsigned kvm_mmu_page_get_access(const struct kvm_mmu_page *sp, unsigned i)
{
	if (sp->shadowed_translation && !sp->role.direct)
		return (unsigned)(sp->shadowed_translation[i] & ACC_ALL);
	return sp->role.access;
}

/* ---- pte_list (rmap heads and parent_ptes): 0 empty, (handle + 1) << 1 one SPTE, or
 * (desc << 1) | 1 a chain of descriptors whose head block may be partly full. ---- */

static int pte_list_desc_alloc(struct kvm *kvm, uint32_t *out)
{
	struct pte_list_pool *p = &kvm->pte_lists;

	if (p->free_head != SP_NONE) {
		p->allocated++;
		*out = p->free_head;
		p->free_head = p->descs[*out].more;
		return 0;
	}
	if (p->n == p->cap) {
		uint32_t cap = p->cap ? 2 * p->cap : 256;
		struct pte_list_desc *d = mem_realloc(kvm->mem, MEM_RMAPS, p->descs,
						      p->cap * sizeof(*d), cap * sizeof(*d));

		if (!d) {
			err_prefix("kvm: rmap descriptors");
			return TDPSIM_ENOMEM;
		}
		p->descs = d;
		p->cap = cap;
	}
	*out = p->n++;
	p->allocated++;
	return 0;
}

static void pte_list_desc_free(struct kvm *kvm, uint32_t d)
{
	kvm->pte_lists.descs[d].more = kvm->pte_lists.free_head;
	kvm->pte_lists.free_head = d;
}

/* pte_list_add: the number of SPTEs the list held before (or a negative code). */
static int pte_list_add(struct kvm *kvm, uint64_t *head, uint64_t h)
{
	struct pte_list_desc *desc;
	uint32_t d = SP_NONE;
	int count = 0;

	if (!*head) {
		*head = (h + 1) << 1;
		return 0;
	}
	if (!(*head & 1)) {
		if (pte_list_desc_alloc(kvm, &d) < 0)
			return TDPSIM_ENOMEM;
		desc = &kvm->pte_lists.descs[d];
		desc->sptes[0] = (*head >> 1) - 1;
		desc->sptes[1] = h;
		desc->spte_count = 2;
		desc->tail_count = 0;
		desc->more = SP_NONE;
		*head = (uint64_t)d << 1 | 1;
		return 1;
	}
	desc = &kvm->pte_lists.descs[*head >> 1];
	count = (int)(desc->tail_count + desc->spte_count);
	if (desc->spte_count == PTE_LIST_EXT) { /* tail blocks are always kept full */
		if (pte_list_desc_alloc(kvm, &d) < 0)
			return TDPSIM_ENOMEM;
		desc = &kvm->pte_lists.descs[d];
		desc->more = (uint32_t)(*head >> 1);
		desc->spte_count = 0;
		desc->tail_count = (uint32_t)count;
		*head = (uint64_t)d << 1 | 1;
	}
	desc->sptes[desc->spte_count++] = h;
	return count;
}

/* pte_list_remove: the head block's last SPTE takes the removed one's place. */
static void pte_list_remove(struct kvm *kvm, uint64_t *head, uint64_t h)
{
	struct pte_list_desc *first;
	uint32_t fd;

	if (!*head)
		return;
	if (!(*head & 1)) {
		if ((*head >> 1) - 1 == h)
			*head = 0;
		return;
	}
	fd = (uint32_t)(*head >> 1);
	first = &kvm->pte_lists.descs[fd];
	for (uint32_t d = fd; d != SP_NONE; d = kvm->pte_lists.descs[d].more) {
		struct pte_list_desc *desc = &kvm->pte_lists.descs[d];

		for (uint32_t i = 0; i < desc->spte_count; i++) {
			if (desc->sptes[i] != h)
				continue;
			desc->sptes[i] = first->sptes[--first->spte_count];
			if (first->spte_count)
				return;
			*head = first->more == SP_NONE ? 0 : (uint64_t)first->more << 1 | 1;
			pte_list_desc_free(kvm, fd);
			return;
		}
	}
}

/* The first SPTE of a list (0 if empty), for loops that remove as they go. */
static bool pte_list_first(const struct kvm *kvm, uint64_t head, uint64_t *h)
{
	if (!head)
		return false;
	*h = head & 1 ? kvm->pte_lists.descs[head >> 1].sptes[0] : (head >> 1) - 1;
	return true;
}

/* rmap_get_first / rmap_get_next: the SPTEs of a list, for loops that leave it as it is. */
struct rmap_iterator {
	uint64_t head;
	uint32_t desc, pos;
};

static bool rmap_get_next(const struct kvm *kvm, struct rmap_iterator *it, uint64_t *h)
{
	if (!(it->head & 1)) { /* a single SPTE: given once */
		if (it->pos++ || !it->head)
			return false;
		*h = (it->head >> 1) - 1;
		return true;
	}
	while (it->desc != SP_NONE) {
		const struct pte_list_desc *d = &kvm->pte_lists.descs[it->desc];

		if (it->pos < d->spte_count) {
			*h = d->sptes[it->pos++];
			return true;
		}
		it->desc = d->more;
		it->pos = 0;
	}
	return false;
}

static bool rmap_get_first(const struct kvm *kvm, uint64_t head, struct rmap_iterator *it,
			   uint64_t *h)
{
	it->head = head;
	it->desc = head & 1 ? (uint32_t)(head >> 1) : SP_NONE;
	it->pos = 0;
	return rmap_get_next(kvm, it, h);
}

#define for_each_rmap_spte(kvm, head, it, h) \
	for (bool _more = rmap_get_first(kvm, head, it, &(h)); _more;                          \
	     _more = rmap_get_next(kvm, it, &(h)))

/* ---- SPTE writes ---- */

void mmu_spte_set(struct kvm *kvm, struct kvm_mmu_page *sp, unsigned i, uint64_t new_spte)
{
	uint64_t old = sp->spt[i];

	sp->spt[i] = new_spte;
	if (old != new_spte && kvm_spte_hooked(kvm))
		kvm_mmu_report_spte_change(kvm, sp->role, false, sp_spte_gfn(sp, i), old, new_spte);
}

/* gfn_to_rmap: the rmap head of gfn at `level` in its slot, or NULL. */
uint64_t *gfn_to_rmap(const struct kvm_memory_slot *slot, uint64_t gfn, int level)
{
	if (!slot || !slot->rmap[level - 1] || gfn < slot->base_gfn ||
	    gfn >= slot->base_gfn + slot->npages)
		return NULL;
	return &slot->rmap[level - 1][lpage_index(slot, gfn, level)];
}

static uint64_t *sp_rmap(struct kvm *kvm, const struct kvm_mmu_page *sp, unsigned i)
{
	uint64_t gfn = sp_spte_gfn(sp, i);

	return gfn_to_rmap(memslots_by_gfn(&kvm->memslots, gfn), gfn, sp->role.level);
}

/* drop_spte: a leaf goes, with its rmap entry and its count in pages_*. */
void drop_spte(struct kvm *kvm, struct kvm_mmu_page *sp, unsigned i)
{
	uint64_t old = sp->spt[i];
	uint64_t *head;

	mmu_spte_set(kvm, sp, i, SHADOW_NONPRESENT_VALUE);
	if (!is_shadow_present_pte(old))
		return;
	kvm_update_page_stats(kvm, sp->role.level, -1);
	kvm->work.zapped++;
	if ((head = sp_rmap(kvm, sp, i)))
		pte_list_remove(kvm, head, spte_handle(sp, i));
}

/* drop_parent_pte: the link from SPTE i of `parent` to `child` goes. */
void drop_parent_pte(struct kvm *kvm, struct kvm_mmu_page *child,
			    struct kvm_mmu_page *parent, unsigned i)
{
	pte_list_remove(kvm, &child->parent_ptes, spte_handle(parent, i));
	mmu_spte_set(kvm, parent, i, SHADOW_NONPRESENT_VALUE);
	kvm->work.zapped++;
}

/* kvm_zap_all_rmap_sptes: every SPTE on one rmap goes. */
static bool kvm_zap_all_rmap_sptes(struct kvm *kvm, uint64_t *head)
{
	bool flush = false;
	uint64_t h;

	while (pte_list_first(kvm, *head, &h)) {
		struct kvm_mmu_page *sp = handle_sp(kvm, h);
		unsigned i = (unsigned)(h & 511);

		if (kvm->hooks->on_zap)
			kvm->hooks->on_zap(sp_spte_gfn(sp, i), sp->role.level, sp->spt[i],
					   kvm->hooks->payload);
		drop_spte(kvm, sp, i);
		flush = true;
	}
	return flush;
}

/* rmap_add: the leaf is counted and listed (and what it maps recorded); a list past
 * RMAP_RECYCLE_THRESHOLD is zapped. */
static int rmap_add(struct kvm *kvm, const struct kvm_memory_slot *slot, struct kvm_mmu_page *sp,
		    unsigned i, uint64_t gfn, unsigned access)
{
	uint64_t *head;
	int count;

	kvm_mmu_page_set_translation(sp, i, gfn, access);
	head = gfn_to_rmap(slot, gfn, sp->role.level); /* the slot mmu_set_spte was given */

	kvm_update_page_stats(kvm, sp->role.level, 1);
	if (!head)
		return 0;
	if ((count = pte_list_add(kvm, head, spte_handle(sp, i))) < 0)
		return count;
	if (count > RMAP_RECYCLE_THRESHOLD && kvm_zap_all_rmap_sptes(kvm, head))
		kvm_flush_remote_tlbs(kvm);
	return 0;
}

/* ---- shadow pages: the hash, active_mmu_pages, allocation ---- */

static inline uint32_t hash_64(uint64_t val, unsigned bits)
{
	return (uint32_t)((val * GOLDEN_RATIO_64) >> (64 - bits));
}

static bool is_obsolete_sp(const struct kvm *kvm, const struct kvm_mmu_page *sp)
{
	return sp->role.invalid || sp->mmu_valid_gen != kvm->mmu_valid_gen;
}

static void active_list_add(struct kvm *kvm, struct kvm_mmu_page *sp)
{
	sp->link_prev = SP_NONE;
	sp->link_next = kvm->active_head;
	if (kvm->active_head != SP_NONE)
		sp_by_id(&kvm->pool, kvm->active_head)->link_prev = sp->id;
	else
		kvm->active_tail = sp->id;
	kvm->active_head = sp->id;
}

static void active_list_del(struct kvm *kvm, struct kvm_mmu_page *sp)
{
	if (sp->link_prev != SP_NONE)
		sp_by_id(&kvm->pool, sp->link_prev)->link_next = sp->link_next;
	else
		kvm->active_head = sp->link_next;
	if (sp->link_next != SP_NONE)
		sp_by_id(&kvm->pool, sp->link_next)->link_prev = sp->link_prev;
	else
		kvm->active_tail = sp->link_prev;
}

/*
 * kvm_mmu_find_shadow_page: a valid page for (gfn, role); mmu_cache_miss if none.  A guest
 * table's page found unsync is synced first (kvm_sync_page; if that fails it is zapped and
 * none is found); an unsync 4K table at a gfn the guest now uses as an upper-level table is
 * zapped, since the new page will write-protect the gfn.
 */
static struct kvm_mmu_page *kvm_mmu_find_shadow_page(struct kvm *kvm, struct kvm_vcpu *vcpu,
						     uint64_t gfn, union kvm_mmu_page_role role)
{
	struct kvm_mmu_page *found = NULL;

	for (uint32_t id = kvm->mmu_page_hash[hash_64(gfn, KVM_MMU_HASH_SHIFT)]; id != SP_NONE;) {
		struct kvm_mmu_page *sp = sp_by_id(&kvm->pool, id);
		int ret;

		id = sp->hash_next;
		if (is_obsolete_sp(kvm, sp) || sp->gfn != gfn)
			continue;
		if (sp->role.word != role.word) {
			if (role.level > PG_LEVEL_4K && sp->unsync)
				kvm_mmu_prepare_zap_page(kvm, sp);
			continue;
		}
		if (sp->role.direct) { /* unsync and write flooding are for guest tables */
			found = sp;
			break;
		}
		if (sp->unsync) {
			if (!vcpu) /* KVM_BUG_ON: only direct pages are asked for without one */
				break;
			if ((ret = kvm_sync_page(vcpu, sp)) < 0)
				break;
			if (shadow_flushes_current(kvm)) /* before 5.16 */
				kvm_flush_tlb_current(vcpu);
			else if (ret > 0)
				kvm_flush_remote_tlbs(kvm);
		}
		sp->write_flooding_count = 0;
		found = sp;
		break;
	}
	if (!found)
		kvm->stats->mmu_cache_miss++;
	kvm_mmu_commit_zap_page(kvm);
	return found;
}

/* kvm_mmu_alloc_shadow_page: newest on active_mmu_pages, counted in n_used_mmu_pages; a
 * guest table's page write-protects its gfn (account_shadowed). */
static struct kvm_mmu_page *kvm_mmu_alloc_shadow_page(struct kvm *kvm, uint64_t gfn,
						      union kvm_mmu_page_role role)
{
	struct kvm_mmu_page *sp = sp_alloc(&kvm->pool, role, gfn);
	uint32_t *bucket;

	if (!sp)
		return NULL;
	sp->mmu_valid_gen = kvm->mmu_valid_gen;
	active_list_add(kvm, sp);
	kvm->n_used_mmu_pages++;
	bucket = &kvm->mmu_page_hash[hash_64(gfn, KVM_MMU_HASH_SHIFT)];
	sp->hash_next = *bucket;
	*bucket = sp->id;
	if (sp_has_gptes(sp))
		account_shadowed(kvm, sp);
	return sp;
}

/* __kvm_mmu_get_shadow_page: found or made; `vcpu` may be NULL for a direct page (eager
 * splitting runs outside any vCPU). */
static struct kvm_mmu_page *__kvm_mmu_get_shadow_page(struct kvm *kvm, struct kvm_vcpu *vcpu,
						      uint64_t gfn, union kvm_mmu_page_role role)
{
	struct kvm_mmu_page *sp = kvm_mmu_find_shadow_page(kvm, vcpu, gfn, role);

	return sp ? sp : kvm_mmu_alloc_shadow_page(kvm, gfn, role);
}

struct kvm_mmu_page *kvm_mmu_get_shadow_page(struct kvm_vcpu *vcpu, uint64_t gfn,
					     union kvm_mmu_page_role role)
{
	return __kvm_mmu_get_shadow_page(vcpu->kvm, vcpu, gfn, role);
}

/* kvm_mmu_free_shadow_page: out of the hash and back to the pool. */
static void kvm_mmu_free_shadow_page(struct kvm *kvm, struct kvm_mmu_page *sp)
{
	uint32_t *p = &kvm->mmu_page_hash[hash_64(sp->gfn, KVM_MMU_HASH_SHIFT)];

	while (*p != sp->id)
		p = &sp_by_id(&kvm->pool, *p)->hash_next;
	*p = sp->hash_next;
	sp_release(&kvm->pool, sp);
}

/* ---- zapping: prepare, then commit ---- */

/* mmu_page_zap_pte: a leaf goes; a link goes, leaving the child page as it is (KVM zaps
 * a parentless child only for nested TDP, role.guest_mode).  True if a present SPTE went. */
bool mmu_page_zap_pte(struct kvm *kvm, struct kvm_mmu_page *sp, unsigned i)
{
	uint64_t pte = sp->spt[i];

	if (spte_is_mmio(kvm->spte, pte)) {
		mmu_spte_set(kvm, sp, i, SHADOW_NONPRESENT_VALUE);
		return false;
	}
	if (!is_shadow_present_pte(pte))
		return false;
	if (is_last_spte(pte, sp->role.level)) {
		drop_spte(kvm, sp, i);
		return true;
	}
	drop_parent_pte(kvm, spte_to_child_sp(&kvm->pool, pte), sp, i);
	return true;
}

/* kvm_mmu_unlink_parents: every SPTE that links sp is cleared. */
static void kvm_mmu_unlink_parents(struct kvm *kvm, struct kvm_mmu_page *sp)
{
	uint64_t h;

	while (pte_list_first(kvm, sp->parent_ptes, &h))
		drop_parent_pte(kvm, sp, handle_sp(kvm, h), (unsigned)(h & 511));
}

/* mmu_zap_unsync_children: the unsync pages below an upper-level page go with it (nothing
 * could reach them to sync them). */
static uint64_t prepare_zap_page(struct kvm *kvm, struct kvm_mmu_page *sp);
static uint64_t mmu_zap_unsync_children(struct kvm *kvm, struct kvm_mmu_page *parent)
{
	uint64_t zapped = 0;

	if (parent->role.level == PG_LEVEL_4K || !parent->unsync_children)
		return 0;
	for (unsigned w = 0; w < PT_ENTRIES / 64; w++)
		while (parent->unsync_child_bitmap[w]) {
			unsigned i = w * 64 + (unsigned)__builtin_ctzll(parent->unsync_child_bitmap[w]);
			uint64_t spte = parent->spt[i];

			clear_unsync_child_bit(parent, i);
			if (!is_shadow_present_pte(spte) || is_large_pte(spte))
				continue;
			struct kvm_mmu_page *child = spte_to_child_sp(&kvm->pool, spte);

			zapped += mmu_zap_unsync_children(kvm, child);
			if (child->unsync)
				zapped += prepare_zap_page(kvm, child);
		}
	return zapped;
}

/* __kvm_mmu_prepare_zap_page: the page's SPTEs and links go now; the page itself waits on
 * the invalid list unless a vCPU still uses it as its root.  A guest table's page lets go
 * of its gfn (unaccount_shadowed); an unsync one is no longer counted in mmu_unsync. */
static uint64_t prepare_zap_page(struct kvm *kvm, struct kvm_mmu_page *sp)
{
	uint64_t zapped = 0;

	kvm->stats->mmu_shadow_zapped++;
	zapped += mmu_zap_unsync_children(kvm, sp);
	if (kvm->hooks->on_zap)
		kvm->hooks->on_zap(sp->gfn, sp->role.level + 1,
				   make_nonleaf_spte(kvm->spte, sp_pfn(sp)), kvm->hooks->payload);
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		mmu_page_zap_pte(kvm, sp, i);
	kvm_mmu_unlink_parents(kvm, sp);
	if (!sp->role.invalid && sp_has_gptes(sp))
		unaccount_shadowed(kvm, sp);
	if (sp->unsync)
		kvm_unlink_unsync_page(kvm, sp);
	if (!sp->root_count) {
		zapped++;
		active_list_del(kvm, sp);
		sp->on_invalid_list = true;
		sp->link_next = kvm->invalid_head;
		kvm->invalid_head = sp->id;
		kvm->n_used_mmu_pages--; /* kvm_unaccount_mmu_page */
	} else if (!sp->role.invalid) {
		/* A root in use: to the head of the list, freed once its vCPUs let go of it
		 * (KVM_REQ_MMU_FREE_OBSOLETE_ROOTS, which the caller sends). */
		active_list_del(kvm, sp);
		active_list_add(kvm, sp);
	}
	if (sp->nx_huge_page_disallowed)
		unaccount_nx_huge_page(kvm, sp);
	sp->role.invalid = 1;
	return zapped;
}

void kvm_mmu_prepare_zap_page(struct kvm *kvm, struct kvm_mmu_page *sp)
{
	prepare_zap_page(kvm, sp);
}

bool kvm_mmu_commit_zap_page(struct kvm *kvm)
{
	if (kvm->invalid_head == SP_NONE)
		return false;
	kvm_flush_remote_tlbs(kvm); /* before the pages can be reused */
	while (kvm->invalid_head != SP_NONE) {
		struct kvm_mmu_page *sp = sp_by_id(&kvm->pool, kvm->invalid_head);

		kvm->invalid_head = sp->link_next;
		kvm_mmu_free_shadow_page(kvm, sp);
	}
	return true;
}

/* kvm_mmu_zap_oldest_mmu_pages: from the tail of active_mmu_pages, roots in use skipped;
 * the pages zapped are mmu_recycled. */
static void kvm_mmu_zap_oldest_mmu_pages(struct kvm *kvm, uint64_t nr_to_zap)
{
	uint64_t total = 0;

	for (uint32_t id = kvm->active_tail; id != SP_NONE && total < nr_to_zap;) {
		struct kvm_mmu_page *sp = sp_by_id(&kvm->pool, id);

		id = sp->link_prev;
		if (sp->root_count)
			continue;
		total += prepare_zap_page(kvm, sp);
		/* Zapping sp may have moved pages on the list: start again from the tail. */
		id = kvm->active_tail;
	}
	kvm_mmu_commit_zap_page(kvm);
	kvm->stats->mmu_recycled += total;
}

static uint64_t kvm_mmu_available_pages(const struct kvm *kvm)
{
	return kvm->n_max_mmu_pages > kvm->n_used_mmu_pages
		       ? kvm->n_max_mmu_pages - kvm->n_used_mmu_pages : 0;
}

int make_mmu_pages_available(struct kvm_vcpu *vcpu)
{
	struct kvm *kvm = vcpu->kvm;
	uint64_t avail = kvm_mmu_available_pages(kvm);

	if (avail >= KVM_MIN_FREE_MMU_PAGES)
		return 0;
	kvm_mmu_zap_oldest_mmu_pages(kvm, KVM_REFILL_PAGES - avail);
	if (!kvm_mmu_available_pages(kvm))
		return err_set(TDPSIM_ENOMEM, "kvm: no shadow page can be freed (-ENOSPC)");
	return 0;
}

void kvm_mmu_update_default_mmu_pages(struct kvm *kvm)
{
	uint64_t goal = kvm->memslots.npages / KVM_MEMSLOT_PAGES_TO_MMU_PAGES_RATIO;

	if (kvm->n_requested_mmu_pages)
		return;
	if (goal < KVM_MIN_ALLOC_MMU_PAGES)
		goal = KVM_MIN_ALLOC_MMU_PAGES;
	kvm_mmu_change_mmu_pages(kvm, goal);
}

/* kvm_mmu_change_mmu_pages: over the new budget, the oldest pages are zapped; what could not
 * be (roots in use) raises the budget to what is used. */
void kvm_mmu_change_mmu_pages(struct kvm *kvm, uint64_t goal)
{
	if (kvm->n_used_mmu_pages > goal) {
		kvm_mmu_zap_oldest_mmu_pages(kvm, kvm->n_used_mmu_pages - goal);
		if (kvm->n_used_mmu_pages > goal)
			goal = kvm->n_used_mmu_pages;
	}
	kvm->n_max_mmu_pages = goal;
}

/* kvm_vm_ioctl_set_nr_mmu_pages (x86.c): the budget the VMM asks for, kept from now on
 * (memslot changes no longer recompute it).  The setting refuses fewer than
 * KVM_MIN_ALLOC_MMU_PAGES, as KVM does (-EINVAL). */
void kvm_vm_set_nr_mmu_pages(struct kvm *kvm, uint64_t nr)
{
	kvm_mmu_change_mmu_pages(kvm, nr);
	kvm->n_requested_mmu_pages = nr;
}

bool kvm_shadow_mmu_zap_all_fast(struct kvm *kvm)
{
	/* A new generation makes every page obsolete; kvm_zap_obsolete_pages zaps them from
	 * the tail (the oldest) while they are; the vCPUs drop their obsolete roots. */
	kvm->mmu_valid_gen ^= 1;
	for (uint32_t id = kvm->active_tail; id != SP_NONE;) {
		struct kvm_mmu_page *sp = sp_by_id(&kvm->pool, id);

		if (!is_obsolete_sp(kvm, sp) || sp->role.invalid)
			break;
		prepare_zap_page(kvm, sp);
		id = kvm->active_tail;
		while (id != SP_NONE && sp_by_id(&kvm->pool, id)->role.invalid)
			id = sp_by_id(&kvm->pool, id)->link_prev;
	}
	kvm_mmu_commit_zap_page(kvm);
	if (kvm->reload_vcpus) /* KVM_REQ_MMU_FREE_OBSOLETE_ROOTS to every vCPU */
		kvm->reload_vcpus(kvm->flush_ctx);
	return false; /* the commit flushed */
}

/* ---- roots ---- */

int mmu_alloc_direct_roots(struct kvm_vcpu *vcpu, uint64_t *hpa)
{
	struct kvm_mmu_page *sp = kvm_mmu_get_shadow_page(vcpu, 0, vcpu->arch.mmu->root_role);

	if (!sp)
		return TDPSIM_ENOMEM;
	sp->root_count++;
	*hpa = sp_pfn(sp) << PAGE_SHIFT;
	return 0;
}

/* mmu_free_root_page: a vCPU lets go of its root; an obsolete root nobody uses is zapped
 * and freed (kvm_mmu_free_roots: prepare, then commit). */
void mmu_free_root(struct kvm *kvm, uint64_t *hpa)
{
	struct kvm_mmu_page *sp = root_to_sp(kvm, *hpa);

	if (!--sp->root_count && sp->role.invalid) {
		prepare_zap_page(kvm, sp);
		kvm_mmu_commit_zap_page(kvm);
	}
	*hpa = INVALID_PAGE;
}

bool is_obsolete_root(const struct kvm *kvm, uint64_t hpa)
{
	return is_obsolete_sp(kvm, root_to_sp(kvm, hpa));
}

uint64_t *shadow_mmu_get_last_sptep(const struct kvm *kvm, uint64_t root_hpa, uint64_t gfn,
				    int *level)
{
	struct kvm_mmu_page *sp = root_to_sp(kvm, root_hpa);

	for (;;) {
		uint64_t *sptep = &sp->spt[gfn_index(gfn, sp->role.level)];

		if (!is_shadow_present_pte(*sptep) || is_last_spte(*sptep, sp->role.level)) {
			*level = sp->role.level;
			return sptep;
		}
		sp = spte_to_child_sp(&kvm->pool, *sptep);
	}
}

/* ---- mmu_set_spte, linking, prefetch, direct_map ---- */

/*
 * mmu_set_spte (mmu.c).  `fault` is NULL for a prefetch.  Where a writable SPTE would let
 * the guest write a gfn whose guest table KVM shadows, make_spte's mmu_try_to_unsync_pages
 * either lets the table go unsync or write-protects the SPTE (RET_PF_WRITE_PROTECTED for a
 * write fault; RET_PF_EMULATE before 6.12, profile write_protected_result).
 */
int mmu_set_spte(struct kvm_vcpu *vcpu, struct kvm_memory_slot *slot, struct kvm_mmu_page *sp,
		 unsigned i, unsigned pte_access, uint64_t gfn, uint64_t pfn,
		 struct kvm_page_fault *fault)
{
	struct kvm *kvm = vcpu->kvm;
	const struct spte_masks *m = kvm->spte;
	int level = sp->role.level, ret = RET_PF_FIXED;
	bool host_writable = !fault || fault->map_writable;
	bool prefetch = !fault || fault->prefetch;
	bool was_rmapped = false, flush = false, wrprot = false;
	uint64_t old = sp->spt[i], spte;

	if (is_shadow_present_pte(old)) {
		if (prefetch && is_last_spte(old, level) && pfn == spte_to_pfn(old))
			return RET_PF_SPURIOUS;
		if (level > PG_LEVEL_4K && !is_large_pte(old)) {
			/* A huge leaf over a table: the table is unlinked, not freed. */
			drop_parent_pte(kvm, spte_to_child_sp(&kvm->pool, old), sp, i);
			flush = true;
		} else if (!slot || pfn != spte_to_pfn(old)) { /* no slot: KVM_PFN_NOSLOT */
			drop_spte(kvm, sp, i);
			flush = true;
		} else {
			was_rmapped = true;
		}
	}
	/* is_noslot_pfn: mark_mmio_spte, after the present SPTE it replaces is dropped and
	 * flushed, as since the fix of a54aa15c6bda3 ("Handle MMIO SPTEs directly in
	 * mmu_set_spte()", Cc stable: every kernel modelled); before it the MMIO SPTE
	 * overwrote the leaf and left its rmap entry and page count behind. */
	if (!slot) {
		kvm_count_pf(kvm, &vcpu->stat.pf_mmio_spte_created,
			     &kvm->stats->pf_mmio_spte_created);
		mmu_spte_set(kvm, sp, i, make_mmio_spte(m, gfn, kvm->memslots_generation));
		if (flush)
			kvm_flush_remote_tlbs(kvm); /* kvm_flush_remote_tlbs_gfn */
		return RET_PF_EMULATE;
	}
	kvm->work.make_spte++;
	old = sp->spt[i];
	wrprot = make_spte(vcpu, sp, slot, pte_access, gfn, pfn, old, prefetch, false,
			   host_writable, &spte);
	if (old == spte) {
		ret = RET_PF_SPURIOUS;
	} else {
		/* mmu_spte_update: a leaf losing its writability must be flushed. */
		flush |= is_shadow_present_pte(old) && (old & m->mmu_writable) &&
			 !is_writable_pte(spte);
		mmu_spte_set(kvm, sp, i, spte);
	}
	if (wrprot && fault && fault->write)
		ret = kvm->profile->write_protected_result ? RET_PF_WRITE_PROTECTED
							   : RET_PF_EMULATE;
	if (wrprot && shadow_flushes_current(kvm)) /* SET_SPTE_WRITE_PROTECTED_PT, < 5.16 */
		kvm_flush_tlb_current(vcpu);
	if (flush)
		kvm_flush_remote_tlbs(kvm); /* kvm_flush_remote_tlbs_gfn: a full flush on VMX */
	if (!was_rmapped) {
		int r = rmap_add(kvm, slot, sp, i, gfn, pte_access);

		if (r < 0)
			return r;
	} else {
		kvm_mmu_page_set_translation(sp, i, gfn, pte_access); /* the access may change */
	}
	return ret;
}

/* __link_shadow_page: a huge leaf in the way is dropped (drop_large_spte: with a flush if
 * asked), then the link; a child that is (or leads to) an unsync page marks the way to it. */
static int __link_shadow_page(struct kvm *kvm, struct kvm_mmu_page *parent, unsigned i,
			      struct kvm_mmu_page *sp, bool flush)
{
	if (is_shadow_present_pte(parent->spt[i])) { /* drop_large_spte */
		if (kvm->hooks->on_zap)
			kvm->hooks->on_zap(sp_spte_gfn(parent, i), parent->role.level,
					   parent->spt[i], kvm->hooks->payload);
		drop_spte(kvm, parent, i);
		if (flush)
			kvm_flush_remote_tlbs(kvm); /* kvm_flush_remote_tlbs_sptep */
	}
	mmu_spte_set(kvm, parent, i, make_nonleaf_spte(kvm->spte, sp_pfn(sp)));
	if (pte_list_add(kvm, &sp->parent_ptes, spte_handle(parent, i)) < 0)
		return TDPSIM_ENOMEM;
	if (sp->unsync_children || sp->unsync)
		mark_unsync(kvm, parent, i);
	return 0;
}

/* link_shadow_page: a fault's link (the huge leaf it replaces is always flushed). */
int link_shadow_page(struct kvm *kvm, struct kvm_mmu_page *parent, unsigned i,
		     struct kvm_mmu_page *sp)
{
	return __link_shadow_page(kvm, parent, i, sp, true);
}

/* kvm_mmu_mark_parents_unsync: every SPTE that links sp marks it in its page's bitmap, up
 * to the roots (mark_unsync). */
void kvm_mmu_mark_parents_unsync(struct kvm *kvm, struct kvm_mmu_page *sp)
{
	struct rmap_iterator it;
	uint64_t h;

	for_each_rmap_spte(kvm, sp->parent_ptes, &it, h)
		mark_unsync(kvm, handle_sp(kvm, h), (unsigned)(h & 511));
}

void mark_unsync(struct kvm *kvm, struct kvm_mmu_page *sp, unsigned i)
{
	uint64_t bit = 1ull << (i % 64);

	if (sp->unsync_child_bitmap[i / 64] & bit)
		return;
	sp->unsync_child_bitmap[i / 64] |= bit;
	if (sp->unsync_children++)
		return;
	kvm_mmu_mark_parents_unsync(kvm, sp);
}

void clear_unsync_child_bit(struct kvm_mmu_page *sp, unsigned i)
{
	uint64_t bit = 1ull << (i % 64);

	if (sp->unsync_child_bitmap[i / 64] & bit) {
		sp->unsync_child_bitmap[i / 64] &= ~bit;
		sp->unsync_children--;
	}
}

/*
 * kvm_mmu_prefetch_sptes: SPTEs [i, i + n) of sp for gfns gfn.. with `access`, for pages the
 * host has mapped writable, as far as they go (kvm_prefetch_pages: get_user_pages_fast_only
 * with FOLL_WRITE); with no_dirty_log, none for a writable access in a dirty-logged slot
 * (gfn_to_memslot_dirty_bitmap), none in a read-only slot or past the slot's end
 * (__gfn_to_hva_many).  False if nothing could be prefetched.
 */
bool kvm_mmu_prefetch_sptes(struct kvm_vcpu *vcpu, uint64_t gfn, struct kvm_mmu_page *sp,
			    unsigned i, unsigned n, unsigned access, bool no_dirty_log)
{
	struct kvm *kvm = vcpu->kvm;
	struct kvm_memory_slot *slot = memslots_by_gfn(&kvm->memslots, gfn);
	unsigned done = 0;

	if (!slot ||
	    (no_dirty_log && (access & ACC_WRITE_MASK) && kvm_slot_dirty_track_enabled(slot)) ||
	    (slot->flags & TDPSIM_MEM_READONLY))
		return false;
	if (slot->base_gfn + slot->npages - gfn < n)
		return false;
	for (; done < n; done++) {
		struct host_page hp;
		uint64_t hva = slot->userspace_addr + ((gfn + done - slot->base_gfn) << PAGE_SHIFT);

		if (!host_lookup(kvm->host, hva, &hp) || !hp.writable)
			break;
		if (mmu_set_spte(vcpu, slot, sp, i + done, access, gfn + done, hp.pfn, NULL) < 0)
			return false;
	}
	return done > 0;
}

/* direct_pte_prefetch: the non-present neighbours in the faulting SPTE's aligned group of
 * PTE_PREFETCH_NUM, run by run (__direct_pte_prefetch); only at 4K, with A/D bits, outside
 * an invalidation. */
void direct_pte_prefetch(struct kvm_vcpu *vcpu, struct kvm_mmu_page *sp, unsigned idx)
{
	unsigned first = idx & ~(PTE_PREFETCH_NUM - 1u), start = PT_ENTRIES;

	if (sp->role.ad_disabled || sp->role.level > PG_LEVEL_4K ||
	    vcpu->kvm->mmu_invalidate_in_progress)
		return;
	for (unsigned i = first; i < first + PTE_PREFETCH_NUM; i++) {
		if (is_shadow_present_pte(sp->spt[i]) || i == idx) {
			if (start == PT_ENTRIES)
				continue;
			if (!kvm_mmu_prefetch_sptes(vcpu, sp_spte_gfn(sp, start), sp, start,
						    i - start, sp->role.access, true))
				return;
			start = PT_ENTRIES;
		} else if (start == PT_ENTRIES) {
			start = i;
		}
	}
	if (start != PT_ENTRIES)
		kvm_mmu_prefetch_sptes(vcpu, sp_spte_gfn(sp, start), sp, start,
				       first + PTE_PREFETCH_NUM - start, sp->role.access, true);
}

/* kvm_mmu_child_role: the parent's role one level down, with the access given. */
static union kvm_mmu_page_role kvm_mmu_child_role(const struct kvm_mmu_page *parent,
						  bool direct, unsigned access)
{
	union kvm_mmu_page_role role = parent->role;

	role.level--;
	role.access = access & ACC_ALL;
	role.direct = direct;
	role.passthrough = 0;
	return role;
}

/* kvm_mmu_get_child_sp: the page for SPTE i of parent, found or made; NULL with *exists
 * when a table is linked there already (-EEXIST). */
struct kvm_mmu_page *kvm_mmu_get_child_sp(struct kvm_vcpu *vcpu, struct kvm_mmu_page *parent,
					  unsigned i, uint64_t gfn, bool direct, unsigned access,
					  bool *exists)
{
	uint64_t spte = parent->spt[i];

	*exists = is_shadow_present_pte(spte) && !is_large_pte(spte);
	if (*exists)
		return spte_to_child_sp(&vcpu->kvm->pool, spte);
	return kvm_mmu_get_shadow_page(vcpu, gfn, kvm_mmu_child_role(parent, direct, access));
}

/* account_nx_huge_page: a table made for an exec fault under NX is tagged, and tracked for
 * recovery where a huge page would have been allowed. */
void account_nx_huge_page(struct kvm *kvm, struct kvm_mmu_page *sp, bool possible)
{
	sp->nx_huge_page_disallowed = true;
	if (possible)
		track_possible_nx_huge_page(kvm, sp, KVM_SHADOW_MMU);
}

int direct_map(struct kvm_vcpu *vcpu, struct kvm_page_fault *fault)
{
	struct kvm *kvm = vcpu->kvm;
	struct kvm_mmu_page *sp = root_to_sp(kvm, vcpu->arch.mmu->root.hpa);
	uint64_t base_gfn = fault->gfn;
	unsigned i;
	int ret;

	kvm_mmu_hugepage_adjust(kvm, fault);
	kvm_mmu_apply_hugepage_policy(kvm, fault);
	for (;;) { /* for_each_shadow_entry */
		int level = sp->role.level;
		struct kvm_mmu_page *child;
		bool exists;

		i = gfn_index(fault->gfn, level);
		kvm->work.map_levels++;
		if (fault->nx_huge_page_workaround_enabled)
			disallowed_hugepage_adjust(kvm, fault, sp->spt[i], level);
		base_gfn = fault->gfn & ~(pages_per_hpage(level) - 1);
		if (level == fault->goal_level)
			break;
		child = kvm_mmu_get_child_sp(vcpu, sp, i, base_gfn, true, ACC_ALL, &exists);
		if (!child)
			return TDPSIM_ENOMEM;
		if (!exists) {
			if (link_shadow_page(kvm, sp, i, child) < 0)
				return TDPSIM_ENOMEM;
			if (fault->huge_page_disallowed)
				account_nx_huge_page(kvm, child, fault->req_level >= level);
		}
		sp = child;
	}
	ret = mmu_set_spte(vcpu, fault->slot, sp, i, ACC_ALL, base_gfn, fault->pfn, fault);
	if (ret == RET_PF_SPURIOUS || ret < 0)
		return ret;
	direct_pte_prefetch(vcpu, sp, i);
	return ret;
}

/* ---- the slot and range operations over the rmaps ---- */

/* Each rmap head of `slot` at levels [min, max] for gfns in [start, end), in order. */
static bool walk_rmaps(struct kvm *kvm, const struct kvm_memory_slot *slot, uint64_t start,
		       uint64_t end, int min_level, int max_level,
		       bool (*fn)(struct kvm *, uint64_t *, const struct kvm_memory_slot *))
{
	bool flush = false;

	if (!slot->rmap[0])
		return false;
	if (start < slot->base_gfn)
		start = slot->base_gfn;
	if (end > slot->base_gfn + slot->npages)
		end = slot->base_gfn + slot->npages;
	for (int level = min_level; level <= max_level && start < end; level++) {
		uint64_t first = lpage_index(slot, start, level), last = lpage_index(slot, end - 1, level);

		for (uint64_t j = first; j <= last; j++)
			flush |= fn(kvm, &slot->rmap[level - 1][j], slot);
	}
	return flush;
}

static bool zap_rmap(struct kvm *kvm, uint64_t *head, const struct kvm_memory_slot *slot)
{
	(void)slot;
	return kvm_zap_all_rmap_sptes(kvm, head);
}

bool kvm_rmap_zap_gfn_range(struct kvm *kvm, uint64_t start, uint64_t end)
{
	bool flush = false;

	for (size_t s = 0; s < kvm->memslots.n; s++)
		flush |= walk_rmaps(kvm, &kvm->memslots.slots[s], start, end, PG_LEVEL_4K,
				    KVM_MAX_HUGEPAGE_LEVEL, zap_rmap);
	return flush;
}

/* kvm_rmap_age_gfn_range, one rmap: its young SPTEs (any level) aged - A cleared, or
 * access-tracked where A/D-less (L2's EPT02 without L1's A/D, or ept_ad=0). */
static bool age_rmap(struct kvm *kvm, uint64_t *head, const struct kvm_memory_slot *slot)
{
	struct rmap_iterator it;
	bool young = false;
	uint64_t h;

	(void)slot;
	for_each_rmap_spte(kvm, *head, &it, h) {
		struct kvm_mmu_page *sp = handle_sp(kvm, h);
		unsigned idx = (unsigned)(h & 511);

		if (!is_accessed_spte(kvm->spte, sp->spt[idx]))
			continue;
		young = true;
		kvm->work.aged++;
		mmu_spte_set(kvm, sp, idx, mark_spte_for_access_track(kvm->spte, sp->spt[idx]));
	}
	return young;
}

static bool test_age_rmap(struct kvm *kvm, uint64_t *head, const struct kvm_memory_slot *slot)
{
	struct rmap_iterator it;
	uint64_t h;

	(void)slot;
	for_each_rmap_spte(kvm, *head, &it, h) {
		struct kvm_mmu_page *sp = handle_sp(kvm, h);

		if (is_accessed_spte(kvm->spte, sp->spt[h & 511]))
			return true;
	}
	return false;
}

bool kvm_rmap_age_gfn_range(struct kvm *kvm, uint64_t start, uint64_t end, bool test_only)
{
	bool young = false;

	for (size_t s = 0; s < kvm->memslots.n && !(test_only && young); s++)
		young |= walk_rmaps(kvm, &kvm->memslots.slots[s], start, end, PG_LEVEL_4K,
				    KVM_MAX_HUGEPAGE_LEVEL, test_only ? test_age_rmap : age_rmap);
	return young;
}

/* Clear `bits` on every SPTE of one rmap (spte_write_protect, spte_clear_dirty), or
 * `l2_bits` on those of L2's pages (role.guest_mode). */
static bool rmap_clear_bits(struct kvm *kvm, uint64_t head, uint64_t bits, uint64_t l2_bits)
{
	struct rmap_iterator it;
	bool flush = false;
	uint64_t h;

	for_each_rmap_spte(kvm, head, &it, h) {
		struct kvm_mmu_page *sp = handle_sp(kvm, h);
		unsigned idx = (unsigned)(h & 511);
		uint64_t clear = sp->role.guest_mode ? l2_bits : bits;

		if (!(sp->spt[idx] & clear))
			continue;
		mmu_spte_set(kvm, sp, idx, sp->spt[idx] & ~clear);
		flush = true;
	}
	return flush;
}

/*
 * kvm_mmu_page_ad_need_write_protect (spte.h): with PML the processor would log the gpas of
 * the EPT it runs on, and for L2 that is EPT02 - L2's gpas, not L1's gfns the dirty bitmap
 * counts.  So L2's leaves (role.guest_mode) are write-protected where others lose D
 * (__rmap_clear_dirty: spte_wrprot_for_clear_dirty, W only - MMU-writable stays), and the
 * next write faults and is logged by make_spte.
 */
static bool rmap_clear_dirty_bits(struct kvm *kvm, uint64_t head)
{
	return rmap_clear_bits(kvm, head, kvm->spte->dirty, VMX_EPT_WRITABLE_MASK);
}

static bool slot_rmap_write_protect(struct kvm *kvm, uint64_t *head,
				    const struct kvm_memory_slot *slot)
{
	(void)slot; /* pt_protect=false: MMU-writable stays, the fast path restores W */
	return rmap_clear_bits(kvm, *head, VMX_EPT_WRITABLE_MASK, VMX_EPT_WRITABLE_MASK);
}

static bool rmap_clear_dirty(struct kvm *kvm, uint64_t *head, const struct kvm_memory_slot *slot)
{
	(void)slot;
	return rmap_clear_dirty_bits(kvm, *head);
}

bool kvm_rmap_write_protect_slot(struct kvm *kvm, const struct kvm_memory_slot *slot,
				 int start_level)
{
	return walk_rmaps(kvm, slot, slot->base_gfn, slot->base_gfn + slot->npages, start_level,
			  KVM_MAX_HUGEPAGE_LEVEL, slot_rmap_write_protect);
}

bool kvm_rmap_clear_dirty_slot(struct kvm *kvm, const struct kvm_memory_slot *slot)
{
	return walk_rmaps(kvm, slot, slot->base_gfn, slot->base_gfn + slot->npages, PG_LEVEL_4K,
			  PG_LEVEL_4K, rmap_clear_dirty);
}

void kvm_rmap_clear_pt_masked(struct kvm *kvm, struct kvm_memory_slot *slot, uint64_t gfn,
			      uint64_t mask, bool wrprot)
{
	for (; mask; mask &= mask - 1) {
		uint64_t *head = gfn_to_rmap(slot, gfn + (uint64_t)__builtin_ctzll(mask), PG_LEVEL_4K);

		if (head && wrprot)
			rmap_clear_bits(kvm, *head, VMX_EPT_WRITABLE_MASK, VMX_EPT_WRITABLE_MASK);
		else if (head)
			rmap_clear_dirty_bits(kvm, *head);
	}
}

bool kvm_rmap_write_protect_gfn(struct kvm *kvm, struct kvm_memory_slot *slot, uint64_t gfn,
				int min_level)
{
	bool flush = false;

	/* rmap_write_protect with pt_protect: MMU-writable goes too. */
	for (int level = min_level; level <= KVM_MAX_HUGEPAGE_LEVEL; level++) {
		uint64_t *head = gfn_to_rmap(slot, gfn, level);

		if (head)
			flush |= rmap_clear_bits(kvm, *head,
						 VMX_EPT_WRITABLE_MASK | kvm->spte->mmu_writable,
						 VMX_EPT_WRITABLE_MASK | kvm->spte->mmu_writable);
	}
	return flush;
}

/* kvm_mmu_zap_collapsible_spte: a leaf of a direct page below what its table's gfn could
 * be mapped at now goes (its table stays). */
static bool zap_collapsible_rmap(struct kvm *kvm, uint64_t *head,
				 const struct kvm_memory_slot *slot)
{
	struct rmap_iterator it;
	bool flush = false;
	uint64_t h;

restart:
	for_each_rmap_spte(kvm, *head, &it, h) {
		struct kvm_mmu_page *sp = handle_sp(kvm, h);

		if (sp->role.direct &&
		    sp->role.level < kvm_mmu_max_mapping_level(kvm, slot, sp->gfn,
							       KVM_MAX_HUGEPAGE_LEVEL)) {
			unsigned idx = (unsigned)(h & 511);

			if (kvm->hooks->on_zap)
				kvm->hooks->on_zap(sp_spte_gfn(sp, idx), sp->role.level,
						   sp->spt[idx], kvm->hooks->payload);
			drop_spte(kvm, sp, idx);
			flush = true;
			goto restart;
		}
	}
	return flush;
}

bool kvm_rmap_zap_collapsible_sptes(struct kvm *kvm, const struct kvm_memory_slot *slot)
{
	return walk_rmaps(kvm, slot, slot->base_gfn, slot->base_gfn + slot->npages, PG_LEVEL_4K,
			  KVM_MAX_HUGEPAGE_LEVEL - 1, zap_collapsible_rmap);
}

/* ---- eager page splitting of nested MMUs (mmu.c kvm_shadow_mmu_try_split_huge_pages; 6.0,
 * David Matlack's "Extend Eager Page Splitting to nested MMUs") ---- */

/* A worst-case split adds 512 rmap entries and one parent link, each of which may need a
 * descriptor (SPLIT_DESC_CACHE_MIN_NR_OBJECTS); a cache below its minimum is filled to its
 * capacity, 40 objects more (KVM_ARCH_NR_OBJS_PER_MEMORY_CACHE). */
#define SPLIT_DESC_CACHE_MIN_NR_OBJECTS (PT_ENTRIES + 1)
#define KVM_ARCH_NR_OBJS_PER_MEMORY_CACHE 40

/* need_topup_split_caches_or_resched, then topup_split_caches: KVM drops mmu_lock to fill
 * the caches, and the rmap walk starts again (-EAGAIN).  True if it had to. */
static bool topup_split_caches(struct kvm *kvm)
{
	if (kvm->split_desc_cache >= SPLIT_DESC_CACHE_MIN_NR_OBJECTS && kvm->split_page_cache)
		return false;
	if (kvm->split_desc_cache < SPLIT_DESC_CACHE_MIN_NR_OBJECTS)
		kvm->split_desc_cache = SPLIT_DESC_CACHE_MIN_NR_OBJECTS +
					KVM_ARCH_NR_OBJS_PER_MEMORY_CACHE;
	if (!kvm->split_page_cache)
		kvm->split_page_cache = KVM_ARCH_NR_OBJS_PER_MEMORY_CACHE;
	kvm->work.split_topups++;
	return true;
}

/*
 * shadow_mmu_split_huge_page: the huge leaf's region gets a direct page one level down
 * (shadow_mmu_get_sp_for_split: direct whatever the huge leaf's page is, since the region
 * is now mapped directly; role from the leaf's recorded access), found in mmu_page_hash if
 * one exists.  Its empty entries get the huge page's pieces; present ones stay - a leaf maps
 * the same gfn to the same pfn in a direct page, but a link may lead to a table that maps
 * less than the huge page did, and installing that unmaps guest memory, which needs a TLB
 * flush before the new table is linked (__link_shadow_page's drop_large_spte).
 */
static int shadow_mmu_split_huge_page(struct kvm *kvm, const struct kvm_memory_slot *slot,
				      struct kvm_mmu_page *huge_sp, unsigned hi)
{
	uint64_t huge_spte = huge_sp->spt[hi], used = kvm->n_used_mmu_pages;
	uint64_t gfn = kvm_mmu_page_get_gfn(huge_sp, hi), descs = kvm->pte_lists.allocated;
	union kvm_mmu_page_role role = kvm_mmu_child_role(huge_sp, true,
							  kvm_mmu_page_get_access(huge_sp, hi));
	/* make_huge_page_split_spte: exec comes back at 4K where the access allows it */
	bool exec = is_nx_huge_page_enabled(kvm) && (role.access & ACC_EXEC_MASK);
	struct kvm_mmu_page *sp = __kvm_mmu_get_shadow_page(kvm, NULL, gfn, role);
	bool flush = false;
	int r = 0;

	if (!sp)
		return TDPSIM_ENOMEM;
	if (kvm->n_used_mmu_pages != used)
		kvm->split_page_cache--;
	for (unsigned i = 0; i < PT_ENTRIES && r == 0; i++) {
		if (is_shadow_present_pte(sp->spt[i])) {
			flush |= !is_last_spte(sp->spt[i], role.level);
			continue;
		}
		mmu_spte_set(kvm, sp, i, make_small_spte(huge_spte, role.level, i, exec));
		r = rmap_add(kvm, slot, sp, i, kvm_mmu_page_get_gfn(sp, i), role.access);
	}
	if (r == 0)
		r = __link_shadow_page(kvm, huge_sp, hi, sp, flush);
	descs = kvm->pte_lists.allocated - descs;
	kvm->split_desc_cache -= descs < kvm->split_desc_cache ? (uint32_t)descs
							       : kvm->split_desc_cache;
	kvm->work.split_tables++;
	if (r == 0 && kvm->hooks->on_split)
		kvm->hooks->on_split(gfn, huge_sp->role.level, kvm->hooks->payload);
	return r;
}

/* shadow_mmu_try_split_huge_page: refused while the shadow-page budget has
 * KVM_MIN_FREE_MMU_PAGES or fewer free (-ENOSPC); -EAGAIN after a cache top-up. */
static int shadow_mmu_try_split_huge_page(struct kvm *kvm, const struct kvm_memory_slot *slot,
					  struct kvm_mmu_page *huge_sp, unsigned hi)
{
	if (kvm_mmu_available_pages(kvm) <= KVM_MIN_FREE_MMU_PAGES)
		return -ENOSPC;
	if (topup_split_caches(kvm))
		return -EAGAIN;
	return shadow_mmu_split_huge_page(kvm, slot, huge_sp, hi);
}

/* shadow_mmu_try_split_huge_pages: the huge leaves on one rmap.  Under the TDP MMU only
 * nested MMUs' pages (role.guest_mode) are on rmaps; invalid pages are left alone.  After a
 * split or a top-up the walk starts again; any other failure ends this rmap's walk (and the
 * next rmap tries again: a refusal repeats for every huge leaf left). */
static bool shadow_mmu_try_split_huge_pages(struct kvm *kvm, uint64_t *head,
					    const struct kvm_memory_slot *slot)
{
	struct rmap_iterator it;
	uint64_t h;

restart:
	for_each_rmap_spte(kvm, *head, &it, h) {
		struct kvm_mmu_page *sp = handle_sp(kvm, h);
		unsigned idx = (unsigned)(h & 511);
		int r;

		if (!sp->role.guest_mode || !is_large_pte(sp->spt[idx]) || sp->unsync ||
		    sp->role.invalid)
			continue;
		r = shadow_mmu_try_split_huge_page(kvm, slot, sp, idx);
		if (r == 0 || r == -EAGAIN)
			goto restart;
		break;
	}
	return false;
}

/* kvm_shadow_mmu_try_split_huge_pages: level by level from the largest, so that a 1G leaf
 * becomes 2M leaves that the 2M pass then splits. */
void kvm_shadow_mmu_try_split_huge_pages(struct kvm *kvm, const struct kvm_memory_slot *slot,
					 uint64_t start, uint64_t end, int target_level)
{
	for (int level = KVM_MAX_HUGEPAGE_LEVEL; level > target_level; level--)
		walk_rmaps(kvm, slot, start, end, level, level, shadow_mmu_try_split_huge_pages);
}

/* ---- the VM ---- */

int kvm_shadow_mmu_init_vm(struct kvm *kvm)
{
	kvm->mmu_page_hash = mem_malloc(kvm->mem, MEM_SHADOW_PAGES,
					KVM_NUM_MMU_PAGES * sizeof(*kvm->mmu_page_hash));
	if (!kvm->mmu_page_hash) {
		err_prefix("kvm: mmu_page_hash");
		return TDPSIM_ENOMEM;
	}
	for (unsigned b = 0; b < KVM_NUM_MMU_PAGES; b++)
		kvm->mmu_page_hash[b] = SP_NONE;
	kvm->active_head = kvm->active_tail = kvm->invalid_head = SP_NONE;
	kvm->pte_lists.free_head = SP_NONE;
	kvm->memslots.have_rmaps = 1;
	return 0;
}

void kvm_shadow_mmu_uninit_vm(struct kvm *kvm)
{
	free(kvm->mmu_page_hash);
	free(kvm->pte_lists.descs);
	kvm->mmu_page_hash = NULL;
	memset(&kvm->pte_lists, 0, sizeof(kvm->pte_lists));
}

/* ---- --check ---- */

int kvm_shadow_mmu_check(const struct kvm *kvm, uint64_t pages[KVM_MAX_HUGEPAGE_LEVEL])
{
	uint64_t used = 0;

	for (uint32_t id = kvm->active_head; id != SP_NONE;) {
		const struct kvm_mmu_page *sp = sp_by_id(&kvm->pool, id);

		id = sp->link_next;
		used++;
		for (unsigned i = 0; i < PT_ENTRIES; i++) {
			uint64_t spte = sp->spt[i];
			struct rmap_iterator it;
			uint64_t *head, h;
			bool listed = false;

			if (!is_shadow_present_pte(spte) || !is_last_spte(spte, sp->role.level))
				continue;
			pages[sp->role.level - 1]++;
			head = sp_rmap((struct kvm *)kvm, sp, i);
			if (head)
				for_each_rmap_spte(kvm, *head, &it, h)
					listed |= h == spte_handle(sp, i);
			if (!listed)
				return err_set(TDPSIM_EINTERNAL, "check: leaf at gfn 0x%" PRIx64
					       " level %d is not on its rmap", sp_spte_gfn(sp, i),
					       sp->role.level);
		}
	}
	if (used != kvm->n_used_mmu_pages)
		return err_set(TDPSIM_EINTERNAL, "check: n_used_mmu_pages %" PRIu64 " but %" PRIu64
			       " pages are active", kvm->n_used_mmu_pages, used);
	return 0;
}

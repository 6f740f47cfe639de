/* SPDX-License-Identifier: MIT */
/*
 * The TDP iterator (after KVM's tdp_iter.c).  The basic algorithm is as follows:
 * 1. If the current SPTE is a non-leaf SPTE, step down into the page table it points to.
 * 2. If the iterator cannot step down, it tries to step to the next SPTE in the table.
 * 3. If the iterator cannot step to the next SPTE in the table, it tries to step up to the
 *    parent table, and then to that table's next SPTE; it repeats this until it can step
 *    sideways, or runs out of the root.
 */
#include "kvm/tdp_iter.h"

static uint64_t round_gfn_for_level(uint64_t gfn, int level)
{
	return gfn & ~(pages_per_hpage(level) - 1);
}

static void tdp_iter_refresh_sptep(struct tdp_iter *iter)
{
	iter->sptep = tdp_iter_sp(iter)->spt + gfn_index(iter->gfn, iter->level);
	iter->old_spte = *iter->sptep;
}

void tdp_iter_start(struct tdp_iter *iter, const struct sp_pool *pool,
		    struct kvm_mmu_page *root, int min_level, uint64_t next_last_level_gfn)
{
	iter->pool = pool;
	iter->next_last_level_gfn = next_last_level_gfn;
	iter->root_level = root->role.level;
	iter->min_level = min_level;
	iter->sp_path[root->role.level - 1] = root;
	iter->level = root->role.level;
	iter->gfn = round_gfn_for_level(next_last_level_gfn, iter->level);
	tdp_iter_refresh_sptep(iter);
	iter->valid = true;
}

/* Step down into the table the current SPTE points to.  Returns true if it did. */
static bool try_step_down(struct tdp_iter *iter)
{
	if (iter->level == iter->min_level)
		return false;
	/* Re-read: the loop body may have changed the SPTE (linked or split a table). */
	iter->old_spte = *iter->sptep;
	if (!is_shadow_present_pte(iter->old_spte) || is_last_spte(iter->old_spte, iter->level))
		return false;
	iter->level--;
	iter->sp_path[iter->level - 1] = spte_to_child_sp(iter->pool, iter->old_spte);
	iter->gfn = round_gfn_for_level(iter->next_last_level_gfn, iter->level);
	tdp_iter_refresh_sptep(iter);
	return true;
}

/* Step to the next SPTE in the current table.  Returns true if there is one. */
static bool try_step_side(struct tdp_iter *iter)
{
	if (gfn_index(iter->gfn, iter->level) == PT_ENTRIES - 1)
		return false;
	iter->gfn += pages_per_hpage(iter->level);
	iter->next_last_level_gfn = iter->gfn;
	iter->sptep++;
	iter->old_spte = *iter->sptep;
	return true;
}

/* Step up to the SPTE that links the current table.  Returns true unless at the root. */
static bool try_step_up(struct tdp_iter *iter)
{
	if (iter->level == iter->root_level)
		return false;
	iter->level++;
	iter->gfn = round_gfn_for_level(iter->gfn, iter->level);
	tdp_iter_refresh_sptep(iter);
	return true;
}

void tdp_iter_next(struct tdp_iter *iter)
{
	if (try_step_down(iter))
		return;
	do {
		if (try_step_side(iter))
			return;
	} while (try_step_up(iter));
	iter->valid = false;
}

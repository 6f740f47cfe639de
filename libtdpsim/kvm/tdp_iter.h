/* SPDX-License-Identifier: MIT */
/*
 * Internal: the TDP iterator, after KVM's tdp_iter.h: a pre-order walk of one root's paging
 * structure over a range of gfns, visiting each SPTE whose range overlaps it.
 */
#ifndef TDPSIM_KVM_TDP_ITER_H
#define TDPSIM_KVM_TDP_ITER_H

#include <stdbool.h>
#include <stdint.h>

#include "kvm/mmu_page.h"

struct tdp_iter {
	/* The lowest gfn the walk still has to reach: it moves forward as the walk steps
	 * sideways, and steps down head for it. */
	uint64_t next_last_level_gfn;
	/* The SPs from the root down to the current level: sp_path[level - 1]. */
	struct kvm_mmu_page *sp_path[PT_MAX_LEVEL];
	/* A pointer to the current SPTE. */
	uint64_t *sptep;
	/* The lowest gfn the current SPTE maps. */
	uint64_t gfn;
	/* The level of the root and the lowest level the walk may descend to. */
	int root_level, min_level;
	/* The level of the current SPTE. */
	int level;
	/* A snapshot of the value at sptep. */
	uint64_t old_spte;
	/* Whether the walk still has SPTEs to visit. */
	bool valid;
	const struct sp_pool *pool;
};

void tdp_iter_start(struct tdp_iter *iter, const struct sp_pool *pool,
		    struct kvm_mmu_page *root, int min_level, uint64_t next_last_level_gfn);
void tdp_iter_next(struct tdp_iter *iter);

/* The SP that holds the current SPTE. */
static inline struct kvm_mmu_page *tdp_iter_sp(const struct tdp_iter *iter)
{
	return iter->sp_path[iter->level - 1];
}

/* Every SPTE mapping part of [start, end), down to min_level, pre-order. */
#define for_each_tdp_pte_min_level(iter, pool, root, min_level, start, end)              \
	for (tdp_iter_start(&(iter), pool, root, min_level, start);                     \
	     (iter).valid && (iter).gfn < (end); tdp_iter_next(&(iter)))

#define for_each_tdp_pte(iter, pool, root, start, end) \
	for_each_tdp_pte_min_level(iter, pool, root, PG_LEVEL_4K, start, end)

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Internal: shadow pages (struct kvm_mmu_page) - one 4K table of 512 SPTEs plus KVM's
 * metadata - from a pool that grows in chunks and recycles freed pages, so a fault never
 * allocates.  A non-leaf SPTE points to its child by a frame number in a range of its own
 * (SP_PFN_BASE + id), as KVM's point to the physical address of the child table.
 */
#ifndef TDPSIM_KVM_MMU_PAGE_H
#define TDPSIM_KVM_MMU_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kvm/spte.h"

struct mem_meter;

#define SP_PFN_BASE (1ull << 36) /* frames of KVM's own tables: above any memory frame */
#define SP_NONE UINT32_MAX

/*
 * union kvm_mmu_page_role (kvm_host.h): what a shadow page is for.  Two pages for the same
 * gfn with different roles are different pages (mmu_page_hash is keyed by gfn and role
 * word).  The TDP MMU's roots and tables have roles too: direct, ACC_ALL.
 */
union kvm_mmu_page_role {
	uint32_t word;
	struct {
		unsigned level:4;           /* the level of the SPTEs in the page */
		unsigned has_4_byte_gpte:1; /* 32-bit non-PAE guest tables */
		unsigned quadrant:2;
		unsigned direct:1;          /* maps gfns directly, not a guest table */
		unsigned access:3;          /* ACC_* the guest's upper levels grant */
		unsigned invalid:1;         /* obsolete root: to be freed, never reused */
		unsigned efer_nx:1;
		unsigned cr0_wp:1;
		unsigned smep_andnot_wp:1;
		unsigned smap_andnot_wp:1;
		unsigned ad_disabled:1;     /* EPT A/D off (or L1's EPTP without A/D) */
		unsigned guest_mode:1;      /* built for L2 (nested) */
		unsigned passthrough:1;
		unsigned :5;
		unsigned smm:8;             /* address space: 0 normal, 1 SMM */
	};
};

struct kvm_mmu_page {
	uint64_t *spt;      /* the 512 SPTEs */
	uint64_t gfn;       /* first gfn the table maps */
	uint32_t id;        /* pool index; the table's frame is SP_PFN_BASE + id */
	uint32_t parent;    /* the SP whose SPTE links this one, SP_NONE for a root */
	union kvm_mmu_page_role role;
	bool tdp_mmu_page;  /* belongs to the TDP MMU (else to the rmap-based MMU) */
	uint32_t next_root; /* the next root on kvm->tdp_mmu_roots */
	bool nx_huge_page_disallowed; /* tagged: created by an exec fault under NX */
	bool tracked;       /* on the possible-NX list (counted in nx_lpage_splits) */
	uint32_t nx_prev, nx_next;    /* possible_nx_huge_pages FIFO links */
	uint32_t next_free; /* free-list link while unused */
	/* the rmap-based MMU's (shadow_mmu.c) */
	uint32_t hash_next;           /* mmu_page_hash bucket chain */
	uint32_t link_prev, link_next; /* active_mmu_pages, newest first */
	uint64_t parent_ptes;         /* pte_list of the SPTEs that link this page */
	uint32_t root_count;          /* vCPUs using it as their root */
	uint8_t mmu_valid_gen;        /* obsolete once kvm->mmu_valid_gen differs */
	bool on_invalid_list;         /* zapped, to be freed at kvm_mmu_commit_zap_page */
	/* the shadow MMU's (shadow paging: shadow_paging.c, paging_tmpl.h) */
	uint64_t *shadowed_translation; /* a guest table's page: gfn << 12 | ACC_* per SPTE */
	bool unsync;                  /* a 4K guest table the guest may write unseen */
	uint16_t unsync_children;     /* bits set in unsync_child_bitmap */
	uint64_t unsync_child_bitmap[PT_ENTRIES / 64]; /* SPTEs leading to unsync pages */
	uint8_t write_flooding_count; /* emulated writes since the guest last used the page */
};

struct sp_pool {
	struct kvm_mmu_page **chunks; /* chunk c holds ids [c * SP_CHUNK, (c+1) * SP_CHUNK) */
	uint64_t **tables;            /* the tables of chunk c, SP_CHUNK * 512 SPTEs */
	uint64_t **xlat;              /* their shadowed_translation arrays (shadow paging) */
	bool with_translations;       /* chunks get xlat arrays */
	uint32_t nchunks;
	uint32_t free_head;
	uint64_t used;                /* SPs in use: KVM's tdp_mmu_pages */
	struct mem_meter *mem;        /* charged a chunk at a time */
};

#define SP_CHUNK 256u

void sp_pool_init(struct sp_pool *p, bool with_translations, struct mem_meter *mem);
void sp_pool_free(struct sp_pool *p);
/* From now on every page has its shadowed_translation, those made already too: the pool of
 * a TDP host gets them when the shadow EPT MMU is first used (nested), as KVM gives one to
 * every indirect page (kvm_mmu_alloc_shadow_page).  0 or ENOMEM. */
int sp_pool_enable_translations(struct sp_pool *p);

/* A zeroed SP (every SPTE non-present) with `role` mapping from `gfn`; NULL when out of
 * memory (with the error set). */
struct kvm_mmu_page *sp_alloc(struct sp_pool *p, union kvm_mmu_page_role role, uint64_t gfn);
void sp_release(struct sp_pool *p, struct kvm_mmu_page *sp);

static inline struct kvm_mmu_page *sp_by_id(const struct sp_pool *p, uint32_t id)
{
	return &p->chunks[id / SP_CHUNK][id % SP_CHUNK];
}

static inline uint64_t sp_pfn(const struct kvm_mmu_page *sp)
{
	return SP_PFN_BASE + sp->id;
}

/* spte_to_child_sp: the SP a present non-leaf SPTE links to. */
static inline struct kvm_mmu_page *spte_to_child_sp(const struct sp_pool *p, uint64_t spte)
{
	return sp_by_id(p, (uint32_t)(spte_to_pfn(spte) - SP_PFN_BASE));
}

/* The child table itself, without going through its SP. */
static inline uint64_t *spte_to_child_spt(const struct sp_pool *p, uint64_t spte)
{
	uint32_t id = (uint32_t)(spte_to_pfn(spte) - SP_PFN_BASE);

	return p->tables[id / SP_CHUNK] + (size_t)(id % SP_CHUNK) * PT_ENTRIES;
}

#endif

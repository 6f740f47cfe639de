/* SPDX-License-Identifier: MIT */
/*
 * The shadow MMU's walk of the guest's own page tables and its fault, after KVM's
 * mmu/paging_tmpl.h: included by mmu.c once per guest page-table format, with PTTYPE set,
 * and every function named FNAME(name) for that format.  PTTYPE 64 is the guest's 4- and
 * 5-level x86 tables (shadow paging, paging64_*); PTTYPE_EPT is L1's EPT12 (nested: the
 * shadow EPT MMU, ept_*), walked for an L2 gpa, with EPT's R/W/X for P/W/U and NX, and its
 * Accessed (bit 8) and Dirty (bit 9) only where L1's EPTP enables them.
 *
 * FNAME(walk_addr) reads the guest's tables in software as the processor would walk them,
 * with the access's permission checks, and sets Accessed (and Dirty on a write) in the
 * guest's PTEs itself: that store goes straight to guest memory through the memslot's hva
 * (update_accessed_dirty_bits), past KVM's own write protection of the table, with the
 * table's gfn marked dirty.  FNAME(fetch) builds the shadow chain: a shadow page per guest
 * table (indirect, keyed by the table's gfn and the access above it), then direct pages
 * where a guest huge page is mapped with smaller pages.
 */
#if PTTYPE == 64
#define pt_element_t uint64_t
#define guest_walker guest_walker64
#define FNAME(name) paging64_##name
#define PT_GUEST_DIRTY_SHIFT 6
#define PT_GUEST_ACCESSED_SHIFT 5
#define PT_HAVE_ACCESSED_DIRTY(mmu) true
#define PT_MAX_FULL_LEVELS PT_MAX_LEVEL
#define PT_NX_MASK PT64_NX_MASK
#elif PTTYPE == PTTYPE_EPT
#define pt_element_t uint64_t
#define guest_walker guest_walkerEPT
#define FNAME(name) ept_##name
#define PT_GUEST_DIRTY_SHIFT 9
#define PT_GUEST_ACCESSED_SHIFT 8
#define PT_HAVE_ACCESSED_DIRTY(mmu) (!(mmu)->cpu_role.ad_disabled)
#define PT_MAX_FULL_LEVELS PT_MAX_LEVEL
#define PT_NX_MASK 0ull /* EPT's X is a permission bit: nothing to invert */
#else
#error "paging_tmpl.h: PTTYPE must be 64 or PTTYPE_EPT"
#endif
#define PT_GUEST_ACCESSED_MASK (1ull << PT_GUEST_ACCESSED_SHIFT)
#define PT_GUEST_DIRTY_MASK (1ull << PT_GUEST_DIRTY_SHIFT)

/* struct guest_walker: what one walk of the guest's tables found, level by level. */
struct guest_walker {
	int level;                                /* the leaf's level */
	int max_level;                            /* the top level walked */
	uint64_t table_gfn[PT_MAX_FULL_LEVELS];
	pt_element_t ptes[PT_MAX_FULL_LEVELS];
	pt_element_t prefetch_ptes[PTE_PREFETCH_NUM]; /* the leaf's aligned group */
	uint64_t pte_gpa[PT_MAX_FULL_LEVELS];
	bool pte_writable[PT_MAX_FULL_LEVELS];    /* the table's memslot is writable */
	unsigned pt_access[PT_MAX_FULL_LEVELS];   /* ACC_* granted above each level */
	unsigned pte_access;                      /* ACC_* of the whole walk */
	uint64_t gfn;
	uint32_t fault_error_code;                /* the #PF, when the walk failed */
	uint64_t exit_qualification;              /* EPT: the violation reflected to L1 */
};

#if PTTYPE == PTTYPE_EPT
/* FNAME(gpte_access), EPT: W and X as ACC_WRITE and ACC_EXEC, and R as ACC_USER (unused by
 * EPT otherwise), so that an execute-only page is not readable. */
static inline unsigned FNAME(gpte_access)(uint64_t gpte)
{
	return ((gpte & VMX_EPT_WRITABLE_MASK) ? ACC_WRITE_MASK : 0) |
	       ((gpte & VMX_EPT_EXECUTABLE_MASK) ? ACC_EXEC_MASK : 0) |
	       ((gpte & VMX_EPT_READABLE_MASK) ? ACC_USER_MASK : 0);
}

/* An EPT entry is present with any of R/W/X. */
static inline bool FNAME(is_present_gpte)(uint64_t gpte)
{
	return gpte & VMX_EPT_RWX_MASK;
}
#else
/* FNAME(gpte_access): P|W|U as ACC_EXEC(=P)|ACC_WRITE|ACC_USER, NX folded into EXEC. */
static inline unsigned FNAME(gpte_access)(uint64_t gpte)
{
	unsigned access = (unsigned)(gpte & (PT_WRITABLE_MASK | PT_USER_MASK | PT_PRESENT_MASK));

	return access ^ (unsigned)(gpte >> 63);
}

static inline bool FNAME(is_present_gpte)(uint64_t gpte)
{
	return gpte & PT_PRESENT_MASK;
}
#endif

/* FNAME(protect_clean_gpte): no write access through a gpte whose Dirty is clear, so that
 * the first write faults and KVM sets Dirty in the gpte - where the format has Dirty. */
static inline void FNAME(protect_clean_gpte)(const struct kvm_mmu *mmu, unsigned *access,
					     uint64_t gpte)
{
	unsigned mask = ~ACC_WRITE_MASK;

	(void)mmu;
	if (!PT_HAVE_ACCESSED_DIRTY(mmu))
		return;
	mask |= (unsigned)(gpte >> (PT_GUEST_DIRTY_SHIFT - 1)) & ACC_WRITE_MASK;
	*access &= mask;
}

static inline bool FNAME(is_last_gpte)(int level, uint64_t gpte)
{
	return level == PG_LEVEL_4K || (level <= PG_LEVEL_1G && (gpte & PT_PAGE_SIZE_MASK));
}

/* FNAME(is_rsvd_bits_set) for what the simulator's guests can set: PS in a PML4E or PML5E,
 * a huge frame not aligned to its size (bits above PAT). */
static inline bool FNAME(is_rsvd_bits_set)(uint64_t gpte, int level)
{
#if PTTYPE == PTTYPE_EPT
	/* __is_bad_mt_xwr: write without read, or a reserved memory type (2, 3, 7); the
	 * processor executes execute-only pages (the CPU models have the capability).  A huge
	 * frame has no PAT bit in EPT: every bit below its size is reserved. */
	unsigned xwr = (unsigned)(gpte & 7), mt = (unsigned)(gpte >> 3) & 7;

	if (xwr == 2 || xwr == 6 || mt == 2 || mt == 3 || mt == 7)
		return true;
	if (level == PG_LEVEL_4K || !(gpte & PT_PAGE_SIZE_MASK))
		return false;
	return level > PG_LEVEL_1G || (gpte & PT64_ADDR_MASK & (level_size(level) - 1));
#else
	if (level == PG_LEVEL_4K || !(gpte & PT_PAGE_SIZE_MASK))
		return false;
	return level > PG_LEVEL_1G ||
	       (gpte & PT64_ADDR_MASK & (level_size(level) - 1) & ~(uint64_t)(2 * PAGE_SIZE - 1));
#endif
}

/* The gfn a leaf gpte maps at its level (gpte_to_gfn_lvl). */
static inline uint64_t FNAME(gpte_to_gfn_lvl)(uint64_t gpte, int level)
{
	return (gpte & PT64_ADDR_MASK & ~(level_size(level) - 1)) >> PAGE_SHIFT;
}

/* permission_fault (mmu.h) with CR0.WP=1, EFER.NXE=1, no SMEP/SMAP/PKU: P, or 0. */
static inline uint32_t FNAME(permission_fault)(unsigned pte_access, uint32_t access)
{
	if (((access & TDPSIM_PFERR_USER) && !(pte_access & ACC_USER_MASK)) ||
	    ((access & TDPSIM_PFERR_WRITE) && !(pte_access & ACC_WRITE_MASK)) ||
	    ((access & TDPSIM_PFERR_FETCH) && !(pte_access & ACC_EXEC_MASK)))
		return TDPSIM_PFERR_PRESENT;
	return 0;
}

/* FNAME(update_accessed_dirty_bits): A on every level walked, D on a written leaf, each
 * gpte stored back to guest memory where it changed, its table's page marked dirty. */
static void FNAME(update_accessed_dirty_bits)(struct kvm_vcpu *vcpu, struct guest_walker *w,
					      bool write_fault)
{
	struct kvm *kvm = vcpu->kvm;

	if (!PT_HAVE_ACCESSED_DIRTY(vcpu->arch.mmu))
		return;
	for (int level = w->max_level; level >= w->level; level--) {
		pt_element_t pte = w->ptes[level - 1], orig = pte;
		struct kvm_memory_slot *slot;

		pte |= PT_GUEST_ACCESSED_MASK;
		if (level == w->level && write_fault)
			pte |= PT_GUEST_DIRTY_MASK;
		if (pte == orig || !w->pte_writable[level - 1]) /* a read-only slot: left */
			continue;
		if (guest_write_u64(kvm->guest, w->pte_gpa[level - 1], pte) < 0)
			continue; /* not stored here: outside the guest-pt regions */
		slot = memslots_by_gfn(&kvm->memslots, w->table_gfn[level - 1]);
		if (slot)
			mark_page_dirty_in_slot(slot, w->table_gfn[level - 1]);
		w->ptes[level - 1] = pte;
	}
}

/* FNAME(walk_addr_generic): true with the translation, or false with the #PF in
 * w->fault_error_code. */
static bool FNAME(walk_addr)(struct guest_walker *w, struct kvm_vcpu *vcpu, uint64_t addr,
			     uint32_t access)
{
	struct kvm *kvm = vcpu->kvm;
	const struct kvm_mmu *mmu = vcpu->arch.mmu;
	const bool write_fault = access & TDPSIM_PFERR_WRITE;
	uint64_t pte = mmu->get_guest_pgd(vcpu), pte_access = ~0ull, pt_access, accessed_dirty;
	uint32_t errcode = 0;

	w->level = mmu->cpu_role.level;
	w->max_level = w->level;
	++w->level;
	do {
		uint64_t table_gfn = (pte & PT64_ADDR_MASK) >> PAGE_SHIFT;
		struct kvm_memory_slot *slot;

		pt_access = pte_access;
		--w->level;
		w->table_gfn[w->level - 1] = table_gfn;
		w->pte_gpa[w->level - 1] = (table_gfn << PAGE_SHIFT) + 8u * pt_index(addr, w->level);
		/* The table is read through its memslot's hva: none, and the walk fails. */
		slot = memslots_by_gfn(&kvm->memslots, table_gfn);
		if (!slot)
			goto error;
		w->pte_writable[w->level - 1] = !(slot->flags & TDPSIM_MEM_READONLY);
		pte = guest_read_u64(kvm->guest, w->pte_gpa[w->level - 1]);
		kvm->work.map_levels++; /* a gpte read costs as an SPTE visited */
		/* NX inverted, so that it ANDs like the permission bits. */
		pte_access = pt_access & (pte ^ PT_NX_MASK);
		if (!FNAME(is_present_gpte)(pte))
			goto error;
		if (FNAME(is_rsvd_bits_set)(pte, w->level)) {
			errcode = TDPSIM_PFERR_RSVD | TDPSIM_PFERR_PRESENT;
			goto error;
		}
		w->ptes[w->level - 1] = pte;
		w->pt_access[w->level - 1] = FNAME(gpte_access)(pt_access ^ PT_NX_MASK);
	} while (!FNAME(is_last_gpte)(w->level, pte));

	accessed_dirty = PT_HAVE_ACCESSED_DIRTY(mmu) ? pte_access & PT_GUEST_ACCESSED_MASK : 0;
	w->pte_access = FNAME(gpte_access)(pte_access ^ PT_NX_MASK);
	if ((errcode = FNAME(permission_fault)(w->pte_access, access)))
		goto error;
	w->gfn = FNAME(gpte_to_gfn_lvl)(pte, w->level) +
		 ((addr & (level_size(w->level) - 1)) >> PAGE_SHIFT);
	if (!write_fault)
		FNAME(protect_clean_gpte)(mmu, &w->pte_access, pte);
	else /* a write needs the leaf's Dirty as well */
		accessed_dirty &= pte >> (PT_GUEST_DIRTY_SHIFT - PT_GUEST_ACCESSED_SHIFT);
	if (!accessed_dirty)
		FNAME(update_accessed_dirty_bits)(vcpu, w, write_fault);
	return true;

error:
	errcode |= access & (TDPSIM_PFERR_WRITE | TDPSIM_PFERR_USER);
	if (access & TDPSIM_PFERR_FETCH) /* EFER.NXE */
		errcode |= TDPSIM_PFERR_FETCH;
	w->fault_error_code = errcode;
	w->exit_qualification = 0;
#if PTTYPE == PTTYPE_EPT
	/* The EPT violation's qualification (SDM 28.2.1, Table 28-7): the access in bits 2:0
	 * (read, write, fetch), and in bits 5:3 the R/W/X the walk of EPT12 had granted,
	 * before the entry that stopped it (pte_access holds the raw bits). */
	if (!(errcode & TDPSIM_PFERR_RSVD))
		w->exit_qualification = ((access & TDPSIM_PFERR_USER) ? 1u : 0) |
					((access & TDPSIM_PFERR_WRITE) ? 2u : 0) |
					((access & TDPSIM_PFERR_FETCH) ? 4u : 0) |
					(pte_access & VMX_EPT_RWX_MASK) << 3;
#endif
	return false;
}

/* FNAME(gpte_changed): the gpte at `level` is no longer what the walk read (the 4K level
 * reads its aligned group, kept for the prefetch). */
static bool FNAME(gpte_changed)(struct kvm_vcpu *vcpu, struct guest_walker *gw, int level)
{
	const struct guest_mm *g = vcpu->kvm->guest;
	uint64_t pte_gpa = gw->pte_gpa[level - 1], curr;

	if (level == PG_LEVEL_4K) {
		uint64_t base = pte_gpa & ~(uint64_t)(PTE_PREFETCH_NUM * sizeof(pt_element_t) - 1);

		guest_read_u64s(g, base, PTE_PREFETCH_NUM, gw->prefetch_ptes);
		curr = gw->prefetch_ptes[(pte_gpa - base) / 8];
	} else {
		curr = guest_read_u64(g, pte_gpa);
	}
	return curr != gw->ptes[level - 1];
}

/* FNAME(prefetch_invalid_gpte): a gpte not worth an SPTE (not present, reserved bits, or
 * not yet Accessed by the guest): SPTE i goes; true. */
static bool FNAME(prefetch_invalid_gpte)(struct kvm_vcpu *vcpu, struct kvm_mmu_page *sp,
					 unsigned i, uint64_t gpte)
{
	if (!FNAME(is_rsvd_bits_set)(gpte, PG_LEVEL_4K) && FNAME(is_present_gpte)(gpte) &&
	    (!PT_HAVE_ACCESSED_DIRTY(vcpu->arch.mmu) || (gpte & PT_GUEST_ACCESSED_MASK)))
		return false;
	drop_spte(vcpu->kvm, sp, i);
	return true;
}

/* FNAME(prefetch_gpte): SPTE i made from gpte, if the host page is there (no_dirty_log: not
 * for a writable gpte in a dirty-logged slot, so that a prefetch marks nothing dirty). */
static bool FNAME(prefetch_gpte)(struct kvm_vcpu *vcpu, struct kvm_mmu_page *sp, unsigned i,
				 uint64_t gpte, bool no_dirty_log)
{
	unsigned pte_access;

	if (FNAME(prefetch_invalid_gpte)(vcpu, sp, i, gpte))
		return false;
	pte_access = sp->role.access & FNAME(gpte_access)(gpte);
	FNAME(protect_clean_gpte)(vcpu->arch.mmu, &pte_access, gpte);
	return kvm_mmu_prefetch_sptes(vcpu, (gpte & PT64_ADDR_MASK) >> PAGE_SHIFT, sp, i, 1,
				      pte_access, no_dirty_log);
}

/* FNAME(pte_prefetch): the non-present neighbours of SPTE idx in its aligned group of
 * PTE_PREFETCH_NUM, from the gptes the fetch read, until the first that cannot be. */
static void FNAME(pte_prefetch)(struct kvm_vcpu *vcpu, struct guest_walker *gw,
				struct kvm_mmu_page *sp, unsigned idx)
{
	unsigned first = idx & ~(PTE_PREFETCH_NUM - 1u);

	if (sp->role.level > PG_LEVEL_4K || vcpu->kvm->mmu_invalidate_in_progress)
		return;
	if (sp->role.direct) {
		direct_pte_prefetch(vcpu, sp, idx);
		return;
	}
	for (unsigned j = 0; j < PTE_PREFETCH_NUM; j++) {
		unsigned i = first + j;

		if (i == idx || is_shadow_present_pte(sp->spt[i]))
			continue;
		if (!FNAME(prefetch_gpte)(vcpu, sp, i, gw->prefetch_ptes[j], true))
			break;
	}
}

/* FNAME(fetch): the shadow chain for the walk, the level hugepage_adjust allows, the leaf,
 * and the prefetch around it. */
static int FNAME(fetch)(struct kvm_vcpu *vcpu, struct kvm_page_fault *fault,
			struct guest_walker *gw)
{
	struct kvm *kvm = vcpu->kvm;
	struct kvm_mmu_page *sp = root_to_sp(kvm, vcpu->arch.mmu->root.hpa), *child;
	unsigned direct_access = gw->pte_access, i;
	uint64_t base_gfn = fault->gfn;
	bool exists;
	int ret;

	/* The root's gpte: the root is write-protected, so it cannot change from here on. */
	if (FNAME(gpte_changed)(vcpu, gw, vcpu->arch.mmu->cpu_role.level))
		return RET_PF_RETRY;
	for (;; sp = child) { /* the guest's tables: indirect pages */
		int level = sp->role.level;
		uint64_t table_gfn;

		i = pt_index(fault->addr, level);
		sp->write_flooding_count = 0; /* clear_sp_write_flooding_count */
		kvm->work.map_levels++;
		if (level == gw->level)
			break;
		table_gfn = gw->table_gfn[level - 2];
		child = kvm_mmu_get_child_sp(vcpu, sp, i, table_gfn, false,
					     gw->pt_access[level - 2], &exists);
		if (!child)
			return TDPSIM_ENOMEM;
		/* A table must be in sync before it is linked: the guest need not flush when
		 * a gpte goes from not-present to present. */
		if (!exists && child->unsync_children)
			mmu_sync_children(vcpu, child);
		if (FNAME(gpte_changed)(vcpu, gw, level - 1))
			return RET_PF_RETRY;
		if (!exists && link_shadow_page(kvm, sp, i, child) < 0)
			return TDPSIM_ENOMEM;
	}
	/* After the indirect pages: a new one may have just disallowed a huge page here. */
	kvm_mmu_hugepage_adjust(kvm, fault);
	kvm_mmu_apply_hugepage_policy(kvm, fault);
	for (;; sp = child) { /* below the guest's leaf: direct pages */
		int level = sp->role.level;

		i = pt_index(fault->addr, level);
		if (fault->nx_huge_page_workaround_enabled)
			disallowed_hugepage_adjust(kvm, fault, sp->spt[i], level);
		base_gfn = fault->gfn & ~(pages_per_hpage(level) - 1);
		if (level == fault->goal_level)
			break;
		kvm->work.map_levels++;
		validate_direct_spte(vcpu, sp, i, direct_access);
		child = kvm_mmu_get_child_sp(vcpu, sp, i, base_gfn, true, direct_access, &exists);
		if (!child)
			return TDPSIM_ENOMEM;
		if (!exists) {
			if (link_shadow_page(kvm, sp, i, child) < 0)
				return TDPSIM_ENOMEM;
			if (fault->huge_page_disallowed)
				account_nx_huge_page(kvm, child, fault->req_level >= level);
		}
	}
	ret = mmu_set_spte(vcpu, fault->slot, sp, i, gw->pte_access, base_gfn, fault->pfn, fault);
	if (ret == RET_PF_SPURIOUS || ret < 0)
		return ret;
	FNAME(pte_prefetch)(vcpu, gw, sp, i);
	return ret;
}

/* FNAME(page_fault): the guest's walk; a failed one is the guest's own #PF, injected. */
static int FNAME(page_fault)(struct kvm_vcpu *vcpu, struct kvm_page_fault *fault)
{
	struct kvm *kvm = vcpu->kvm;
	struct guest_walker walker;
	int r;

	/* An RSVD fault is KVM's own (an MMIO SPTE): the guest's walk is made without it. */
	if (!FNAME(walk_addr)(&walker, vcpu, fault->addr, fault->error_code & ~TDPSIM_PFERR_RSVD)) {
		if (!fault->prefetch)
			kvm_inject_emulated_page_fault(vcpu, vcpu->arch.mmu, walker.fault_error_code,
						       fault->addr, walker.exit_qualification);
		return RET_PF_RETRY;
	}
	fault->gfn = walker.gfn;
	fault->max_level = walker.level;
	fault->slot = memslots_by_gfn(&kvm->memslots, fault->gfn);
	if (page_fault_handle_page_track(kvm, fault)) {
		shadow_page_table_clear_flood(vcpu, fault->addr);
		return kvm->profile->write_protected_result ? RET_PF_WRITE_PROTECTED
							    : RET_PF_EMULATE;
	}
	r = kvm_mmu_faultin_pfn(kvm, fault);
	if (r != RET_PF_CONTINUE)
		return r;
	if (is_page_fault_stale(kvm, fault))
		return RET_PF_RETRY;
	if ((r = make_mmu_pages_available(vcpu)) < 0)
		return r;
	return FNAME(fetch)(vcpu, fault, &walker);
}

/* FNAME(gva_to_gpa): the software walk for an access, A/D set as the hardware would. */
static uint64_t FNAME(gva_to_gpa)(struct kvm_vcpu *vcpu, struct kvm_mmu *mmu, uint64_t gva,
				  uint32_t access, uint32_t *fault_err)
{
	struct guest_walker walker;

	(void)mmu;
	if (!FNAME(walk_addr)(&walker, vcpu, gva, access)) {
		*fault_err = walker.fault_error_code;
		return INVALID_PAGE;
	}
	*fault_err = 0;
	return walker.gfn << PAGE_SHIFT | (gva & (PAGE_SIZE - 1));
}

/* FNAME(sync_spte): SPTE i of an unsync 4K table's page re-made from its gpte as it is now:
 * dropped if the gpte is no longer worth one or maps another gfn, else its access updated
 * (never more than before: no write where the gpte is clean).  > 0: flush. */
static int FNAME(sync_spte)(struct kvm_vcpu *vcpu, struct kvm_mmu_page *sp, int idx)
{
	struct kvm *kvm = vcpu->kvm;
	const struct spte_masks *m = kvm->spte;
	unsigned i = (unsigned)idx, pte_access;
	uint64_t gpte_gpa = (sp->gfn << PAGE_SHIFT) + 8u * i, gpte, gfn, old = sp->spt[i], spte;
	struct kvm_memory_slot *slot;

	if (!memslots_by_gfn(&kvm->memslots, sp->gfn))
		return -1; /* kvm_vcpu_read_guest_atomic fails */
	gpte = guest_read_u64(kvm->guest, gpte_gpa);
	if (FNAME(prefetch_invalid_gpte)(vcpu, sp, i, gpte))
		return 1;
	gfn = (gpte & PT64_ADDR_MASK) >> PAGE_SHIFT;
	pte_access = sp->role.access & FNAME(gpte_access)(gpte);
	FNAME(protect_clean_gpte)(vcpu->arch.mmu, &pte_access, gpte);
	if (gfn != kvm_mmu_page_get_gfn(sp, i)) {
		drop_spte(kvm, sp, i);
		return 1;
	}
	kvm_mmu_page_set_translation(sp, i, gfn, pte_access);
	slot = memslots_by_gfn(&kvm->memslots, gfn);
	kvm->work.make_spte++;
	make_spte(vcpu, sp, slot, pte_access, gfn, spte_to_pfn(old), old, true, true,
		  old & m->host_writable, &spte);
	mmu_spte_set(kvm, sp, i, spte);
	/* mmu_spte_update: a leaf that could be written and no longer can must be flushed. */
	return (old & m->mmu_writable) && !is_writable_pte(spte);
}

/*
 * FNAME(invlpg), up to 6.3 (profile invlpg_prefetch; mmu->invlpg): on the walk of gva from
 * root, the leaf SPTE of an unsync page is zapped - every vCPU flushed if it was present,
 * even when the gpte is unchanged - and made again from the gpte as a prefetch, with
 * no_dirty_log false; the walk goes on only through pages with unsync children.  A leaf
 * that was not present is prefetched too (is_last_spte holds at 4K whatever the SPTE).
 * rmap_can_add always holds here: the caches are topped up before (mmu_topup_memory_caches).
 * 6.4 replaced this by syncing the SPTE in place (kvm_mmu_invalidate_addr, FNAME(sync_spte)).
 */
static void FNAME(invlpg)(struct kvm_vcpu *vcpu, uint64_t gva, uint64_t root_hpa)
{
	struct kvm *kvm = vcpu->kvm;
	struct kvm_mmu_page *sp = root_to_sp(kvm, root_hpa);

	for (;;) {
		const unsigned i = pt_index(gva, sp->role.level);
		const uint64_t old = sp->spt[i];

		if (is_last_spte(old, sp->role.level)) {
			if (!sp->unsync)
				return;
			mmu_page_zap_pte(kvm, sp, i);
			if (is_shadow_present_pte(old))
				kvm_flush_remote_tlbs(kvm); /* kvm_flush_remote_tlbs_with_address */
			if (!memslots_by_gfn(&kvm->memslots, sp->gfn))
				return; /* kvm_vcpu_read_guest_atomic fails */
			FNAME(prefetch_gpte)(vcpu, sp, i,
					     guest_read_u64(kvm->guest, (sp->gfn << PAGE_SHIFT) + 8u * i),
					     false);
			return; /* a 4K page has no children */
		}
		if (!sp->unsync_children || !is_shadow_present_pte(old))
			return;
		sp = spte_to_child_sp(&kvm->pool, old);
	}
}

#undef pt_element_t
#undef guest_walker
#undef FNAME
#undef PT_GUEST_ACCESSED_MASK
#undef PT_GUEST_DIRTY_MASK
#undef PT_GUEST_DIRTY_SHIFT
#undef PT_GUEST_ACCESSED_SHIFT
#undef PT_HAVE_ACCESSED_DIRTY
#undef PT_MAX_FULL_LEVELS
#undef PT_NX_MASK

/* SPDX-License-Identifier: MIT */
/*
 * A vCPU's memory access, as the hardware performs it with EPT (Intel SDM Vol. 3): the TLBs
 * first; on a miss, the 2-D page walk - the guest's walk, each of whose page-table reads is
 * itself a guest-physical access translated through EPT, then the EPT translation of the
 * final address - shortened by the paging-structure caches.  Where EPT lacks a translation
 * the hardware exits with an EPT violation; KVM handles it (kvm_mmu_page_fault) and the guest
 * re-executes the instruction, which looks up and walks again.  Every step is charged in
 * cycles from the CPU model; every fetch is checked for an iTLB multihit.
 */
#include <inttypes.h>
#include <string.h>

#include "core/error.h"
#include "cpu/ept.h"
#include "cpu/shadow.h"
#include "kvm/dirty_log.h"
#include "kvm/mmu.h"
#include "kvm/mmu_internal.h"
#include "kvm/nested.h"
#include "kvm/shadow_mmu.h"
#include "kvm/spte.h"
#include "machine.h"
#include "tdpsim/trace.h"

/* Faults one instruction may take before the simulator calls it a livelock.  A fresh access
 * can need one per guest page-table level, one for the data, and retries after host
 * invalidations: far fewer than this. */
#define MAX_FAULTS_PER_ACCESS 32

/* ---- cycles ---- */

/* vcpu_charge, inlined where the category is a constant (the switch then folds away). */
static inline __attribute__((always_inline)) void charge(struct machine *m, unsigned vcpu,
							 enum cycle_cat cat, uint64_t cycles)
{
	tdpsim_vcpu_stats *vs = m->vcpus[vcpu].stat;
	tdpsim_stats *s = m->stats;

	switch (cat) { /* on every access: no tables built here */
	case CYC_TLB: vs->cycles_tlb += cycles; s->cycles_tlb += cycles; break;
	case CYC_WALK: vs->cycles_walk += cycles; s->cycles_walk += cycles; break;
	case CYC_EXIT: vs->cycles_exit += cycles; s->cycles_exit += cycles; break;
	case CYC_KVM: vs->cycles_kvm += cycles; s->cycles_kvm += cycles; break;
	case CYC_FLUSH: vs->cycles_flush += cycles; s->cycles_flush += cycles; break;
	case CYC_GUEST_PF: vs->cycles_guest_pf += cycles; s->cycles_guest_pf += cycles; break;
	}
	vs->cycles += cycles;
	s->cycles += cycles;
}

void vcpu_charge(struct machine *m, unsigned vcpu, enum cycle_cat cat, uint64_t cycles)
{
	charge(m, vcpu, cat, cycles);
}

static inline __attribute__((always_inline)) uint64_t
work_cycles(const struct cpu_model *c, const struct kvm_work *w)
{
	return w->fast_path * c->cyc_fast_page_fault +
	       w->faultin * ((uint64_t)c->cyc_topup + c->cyc_faultin) +
	       w->hugepage_adjust * c->cyc_hugepage_adjust +
	       w->map_levels * c->cyc_map_per_level +
	       w->make_spte * c->cyc_make_spte +
	       w->split_tables * c->cyc_split_per_table +
	       w->split_topups * c->cyc_topup +
	       w->zapped * c->cyc_zap_per_spte +
	       w->pml_drained * c->cyc_pml_entry +
	       w->host_walk_extra * c->cyc_walk_ref_cached +
	       w->aged * c->cyc_zap_per_spte; /* [estimate] an aged SPTE costs as a zapped one */
}

uint64_t kvm_work_cycles(const struct cpu_model *c, const struct kvm_work *w)
{
	return work_cycles(c, w);
}

/*
 * What KVM does for one vCPU - an exit's handling, a root load - is charged to it: the
 * work counted so far (the background's: recovery, dirty-log ioctls) is set aside, KVM's
 * work for the vCPU is counted from zero, charged, and the background's put back.
 */
static inline __attribute__((always_inline)) struct kvm_work vcpu_work_begin(struct machine *m)
{
	struct kvm_work background = m->kvm.work;

	m->kvm.work = (struct kvm_work){ 0 };
	return background;
}

static inline __attribute__((always_inline)) void
vcpu_work_end(struct machine *m, unsigned vcpu, const struct kvm_work *background)
{
	charge(m, vcpu, CYC_KVM, work_cycles(m->cpu, &m->kvm.work));
	m->kvm.work = *background;
}

/* ---- PML: the processor's side ---- */

void vcpu_pml_exit(struct machine *m, unsigned vcpu, uint64_t ipi_cycles)
{
	struct kvm_work background = vcpu_work_begin(m);

	if (ipi_cycles)
		charge(m, vcpu, CYC_FLUSH, ipi_cycles);
	charge(m, vcpu, CYC_EXIT, m->cpu->cyc_vmexit);
	kvm_flush_pml_buffer(&m->kvm, m->vcpus[vcpu].pml_page, &m->vcpus[vcpu].pml_index);
	vcpu_work_end(m, vcpu, &background);
}

/*
 * A write (or, with EPT A/D, any paging-structure access) that EPT permits at `gpa`: where
 * the leaf's D is clear - PML cleared it for dirty logging - the processor sets it, and
 * logs the GPA when PML is on in the VMCS (a slot is dirty-logged).  A full buffer makes a
 * PML-full VM exit first.  Returns the leaf as it is now.
 */
static uint64_t ept_write_sets_dirty(struct machine *m, unsigned vcpu, uint64_t gpa,
				     uint64_t spte)
{
	int level;
	uint64_t *sptep;

	if (!m->vcpus[vcpu].ept_ad || (spte & SPTE_DIRTY_MASK))
		return spte; /* no A/D in the EPTP: the processor writes no D (nor logs) */
	sptep = ept_walk(&m->kvm.pool, m->vcpus[vcpu].eptp, m->vcpus[vcpu].ept_levels,
			 gpa >> PAGE_SHIFT, &level);
	/* vmcs02 has PML off (KVM write-protects L2's SPTEs for dirty logging instead) */
	if (!m->vcpus[vcpu].in_l2 && kvm_pml_logging(&m->kvm)) {
		if (vcpu_pml_full(&m->vcpus[vcpu])) {
			m->stats->pml_full_exits++;
			vcpu_pml_exit(m, vcpu, 0);
		}
		vcpu_pml_log(&m->vcpus[vcpu], gpa & ~(uint64_t)(PAGE_SIZE - 1));
		m->stats->pml_logged++;
	}
	*sptep |= SPTE_ACCESSED_MASK | SPTE_DIRTY_MASK; /* the processor's: KVM does not see it */
	return *sptep;
}

/*
 * Any access EPT translates at `gpa`, with A/D on in the EPTP: the walk that filled the TLB
 * sets the leaf's A where aging cleared it (SDM 29.3.5).  A TLB hit sets nothing - an aged
 * page the TLB still maps stays old.  Returns the leaf as it is now.
 */
static uint64_t ept_access_sets_accessed(struct machine *m, unsigned vcpu, uint64_t gpa,
					 uint64_t spte)
{
	int level;
	uint64_t *sptep;

	if (!m->vcpus[vcpu].ept_ad || (spte & SPTE_ACCESSED_MASK))
		return spte;
	sptep = ept_walk(&m->kvm.pool, m->vcpus[vcpu].eptp, m->vcpus[vcpu].ept_levels,
			 gpa >> PAGE_SHIFT, &level);
	*sptep |= SPTE_ACCESSED_MASK;
	return *sptep;
}

/* ---- the 2-D walk's references ---- */

/* References of the EPT walk of `gpa` that ended at level `leaf` (ept_translate: at the
 * leaf, or at the entry that stopped it with an EPT violation), after the EPT paging-structure
 * caches: the walk starts below the deepest cached upper-level entry.  The walk caches the
 * upper-level entries it read (not those above its start: it did not read them). */
static unsigned ept_refs(struct vcpu *v, uint64_t gpa, int leaf, unsigned *cached)
{
	unsigned refs;
	int top = v->ept_levels, start = top;

	if (!leaf)
		return 0; /* beyond the tables: nothing read */
	/* The caches hold PML4Es, PDPTEs and PDEs; with 5-level EPT a PML4E-cache entry is
	 * found by GPA bits 56:39, so a hit skips the PML5E's read too.  No PML5E cache is
	 * modelled: a walk that misses all three reads the PML5E from memory. */
	for (int l = leaf + 1; l <= top && l <= 4; l++)
		if (psc_lookup(v->tlb, true, l, gpa, 0, 0)) {
			start = l - 1;
			break;
		}
	refs = (unsigned)(start - leaf + 1);
	*cached += (unsigned)(top - start);
	for (int l = leaf + 1; l <= start; l++)
		psc_insert(v->tlb, true, l, gpa, 0, 0);
	return refs;
}

struct walk_ctx {
	struct machine *m;
	struct vcpu *v;
	int level;          /* the guest level whose entry the walker reads next */
	int start;          /* guest levels above this were served by a PSC */
	unsigned refs, cached;
	uint32_t pt_err;    /* the EPT violation of a page-table read (GUEST_WALK_EPT) */
};

/* The walker's read of a page-table entry: can EPT translate it?  Counts references.
 * `write`: with EPT A/D on, the processor treats the access as a write for EPT - EPT01
 * always (KVM enables A/D), EPT02 only if L1 enabled them in EPT12's EPTP (vmx.c
 * construct_eptp) - and the processor reports its EPT violation as a read and a write,
 * which vmx.c __vmx_handle_ept_violation turns into PFERR_USER | PFERR_WRITE. */
static int walker_gpa_access(void *ctx, uint64_t gpa, int write)
{
	struct walk_ctx *w = ctx;
	int level = w->level--, leaf;
	uint64_t spte;

	/* A level a paging-structure cache served is not read: no EPT access at all (what
	 * matters where aging took an upper table page's access away without a flush). */
	if (level > w->start) {
		w->pt_err = 0;
		w->cached++;
		return 0;
	}
	if (!w->v->ept_ad)
		write = 0;
	w->pt_err = ept_translate(&w->m->kvm.pool, w->v->eptp, w->v->ept_levels, gpa,
				  write ? TDPSIM_OP_WRITE : TDPSIM_OP_READ, &spte, &leaf);
	if (w->pt_err && write)
		w->pt_err |= TDPSIM_PFERR_USER;
	if (w->pt_err) { /* an EPT violation first: the EPT walk read up to it, not the entry */
		w->refs += ept_refs(w->v, gpa, leaf, &w->cached);
		return 1;
	}
	spte = ept_access_sets_accessed(w->m, (unsigned)(w->v - w->m->vcpus), gpa, spte);
	if (write)
		ept_write_sets_dirty(w->m, (unsigned)(w->v - w->m->vcpus), gpa, spte);
	w->refs += ept_refs(w->v, gpa, leaf, &w->cached) + 1; /* the entry itself */
	return 0;
}

/* ---- the TLB ---- */

static int op_kind(int op)
{
	return op == TDPSIM_OP_WRITE ? GUEST_WRITE : op == TDPSIM_OP_EXEC ? GUEST_FETCH
								   : GUEST_READ;
}

/* Bitwise, not by branches: in a random mix of reads and writes, a branch on the kind of
 * access is a misprediction a third of the time. */
static inline bool entry_permits(const struct tlb_entry *e, int op, int cpl)
{
	return ((cpl != 3) | e->user) & ((op != TDPSIM_OP_WRITE) | e->write) &
	       ((op != TDPSIM_OP_EXEC) | e->exec) & ((op == TDPSIM_OP_EXEC) | !e->noread);
}

void vcpu_counters_init(struct machine *m)
{
	tdpsim_stats *s = m->stats;
	uint64_t *const c[2][2][3] = {
		{ { &s->dtlb_misses_4k, &s->dtlb_misses_2m, &s->dtlb_misses_1g },
		  { &s->dtlb_hits_4k, &s->dtlb_hits_2m, &s->dtlb_hits_1g } },
		{ { &s->itlb_misses_4k, &s->itlb_misses_2m, &s->itlb_misses_1g },
		  { &s->itlb_hits_4k, &s->itlb_hits_2m, &s->itlb_hits_1g } },
	};

	for (int f = 0; f < 2; f++)
		for (int h = 0; h < 2; h++) {
			m->tlb_count[f][h][0] = &m->no_count;
			for (int l = PG_LEVEL_4K; l <= PG_LEVEL_1G; l++)
				m->tlb_count[f][h][l] = c[f][h][l - 1];
		}
}

/* Count a lookup's outcome, by kind, hit or miss, and page size (1 = 4K, 2 = 2M, 3 = 1G). */
static inline void count_tlb(struct machine *m, int op, int size, bool hit)
{
	(*m->tlb_count[op == TDPSIM_OP_EXEC][hit][size & 3])++;
}

/* ---- the hooks of the processor's side (hooks.h): called only when set ---- */

static __attribute__((noinline)) void report_tlb_miss(struct machine *m, const struct vcpu *v,
						      uint64_t gva, int op, tdpsim_tlb_level tlb,
						      int size, bool permission)
{
	const tdpsim_tlb_miss miss = {
		.vcpu = (uint32_t)(v - m->vcpus),
		.gva = gva,
		.op = op,
		.tlb = tlb,
		.page_level = size,
		.permission = permission,
	};

	m->kvm.hooks->on_tlb_miss(&miss, m->kvm.hooks->payload);
}

static __attribute__((noinline)) void report_walk(struct machine *m, unsigned vcpu,
						  uint64_t gva, int op, const tdpsim_walk *how)
{
	tdpsim_walk walk = *how;

	walk.vcpu = vcpu;
	walk.gva = gva;
	walk.op = op;
	m->kvm.hooks->on_walk(&walk, m->kvm.hooks->payload);
}

/* The combined mapping a successful walk makes: no larger than the smaller of the guest's
 * page and EPT's, with the permissions of both (write only once the guest's D is set, so a
 * clean entry walks again to set it, as the hardware does). */
static void fill_tlb(struct machine *m, struct vcpu *v, uint64_t gva, int op,
		     const struct guest_walk *w, uint64_t spte, int ept_level, bool permission)
{
	int size = w->level < ept_level ? w->level : ept_level;
	uint64_t gfn_off = (w->gpa >> PAGE_SHIFT) & (pages_per_hpage(ept_level) - 1);
	uint64_t hpfn = spte_to_pfn(spte) + gfn_off; /* the host frame of gva's 4K page */
	struct tlb_entry e = { 0 };

	e.vpn = gva >> level_shift(size);
	e.pfn = hpfn - ((gva >> PAGE_SHIFT) & (pages_per_hpage(size) - 1));
	e.gfn = (w->gpa >> PAGE_SHIFT) - ((gva >> PAGE_SHIFT) & (pages_per_hpage(size) - 1));
	e.vpid = v->vpid;
	e.pcid = (uint16_t)(v->cr3 & 0xfff);
	e.size_level = (uint8_t)size;
	e.guest_level = (uint8_t)w->level; /* INVLPG in the guest page drops every piece */
	e.memtype = (uint8_t)((spte >> VMX_EPT_MT_EPTE_SHIFT) & 7);
	e.global = false;
	e.user = w->leaf_pte & PT_USER_MASK;
	e.write = (w->leaf_pte & PT_WRITABLE_MASK) && (w->leaf_pte & PT_DIRTY_MASK) &&
		  is_writable_pte(spte) && (spte & SPTE_DIRTY_MASK); /* EPT's D too (PML) */
	e.exec = !(w->leaf_pte & PT64_NX_MASK) && is_executable_pte(spte);
	/* A combined mapping permits what both stages do: an execute-only EPT leaf (L2 on an
	 * execute-only EPT12 page) gives a fetch-only entry. */
	e.noread = !(spte & VMX_EPT_READABLE_MASK);
	tlb_insert(v->tlb, op == TDPSIM_OP_EXEC ? TLB_FETCH : TLB_DATA, gva, &e);
	count_tlb(m, op, size, false);
	m->stats->stlb_misses++;
	if (m->kvm.hooks->on_tlb_miss)
		report_tlb_miss(m, v, gva, op, TDPSIM_TLB_STLB, size, permission);
}

/* ---- the multihit check ---- */

static tdpsim_multihit_action multihit_check(struct machine *m, unsigned vcpu, uint64_t gva)
{
	struct vcpu *v = &m->vcpus[vcpu];
	struct tlb_entry small, large;
	tdpsim_multihit mh;
	tdpsim_multihit_action act;

	if (!tlb_multihit(v->tlb, gva, v->vpid, (uint16_t)(v->cr3 & 0xfff), m->multihit_broad,
			  &small, &large))
		return TDPSIM_MULTIHIT_IGNORE;
	mh.event = m->stats->events;
	mh.vcpu = vcpu;
	mh.gva = gva;
	mh.small_level = small.size_level;
	mh.large_level = large.size_level;
	mh.small_hpa = (small.pfn << PAGE_SHIFT) + (gva & (level_size(small.size_level) - 1));
	mh.large_hpa = (large.pfn << PAGE_SHIFT) + (gva & (level_size(large.size_level) - 1));
	mh.small_memtype = small.memtype;
	mh.large_memtype = large.memtype;
	act = m->multihit_fn ? m->multihit_fn(&mh, m->multihit_payload) : m->multihit_default;
	if (act != TDPSIM_MULTIHIT_IGNORE)
		m->stats->multihit_events++;
	if (m->kvm.hooks->on_multihit)
		m->kvm.hooks->on_multihit(&mh, act, m->kvm.hooks->payload);
	return act;
}

/* ---- the guest's paging-structure caches ---- */

/* The level the guest walk starts reading at: below the deepest cached upper-level entry. */
static int guest_psc_start(struct vcpu *v, uint64_t gva, int top)
{
	uint16_t pcid = (uint16_t)(v->cr3 & 0xfff);

	/* The deepest cached upper-level entry (PDE, then PDPTE, then PML4E) lets the walk
	 * start below it; levels above the start are not read. */
	for (int l = 2; l <= 4 && l < top + 1; l++)
		if (psc_lookup(v->tlb, false, l, gva, v->vpid, pcid))
			return l - 1;
	return top;
}

/* After a successful walk from `start` down to the leaf at leaf_level: cache the upper-level
 * entries it read. */
static void guest_psc_fill(struct vcpu *v, uint64_t gva, int leaf_level, int start)
{
	uint16_t pcid = (uint16_t)(v->cr3 & 0xfff);

	for (int l = leaf_level + 1; l <= start && l <= 4; l++)
		psc_insert(v->tlb, false, l, gva, v->vpid, pcid);
}

/* ---- the access ---- */

/* The processor switches between L1 and L2 with the VMCS: L2 walks its own tables, from
 * its CR3, under vmcs02's VPID - vpid02 if vmcs12 enables VPID, else L1's vpid01, as L2
 * would share VPID 0 with L1 on hardware (vmx/nested.c prepare_vmcs02_early_rare). */
static void switch_level(struct machine *m, struct vcpu *v, bool l2)
{
	uint32_t cr3 = v->cr3;
	bool own_vpid = m->kvm.vcpus[v - m->vcpus].nested.vpid12 != 0;

	v->cr3 = v->other_cr3;
	v->other_cr3 = cr3;
	v->in_l2 = l2;
	v->vpid = l2 && own_vpid ? v->vpid02 : v->vpid01;
	v->guest = l2 ? m->l2_guest : m->guest;
}

void vcpu_enter(struct machine *m, unsigned vcpu)
{
	struct vcpu *v = &m->vcpus[vcpu];
	uint64_t hpa = m->kvm.vcpus[vcpu].arch.mmu->root.hpa;

	if (v->in_l2 != m->kvm.vcpus[vcpu].nested.guest_mode)
		switch_level(m, v, m->kvm.vcpus[vcpu].nested.guest_mode);
	/* Under EPT the entry loads the EPTP: the TLBs answer for its EP4TA only, so entries
	 * made on another root are never used on this one (KVM flushed this root's context
	 * when it loaded it: kvm_mmu_load).  Under shadow paging the processor's CR3 is the
	 * shadow root and the TLBs are tagged by VPID and PCID alone: a switch to another
	 * root, a new one or a cached one (kvm_mmu_new_pgd), comes with KVM's
	 * KVM_REQ_TLB_FLUSH_CURRENT, a flush of the vCPU's VPID. */
	if (m->kvm.tdp_enabled) {
		tlb_set_ep4ta(v->tlb, vcpu_ep4ta(hpa));
		v->ept_levels = (int)m->kvm.vcpus[vcpu].arch.mmu->root_role.level;
		/* construct_eptp: A/D enabled where KVM uses them and, for L2, L1 does */
		v->ept_ad = !m->kvm.vcpus[vcpu].arch.mmu->root_role.ad_disabled;
	}
	else if (v->eptp != hpa && v->eptp != 0)
		tlb_flush_vpid(v->tlb, v->vpid);
	v->eptp = hpa;
}

void vcpu_attach(struct machine *m, unsigned vcpu)
{
	struct vcpu *v = &m->vcpus[vcpu];

	/* A vCPU starts in L1: its tables, its VPID (vmcs01's). */
	v->guest = m->guest;
	if (v->vpid01 == 0)
		v->vpid01 = v->vpid;
	v->stat = &m->kvm.vcpus[vcpu].stat;
	vcpu_enter(m, vcpu);
}

static int shadow_enter(struct machine *m, unsigned vcpu);

int vcpu_ept_fault(struct machine *m, unsigned vcpu, uint64_t gpa, uint64_t err)
{
	struct kvm_vcpu *kv = &m->kvm.vcpus[vcpu];
	struct kvm_work background;
	int r, load;

	if (!m->kvm.tdp_enabled && (r = shadow_enter(m, vcpu)) < 0)
		return r;
	background = vcpu_work_begin(m);

	/* vmx_handle_exit: at every exit (GUEST_PML_INDEX still at its head, the usual case
	 * outside dirty logging, leaves nothing to drain: tested here, not in a call) */
	if (m->vcpus[vcpu].pml_index != PML_HEAD_INDEX)
		kvm_flush_pml_buffer(&m->kvm, m->vcpus[vcpu].pml_page, &m->vcpus[vcpu].pml_index);
	r = kvm_mmu_page_fault(kv, gpa, err);
	/* vcpu_enter_guest: kvm_mmu_reload, then the entry on the root loaded (only a zap of
	 * the roots changes it). */
	if (r >= 0 && kv->arch.mmu->root.hpa != m->vcpus[vcpu].eptp) {
		if ((load = kvm_mmu_reload(kv)) < 0)
			r = load;
		else
			vcpu_enter(m, vcpu);
	}

	charge(m, vcpu, CYC_EXIT, m->cpu->cyc_vmexit);
	vcpu_work_end(m, vcpu, &background);
	kv->arch.exit_qual = kv->arch.exit_gla = 0; /* handled: the next exit sets its own */
	return r;
}

/* What the processor writes to the VMCS of an EPT violation in a walk for a linear
 * address: the address, valid, and whether the gpa was the data's (`final`) or an entry
 * of the guest's own page walk (vmx.h EPT_VIOLATION_GVA_IS_VALID, _GVA_TRANSLATED).  KVM
 * reads them with the exit (vmx_get_exit_qual; nested_ept_inject_page_fault). */
static void ept_exit_linear(struct machine *m, unsigned vcpu, uint64_t gva, bool final)
{
	struct kvm_vcpu *kv = &m->kvm.vcpus[vcpu];

	kv->arch.exit_qual = EPT_VIOLATION_GVA_IS_VALID |
			     (final ? EPT_VIOLATION_GVA_TRANSLATED : 0);
	kv->arch.exit_gla = gva;
}

/*
 * A guest store of 8 bytes to gpa through EPT, the part vcpu_store_gpa and
 * vcpu_l1_table_store share: EPT violations through KVM's fault path until EPT lets the write
 * through (the processor then sets the leaf's D, and PML logs it), or KVM takes the store to
 * emulate it.  0 when it went through; RET_PF_EMULATE (no writable memslot) or
 * RET_PF_WRITE_PROTECTED (a write-tracked gfn: page_fault_handle_page_track) when KVM
 * emulates; STORE_REFLECTED when an L2 store became a nested exit (EPT12 refused it: L1
 * runs, the store undone); or a negative code.
 */
#define STORE_REFLECTED 100
static int ept_store(struct machine *m, unsigned vcpu, uint64_t gpa)
{
	struct vcpu *v = &m->vcpus[vcpu];
	const bool in_l2 = v->in_l2;

	for (int faults = 0; faults < MAX_FAULTS_PER_ACCESS; faults++) {
		uint64_t spte = 0;
		int leaf = 0, r;
		uint32_t err = ept_translate(&m->kvm.pool, v->eptp, v->ept_levels, gpa,
					     TDPSIM_OP_WRITE, &spte, &leaf);

		if (!err) {
			spte = ept_access_sets_accessed(m, vcpu, gpa, spte);
			ept_write_sets_dirty(m, vcpu, gpa, spte);
			return 0;
		}
		r = vcpu_ept_fault(m, vcpu, gpa, err);
		if (r == RET_PF_EMULATE || r == RET_PF_WRITE_PROTECTED || r < 0)
			return r;
		if (v->in_l2 != in_l2)
			return STORE_REFLECTED;
	}
	return err_set(TDPSIM_EINTERNAL, "vcpu %u: the store to gpa 0x%" PRIx64 " took %d faults "
		       "without completing", vcpu, gpa, MAX_FAULTS_PER_ACCESS);
}

/* x86_emulate_instruction's write of the store KVM took (kvm_mmu_track_write sees it). */
static void emulate_store(struct machine *m, unsigned vcpu, uint64_t gpa, uint64_t value)
{
	struct kvm_work background = vcpu_work_begin(m);

	kvm_emulate_gpa_write(&m->kvm.vcpus[vcpu], gpa, value);
	vcpu_work_end(m, vcpu, &background);
}

int vcpu_store_gpa(struct machine *m, unsigned vcpu, uint64_t gpa, uint64_t value)
{
	const bool in_l2 = m->vcpus[vcpu].in_l2;
	int r = ept_store(m, vcpu, gpa);

	if (r == STORE_REFLECTED)
		return 1;
	if (r == RET_PF_EMULATE)
		return err_set(TDPSIM_EINPUT, "vcpu %u: the store to the guest page table at "
			       "%s 0x%" PRIx64 " is not to writable guest memory (no memslot, "
			       "or a read-only one): KVM would emulate it", vcpu,
			       in_l2 ? "L2 gpa" : "gpa", gpa);
	if (r == RET_PF_WRITE_PROTECTED && in_l2)
		return err_set(TDPSIM_EINPUT, "vcpu %u: L2's page-table store at L2 gpa 0x%" PRIx64
			       " lands on a page KVM write-tracks (a table it shadows): KVM would "
			       "emulate it, which is not modelled", vcpu, gpa);
	if (r == RET_PF_WRITE_PROTECTED) /* a table KVM shadows for L2 (nested) */
		emulate_store(m, vcpu, gpa, value);
	return r < 0 ? r : 0;
}

/* After a translation: a fetch looks for a multihit; a machine check halts. */
static int after_translation(struct machine *m, unsigned vcpu, uint64_t gva, int op)
{
	if (op == TDPSIM_OP_EXEC && multihit_check(m, vcpu, gva) == TDPSIM_MULTIHIT_MACHINE_CHECK)
		return VCPU_MACHINE_CHECK;
	return 0;
}

/* ---- shadow paging: the processor walks KVM's shadow tables ---- */

/* The combined mapping of a shadow walk: the leaf's page, with its permissions (write only
 * once Dirty is set: the processor walks again to set it). */
static void fill_tlb_shadow(struct machine *m, struct vcpu *v, uint64_t gva, int op,
			    const struct shadow_walk *w, bool permission)
{
	const struct kvm_mmu_page *sp = sp_by_id(&m->kvm.pool, w->sp_id);
	uint64_t spte = *w->leaf;
	struct tlb_entry e = { 0 };

	e.vpn = gva >> level_shift(w->level);
	e.pfn = spte_to_pfn(spte) & ~(pages_per_hpage(w->level) - 1);
	e.gfn = kvm_mmu_page_get_gfn(sp, w->index); /* the leaf's first 4K */
	e.vpid = v->vpid;
	e.pcid = (uint16_t)(v->cr3 & 0xfff);
	e.size_level = (uint8_t)w->level;
	e.guest_level = (uint8_t)w->guest_level;
	e.memtype = 6; /* WB: the guest's PAT is not modelled */
	e.user = spte & PT_USER_MASK;
	e.write = (spte & PT_WRITABLE_MASK) && (spte & PT_DIRTY_MASK);
	e.exec = !(spte & PT64_NX_MASK);
	tlb_insert(v->tlb, op == TDPSIM_OP_EXEC ? TLB_FETCH : TLB_DATA, gva, &e);
	count_tlb(m, op, w->level, false);
	m->stats->stlb_misses++;
	if (m->kvm.hooks->on_tlb_miss)
		report_tlb_miss(m, v, gva, op, TDPSIM_TLB_STLB, w->level, permission);
}

/* The vCPU enters on the shadow root of its guest CR3: loaded first if it has none (the
 * first entry, or after a zap of the roots or a CR3 load no cached root served). */
static int shadow_enter(struct machine *m, unsigned vcpu)
{
	struct kvm_vcpu *kv = &m->kvm.vcpus[vcpu];
	struct vcpu *v = &m->vcpus[vcpu];
	struct kvm_work background;
	int r = 0;

	if (kv->arch.mmu->root.hpa != INVALID_PAGE && v->eptp == kv->arch.mmu->root.hpa)
		return 0;
	if (!v->cr3_loaded) { /* KVM_SET_SREGS: KVM learns the guest's CR3 */
		uint64_t pgd;

		if ((r = guest_root(m->guest, v->cr3, &pgd)) < 0)
			return r;
		kv->arch.cr3 = pgd;
		v->cr3_loaded = true;
	}
	background = vcpu_work_begin(m);
	if ((r = kvm_mmu_reload(kv)) >= 0)
		vcpu_enter(m, vcpu);
	vcpu_work_end(m, vcpu, &background);
	return r < 0 ? r : 0;
}

/* The guest takes the #PF KVM injected, if it did: true. */
static bool shadow_guest_pf(struct machine *m, unsigned vcpu)
{
	struct kvm_vcpu *kv = &m->kvm.vcpus[vcpu];

	if (!kv->arch.pf_pending)
		return false;
	kv->arch.pf_pending = false;
	kv->stat.guest_page_faults++;
	m->stats->guest_page_faults++;
	vcpu_charge(m, vcpu, CYC_GUEST_PF, m->cpu->cyc_guest_pf);
	return true;
}

/*
 * An access under shadow paging, after the TLB: the processor's walk of the shadow tables
 * by gva (the paging-structure caches hold their upper-level entries); a #PF exits to
 * KVM's fault path with the gva, which maps the page and lets the guest retry, emulates
 * the access, or injects the #PF into the guest, whose handler then runs.
 */
static int shadow_access(struct machine *m, unsigned vcpu, uint64_t gva, int op, int cpl,
			 bool permission)
{
	struct vcpu *v = &m->vcpus[vcpu];
	int levels = guest_levels(m->guest);

	for (int faults = 0; faults < MAX_FAULTS_PER_ACCESS; faults++) {
		struct shadow_walk w;
		uint32_t err;
		int r, start, faulted;

		if ((r = shadow_enter(m, vcpu)) < 0)
			return r;
		start = guest_psc_start(v, gva, levels);
		faulted = shadow_translate(&m->kvm.pool, v->eptp, levels, start, gva, op, cpl, &w,
					   &err);
		m->stats->walk_refs += w.refs;
		m->stats->walk_refs_cached += (uint64_t)(levels - start);
		vcpu_charge(m, vcpu, CYC_WALK, (uint64_t)w.refs * m->cpu->cyc_walk_ref_memory +
					       (uint64_t)(levels - start) * m->cpu->cyc_walk_ref_cached);
		if (m->kvm.hooks->on_walk)
			report_walk(m, vcpu, gva, op, &(tdpsim_walk){
				.refs = w.refs,
				.refs_cached = (unsigned)(levels - start),
				.result = faulted ? TDPSIM_WALK_SHADOW_PF : TDPSIM_WALK_OK,
				.error_code = faulted ? err : 0,
				.page_level = faulted ? 0 : w.level,
			});
		if (!faulted) {
			guest_psc_fill(v, gva, w.level, start);
			fill_tlb_shadow(m, v, gva, op, &w, permission);
			return after_translation(m, vcpu, gva, op);
		}
		r = vcpu_ept_fault(m, vcpu, gva, err); /* the #PF exit */
		if (r < 0)
			return r;
		if (shadow_guest_pf(m, vcpu))
			return 0;
		if (r == RET_PF_EMULATE || r == RET_PF_WRITE_PROTECTED) {
			/* The emulator does the access: a write reaches the tracked table. */
			if (op == TDPSIM_OP_WRITE)
				kvm_emulate_guest_write(&m->kvm.vcpus[vcpu], gva,
							err & (TDPSIM_PFERR_WRITE | TDPSIM_PFERR_USER));
			shadow_guest_pf(m, vcpu);
			return 0;
		}
	}
	return err_set(TDPSIM_EINTERNAL, "vcpu %u: the access to gva 0x%" PRIx64 " took %d faults "
		       "without completing", vcpu, gva, MAX_FAULTS_PER_ACCESS);
}

int vcpu_shadow_gpte_store(struct machine *m, unsigned vcpu, uint64_t gpa, uint64_t value)
{
	struct kvm_work background = vcpu_work_begin(m);
	int r = kvm_mmu_guest_pte_store(&m->kvm.vcpus[vcpu], gpa, value);

	if (r > 0) /* the store faulted: an exit and KVM's work */
		vcpu_charge(m, vcpu, CYC_EXIT, m->cpu->cyc_vmexit);
	vcpu_work_end(m, vcpu, &background);
	return r < 0 ? r : 0;
}

int vcpu_l1_table_store(struct machine *m, unsigned vcpu, uint64_t gpa, uint64_t value)
{
	int r = ept_store(m, vcpu, gpa);

	/* page_fault_handle_page_track, or a table outside writable memory: emulated */
	if (r == RET_PF_EMULATE || r == RET_PF_WRITE_PROTECTED)
		emulate_store(m, vcpu, gpa, value);
	return r < 0 ? r : 0;
}

/* A VM exit to KVM for one of L1's VMX instructions, and KVM's work for it, charged; then
 * the entry on the root of the MMU in use (loaded first if it has none). */
static int vmx_instruction_exit(struct machine *m, unsigned vcpu, struct kvm_work *background)
{
	struct kvm_vcpu *kv = &m->kvm.vcpus[vcpu];
	int r = kvm_mmu_reload(kv);

	if (r >= 0)
		vcpu_enter(m, vcpu);
	charge(m, vcpu, CYC_EXIT, m->cpu->cyc_vmexit);
	vcpu_work_end(m, vcpu, background);
	return r < 0 ? r : 0;
}

int vcpu_l2_enter(struct machine *m, unsigned vcpu, uint64_t eptp, uint32_t cr3, uint16_t vpid12)
{
	struct vcpu *v = &m->vcpus[vcpu];
	struct kvm_work background;
	uint64_t l2_root;
	int rc = guest_root(m->l2_guest, cr3, &l2_root);

	if (rc < 0)
		return rc;
	background = vcpu_work_begin(m);
	if ((rc = nested_vmx_enter_non_root_mode(&m->kvm.vcpus[vcpu], eptp, l2_root, vpid12)) < 0) {
		m->kvm.work = background; /* refused: no work done, nothing to charge */
		return rc;
	}
	v->other_cr3 = cr3; /* switch_level at the entry makes it current */
	return vmx_instruction_exit(m, vcpu, &background);
}

int vcpu_l2_exit(struct machine *m, unsigned vcpu)
{
	struct kvm_work background = vcpu_work_begin(m);

	nested_vmx_vmexit(&m->kvm.vcpus[vcpu], TDPSIM_NESTED_EXIT_BY_TRACE, 0);
	return vmx_instruction_exit(m, vcpu, &background);
}

int vcpu_invept(struct machine *m, unsigned vcpu, int type, uint64_t eptp)
{
	struct kvm_work background = vcpu_work_begin(m);

	handle_invept(&m->kvm.vcpus[vcpu], type, eptp);
	return vmx_instruction_exit(m, vcpu, &background);
}

void vcpu_invlpg(struct machine *m, unsigned vcpu, uint64_t gva)
{
	struct vcpu *v = &m->vcpus[vcpu];
	struct kvm_work background;

	if (m->kvm.tdp_enabled) { /* not intercepted with EPT: the TLB acts alone (SDM) */
		tlb_invlpg(v->tlb, gva, v->vpid, (uint16_t)(v->cr3 & 0xfff));
		return;
	}
	background = vcpu_work_begin(m);
	/* Intercepted under shadow paging: KVM syncs gva's SPTEs and flushes its entry. */
	kvm_mmu_invlpg(&m->kvm.vcpus[vcpu], gva);
	vcpu_charge(m, vcpu, CYC_EXIT, m->cpu->cyc_vmexit);
	vcpu_work_end(m, vcpu, &background);
}

int vcpu_load_cr3(struct machine *m, unsigned vcpu, uint32_t id)
{
	struct vcpu *v = &m->vcpus[vcpu];
	struct kvm_work background;
	uint64_t root;
	int rc = guest_root(v->guest, id, &root);

	if (rc < 0)
		return rc;
	v->cr3 = id;
	/* MOV CR3 without NOFLUSH: the new PCID's non-global entries go */
	tlb_flush_pcid_nonglobal(v->tlb, v->vpid, (uint16_t)(v->cr3 & 0xfff));
	if (m->kvm.tdp_enabled)
		return 0; /* L2's too: nested EPT does not intercept it */
	/* Intercepted under shadow paging (kvm_set_cr3): the root for the new CR3. */
	background = vcpu_work_begin(m);
	kvm_set_cr3(&m->kvm.vcpus[vcpu], root);
	v->cr3_loaded = true;
	vcpu_charge(m, vcpu, CYC_EXIT, m->cpu->cyc_vmexit);
	vcpu_work_end(m, vcpu, &background);
	return 0;
}

/* on_walk for a 2-D walk: how it ended, from the guest walk's status and the data's EPT
 * translation (err and leaf, when the guest walk succeeded). */
static __attribute__((noinline)) void report_walk_2d(struct machine *m, unsigned vcpu,
						     uint64_t gva, int op,
						     const struct walk_ctx *ctx,
						     enum guest_walk_status st,
						     const struct guest_walk *w, uint32_t err,
						     int leaf)
{
	tdpsim_walk how = { .two_dimensional = 1, .refs = ctx->refs,
			    .refs_cached = ctx->cached };

	if (st == GUEST_WALK_PF) {
		how.result = TDPSIM_WALK_GUEST_PF;
		how.error_code = w->error_code;
	} else if (st == GUEST_WALK_EPT || err) {
		how.result = TDPSIM_WALK_EPT_VIOLATION;
		how.gpa = st == GUEST_WALK_EPT ? w->pt_gpa : w->gpa;
		how.error_code = st == GUEST_WALK_EPT ? ctx->pt_err : err;
	} else {
		how.result = TDPSIM_WALK_OK;
		how.gpa = w->gpa;
		how.page_level = w->level < leaf ? w->level : leaf;
	}
	report_walk(m, vcpu, gva, op, &how);
}

/* vcpu_access after the TLB lookup, unless that was a plain L1 data hit: an STLB hit, a
 * fetch (the multihit check), a miss or a hit the entry does not permit (a walk). */
static __attribute__((noinline)) int access_rest(struct machine *m, unsigned vcpu, uint64_t gva,
						 int op, int cpl, const struct tlb_entry *hit,
						 int where)
{
	struct vcpu *v = &m->vcpus[vcpu];

	if (hit && entry_permits(hit, op, cpl)) {
		count_tlb(m, op, hit->size_level, true);
		if (where == 2) {
			tlb_refill_l1(v->tlb, op == TDPSIM_OP_EXEC ? TLB_FETCH : TLB_DATA, gva, hit);
			m->stats->stlb_hits++;
			if (m->kvm.hooks->on_tlb_miss)
				report_tlb_miss(m, v, gva, op, TDPSIM_TLB_L1, hit->size_level, false);
		}
		charge(m, vcpu, CYC_TLB, where == 1 ? m->cpu->cyc_l1_tlb_hit : m->cpu->cyc_stlb_hit);
		return after_translation(m, vcpu, gva, op);
	}
	if (!m->kvm.tdp_enabled)
		return shadow_access(m, vcpu, gva, op, cpl, hit != NULL);
	for (int faults = 0; faults < MAX_FAULTS_PER_ACCESS; faults++) {
		struct walk_ctx ctx = { m, v, guest_levels(v->guest), 0, 0, 0, 0 };
		const bool in_l2 = v->in_l2;
		struct guest_walk w;
		enum guest_walk_status st;
		uint64_t spte = 0;
		uint32_t err = 0;
		int r, leaf = 0;

		ctx.start = guest_psc_start(v, gva, ctx.level);
		st = guest_walk(v->guest, v->cr3, gva, op_kind(op), cpl, walker_gpa_access, &ctx, &w);
		if (st == GUEST_WALK_OK) { /* the data's EPT walk, to its leaf or violation */
			err = ept_translate(&m->kvm.pool, v->eptp, v->ept_levels, w.gpa, op, &spte,
					    &leaf);
			ctx.refs += ept_refs(v, w.gpa, leaf, &ctx.cached);
			if (!err)
				guest_psc_fill(v, gva, w.level, ctx.start);
		}
		m->stats->walk_refs += ctx.refs;
		m->stats->walk_refs_cached += ctx.cached;
		vcpu_charge(m, vcpu, CYC_WALK, (uint64_t)ctx.refs * m->cpu->cyc_walk_ref_memory +
						       (uint64_t)ctx.cached * m->cpu->cyc_walk_ref_cached);
		if (m->kvm.hooks->on_walk)
			report_walk_2d(m, vcpu, gva, op, &ctx, st, &w, err, leaf);
		if (st == GUEST_WALK_PF) {
			m->kvm.vcpus[vcpu].stat.guest_page_faults++;
			m->stats->guest_page_faults++;
			vcpu_charge(m, vcpu, CYC_GUEST_PF, m->cpu->cyc_guest_pf);
			return 0;
		}
		if (st == GUEST_WALK_EPT) {
			ept_exit_linear(m, vcpu, gva, false);
			r = vcpu_ept_fault(m, vcpu, w.pt_gpa, ctx.pt_err);
			if (r == RET_PF_EMULATE)
				return err_set(TDPSIM_EINPUT,
					       "vcpu %u: the guest page table at gpa 0x%" PRIx64
					       " is not in guest memory (no memslot)", vcpu, w.pt_gpa);
		} else {
			if (!err) {
				spte = ept_access_sets_accessed(m, vcpu, w.gpa, spte);
				if (op == TDPSIM_OP_WRITE)
					spte = ept_write_sets_dirty(m, vcpu, w.gpa, spte);
				fill_tlb(m, v, gva, op, &w, spte, leaf, hit != NULL);
				return after_translation(m, vcpu, gva, op);
			}
			ept_exit_linear(m, vcpu, gva, true);
			r = vcpu_ept_fault(m, vcpu, w.gpa, err);
			if (r == RET_PF_EMULATE) /* MMIO or a read-only slot: KVM emulated it */
				return 0;
		}
		if (r < 0)
			return r;
		if (v->in_l2 != in_l2) /* reflected to L1: its hypervisor handles the exit */
			return 0;
	}
	return err_set(TDPSIM_EINTERNAL, "vcpu %u: the access to gva 0x%" PRIx64 " took %d faults "
		       "without completing", vcpu, gva, MAX_FAULTS_PER_ACCESS);
}

int vcpu_access(struct machine *m, unsigned vcpu, uint64_t gva, int op, int cpl)
{
	struct vcpu *v = &m->vcpus[vcpu];
	int where;
	const struct tlb_entry *hit = tlb_find(v->tlb, op == TDPSIM_OP_EXEC ? TLB_FETCH : TLB_DATA,
					       gva, v->vpid, (uint16_t)(v->cr3 & 0xfff), &where);

	/* The common case, kept short: a data access the L1 dTLB answers and permits (one
	 * branch: hit is not NULL where `where` is 1). */
	if (__builtin_expect((where == 1) & (op != TDPSIM_OP_EXEC) &&
			     entry_permits(hit, op, cpl), 1)) {
		/* A fixed counter for the common size: a counter picked by the entry's size
		 * is a store whose address waits for the entry, holding up the next access. */
		if (__builtin_expect(hit->size_level == PG_LEVEL_4K, 1))
			m->stats->dtlb_hits_4k++;
		else
			(*m->tlb_count[0][1][hit->size_level & 3])++;
		charge(m, vcpu, CYC_TLB, m->cpu->cyc_l1_tlb_hit);
		return 0;
	}
	return access_rest(m, vcpu, gva, op, cpl, hit, where);
}

/* ---- --check: the TLBs agree with EPT ---- */

struct tlb_check {
	const struct machine *m;
	unsigned vcpu;
};

/* check_entry's report of a translation EPT no longer gives. */
static int stale(const struct tlb_check *c, const char *kind, const struct tlb_entry *e,
		 uint64_t gfn, uint64_t spte, int level)
{
	return err_set(TDPSIM_EINTERNAL, "check: vcpu %u's %s maps gva 0x%" PRIx64 " (size level "
		       "%d) to pfn 0x%" PRIx64 "%s%s, but EPT maps gfn 0x%" PRIx64 " with spte 0x%"
		       PRIx64 " at level %d: a missing TLB flush", c->vcpu, kind,
		       e->vpn << level_shift(e->size_level), e->size_level, e->pfn,
		       e->write ? " w" : "", e->exec ? " x" : "", gfn, spte, level);
}

/*
 * An entry EPT must still back.  KVM flushes every vCPU's TLBs whenever it zaps, or takes a
 * permission away (kvm_flush_remote_tlbs and its callers), so a cached combined translation
 * is never older than EPT in what it gives: every page of its range is mapped by a present
 * EPT leaf, to the host frames the entry names, with every permission and the memory type
 * the entry has.  A split is not flushed (tdp_mmu_split_huge_page: the translation is the
 * same either way), so the leaves may be smaller than the entry; they are walked one by
 * one.  An EPT paging-structure cache entry still names a table.  The guest's side may be
 * stale - a guest that skips INVLPG keeps old translations, as the hardware does - and is
 * not checked.
 */
/*
 * Aging is the exception: kvm_age_gfn access-tracks an A/D-less leaf (RWX cleared) without a
 * flush - clear_young never flushes, clear_flush_young not from 6.13 - so a cached entry may
 * outlive it until the TLB drops it, with what the leaf gave before: its saved R/X, and W
 * where it is MMU-writable.  *spte becomes that.
 */
static bool aged_leaf(const struct kvm *kvm, const struct tlb_check *c, uint64_t gfn,
		      uint64_t *spte, int *level)
{
	uint64_t leaf = *ept_walk(&kvm->pool, c->m->vcpus[c->vcpu].eptp,
				  c->m->vcpus[c->vcpu].ept_levels, gfn, level);

	if (!is_shadow_present_pte(leaf) || !is_last_spte(leaf, *level) ||
	    !is_access_track_spte(kvm->spte, leaf))
		return false;
	*spte = restore_acc_track_spte(kvm->spte, leaf) |
		(is_mmu_writable_spte(leaf) ? VMX_EPT_WRITABLE_MASK : 0);
	return true;
}

static int check_entry(void *ctx, const char *kind, const struct tlb_entry *e)
{
	const struct tlb_check *c = ctx;
	const struct kvm *kvm = &c->m->kvm;
	const uint64_t pages = pages_per_hpage(e->size_level);
	uint64_t spte;
	int level;

	/* Entries made on another EPT root (L1's while L2 runs, or the reverse) are not used
	 * until that root is loaded again; they are checked then, against it. */
	if (e->ep4ta != vcpu_ep4ta(c->m->vcpus[c->vcpu].eptp))
		return 0;
	if (strncmp(kind, "psc_ept", 7) == 0) {
		uint64_t gpa = e->vpn << level_shift(e->size_level);

		ept_walk(&kvm->pool, c->m->vcpus[c->vcpu].eptp, c->m->vcpus[c->vcpu].ept_levels,
			 gpa >> PAGE_SHIFT, &level);
		if (level >= e->size_level)
			return err_set(TDPSIM_EINTERNAL, "check: vcpu %u's %s caches the table of "
				       "gpa 0x%" PRIx64 " that EPT no longer has (the walk ends at "
				       "level %d): a missing TLB flush", c->vcpu, kind, gpa, level);
		return 0;
	}
	for (uint64_t off = 0; off < pages;) {
		const uint64_t gfn = e->gfn + off;
		uint64_t in_leaf;

		if (ept_translate(&kvm->pool, c->m->vcpus[c->vcpu].eptp,
				  c->m->vcpus[c->vcpu].ept_levels, gfn << PAGE_SHIFT,
				  e->noread ? TDPSIM_OP_EXEC : TDPSIM_OP_READ, &spte, &level) &&
		    !aged_leaf(kvm, c, gfn, &spte, &level))
			return stale(c, kind, e, gfn, spte, level);
		in_leaf = gfn & (pages_per_hpage(level) - 1);
		if (spte_to_pfn(spte) + in_leaf != e->pfn + off ||
		    (e->write && !is_writable_pte(spte)) || (e->exec && !is_executable_pte(spte)) ||
		    e->memtype != ((spte >> VMX_EPT_MT_EPTE_SHIFT) & 7))
			return stale(c, kind, e, gfn, spte, level);
		off += pages_per_hpage(level) - in_leaf;
	}
	return 0;
}

/* What the guest's own tables give gva now: whether it is mapped, to which gfn, with U (on
 * every level) and X (NX on none). */
struct guest_now {
	bool present, user, exec;
	uint64_t gfn;
};

static struct guest_now guest_gives(const struct machine *m, unsigned vcpu, uint64_t gva)
{
	struct guest_now g = { .user = true, .exec = true };

	for (int level = guest_levels(m->guest); level >= PG_LEVEL_4K; level--) {
		uint64_t pte = guest_read_pte(m->guest, m->vcpus[vcpu].cr3, gva, level);

		g.user &= (pte & PT_USER_MASK) != 0;
		g.exec &= !(pte & PT64_NX_MASK);
		if (!(pte & PT_PRESENT_MASK))
			return g;
		if (level == PG_LEVEL_4K || (pte & PT_PAGE_SIZE_MASK)) {
			g.present = true;
			g.gfn = ((pte & PT64_ADDR_MASK) >> PAGE_SHIFT) +
				((gva >> PAGE_SHIFT) & (pages_per_hpage(level) - 1));
			return g;
		}
	}
	return g;
}

/*
 * A difference between an entry and its SPTE that the guest made itself, in a table that was
 * unsync, and that KVM's sync of it leaves in the TLBs: a sync rewrites an SPTE without U or
 * with NX without a flush (FNAME(sync_spte): mmu_spte_update flushes only an MMU-writable
 * SPTE made read-only), and 5.10 defers the flush of an SPTE it drops (kvm->tlbs_dirty).
 * The old translation stays until the guest flushes it, as on hardware.  Once the guest
 * gives U or X back, its table goes unsync again and the SPTE lags until the next sync or
 * fault: the old entry then agrees with the gpte, and KVM owes no flush either.
 */
static bool guest_changed(const struct tlb_check *c, const struct tlb_entry *e, uint64_t gva,
			  uint64_t gfn, uint64_t spte, bool same_frame, bool unsync)
{
	struct guest_now g = guest_gives(c->m, c->vcpu, gva);

	if (!same_frame) /* 5.10's deferred flush; the guest may have mapped gfn back since */
		return c->m->kvm.tlbs_dirty && (!g.present || g.gfn != gfn || unsync);
	return !(e->write && !is_writable_pte(spte)) &&
	       (!e->user || (spte & PT_USER_MASK) || !g.user || unsync) &&
	       (!e->exec || !(spte & PT64_NX_MASK) || !g.exec || unsync);
}

/*
 * Under shadow paging an entry must still be backed by KVM's shadow tables, which the
 * processor walks by gva from the root it runs on (a root switch drops every entry, so each
 * entry was made under that root): every 4K page of its range mapped by a present leaf to
 * the frames the entry names, with every permission the entry has.  KVM flushes whenever it
 * zaps or takes a permission away; what the guest changed in an unsync table without an
 * INVLPG may be stale in the shadow table and the TLB alike, and is allowed - also once a
 * sync has brought the change into the SPTE without a flush (guest_changed).
 */
static int check_entry_shadow(void *ctx, const char *kind, const struct tlb_entry *e)
{
	const struct tlb_check *c = ctx;
	const struct machine *m = c->m;
	const uint64_t pages = pages_per_hpage(e->size_level);
	uint64_t gva = e->vpn << level_shift(e->size_level);

	for (uint64_t off = 0; off < pages;) {
		const struct kvm_mmu_page *sp;
		int level;
		uint64_t spte = shadow_lookup(&m->kvm.pool, m->vcpus[c->vcpu].eptp,
					      guest_levels(m->guest), gva + (off << PAGE_SHIFT), &level,
					      &sp);
		uint64_t in_leaf = ((gva >> PAGE_SHIFT) + off) & (pages_per_hpage(level) - 1);

		bool same_frame = is_shadow_present_pte(spte) &&
				  spte_to_pfn(spte) + in_leaf == e->pfn + off;

		if ((!same_frame || (e->write && !is_writable_pte(spte)) ||
		     (e->exec && (spte & PT64_NX_MASK)) || (e->user && !(spte & PT_USER_MASK))) &&
		    !guest_changed(c, e, gva + (off << PAGE_SHIFT), e->gfn + off, spte, same_frame,
				   sp->unsync))
			return err_set(TDPSIM_EINTERNAL, "check: vcpu %u's %s maps gva 0x%" PRIx64
				       " (size level %d) to pfn 0x%" PRIx64 "%s%s%s, but the shadow "
				       "tables map it with spte 0x%" PRIx64 " at level %d: a missing "
				       "TLB flush", c->vcpu, kind, gva, e->size_level, e->pfn,
				       e->write ? " w" : "", e->exec ? " x" : "", e->user ? " u" : "",
				       spte, level);
		off += pages_per_hpage(level) - in_leaf;
	}
	return 0;
}

int vcpu_check_tlbs(const struct machine *m)
{
	for (unsigned v = 0; v < m->nr_vcpus; v++) {
		struct tlb_check c = { m, v };
		int r = tlb_for_each_ept_dependent(m->vcpus[v].tlb, m->kvm.tdp_enabled ? check_entry
							: check_entry_shadow, &c);

		if (r)
			return r;
	}
	return 0;
}

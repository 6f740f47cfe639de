/* SPDX-License-Identifier: MIT */
/* The processor's walk of KVM's shadow tables (cpu/shadow.h). */
#include "cpu/shadow.h"
#include "kvm/spte.h"
#include "tdpsim/trace.h"

#define SPTE_X86_RSVD_MMIO (1ull << 51) /* above MAXPHYADDR: KVM's MMIO marker */

static uint32_t access_bits(int op, int cpl)
{
	uint32_t ec = cpl == 3 ? TDPSIM_PFERR_USER : 0;

	if (op == TDPSIM_OP_WRITE)
		ec |= TDPSIM_PFERR_WRITE;
	else if (op == TDPSIM_OP_EXEC)
		ec |= TDPSIM_PFERR_FETCH;
	return ec;
}

/* A #PF with error code ec: the walk's result. */
static int fault(uint32_t *err, uint32_t ec)
{
	*err = ec;
	return 1;
}

int shadow_translate(const struct sp_pool *mem, uint64_t root, int levels, int start,
		     uint64_t gva, int op, int cpl, struct shadow_walk *w, uint32_t *err)
{
	uint32_t ec = access_bits(op, cpl);
	const struct kvm_mmu_page *sp = spte_to_child_sp(mem, root);
	uint64_t all = PT_USER_MASK | PT_WRITABLE_MASK, nx = 0, *e;

	w->refs = 0;
	w->guest_level = levels;
	for (int l = levels;; l--) {
		w->sp_id = sp->id;
		w->index = pt_index(gva, l);
		e = &sp->spt[w->index];
		w->leaf = e;
		w->level = l;
		if (!sp->role.direct)
			w->guest_level = l;
		if (l <= start)
			w->refs++;
		if (!(*e & PT_PRESENT_MASK))
			return fault(err, ec);
		if (*e & SPTE_X86_RSVD_MMIO)
			return fault(err, ec | TDPSIM_PFERR_PRESENT | TDPSIM_PFERR_RSVD);
		all &= *e;
		nx |= *e & PT64_NX_MASK;
		if (l == PG_LEVEL_4K || (*e & PT_PAGE_SIZE_MASK))
			break;
		sp = spte_to_child_sp(mem, *e);
	}
	if ((cpl == 3 && !(all & PT_USER_MASK)) ||
	    (op == TDPSIM_OP_WRITE && !(all & PT_WRITABLE_MASK)) || (op == TDPSIM_OP_EXEC && nx))
		return fault(err, ec | TDPSIM_PFERR_PRESENT);
	/* The processor's A/D updates to KVM's entries (KVM reads them back: prefetched leaves
	 * start without Accessed). */
	*e |= PT_ACCESSED_MASK;
	if (op == TDPSIM_OP_WRITE)
		*e |= PT_DIRTY_MASK;
	*err = 0;
	return 0;
}

uint64_t shadow_lookup(const struct sp_pool *mem, uint64_t root, int levels, uint64_t gva,
		       int *level, const struct kvm_mmu_page **leaf_sp)
{
	const struct kvm_mmu_page *sp = spte_to_child_sp(mem, root);

	for (int l = levels;; l--) {
		uint64_t e = sp->spt[pt_index(gva, l)];

		*level = l;
		*leaf_sp = sp;
		if (!(e & PT_PRESENT_MASK) || (e & SPTE_X86_RSVD_MMIO) || l == PG_LEVEL_4K ||
		    (e & PT_PAGE_SIZE_MASK))
			return e;
		sp = spte_to_child_sp(mem, e);
	}
}

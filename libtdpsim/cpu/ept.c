/* SPDX-License-Identifier: MIT */
/* The processor's EPT walk (cpu/ept.h). */
#include "cpu/ept.h"
#include "kvm/spte.h"
#include "tdpsim/trace.h"

/* An EPT entry is present if it grants any of R/W/X; it is a leaf at 4K or with bit 7. */
static inline bool ept_present(uint64_t e)
{
	return e & VMX_EPT_RWX_MASK;
}

/* Writable without readable is a misconfiguration (SDM 29.3.3.1): how KVM marks MMIO. */
static inline bool ept_misconfigured(uint64_t e)
{
	return (e & (VMX_EPT_READABLE_MASK | VMX_EPT_WRITABLE_MASK)) == VMX_EPT_WRITABLE_MASK;
}

uint64_t *ept_walk(const struct sp_pool *mem, uint64_t eptp, int levels, uint64_t gfn,
		   int *level)
{
	/* Every EPT check of every access comes through here: one load per level, as the
	 * hardware does. */
	const uint64_t *table = spte_to_child_spt(mem, eptp);

	for (int l = levels;; l--) {
		uint64_t *e = (uint64_t *)&table[gfn_index(gfn, l)];

		if (!ept_present(*e) || ept_misconfigured(*e) || is_last_spte(*e, l)) {
			*level = l;
			return e;
		}
		table = spte_to_child_spt(mem, *e);
	}
}

uint32_t ept_translate(const struct sp_pool *mem, uint64_t eptp, int levels, uint64_t gpa,
		       int op, uint64_t *spte, int *level)
{
	uint32_t err = op == TDPSIM_OP_WRITE ? TDPSIM_PFERR_WRITE
		       : op == TDPSIM_OP_EXEC ? TDPSIM_PFERR_FETCH : TDPSIM_PFERR_USER;
	uint64_t e;

	*spte = 0;
	*level = 0;
	if ((gpa >> PAGE_SHIFT) >> (9 * levels)) /* 4-level EPT: 48 bits of GPA; 5-level: 57 */
		return err; /* beyond the tables: an EPT violation, emulated by KVM */
	e = *spte = *ept_walk(mem, eptp, levels, gpa >> PAGE_SHIFT, level);
	if (ept_present(e) && ept_misconfigured(e))
		return TDPSIM_PFERR_RSVD; /* EPT misconfiguration */
	if (spte_allows(e, op))
		return 0;
	/* __vmx_handle_ept_violation: read -> USER, write -> WRITE, fetch -> FETCH, and
	 * PRESENT when the entry granted any of R/W/X. */
	if (ept_present(e))
		err |= TDPSIM_PFERR_PRESENT;
	return err;
}

/* SPDX-License-Identifier: MIT */
/*
 * Internal: the TLBs of one vCPU - L1 instruction and data TLBs with an array per page size,
 * a unified second-level TLB, and paging-structure caches - with the tags the hardware uses
 * (VPID, PCID, and the EP4TA of the EPT root) and the replacement the CPU model names.  Entries cache combined mappings
 * (guest-linear -> host-physical through guest paging and EPT), at most the smaller of the
 * guest page size and the EPT page size (Intel SDM Vol. 3, on cached EPT translations).
 */
#ifndef TDPSIM_TLB_TLB_H
#define TDPSIM_TLB_TLB_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/model.h"

struct mem_meter;

/* A cached translation: the page of `size_level` (1 = 4K, 2 = 2M, 3 = 1G) holding the linear
 * address maps to host frame `pfn` (the frame of the page's first 4K) with `memtype`. */
struct tlb_entry {
	uint64_t vpn;        /* linear page number at its own size: gva >> level_shift */
	uint64_t pfn;
	uint64_t gfn;        /* the guest frame of the page's first 4K: not a hardware field;
			      * --check verifies the entry against EPT with it */
	uint16_t pcid;
	uint16_t vpid;
	uint32_t ep4ta;      /* the EPT context it was made in (set by the TLB at insert) */
	uint8_t size_level;
	uint8_t memtype;     /* EPT memory type (WB = 6, UC = 0) */
	bool global;
	bool exec, write, user; /* what the translation permits */
	bool noread;         /* fetches only: an execute-only EPT page (x86 pages are readable) */
	/* The guest's page size for this translation (level, as size_level); 0 = size_level.
	 * A combined mapping smaller than the guest page (a guest 2M page over 4K EPT, or a
	 * 1G page smashed into a 2M array) is one piece of that page: INVLPG anywhere in the
	 * guest page drops every piece, as the SDM requires for an invalidated large page. */
	uint8_t guest_level;
};

struct tlb;

int tlb_new(struct tlb **out, const struct cpu_model *model, struct mem_meter *mem);
void tlb_free(struct tlb *t);

enum tlb_kind { TLB_FETCH = 0, TLB_DATA = 1 };

/* The result of a lookup: where it hit (0 = miss, 1 = L1, 2 = STLB) and the entry. */
struct tlb_hit {
	int where;
	struct tlb_entry entry;
};

/*
 * Look `gva` up for a fetch or a data access under (vpid, pcid).  An L1 miss that hits the
 * STLB refills the L1 array of that size.  Replacement state (LRU) is updated.  O(ways).
 * Where entries of several sizes cover gva, the L1 arrays are searched before the STLB and,
 * within each level, the smallest page size first; the first match wins (and only it is
 * made most recently used).  An STLB hit returns the STLB's entry.
 */
struct tlb_hit tlb_lookup(struct tlb *t, enum tlb_kind kind, uint64_t gva, uint16_t vpid,
			  uint16_t pcid);

/* tlb_lookup without the copy and without the L1 refill: the entry hit (NULL on a miss;
 * valid until the TLB next changes) and where it hit in *where.  The access path's lookup:
 * it refills L1 with tlb_refill_l1 only when the entry permits the access (an access the
 * entry does not permit faults, and a faulting translation is not cached). */
const struct tlb_entry *tlb_find(struct tlb *t, enum tlb_kind kind, uint64_t gva, uint16_t vpid,
				 uint16_t pcid, int *where);
void tlb_refill_l1(struct tlb *t, enum tlb_kind kind, uint64_t gva, const struct tlb_entry *e);

/* Insert a translation after a walk (into the L1 array of its size and the STLB, as the
 * model's geometry allows; 1G into the 2M array where the model has no 1G array, split to
 * the array's size).  Overlapping entries of other sizes are NOT removed: that is what makes
 * a multihit possible. */
void tlb_insert(struct tlb *t, enum tlb_kind kind, uint64_t gva, const struct tlb_entry *e);

/*
 * The iTLB-multihit check (hw-vuln/multihit.rst): every iTLB entry of any size that covers `gva`
 * for (vpid, pcid); true when two of them translate it differently - `broad`: a different
 * physical address or memory type (the CVE-2018-12207 wording); strict (broad false): a 4K
 * WB entry and a large UC entry (Intel's SKL002 erratum wording).  The two entries are
 * returned in *small, *large.
 */
bool tlb_multihit(const struct tlb *t, uint64_t gva, uint16_t vpid, uint16_t pcid, bool broad,
		  struct tlb_entry *small, struct tlb_entry *large);

/*
 * The EPT context the processor runs in (VM entry loads the EPTP from the VMCS): its EP4TA -
 * the EPT root's frame - tags every translation and paging-structure-cache entry made from
 * now on, and only entries of the current EP4TA answer lookups (Intel SDM Vol. 3, "Cached
 * translation information": combined and guest-physical mappings are associated with the
 * EP4TA).  0 where EPT is off, and until the first entry.
 */
void tlb_set_ep4ta(struct tlb *t, uint32_t ep4ta);

/* Invalidations.  INVVPID, INVLPG and MOV CR3 act on every EP4TA; INVEPT on one or all. */
void tlb_flush_ep4ta(struct tlb *t, uint32_t ep4ta);                /* INVEPT single-context */
void tlb_flush_all(struct tlb *t);                                  /* INVEPT global */
void tlb_flush_vpid(struct tlb *t, uint16_t vpid);                  /* INVVPID single */
void tlb_invlpg(struct tlb *t, uint64_t gva, uint16_t vpid, uint16_t pcid); /* INVLPG */
void tlb_flush_pcid_nonglobal(struct tlb *t, uint16_t vpid, uint16_t pcid); /* MOV CR3 */

/*
 * --check: call fn on every valid entry of the current EP4TA that EPT must still agree with
 * (entries of other contexts cannot be used until their root is loaded again, and KVM
 * flushes a root's context when it loads it: kvm_mmu_load) - every translation
 * (L1 and STLB; kind names its array) and every EPT paging-structure cache entry (kind
 * "psc_ept", entry.size_level its level, entry.vpn the address >> that level's shift).  Stops
 * at, and returns, fn's first nonzero return.
 */
int tlb_for_each_ept_dependent(const struct tlb *t,
			       int (*fn)(void *ctx, const char *kind, const struct tlb_entry *e),
			       void *ctx);

/* Paging-structure caches: does the cache for `level` (guest or EPT) hold the entry that
 * maps `addr` at that level?  Insert after a walk reads it; flushed with the TLB.
 * `level` is 4 (PML4E), 3 (PDPTE) or 2 (PDE); others are not cached.  Guest entries are
 * tagged by (vpid, pcid), never global; EPT entries by neither (vpid and pcid are ignored:
 * they are guest-physical, tagged by the EPTRTA in hardware, and only tlb_flush_all, INVEPT,
 * drops them). */
bool psc_lookup(struct tlb *t, bool ept, int level, uint64_t addr, uint16_t vpid, uint16_t pcid);
void psc_insert(struct tlb *t, bool ept, int level, uint64_t addr, uint16_t vpid, uint16_t pcid);

#endif

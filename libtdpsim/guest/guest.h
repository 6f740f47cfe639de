/* SPDX-License-Identifier: MIT */
/*
 * Internal: the guest OS's page tables, living in guest-physical memory (pages taken from the
 * `guest-pt` regions), and the hardware's walk over them.  The walker's reads of page-table
 * pages are guest-physical accesses: it asks the caller to translate each one (through EPT),
 * and stops when one cannot be, so that KVM can take the EPT violation first.
 */
#ifndef TDPSIM_GUEST_GUEST_H
#define TDPSIM_GUEST_GUEST_H

#include <stdint.h>

struct guest_mm;
struct mem_meter;

/* levels: 4 (4-level paging) or 5 (LA57). */
int guest_mm_new(struct guest_mm **out, int levels, struct mem_meter *mem);
void guest_mm_free(struct guest_mm *g);

/* `guest-pt gpa= size=`: guest memory the guest OS takes page-table pages from.  Regions may
 * not overlap (EINPUT). */
int guest_pt_add(struct guest_mm *g, uint64_t gpa, uint64_t size);

/*
 * `guest-map`: build entries mapping [gva, gva+size) to [gpa, ...) with pages of `page_level`
 * (1, 2 or 3) in address space `cr3` (created on first use, its root page allocated from the
 * guest-pt regions).  Leaf: P, W if prot has w, NX unless prot has x, U if user, PS above 4K,
 * A and D preset if ad.  Tables on the way: P|W|U, never NX, A preset if ad.  Existing
 * leaves in the range are overwritten; a huge leaf where a table is needed (or the reverse)
 * is replaced.  Runs out of guest-pt pages -> EINPUT naming the range.
 */
int guest_map(struct guest_mm *g, uint32_t cr3, uint64_t gva, uint64_t gpa, uint64_t size,
	      int page_level, uint32_t prot, int user, int ad);

/*
 * `ept12-map`: L1's hypervisor maps [l2gpa, l2gpa+size) of its L2 guest to L1's [gpa, ...) in
 * its EPT12 number `ept` (4-level, created on first use), the tables taken from the same
 * guest-pt regions as L1's own (they are L1's memory).  Leaf: R/W/X from prot (w needs r),
 * write-back memory type, bit 7 above 4K, A and D preset if ad; tables on the way R|W|X, A
 * preset if ad.  Overwrites and splits as guest_map does; every entry is a store through the
 * store hook.
 */
int guest_ept12_map(struct guest_mm *g, uint32_t ept, uint64_t l2gpa, uint64_t gpa,
		    uint64_t size, int page_level, uint32_t prot, int ad);
/* The gpa of EPT12 number `ept`'s root table (its EPTP's address), created on first use. */
int guest_ept_root(struct guest_mm *g, uint32_t ept, uint64_t *root_gpa);
/* The same without making it: 1 with *root_gpa set if EPT12 number `ept` exists, else 0. */
int guest_ept_root_find(const struct guest_mm *g, uint32_t ept, uint64_t *root_gpa);
/* The EPT12 entry at `level` on the walk of l2gpa (0 if not reached); for tests. */
uint64_t guest_ept12_read(const struct guest_mm *g, uint32_t ept, uint64_t l2gpa, int level);
/* guest_map's entries as guest stores: `hook` hears of each (its gpa and new value) before
 * it is written - under shadow paging KVM sees the guest's stores to tables it shadows. */
void guest_set_store_hook(struct guest_mm *g, void (*hook)(void *ctx, uint64_t gpa,
							   uint64_t value), void *ctx);

/* The root table's GPA of address space `cr3`, creating an empty one on first use. */
int guest_root(struct guest_mm *g, uint32_t cr3, uint64_t *root_gpa);

/* Access kinds for a walk. */
enum guest_access { GUEST_READ = 0, GUEST_WRITE = 1, GUEST_FETCH = 2 };

/*
 * Translate a guest-physical access made by the walker itself (to a page-table page):
 * return 0 if it can proceed, non-zero if the caller must handle an EPT violation first.
 * Accesses to paging structures are writes when the walker sets A/D bits.
 */
typedef int (*guest_gpa_access_fn)(void *ctx, uint64_t gpa, int write);

enum guest_walk_status {
	GUEST_WALK_OK = 0,       /* out->gpa, out->level are the translation */
	GUEST_WALK_PF = 1,       /* a guest #PF: out->error_code */
	GUEST_WALK_EPT = 2,      /* the access to out->pt_gpa needs an EPT fault first */
};

struct guest_walk {
	uint64_t gpa;            /* translated address (OK) */
	int level;               /* page size of the leaf: 1, 2 or 3 (OK) */
	uint64_t leaf_pte;       /* the leaf entry (OK) */
	uint32_t error_code;     /* #PF error code: P W U RSVD I/D (PF) */
	uint64_t pt_gpa;         /* the page-table entry's GPA that needs EPT (EPT) */
	int pt_write;            /* that access is a write (EPT) */
	int refs;                /* page-table entries read by this walk */
};

/*
 * Walk address space `cr3` for an access of `kind` at `cpl` (0 or 3) to `gva`, like the
 * hardware: each level's entry is read through `access` (which may stop the walk for an EPT
 * violation), permissions are checked (U/S against cpl, W for writes - CR0.WP on -, NX for
 * fetches - EFER.NXE on), and on success A is set on every level and D on the leaf for
 * writes, each only if clear (a set is a write of the entry's page).
 */
enum guest_walk_status guest_walk(struct guest_mm *g, uint32_t cr3, uint64_t gva, int kind,
				  int cpl, guest_gpa_access_fn access, void *ctx,
				  struct guest_walk *out);

/* `gpte`: write the entry at `level` on the walk of `gva` in `cr3`.  EINPUT if the walk does
 * not reach that level (a table above it is missing). */
int guest_write_pte(struct guest_mm *g, uint32_t cr3, uint64_t gva, int level, uint64_t value);

/* The gpa of the entry guest_write_pte would write (its 8 bytes), with the same checks and
 * errors, writing nothing. */
int guest_pte_gpa(struct guest_mm *g, uint32_t cr3, uint64_t gva, int level, uint64_t *gpa);

/* Read the entry at `level` on the walk of gva (0 if not reached); for tests and --check. */
uint64_t guest_read_pte(const struct guest_mm *g, uint32_t cr3, uint64_t gva, int level);

/* Guest memory as KVM reads and writes it (its software walk of the guest's tables): the 8
 * aligned bytes at gpa - 0 outside the guest-pt regions, whose pages alone are stored - and
 * a store of 8 bytes there (EINPUT outside the regions: nothing stored). */
uint64_t guest_read_u64(const struct guest_mm *g, uint64_t gpa);
/* n entries from gpa at once, all in gpa's page (kvm_vcpu_read_guest_atomic of a group). */
void guest_read_u64s(const struct guest_mm *g, uint64_t gpa, unsigned n, uint64_t *out);
int guest_write_u64(struct guest_mm *g, uint64_t gpa, uint64_t value);

/* The paging mode: 4 or 5 levels. */
int guest_levels(const struct guest_mm *g);

/* Guest page-table pages in use. */
uint64_t guest_pt_pages(const struct guest_mm *g);

#endif

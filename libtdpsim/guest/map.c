/* SPDX-License-Identifier: MIT */
/*
 * The guest OS's side of its page tables: `guest-map` builds entries as an OS does on mmap
 * with populated page tables, `gpte` writes one entry, and reads serve tests and --check.
 *
 * guest_map works one leaf table at a time: it walks down once for each run of leaves that
 * share a table (allocating or splitting tables on the way) and fills the run in a loop, so
 * a 1G range of 4K pages costs 512 walks, not 262144.  Before it changes anything it counts
 * the tables it will need, so a map that cannot fit fails whole.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "guest/pt_mem.h"
#include "tdpsim/trace.h"

/* The x86 bits of PAT in a 4K PTE and in a huge leaf (where bit 7 is PS). */
#define PTE_PAT_4K (1ull << 7)
#define PTE_PAT_HUGE (1ull << 12)

static const char *const page_names[] = { "", "4k", "2m", "1g" };

/* EPT's bits in L1's EPT12 entries (Intel SDM 29.3.2): R/W/X, the memory type of a leaf,
 * and, where the EPTP enables them, Accessed and Dirty. */
#define EPT_R (1ull << 0)
#define EPT_W (1ull << 1)
#define EPT_X (1ull << 2)
#define EPT_RWX (EPT_R | EPT_W | EPT_X)
#define EPT_MT_WB (6ull << 3)
#define EPT_A (1ull << 8)
#define EPT_D (1ull << 9)
#define EPT12_LEVELS 4 /* L1's EPTP: a page-walk length of 4 */

/* Names the range in every message, as the trace line does; says which tables are built:
 * the guest's x86 tables of a CR3, or L1's EPT12 (ept), whose entries are present with any
 * of R/W/X. */
struct map_req {
	uint64_t id;        /* the address space (pt_mem.h: a cr3, or GPT_EPT_SPACE | ept) */
	uint64_t gva, last, gpa, size; /* gva: the input address (an L2 gpa for EPT12) */
	int level;
	int levels;         /* of the tables */
	bool ept;
	uint64_t present;   /* PT_PRESENT_MASK, or EPT_RWX */
	char what[128];
};

static int check_map(const struct guest_mm *g, const struct map_req *m, uint32_t prot)
{
	unsigned top = g->levels == 5 ? 56 : 47;

	if (m->level < PG_LEVEL_4K || m->level > PG_LEVEL_1G)
		return err_set(TDPSIM_EINVAL, "%s: page level %d is not 1, 2 or 3", m->what, m->level);
	if (prot & ~(TDPSIM_PROT_R | TDPSIM_PROT_W | TDPSIM_PROT_X))
		return err_set(TDPSIM_EINPUT, "%s: prot must be letters from rwx", m->what);
	if (!m->ept && !(prot & TDPSIM_PROT_R))
		return err_set(TDPSIM_EINPUT, "%s: prot must include r (a present x86 page is"
			       " readable)", m->what);
	/* EPT: write without read is a misconfiguration (SDM 29.3.3.1), and an entry with no
	 * permission is not present. */
	if (m->ept && (!prot || (prot & (TDPSIM_PROT_R | TDPSIM_PROT_W)) == TDPSIM_PROT_W))
		return err_set(TDPSIM_EINPUT, "%s: prot must be r, x or both, with w only beside r"
			       " (EPT: write without read is a misconfiguration)", m->what);
	if (m->size == 0)
		return err_set(TDPSIM_EINPUT, "%s: size is 0", m->what);
	if ((m->gva | m->gpa | m->size) & (level_size(m->level) - 1))
		return err_set(TDPSIM_EINPUT, "%s: %s, gpa and size must be multiples of the"
			       " page size", m->what, m->ept ? "l2gpa" : "gva");
	if (m->ept) {
		if (m->last < m->gva || m->last >= 1ull << 48)
			return err_set(TDPSIM_EINPUT, "%s: the l2gpa range ends above 2^48, beyond"
				       " what 4-level EPT maps", m->what);
	} else if (m->last < m->gva || !gva_canonical(g->levels, m->gva) ||
	    !gva_canonical(g->levels, m->last) || (m->gva >> top) != (m->last >> top))
		return err_set(TDPSIM_EINPUT, "%s: the range is not canonical under %d-level"
			       " paging (bits 63..%u of every address must be equal)", m->what,
			       g->levels, top);
	if (m->gpa >= GUEST_GPA_LIMIT || m->size > GUEST_GPA_LIMIT - m->gpa)
		return err_set(TDPSIM_EINPUT, "%s: gpa range ends above the 52-bit guest-physical"
			       " space", m->what);
	return 0;
}

/* The last byte of the run starting at `addr` whose leaves share one table. */
static uint64_t run_last(const struct map_req *m, uint64_t addr)
{
	uint64_t end = addr | (level_size(m->level + 1) - 1);

	return end < m->last ? end : m->last;
}

/* Can guest_map go down through entry `pte` at `level`?  Only to a table in stored memory;
 * anything else - not present, a huge leaf, a reserved PS, a table pointer elsewhere (a
 * guest's `gpte` can make one) - is replaced by a new table. */
static int descendable(const struct guest_mm *g, const struct map_req *m, uint64_t pte,
		       int level)
{
	return pte_is_table_fmt(pte, level, m->present) && gpt_in_regions(g, pte & PT64_ADDR_MASK);
}

/* The entry at `level` for `addr` in the table at `table`, read without creating storage. */
static uint64_t read_entry(const struct guest_mm *g, uint64_t table, uint64_t addr, int level)
{
	const uint64_t *t = gpt_page(g, table);

	return t ? t[pt_index(addr, level)] : 0;
}

/*
 * Tables the map will allocate: a walk per run, as the build does, counting a new table for
 * each entry that cannot be gone down - once per entry, since runs go up in address order
 * and all runs below one entry are consecutive.  Tables the map frees on the way are not
 * counted back: a map that only fits thanks to them is refused (rare: it means mapping huge
 * pages over small ones while also needing new tables elsewhere, with the regions full).
 */
static uint64_t tables_needed(const struct guest_mm *g, const struct map_req *m)
{
	const struct addr_space *as = gpt_space(g, m->id);
	uint64_t last_key[PT_MAX_LEVEL + 1], need = as ? 0 : 1, addr = m->gva;
	int counted[PT_MAX_LEVEL + 1] = { 0 };

	for (;;) {
		uint64_t table = as ? as->root : 0, end = run_last(m, addr);
		int fresh = !as, level;

		for (level = m->levels; level > m->level; level--) {
			uint64_t key = addr >> level_shift(level), pte;

			if (!fresh) {
				pte = read_entry(g, table, addr, level);
				if (descendable(g, m, pte, level)) {
					table = pte & PT64_ADDR_MASK;
					continue;
				}
			}
			fresh = 1; /* every table from here down is new */
			if (!counted[level] || last_key[level] != key) {
				counted[level] = 1;
				last_key[level] = key;
				need++;
			}
		}
		if (end == m->last)
			return need;
		addr = end + 1;
	}
}

void guest_set_store_hook(struct guest_mm *g, void (*hook)(void *ctx, uint64_t gpa,
							   uint64_t value), void *ctx)
{
	g->store_hook = hook;
	g->store_ctx = ctx;
}

/* The guest's store of `value` to the entry at index i of the table at table_gpa (t). */
static inline void store_entry(struct guest_mm *g, uint64_t *t, uint64_t table_gpa, unsigned i,
			       uint64_t value)
{
	if (g->store_hook)
		g->store_hook(g->store_ctx, table_gpa + 8ull * i, value);
	t[i] = value;
}

/*
 * A huge leaf becomes a table of the next smaller leaves mapping the same memory with the
 * same bits, as Linux splits a huge PMD: the part of it outside the new range stays mapped.
 */
static void split_huge(struct guest_mm *g, const struct map_req *m, uint64_t table_gpa,
		       uint64_t huge, int level)
{
	uint64_t frame = huge & PT64_ADDR_MASK & ~(level_size(level) - 1);
	uint64_t bits = huge & ~PT64_ADDR_MASK & ~(m->ept ? 0 : PTE_PAT_HUGE);
	uint64_t step = level_size(level - 1), *t = gpt_page(g, table_gpa);
	unsigned i;

	if (m->ept) { /* EPT has no PAT bit: only bit 7 goes at 4K */
		if (level - 1 == PG_LEVEL_4K)
			bits &= ~PT_PAGE_SIZE_MASK;
	} else if (level - 1 == PG_LEVEL_4K) {
		bits &= ~PT_PAGE_SIZE_MASK;
		if (huge & PTE_PAT_HUGE)
			bits |= PTE_PAT_4K;
	} else if (huge & PTE_PAT_HUGE) {
		bits |= PTE_PAT_HUGE;
	}
	for (i = 0; i < PT_ENTRIES; i++)
		store_entry(g, t, table_gpa, i, (frame + i * step) | bits);
}

/* Entries of tables on the way down: the leaf decides the rights. */
static uint64_t table_entry(const struct map_req *m, uint64_t table, int ad)
{
	if (m->ept)
		return table | EPT_RWX | (ad ? EPT_A : 0);
	return table | PT_PRESENT_MASK | PT_WRITABLE_MASK | PT_USER_MASK |
	       (ad ? PT_ACCESSED_MASK : 0);
}

/* Walk from `table` down to the leaf table of `addr`, making the tables that are missing. */
static int build_down(struct guest_mm *g, const struct map_req *m, uint64_t table, uint64_t addr,
		      int ad, uint64_t **leaf_table, uint64_t *leaf_gpa)
{
	int level, err;

	for (level = m->levels; level > m->level; level--) {
		uint64_t *t = gpt_page_create(g, table, m->what), *e, fresh, old;

		if (!t)
			return TDPSIM_ENOMEM; /* tables reached here lie in the regions */
		e = &t[pt_index(addr, level)];
		old = *e;
		if (descendable(g, m, old, level)) {
			table = old & PT64_ADDR_MASK;
			continue;
		}
		err = gpt_alloc(g, &fresh, m->what);
		if (err)
			return err;
		if (pte_is_huge_leaf(old, level, m->present))
			split_huge(g, m, fresh, old, level);
		store_entry(g, t, table, pt_index(addr, level), table_entry(m, fresh, ad));
		table = fresh;
	}
	*leaf_gpa = table;
	*leaf_table = gpt_page_create(g, table, m->what);
	return *leaf_table ? 0 : TDPSIM_ENOMEM;
}

/* Write the leaves for [addr, end]; a table where a leaf goes is freed with all below it. */
static void fill_leaves(struct guest_mm *g, const struct map_req *m, uint64_t *t, uint64_t t_gpa,
			uint64_t addr, uint64_t end, uint64_t bits)
{
	unsigned i = pt_index(addr, m->level), last = pt_index(end, m->level);
	uint64_t gpa = m->gpa + (addr - m->gva), step = level_size(m->level);

	for (; i <= last; i++, gpa += step) {
		if (pte_is_table_fmt(t[i], m->level, m->present))
			gpt_free_tree(g, t[i] & PT64_ADDR_MASK, m->level - 1, m->present);
		store_entry(g, t, t_gpa, i, gpa | bits);
	}
}

static uint64_t leaf_bits(int level, uint32_t prot, int user, int ad)
{
	uint64_t bits = PT_PRESENT_MASK;

	if (prot & TDPSIM_PROT_W)
		bits |= PT_WRITABLE_MASK;
	if (!(prot & TDPSIM_PROT_X))
		bits |= PT64_NX_MASK;
	if (user)
		bits |= PT_USER_MASK;
	if (level > PG_LEVEL_4K)
		bits |= PT_PAGE_SIZE_MASK;
	if (ad)
		bits |= PT_ACCESSED_MASK | PT_DIRTY_MASK;
	return bits;
}

/* An EPT12 leaf as L1's hypervisor writes one: its R/W/X, write-back memory (L1 maps RAM),
 * bit 7 above 4K, A and D preset if ad. */
static uint64_t ept_leaf_bits(int level, uint32_t prot, int ad)
{
	uint64_t bits = EPT_MT_WB;

	if (prot & TDPSIM_PROT_R)
		bits |= EPT_R;
	if (prot & TDPSIM_PROT_W)
		bits |= EPT_W;
	if (prot & TDPSIM_PROT_X)
		bits |= EPT_X;
	if (level > PG_LEVEL_4K)
		bits |= PT_PAGE_SIZE_MASK;
	if (ad)
		bits |= EPT_A | EPT_D;
	return bits;
}

/* Build the request's leaves, whole or not at all. */
static int map_range(struct guest_mm *g, struct map_req *m, uint32_t prot, uint64_t bits, int ad)
{
	uint64_t root, need, addr = m->gva, *t, t_gpa;
	int err;

	err = check_map(g, m, prot);
	if (err)
		return err;
	need = tables_needed(g, m);
	if (need > gpt_pages_free(g)) {
		if (!g->nregions)
			return err_set(TDPSIM_EINPUT, "%s: no guest-pt region to take page tables"
				       " from (add one with guest-pt gpa= size=)", m->what);
		return err_set(TDPSIM_EINPUT, "%s: out of guest page-table pages: needs %" PRIu64
			       " new tables, the guest-pt regions have %" PRIu64 " of %" PRIu64
			       " pages free", m->what, need, gpt_pages_free(g), g->total_pages);
	}
	err = gpt_space_root(g, m->id, m->what, &root);
	if (err)
		return err;
	for (;;) {
		uint64_t end = run_last(m, addr);

		err = build_down(g, m, root, addr, ad, &t, &t_gpa);
		if (err)
			return err;
		fill_leaves(g, m, t, t_gpa, addr, end, bits);
		if (end == m->last)
			return 0;
		addr = end + 1;
	}
}

int guest_map(struct guest_mm *g, uint32_t cr3, uint64_t gva, uint64_t gpa, uint64_t size,
	      int page_level, uint32_t prot, int user, int ad)
{
	struct map_req m = { .id = cr3, .gva = gva, .last = gva + size - 1, .gpa = gpa,
			     .size = size, .level = page_level, .levels = g->levels,
			     .present = PT_PRESENT_MASK };

	snprintf(m.what, sizeof(m.what), "guest-map gva=0x%" PRIx64 " size=0x%" PRIx64
		 " page=%s cr3=%" PRIu32, gva, size,
		 page_level >= 1 && page_level <= 3 ? page_names[page_level] : "?", cr3);
	return map_range(g, &m, prot, leaf_bits(page_level, prot, user, ad), ad);
}

int guest_ept12_map(struct guest_mm *g, uint32_t ept, uint64_t l2gpa, uint64_t gpa,
		    uint64_t size, int page_level, uint32_t prot, int ad)
{
	struct map_req m = { .id = GPT_EPT_SPACE | ept, .gva = l2gpa, .last = l2gpa + size - 1,
			     .gpa = gpa, .size = size, .level = page_level,
			     .levels = EPT12_LEVELS, .ept = true, .present = EPT_RWX };

	snprintf(m.what, sizeof(m.what), "ept12-map ept=%" PRIu32 " l2gpa=0x%" PRIx64
		 " size=0x%" PRIx64 " page=%s", ept, l2gpa, size,
		 page_level >= 1 && page_level <= 3 ? page_names[page_level] : "?");
	return map_range(g, &m, prot, ept_leaf_bits(page_level, prot, ad), ad);
}

uint64_t guest_ept12_read(const struct guest_mm *g, uint32_t ept, uint64_t l2gpa, int level)
{
	const struct addr_space *as = gpt_space(g, GPT_EPT_SPACE | ept);
	uint64_t table;

	if (!as || level < 1 || level > EPT12_LEVELS || l2gpa >= 1ull << 48)
		return 0;
	table = as->root;
	for (int l = EPT12_LEVELS; l > level; l--) {
		uint64_t e = read_entry(g, table, l2gpa, l);

		if (!pte_is_table_fmt(e, l, EPT_RWX))
			return 0;
		table = e & PT64_ADDR_MASK;
	}
	return read_entry(g, table, l2gpa, level);
}

/* ---- one entry: gpte and reads ---- */

/*
 * The GPA of the entry at `level` on the walk of `gva` from `root`, following entries as the
 * walker does; 0 if an entry above is not a table (then *stop is that level, *stop_pte it).
 */
static int entry_gpa(const struct guest_mm *g, uint64_t root, uint64_t gva, int level,
		     uint64_t *pte_gpa, int *stop, uint64_t *stop_pte)
{
	uint64_t table = root;
	int l;

	for (l = g->levels; l > level; l--) {
		uint64_t pte = read_entry(g, table, gva, l);

		if (!pte_is_table(pte, l)) {
			*stop = l;
			*stop_pte = pte;
			return 0;
		}
		table = pte & PT64_ADDR_MASK;
	}
	*pte_gpa = table + 8ull * pt_index(gva, level);
	return 1;
}

/* The checks of a `gpte` and the gpa of its entry; `what` names it in errors. */
static int pte_locate(struct guest_mm *g, uint32_t cr3, uint64_t gva, int level, char *what,
		      size_t n, uint64_t *gpa)
{
	static const char *const names[] = { "", "pte", "pde", "pdpte", "pml4e", "pml5e" };
	uint64_t root, pte_gpa, stop_pte;
	int err, stop;

	snprintf(what, n, "gpte gva=0x%" PRIx64 " level=%d cr3=%" PRIu32, gva, level, cr3);
	if (level < 1 || level > g->levels)
		return err_set(TDPSIM_EINPUT, "%s: level must be 1..%d", what, g->levels);
	if (!gva_canonical(g->levels, gva))
		return err_set(TDPSIM_EINPUT, "%s: gva is not canonical under %d-level paging",
			       what, g->levels);
	err = guest_root(g, cr3, &root);
	if (err)
		return err;
	if (!entry_gpa(g, root, gva, level, &pte_gpa, &stop, &stop_pte))
		return err_set(TDPSIM_EINPUT, "%s: the walk does not reach level %d: the %s is"
			       " 0x%" PRIx64 " (%s)", what, level, names[stop], stop_pte,
			       !(stop_pte & PT_PRESENT_MASK) ? "not present" :
			       stop <= 3 ? "a huge leaf" : "PS set, a reserved bit");
	/* A table elsewhere is guest memory this module does not hold. */
	if (!gpt_in_regions(g, pte_gpa))
		return err_set(TDPSIM_EINPUT, "%s: the walk does not reach level %d: the table at"
			       " gpa 0x%" PRIx64 " lies outside every guest-pt region", what,
			       level, page_base(pte_gpa));
	*gpa = pte_gpa;
	return 0;
}

int guest_pte_gpa(struct guest_mm *g, uint32_t cr3, uint64_t gva, int level, uint64_t *gpa)
{
	char what[96];

	return pte_locate(g, cr3, gva, level, what, sizeof(what), gpa);
}

int guest_write_pte(struct guest_mm *g, uint32_t cr3, uint64_t gva, int level, uint64_t value)
{
	uint64_t pte_gpa = 0;
	char what[96];
	uint64_t *t;
	int err;

	if ((err = pte_locate(g, cr3, gva, level, what, sizeof(what), &pte_gpa)) != 0)
		return err;
	t = gpt_page_create(g, pte_gpa, what);
	if (!t)
		return TDPSIM_ENOMEM;
	t[pt_index(gva, level)] = value;
	return 0;
}

uint64_t guest_read_pte(const struct guest_mm *g, uint32_t cr3, uint64_t gva, int level)
{
	const struct addr_space *as = gpt_space(g, cr3);
	uint64_t pte_gpa, stop_pte;
	const uint64_t *t;
	int stop;

	if (!as || level < 1 || level > g->levels || !gva_canonical(g->levels, gva) ||
	    !entry_gpa(g, as->root, gva, level, &pte_gpa, &stop, &stop_pte))
		return 0;
	t = gpt_page(g, pte_gpa);
	return t ? t[pt_index(gva, level)] : 0;
}

uint64_t guest_read_u64(const struct guest_mm *g, uint64_t gpa)
{
	const uint64_t *t = gpt_page(g, gpa);

	return t ? t[(gpa & (PAGE_SIZE - 1)) / 8] : 0;
}

void guest_read_u64s(const struct guest_mm *g, uint64_t gpa, unsigned n, uint64_t *out)
{
	const uint64_t *t = gpt_page(g, gpa);

	if (!t) {
		memset(out, 0, n * sizeof(*out));
		return;
	}
	memcpy(out, &t[(gpa & (PAGE_SIZE - 1)) / 8], n * sizeof(*out));
}

int guest_write_u64(struct guest_mm *g, uint64_t gpa, uint64_t value)
{
	uint64_t *t;

	if (!gpt_in_regions(g, gpa))
		return TDPSIM_EINPUT; /* not stored: only the guest-pt regions are */
	if (!(t = gpt_page_create(g, gpa, "a store to a guest page table")))
		return TDPSIM_ENOMEM;
	t[(gpa & (PAGE_SIZE - 1)) / 8] = value;
	return 0;
}

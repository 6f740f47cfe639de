/* SPDX-License-Identifier: MIT */
/*
 * The vCPU's TLBs (libtdpsim/tlb): arrays per page size, LRU, STLB refills, the flushes'
 * scopes, the iTLB-multihit rules (hw-vuln/multihit.rst), 1G smashing - and a deliberately simple
 * reference model that every CPU geometry replays the same access streams through: every
 * lookup's result (where it hit and the entry), every multihit verdict and every
 * paging-structure-cache answer must agree.
 *
 * The reference keeps, per set of each array, an explicit recency list (index 0 is the most
 * recent) searched linearly; inserting moves to the front and drops the tail of a full set,
 * invalidating removes from the list.  It shares with the TLB only the policy being modelled
 * (which array a size goes to, the set index, the lookup order, the flush scopes), not the
 * mechanism (stamps, generations, keys, piece counts).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "tdpsim/common.h"
#include "test_util.h"
#include "tlb/tlb.h"
#include "x86/paging.h"

#define MT_UC 0
#define MT_WB 6
#define KiB (1ull << 10)
#define MiB (1ull << 20)
#define GiB (1ull << 30)
#define TiB (1ull << 40)

/*
 * Geometries from the published sources (models/cpu/README.md names them), written out here so that
 * the test does not depend on the model files (the built-in models, models/cpu/<name>.ini, are
 * replayed as well).  They differ from those files in places on purpose - more shapes: a 4-way 1G
 * STLB, 2-entry PML4E caches, no PML4E/PDPTE caches at all.  PSC sizes are estimates throughout.
 */
static const struct cpu_model geometries[] = {
	{
		.name = "skylake-sp",
		.itlb_4k = { 128, 8 }, .itlb_2m = { 8, 8 }, .itlb_1g = { 0, 0 },
		.dtlb_4k = { 64, 4 }, .dtlb_2m = { 32, 4 }, .dtlb_1g = { 4, 4 },
		.stlb = { 1536, 12 }, .stlb_1g = { 16, 4 }, .stlb_holds_2m = true,
		.psc_guest = { 2, 4, 32 }, .psc_ept = { 2, 4, 32 },
	},
	{
		/* Ice Lake server (Sunny Cove), estimate: iTLB 64 4K 8-way + 8 2M; dTLB (loads)
		 * 64 4K 4-way, 32 2M 4-way, 8 1G fully associative; the two 1024-entry 8-way L2
		 * arrays (4K/2M and 4K/1G) as one 2048-entry 16-way STLB and 1024 1G 8-way. */
		.name = "icelake-sp (estimate)",
		.itlb_4k = { 64, 8 }, .itlb_2m = { 8, 8 }, .itlb_1g = { 0, 0 },
		.dtlb_4k = { 64, 4 }, .dtlb_2m = { 32, 4 }, .dtlb_1g = { 8, 8 },
		.stlb = { 2048, 16 }, .stlb_1g = { 1024, 8 }, .stlb_holds_2m = true,
		.psc_guest = { 2, 4, 32 }, .psc_ept = { 2, 4, 32 },
	},
	{
		/* Golden Cove / Sapphire Rapids: iTLB 256 4K, 32 2M; dTLB 96 4K, 32 2M; STLB
		 * 2048.  Ways are estimates (96 = 6 x 16 sets), and so is the 1G side. */
		.name = "sapphirerapids",
		.itlb_4k = { 256, 8 }, .itlb_2m = { 32, 8 }, .itlb_1g = { 0, 0 },
		.dtlb_4k = { 96, 6 }, .dtlb_2m = { 32, 4 }, .dtlb_1g = { 8, 8 },
		.stlb = { 2048, 16 }, .stlb_1g = { 1024, 8 }, .stlb_holds_2m = true,
		.psc_guest = { 4, 8, 32 }, .psc_ept = { 4, 8, 32 },
	},
	{
		/* Zen 3, estimated from Zen 2: L1 iTLB and dTLB 64 fully associative for every
		 * size (here each size gets its own 64); the L2 (2048, 12-way: not a power-of-two
		 * number of sets) as 2048 16-way = 128 sets, same capacity; no 1G in the L2, so
		 * 1G pages are smashed into 2M there. */
		.name = "zen3 (estimate)",
		.itlb_4k = { 64, 64 }, .itlb_2m = { 64, 64 }, .itlb_1g = { 64, 64 },
		.dtlb_4k = { 64, 64 }, .dtlb_2m = { 64, 64 }, .dtlb_1g = { 64, 64 },
		.stlb = { 2048, 16 }, .stlb_1g = { 0, 0 }, .stlb_holds_2m = true,
		.psc_guest = { 0, 0, 64 }, .psc_ept = { 0, 0, 64 },
	},
	{
		/* Zen 4, estimate: Zen 3's with the L1 dTLB at 72 and the L2 at 3072 24-way
		 * (128 sets), as commonly reported; still no 1G L2 array. */
		.name = "zen4 (estimate)",
		.itlb_4k = { 64, 64 }, .itlb_2m = { 64, 64 }, .itlb_1g = { 64, 64 },
		.dtlb_4k = { 72, 72 }, .dtlb_2m = { 72, 72 }, .dtlb_1g = { 72, 72 },
		.stlb = { 3072, 24 }, .stlb_1g = { 0, 0 }, .stlb_holds_2m = true,
		.psc_guest = { 0, 0, 64 }, .psc_ept = { 0, 0, 64 },
	},
};
#define N_GEOMETRIES (sizeof(geometries) / sizeof(geometries[0]))

static const struct cpu_model *skylake(void)
{
	return &geometries[0];
}

static struct tlb *new_tlb(const struct cpu_model *m)
{
	struct tlb *t = NULL;
	int r = tlb_new(&t, m, NULL);

	ck_assert_msg(r == 0, "tlb_new(%s) = %d: %s", m->name, r,
		      tdpsim_error_last() ? tdpsim_error_last()->message : "?");
	return t;
}

static struct tlb_entry entry(uint64_t gva, int level, uint64_t pfn, uint8_t memtype,
			      uint16_t vpid, uint16_t pcid, bool global)
{
	struct tlb_entry e = { 0 };

	e.vpn = gva >> level_shift(level);
	e.pfn = pfn;
	e.vpid = vpid;
	e.pcid = pcid;
	e.size_level = (uint8_t)level;
	e.memtype = memtype;
	e.global = global;
	e.gfn = pfn ^ 0x5000000; /* a guest frame unlike the host one: pieces must move both */
	e.exec = e.write = e.user = true;
	return e;
}

static bool same_entry(const struct tlb_entry *a, const struct tlb_entry *b)
{
	return a->vpn == b->vpn && a->pfn == b->pfn && a->pcid == b->pcid && a->vpid == b->vpid &&
	       a->size_level == b->size_level && a->memtype == b->memtype &&
	       a->global == b->global && a->gfn == b->gfn && a->exec == b->exec &&
	       a->write == b->write && a->user == b->user && a->guest_level == b->guest_level;
}

static const char *show(const struct tlb_entry *e)
{
	static char buf[4][160];
	static int n;
	char *b = buf[n++ & 3];

	snprintf(b, sizeof(buf[0]),
		 "{vpn %#" PRIx64 " pfn %#" PRIx64 " gfn %#" PRIx64 " level %u/%u vpid %u pcid %u%s "
		 "mt %u %c%c%c}",
		 e->vpn, e->pfn, e->gfn, e->size_level, e->guest_level, e->vpid, e->pcid,
		 e->global ? " G" : "", e->memtype, e->exec ? 'x' : '-', e->write ? 'w' : '-',
		 e->user ? 'u' : '-');
	return b;
}

/* ---------------------------------------------------------------------------------------- */
/* The reference model.                                                                     */

struct ref_array {
	uint32_t sets, ways;     /* ways 0: absent */
	bool xor_hash;           /* the set is (vpn mod sets) XOR (vpn / sets mod sets) */
	uint32_t *len;           /* per set: entries in its list */
	struct tlb_entry *list;  /* per set, `ways` long: [0] most recently used */
};

struct ref {
	struct ref_array l1[2][4];  /* [kind][size level 1..3] */
	struct ref_array stlb, stlb_1g;
	bool stlb_holds_2m;
	struct ref_array psc[2][5]; /* [ept][level 2..4], one set each */
};

static void ref_array_init(struct ref_array *a, uint32_t entries, uint32_t ways)
{
	memset(a, 0, sizeof(*a));
	if (!entries)
		return;
	a->sets = entries / ways;
	a->ways = ways;
	a->len = calloc(a->sets, sizeof(*a->len));
	a->list = calloc(entries, sizeof(*a->list));
	ck_assert(a->len && a->list);
}

static void ref_array_free(struct ref_array *a)
{
	free(a->len);
	free(a->list);
}

static void ref_init(struct ref *r, const struct cpu_model *m)
{
	const struct tlb_geometry *l1[2][3] = {
		{ &m->itlb_4k, &m->itlb_2m, &m->itlb_1g },
		{ &m->dtlb_4k, &m->dtlb_2m, &m->dtlb_1g },
	};

	memset(r, 0, sizeof(*r));
	for (int k = 0; k < 2; k++)
		for (int level = 1; level <= 3; level++)
			ref_array_init(&r->l1[k][level], l1[k][level - 1]->entries,
				       l1[k][level - 1]->ways);
	ref_array_init(&r->stlb, m->stlb.entries, m->stlb.ways);
	r->stlb.xor_hash = m->stlb_index == TLB_INDEX_XOR;
	ref_array_init(&r->stlb_1g, m->stlb_1g.entries, m->stlb_1g.ways);
	r->stlb_holds_2m = m->stlb_holds_2m;
	for (int level = 2; level <= 4; level++) {
		ref_array_init(&r->psc[0][level], m->psc_guest[4 - level], m->psc_guest[4 - level]);
		ref_array_init(&r->psc[1][level], m->psc_ept[4 - level], m->psc_ept[4 - level]);
	}
}

static void ref_free(struct ref *r)
{
	for (int k = 0; k < 2; k++)
		for (int level = 1; level <= 3; level++)
			ref_array_free(&r->l1[k][level]);
	ref_array_free(&r->stlb);
	ref_array_free(&r->stlb_1g);
	for (int level = 2; level <= 4; level++) {
		ref_array_free(&r->psc[0][level]);
		ref_array_free(&r->psc[1][level]);
	}
}

static uint64_t ref_set_index(const struct ref_array *a, uint64_t vpn)
{
	if (a->xor_hash)
		return (vpn % a->sets) ^ (vpn / a->sets % a->sets);
	return vpn % a->sets;
}

static struct tlb_entry *ref_set(struct ref_array *a, uint64_t vpn, uint32_t **len)
{
	uint64_t set = ref_set_index(a, vpn);

	*len = &a->len[set];
	return &a->list[set * a->ways];
}

static bool ref_matches(const struct tlb_entry *e, int level, uint64_t vpn, uint16_t vpid,
			uint16_t pcid)
{
	return e->size_level == level && e->vpn == vpn && e->vpid == vpid &&
	       (e->global || e->pcid == pcid);
}

static void ref_remove(struct tlb_entry *list, uint32_t *len, uint32_t i)
{
	memmove(&list[i], &list[i + 1], (*len - i - 1) * sizeof(*list));
	(*len)--;
}

/* Look up in one array: on a hit, move the entry to the front and copy it out. */
static bool ref_find(struct ref_array *a, int level, uint64_t gva, uint16_t vpid, uint16_t pcid,
		     struct tlb_entry *out)
{
	uint64_t vpn = gva >> level_shift(level);
	uint32_t *len;
	struct tlb_entry *list;

	if (!a->ways)
		return false;
	list = ref_set(a, vpn, &len);
	for (uint32_t i = 0; i < *len; i++) {
		if (!ref_matches(&list[i], level, vpn, vpid, pcid))
			continue;
		*out = list[i];
		memmove(&list[1], &list[0], i * sizeof(*list));
		list[0] = *out;
		return true;
	}
	return false;
}

/* Put e at the front of its set, after removing what it supersedes, dropping a full set's
 * last entry. */
static void ref_put(struct ref_array *a, const struct tlb_entry *e)
{
	uint32_t *len;
	struct tlb_entry *list = ref_set(a, e->vpn, &len);

	for (uint32_t i = 0; i < *len;) {
		const struct tlb_entry *o = &list[i];

		if (o->size_level == e->size_level && o->vpn == e->vpn && o->vpid == e->vpid &&
		    (o->global || e->global || o->pcid == e->pcid))
			ref_remove(list, len, i);
		else
			i++;
	}
	if (*len == a->ways)
		(*len)--;
	memmove(&list[1], &list[0], *len * sizeof(*list));
	list[0] = *e;
	(*len)++;
}

/* The 2M piece of a 1G translation that holds gva. */
static struct tlb_entry ref_piece(const struct tlb_entry *e, uint64_t gva)
{
	struct tlb_entry p = *e;

	p.size_level = 2;
	p.vpn = gva / (2 * MiB);
	p.pfn = e->pfn + (gva % GiB) / (2 * MiB) * 512;
	p.gfn = e->gfn + (gva % GiB) / (2 * MiB) * 512;
	return p;
}

static void ref_place_l1(struct ref *r, int kind, uint64_t gva, const struct tlb_entry *e)
{
	if (r->l1[kind][e->size_level].ways) {
		ref_put(&r->l1[kind][e->size_level], e);
	} else if (e->size_level == 3 && r->l1[kind][2].ways) {
		struct tlb_entry p = ref_piece(e, gva);

		ref_put(&r->l1[kind][2], &p);
	}
}

static void ref_place_stlb(struct ref *r, uint64_t gva, const struct tlb_entry *e)
{
	bool has_2m = r->stlb.ways && r->stlb_holds_2m;

	if (e->size_level == 1 && r->stlb.ways) {
		ref_put(&r->stlb, e);
	} else if (e->size_level == 2 && has_2m) {
		ref_put(&r->stlb, e);
	} else if (e->size_level == 3 && r->stlb_1g.ways) {
		ref_put(&r->stlb_1g, e);
	} else if (e->size_level == 3 && has_2m) {
		struct tlb_entry p = ref_piece(e, gva);

		ref_put(&r->stlb, &p);
	}
}

static struct tlb_hit ref_lookup(struct ref *r, int kind, uint64_t gva, uint16_t vpid,
				 uint16_t pcid)
{
	struct tlb_hit h = { 0 };

	for (int level = 1; level <= 3; level++)
		if (ref_find(&r->l1[kind][level], level, gva, vpid, pcid, &h.entry)) {
			h.where = 1;
			return h;
		}
	if (ref_find(&r->stlb, 1, gva, vpid, pcid, &h.entry) ||
	    (r->stlb_holds_2m && ref_find(&r->stlb, 2, gva, vpid, pcid, &h.entry)) ||
	    ref_find(&r->stlb_1g, 3, gva, vpid, pcid, &h.entry)) {
		h.where = 2;
		ref_place_l1(r, kind, gva, &h.entry);
		return h;
	}
	memset(&h, 0, sizeof(h));
	return h;
}

static void ref_insert(struct ref *r, int kind, uint64_t gva, const struct tlb_entry *e)
{
	struct tlb_entry n = *e;

	n.vpn = gva >> level_shift(n.size_level);
	if (n.guest_level < n.size_level)
		n.guest_level = n.size_level;
	ref_place_l1(r, kind, gva, &n);
	ref_place_stlb(r, gva, &n);
}

/* Every array holding translations (not the PSCs), for the flushes. */
static int ref_tlb_arrays(struct ref *r, struct ref_array **out)
{
	int n = 0;

	for (int k = 0; k < 2; k++)
		for (int level = 1; level <= 3; level++)
			out[n++] = &r->l1[k][level];
	out[n++] = &r->stlb;
	out[n++] = &r->stlb_1g;
	return n;
}

/* Remove every entry of `a` that `drop(e, arg)` selects. */
struct drop_arg {
	uint64_t gva;
	uint16_t vpid, pcid;
};

static void ref_drop(struct ref_array *a, bool (*drop)(const struct tlb_entry *,
						       const struct drop_arg *),
		     const struct drop_arg *arg)
{
	for (uint32_t s = 0; s < a->sets; s++) {
		struct tlb_entry *list = &a->list[(size_t)s * a->ways];

		for (uint32_t i = 0; i < a->len[s];)
			if (drop(&list[i], arg))
				ref_remove(list, &a->len[s], i);
			else
				i++;
	}
}

static bool drop_invlpg(const struct tlb_entry *e, const struct drop_arg *a)
{
	/* the guest page the entry belongs to holds gva */
	uint64_t first = e->vpn << level_shift(e->size_level);
	uint64_t gpage = level_size(e->guest_level);

	return e->vpid == a->vpid && (e->global || e->pcid == a->pcid) &&
	       first / gpage == a->gva / gpage;
}

static bool drop_pcid_nonglobal(const struct tlb_entry *e, const struct drop_arg *a)
{
	return e->vpid == a->vpid && e->pcid == a->pcid && !e->global;
}

static bool drop_vpid(const struct tlb_entry *e, const struct drop_arg *a)
{
	return e->vpid == a->vpid;
}

static void ref_flush(struct ref *r, bool (*tlb_drop)(const struct tlb_entry *,
						       const struct drop_arg *),
		      bool (*psc_drop)(const struct tlb_entry *, const struct drop_arg *),
		      uint64_t gva, uint16_t vpid, uint16_t pcid)
{
	struct drop_arg arg = { gva, vpid, pcid };
	struct ref_array *arrays[8];
	int n = ref_tlb_arrays(r, arrays);

	for (int i = 0; i < n; i++)
		ref_drop(arrays[i], tlb_drop, &arg);
	for (int level = 2; level <= 4; level++)
		ref_drop(&r->psc[0][level], psc_drop, &arg);
}

static void ref_invlpg(struct ref *r, uint64_t gva, uint16_t vpid, uint16_t pcid)
{
	ref_flush(r, drop_invlpg, drop_vpid, gva, vpid, pcid);
}

static void ref_flush_pcid_nonglobal(struct ref *r, uint16_t vpid, uint16_t pcid)
{
	ref_flush(r, drop_pcid_nonglobal, drop_pcid_nonglobal, 0, vpid, pcid);
}

static void ref_flush_vpid(struct ref *r, uint16_t vpid)
{
	ref_flush(r, drop_vpid, drop_vpid, 0, vpid, 0);
}

static void ref_flush_all(struct ref *r)
{
	struct ref_array *arrays[8];
	int n = ref_tlb_arrays(r, arrays);

	for (int i = 0; i < n; i++)
		if (arrays[i]->ways)
			memset(arrays[i]->len, 0, arrays[i]->sets * sizeof(uint32_t));
	for (int ept = 0; ept < 2; ept++)
		for (int level = 2; level <= 4; level++)
			if (r->psc[ept][level].ways)
				r->psc[ept][level].len[0] = 0;
}

/* Entries of the L1 iTLB covering gva: without touching their recency. */
static bool ref_peek(const struct ref_array *a, int level, uint64_t gva, uint16_t vpid,
		     uint16_t pcid, struct tlb_entry *out)
{
	uint64_t vpn = gva >> level_shift(level);

	if (!a->ways)
		return false;
	for (uint32_t i = 0; i < a->len[ref_set_index(a, vpn)]; i++) {
		const struct tlb_entry *e = &a->list[ref_set_index(a, vpn) * a->ways + i];

		if (ref_matches(e, level, vpn, vpid, pcid)) {
			*out = *e;
			return true;
		}
	}
	return false;
}

static uint64_t frame_of(const struct tlb_entry *e, uint64_t gva)
{
	return e->pfn + gva % level_size(e->size_level) / PAGE_SIZE;
}

static bool ref_multihit(const struct ref *r, uint64_t gva, uint16_t vpid, uint16_t pcid,
			 bool broad, struct tlb_entry *small, struct tlb_entry *large)
{
	struct tlb_entry e[3];
	bool have[3];

	for (int level = 1; level <= 3; level++)
		have[level - 1] = ref_peek(&r->l1[0][level], level, gva, vpid, pcid, &e[level - 1]);
	for (int i = 0; i < 3; i++)
		for (int j = i + 1; j < 3; j++) {
			bool hit;

			if (!have[i] || !have[j])
				continue;
			if (broad)
				hit = frame_of(&e[i], gva) != frame_of(&e[j], gva) ||
				      e[i].memtype != e[j].memtype;
			else
				hit = i == 0 && e[i].memtype == MT_WB && e[j].memtype == MT_UC;
			if (hit) {
				*small = e[i];
				*large = e[j];
				return true;
			}
		}
	return false;
}

static bool ref_psc_lookup(struct ref *r, bool ept, int level, uint64_t addr, uint16_t vpid,
			   uint16_t pcid)
{
	struct tlb_entry e;

	if (level < 2 || level > 4)
		return false;
	if (ept)
		vpid = pcid = 0;
	return ref_find(&r->psc[ept][level], level, addr, vpid, pcid, &e);
}

static void ref_psc_insert(struct ref *r, bool ept, int level, uint64_t addr, uint16_t vpid,
			   uint16_t pcid)
{
	struct tlb_entry e = { 0 };

	if (level < 2 || level > 4 || !r->psc[ept][level].ways)
		return;
	e.vpn = addr >> level_shift(level);
	e.size_level = (uint8_t)level;
	e.guest_level = (uint8_t)level;
	e.vpid = ept ? 0 : vpid;
	e.pcid = ept ? 0 : pcid;
	ref_put(&r->psc[ept][level], &e);
}

/* ---------------------------------------------------------------------------------------- */
/* The access streams, over a synthetic guest whose tables are a function of the address.  */

static uint64_t mix(uint64_t a, uint64_t b)
{
	uint64_t z = a * 0x9e3779b97f4a7c15ull ^ (b + 0x632be59bd9b4e019ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

#define R4K_BASE (1 * TiB)         /* 4K pages only */
#define RMIX_BASE (2 * TiB)        /* 1G, 2M and 4K pages, guest and EPT sizes mixed */
#define RMIX_SIZE (16 * GiB)
#define KERNEL_BASE 0xffff888000000000ull /* global; sizes mixed as in RMIX */
#define KERNEL_SIZE (4 * GiB)

/*
 * The translation a walk finds for gva in epoch `epoch`.  A quarter of the 1G and 2M regions
 * are volatile: their page sizes, frames and memory types change with the epoch - the guest
 * rewriting its tables without invalidating, which is what leaves stale entries of another
 * size behind (and multihits).
 */
static struct tlb_entry translate(uint64_t gva, uint16_t vpid, uint16_t pcid, uint32_t epoch)
{
	bool kernel = gva >= KERNEL_BASE;
	bool mixed = kernel || (gva >= RMIX_BASE && gva < RMIX_BASE + RMIX_SIZE);
	uint64_t space = kernel ? mix(vpid, 0x6b) : mix(vpid, (uint64_t)pcid << 16 | 1);
	uint64_t h1 = mix(space, gva >> 30), h2 = mix(space, gva >> 21);
	uint64_t ep1 = (h1 & 3) == 0 ? epoch : 0, ep2 = (h2 & 3) == 0 ? epoch : 0;
	int guest = 1, ept = 1, size;
	uint64_t h, pfn;
	struct tlb_entry e;

	h1 = mix(h1, ep1);
	h2 = mix(h2, ep1 + ep2);
	if (mixed) {
		switch (h1 % 6) {
		case 0: /* 1G page, 1G EPT */
			guest = 3;
			ept = 3;
			break;
		case 1: /* 1G page over 2M EPT */
			guest = 3;
			ept = 2;
			break;
		case 2: /* 2M pages, some over 4K EPT */
		case 3:
			guest = 2;
			ept = h2 % 3 ? 2 : 1;
			break;
		default: /* 4K pages, a quarter of the 2M regions 2M */
			guest = h2 % 4 ? 1 : 2;
			ept = 2;
			break;
		}
	}
	size = guest < ept ? guest : ept;
	h = mix(mix(space, gva >> level_shift(guest)), ep1 + ep2);
	pfn = (h & 0xffffff) << (9 * (guest - 1));
	pfn += (gva >> PAGE_SHIFT) & (pages_per_hpage(guest) - 1) & ~(pages_per_hpage(size) - 1);
	/* kernel pages are global, except some of the volatile ones in some epochs */
	e = entry(gva, size, pfn, guest > 1 && (h >> 40) % 3 == 0 ? MT_UC : MT_WB, vpid, pcid,
		  kernel && (ep1 + ep2 == 0 || (h >> 45) % 2));
	e.guest_level = (uint8_t)guest;
	e.exec = (h >> 50) & 1;
	e.write = (h >> 51) & 1;
	e.user = !kernel;
	return e;
}

enum pattern { SEQUENTIAL, RANDOM_WS, MIXED_SIZES, EVERYTHING };

static const char *const pattern_names[] = {
	"sequential 4K strides", "random pages over a working set larger than the STLB",
	"mixed page sizes, fetch and data", "two vpids/pcids, globals, flushes, remaps"
};

struct counts {
	unsigned long l1, stlb, miss, multihit_broad, multihit_strict, psc_hit, invlpg, cr3;
};

struct replay {
	const struct cpu_model *m;
	enum pattern pat;
	struct tlb *t;
	struct ref r;
	uint64_t rng;
	uint32_t epoch;
	uint64_t last; /* the last access's address */
	uint16_t vpid, pcid; /* the running context */
	unsigned long step;
	struct counts c;
};

static uint64_t pick(struct replay *p, uint64_t n)
{
	return rng_next(&p->rng) % n;
}

static void fail_if_different(const struct replay *p, const char *what, uint64_t gva,
			      const struct tlb_hit *a, const struct tlb_hit *b)
{
	if (a->where == b->where && (a->where == 0 || same_entry(&a->entry, &b->entry)))
		return;
	ck_abort_msg("%s, %s, step %lu: %s of gva %#" PRIx64 ": tlb where %d %s, reference "
		     "where %d %s", p->m->name, pattern_names[p->pat], p->step, what, gva,
		     a->where, show(&a->entry), b->where, show(&b->entry));
}

static void check_multihit(struct replay *p, uint64_t gva, uint16_t vpid, uint16_t pcid)
{
	for (int broad = 0; broad < 2; broad++) {
		struct tlb_entry s1 = { 0 }, l1 = { 0 }, s2 = { 0 }, l2 = { 0 };
		bool a = tlb_multihit(p->t, gva, vpid, pcid, broad, &s1, &l1);
		bool b = ref_multihit(&p->r, gva, vpid, pcid, broad, &s2, &l2);

		if (a != b || (a && (!same_entry(&s1, &s2) || !same_entry(&l1, &l2))))
			ck_abort_msg("%s, %s, step %lu: multihit (%s) at %#" PRIx64 ": tlb %d %s "
				     "%s, reference %d %s %s", p->m->name, pattern_names[p->pat],
				     p->step, broad ? "broad" : "strict", gva, a, show(&s1),
				     show(&l1), b, show(&s2), show(&l2));
		if (a && broad)
			p->c.multihit_broad++;
		else if (a)
			p->c.multihit_strict++;
	}
}

/* A walk after a miss: the PSCs it consults (guest levels 4..2 and the EPT's, plus levels no
 * PSC caches), then the fill. */
static void walk_and_fill(struct replay *p, int kind, uint64_t gva, uint16_t vpid, uint16_t pcid)
{
	struct tlb_entry e = translate(gva, vpid, pcid, p->epoch);

	for (int level = 5; level >= 1; level--) {
		for (int ept = 0; ept < 2; ept++) {
			uint64_t addr = ept ? mix(gva >> level_shift(level + 1), p->epoch & 1) %
						      (64 * GiB)
					    : gva;
			bool a = psc_lookup(p->t, ept, level, addr, vpid, pcid);
			bool b = ref_psc_lookup(&p->r, ept, level, addr, vpid, pcid);

			if (a != b)
				ck_abort_msg("%s, %s, step %lu: %s PSC level %d at %#" PRIx64
					     ": tlb %d, reference %d", p->m->name,
					     pattern_names[p->pat], p->step, ept ? "EPT" : "guest",
					     level, addr, a, b);
			p->c.psc_hit += a;
			if (!a) {
				psc_insert(p->t, ept, level, addr, vpid, pcid);
				ref_psc_insert(&p->r, ept, level, addr, vpid, pcid);
			}
		}
	}
	tlb_insert(p->t, kind, gva, &e);
	ref_insert(&p->r, kind, gva, &e);
}

static void do_access(struct replay *p, int kind, uint64_t gva, uint16_t vpid, uint16_t pcid)
{
	struct tlb_hit a = tlb_lookup(p->t, kind, gva, vpid, pcid);
	struct tlb_hit b = ref_lookup(&p->r, kind, gva, vpid, pcid);

	fail_if_different(p, kind ? "data lookup" : "fetch lookup", gva, &a, &b);
	if (a.where == 1)
		p->c.l1++;
	else if (a.where == 2)
		p->c.stlb++;
	else
		p->c.miss++;
	/* a miss walks; so, now and then, does a hit that lacked a permission (a write to an
	 * entry cached read-only, say): the new entry replaces the old */
	if (!a.where || (p->pat == EVERYTHING && pick(p, 32) == 0))
		walk_and_fill(p, kind, gva, vpid, pcid);
	if (kind == TLB_FETCH)
		check_multihit(p, gva, vpid, pcid);
}

/* An address in a mixed region: mostly in a hot set of 2M regions, mostly in a few pages. */
static uint64_t mixed_address(struct replay *p, uint64_t base, uint64_t size)
{
	uint64_t region = pick(p, 100) < 90 ? mix(pick(p, 96), 7) : rng_next(&p->rng);
	uint64_t page = pick(p, 4) ? pick(p, 8) : pick(p, 512);

	return base + region % (size / (2 * MiB)) * 2 * MiB + page * PAGE_SIZE +
	       pick(p, PAGE_SIZE);
}

static void replay_step(struct replay *p, unsigned long steps)
{
	uint32_t stlb = p->m->stlb.entries ? p->m->stlb.entries : 64;
	uint16_t vpid = 1, pcid = 1;
	int kind = TLB_DATA;
	uint64_t gva;

	switch (p->pat) {
	case SEQUENTIAL: {
		/* first half: a loop that fits the STLB but not L1; then one twice the STLB */
		uint64_t n = p->step < steps / 2 ? stlb * 3 / 4 : stlb * 2;

		gva = R4K_BASE + p->step / 4 % n * PAGE_SIZE + p->step % 4 * 8; /* 4 per page */
		kind = p->step % 8 == 0 ? TLB_FETCH : TLB_DATA;
		break;
	}
	case RANDOM_WS:
		/* 4 x the STLB's reach, a fifth of the accesses to a hot eighth of it, and a
		 * third of them to the page of the access before */
		if (pick(p, 3) == 0)
			gva = p->last + 64;
		else
			gva = R4K_BASE +
			      (pick(p, 5) ? pick(p, 4ull * stlb) : pick(p, stlb / 2)) * PAGE_SIZE;
		kind = pick(p, 4) ? TLB_DATA : TLB_FETCH;
		break;
	case MIXED_SIZES:
		gva = mixed_address(p, RMIX_BASE, RMIX_SIZE);
		kind = pick(p, 3) ? TLB_DATA : TLB_FETCH;
		break;
	default: {
		/* a context (vpid, pcid) runs for a while; MOV CR3 switches PCID (flushing the
		 * new one's non-global entries), now and then the VPID changes */
		unsigned op = (unsigned)pick(p, 1000);

		vpid = p->vpid;
		pcid = p->pcid;
		if (op < 8) { /* INVLPG, half the time of the address just used */
			gva = pick(p, 2) ? p->last : mixed_address(p, RMIX_BASE, RMIX_SIZE);
			tlb_invlpg(p->t, gva, vpid, pcid);
			ref_invlpg(&p->r, gva, vpid, pcid);
			p->c.invlpg++;
			return;
		}
		if (op < 12) { /* MOV CR3 without NOFLUSH */
			p->pcid = (uint16_t)(1 + pick(p, 3));
			tlb_flush_pcid_nonglobal(p->t, vpid, p->pcid);
			ref_flush_pcid_nonglobal(&p->r, vpid, p->pcid);
			p->c.cr3++;
			return;
		}
		if (op < 14) { /* MOV CR3 with NOFLUSH, or another vCPU context */
			p->pcid = (uint16_t)(1 + pick(p, 3));
			if (op == 13)
				p->vpid = (uint16_t)(1 + pick(p, 2));
			return;
		}
		if (op == 14 && pick(p, 2)) {
			tlb_flush_vpid(p->t, vpid);
			ref_flush_vpid(&p->r, vpid);
			return;
		}
		if (op == 15 && pick(p, 4) == 0) {
			tlb_flush_all(p->t);
			ref_flush_all(&p->r);
			return;
		}
		if (op < 26) { /* the guest rewrites its tables, invalidating nothing */
			p->epoch++;
			return;
		}
		if (op < 600)
			gva = mixed_address(p, RMIX_BASE, RMIX_SIZE);
		else if (op < 800)
			gva = mixed_address(p, KERNEL_BASE, KERNEL_SIZE);
		else
			gva = R4K_BASE + pick(p, 2ull * stlb) * PAGE_SIZE;
		kind = pick(p, 2) ? TLB_DATA : TLB_FETCH;
		break;
	}
	}
	p->last = gva;
	do_access(p, kind, gva, vpid, pcid);
}

static struct counts replay(const struct cpu_model *m, enum pattern pat, unsigned long steps,
			    uint64_t seed)
{
	struct replay p = { .m = m, .pat = pat, .rng = seed, .vpid = 1, .pcid = 1 };

	p.t = new_tlb(m);
	ref_init(&p.r, m);
	for (p.step = 0; p.step < steps; p.step++)
		replay_step(&p, steps);
	tlb_free(p.t);
	ref_free(&p.r);
	return p.c;
}

static void replay_every_stream(const struct cpu_model *m)
{
	static const unsigned long steps[] = { 60000, 100000, 100000, 200000 };

	for (int pat = SEQUENTIAL; pat <= EVERYTHING; pat++) {
		struct counts c = replay(m, pat, steps[pat], 0x7db1e5 + (uint64_t)pat);

		printf("%-24s %-55s L1 %6lu STLB %6lu miss %6lu multihit %4lu/%-4lu psc %6lu\n",
		       m->name, pattern_names[pat], c.l1, c.stlb, c.miss, c.multihit_broad,
		       c.multihit_strict, c.psc_hit);
		/* each stream reaches what it is for */
		ck_assert_uint_gt(c.l1, 0);
		ck_assert_uint_gt(c.miss, 0);
		if (m->stlb.entries)
			ck_assert_uint_gt(c.stlb, 0);
		if (pat == EVERYTHING) {
			if (m->itlb_2m.entries || m->itlb_1g.entries)
				ck_assert_uint_gt(c.multihit_broad, 0);
			ck_assert_uint_gt(c.invlpg, 0);
			ck_assert_uint_gt(c.cr3, 0);
		}
	}
}

START_TEST(each_geometry_replays_the_streams_like_the_reference_model)
{
	replay_every_stream(&geometries[_i]);
}
END_TEST

START_TEST(each_built_in_model_replays_the_streams_like_the_reference_model)
{
	const struct cpu_model *m = cpu_model_at((size_t)_i);

	ck_assert_ptr_nonnull(m);
	replay_every_stream(m);
}
END_TEST

/* ---------------------------------------------------------------------------------------- */
/* Named behaviours.                                                                        */

#define X (RMIX_BASE + 5 * GiB + 7 * 2 * MiB + 0x13000) /* 4K page 0x13 of a 2M region */

START_TEST(a_tlb_entry_page_size_is_the_smaller_of_guest_and_ept)
{
	struct tlb *t = new_tlb(skylake());
	/* guest 2M page over a 4K EPT mapping: a 4K combined entry (the caller's min) */
	struct tlb_entry small = entry(X, 1, 0x40013, MT_WB, 1, 1, false);
	/* and a 2M entry for the same address, as from a later 2M/2M walk */
	struct tlb_entry big = entry(X, 2, 0x40000, MT_WB, 1, 1, false);
	struct tlb_hit h;

	small.guest_level = 2;
	tlb_insert(t, TLB_DATA, X, &small);
	tlb_insert(t, TLB_DATA, X, &big);
	/* both kept: X finds the 4K one (smallest first), the rest of the 2M page the 2M one */
	h = tlb_lookup(t, TLB_DATA, X, 1, 1);
	ck_assert_int_eq(h.where, 1);
	ck_assert_uint_eq(h.entry.size_level, 1);
	ck_assert_uint_eq(h.entry.guest_level, 2);
	ck_assert_uint_eq(h.entry.pfn, 0x40013);
	h = tlb_lookup(t, TLB_DATA, X + 0x1000, 1, 1);
	ck_assert_int_eq(h.where, 1);
	ck_assert_uint_eq(h.entry.size_level, 2);
	ck_assert_uint_eq(h.entry.vpn, X >> 21);
	/* both are in the STLB too: fetches, which miss the iTLB, find them there */
	h = tlb_lookup(t, TLB_FETCH, X, 1, 1);
	ck_assert_int_eq(h.where, 2);
	ck_assert_uint_eq(h.entry.size_level, 1);
	h = tlb_lookup(t, TLB_FETCH, X + 0x1000, 1, 1);
	ck_assert_int_eq(h.where, 2);
	ck_assert_uint_eq(h.entry.size_level, 2);
	/* same frame, same type: no multihit, though two iTLB entries now cover X */
	ck_assert(!tlb_multihit(t, X, 1, 1, true, NULL, NULL));
	tlb_free(t);
}
END_TEST

/* Insert n 4K data translations at a stride of `stride` pages, then count the STLB hits
 * when looking all of them up again in the same order. */
static unsigned stlb_hits_after_strided_fill(const struct cpu_model *m, unsigned n,
					     uint64_t stride)
{
	struct tlb *t = new_tlb(m);
	unsigned hits = 0;

	for (unsigned k = 0; k < n; k++) {
		uint64_t gva = R4K_BASE + k * stride * PAGE_SIZE;
		struct tlb_entry e = entry(gva, 1, 0x1000 + k, MT_WB, 1, 1, false);

		tlb_insert(t, TLB_DATA, gva, &e);
	}
	for (unsigned k = 0; k < n; k++)
		hits += tlb_lookup(t, TLB_DATA, R4K_BASE + k * stride * PAGE_SIZE, 1, 1).where == 2;
	tlb_free(t);
	return hits;
}

START_TEST(skylakes_stlb_xor_hash_spreads_a_power_of_two_stride)
{
	/* 64 pages 128 pages apart.  With Skylake-SP's XOR-7 index (set = vpn bits 0-6 ^ 7-13)
	 * page k sits in set k of the STLB's 128, so all 64 stay there; by the low bits alone
	 * every one would be in set 0, which keeps its last 12 (12 ways).  The L1 dTLB (16 sets,
	 * linear) keeps the last 4 in its set 0, but looking the pages up in order refills that
	 * set from the STLB at each hit, so those 4 are gone from L1 by their turn: every page
	 * the STLB kept is an STLB hit - 64 with the hash, 12 without. */
	const struct cpu_model *sky = cpu_model_lookup("skylake-sp");
	struct cpu_model linear;

	ck_assert_ptr_nonnull(sky);
	ck_assert_int_eq(sky->stlb_index, TLB_INDEX_XOR);
	ck_assert_uint_eq(stlb_hits_after_strided_fill(sky, 64, 128), 64);
	linear = *sky;
	linear.stlb_index = TLB_INDEX_LINEAR;
	ck_assert_uint_eq(stlb_hits_after_strided_fill(&linear, 64, 128), 12);
}
END_TEST

START_TEST(lru_evicts_the_least_recently_used_way)
{
	/* one 8-entry 2-way dTLB (4 sets), nothing else: every eviction shows as a miss */
	struct cpu_model m = { .name = "tiny", .dtlb_4k = { 8, 2 } };
	struct tlb *t = new_tlb(&m);
	const uint64_t a = R4K_BASE, b = a + 4 * PAGE_SIZE, c = a + 8 * PAGE_SIZE,
		       d = a + 12 * PAGE_SIZE; /* all in set 0 */
	struct tlb_entry ea = entry(a, 1, 1, MT_WB, 1, 1, false),
			 eb = entry(b, 1, 2, MT_WB, 1, 1, false),
			 ec = entry(c, 1, 3, MT_WB, 1, 1, false),
			 ed = entry(d, 1, 4, MT_WB, 1, 1, false);

	tlb_insert(t, TLB_DATA, a, &ea);
	tlb_insert(t, TLB_DATA, b, &eb);
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, a, 1, 1).where, 1); /* a is now the recent one */
	tlb_insert(t, TLB_DATA, c, &ec);                              /* evicts b */
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, b, 1, 1).where, 0);
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, a, 1, 1).where, 1);
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, c, 1, 1).where, 1); /* a is least recent */
	tlb_insert(t, TLB_DATA, d, &ed);                              /* evicts a */
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, a, 1, 1).where, 0);
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, c, 1, 1).where, 1);
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, d, 1, 1).where, 1);
	/* an invalidated way is reused before the LRU one: c is least recent, yet stays */
	tlb_invlpg(t, d, 1, 1);
	tlb_insert(t, TLB_DATA, a, &ea);
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, c, 1, 1).where, 1);
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, a, 1, 1).where, 1);
	/* other sets are untouched by set 0's traffic */
	tlb_insert(t, TLB_DATA, a + PAGE_SIZE, &eb);
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, a + PAGE_SIZE, 1, 1).where, 1);
	tlb_free(t);
}
END_TEST

START_TEST(an_insert_replaces_the_entry_a_lookup_of_it_would_find)
{
	/* one 4-entry 2-way dTLB (2 sets), nothing else */
	struct cpu_model m = { .name = "tiny", .dtlb_4k = { 4, 2 } };
	struct tlb *t = new_tlb(&m);
	const uint64_t a = R4K_BASE, b = a + 2 * PAGE_SIZE; /* both in set 0 */
	struct tlb_entry e = entry(a, 1, 1, MT_WB, 1, 1, false);

	tlb_insert(t, TLB_DATA, b, &e);
	tlb_insert(t, TLB_DATA, a, &e);
	e.pfn = 2; /* walked again, say for a write: the new translation replaces the old */
	tlb_insert(t, TLB_DATA, a, &e);
	ck_assert_uint_eq(tlb_lookup(t, TLB_DATA, a, 1, 1).entry.pfn, 2);
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, b, 1, 1).where, 1); /* not evicted */
	tlb_flush_all(t);

	/* entries of two PCIDs for one page coexist */
	tlb_insert(t, TLB_DATA, a, &e);
	e.pcid = 2;
	e.pfn = 3;
	tlb_insert(t, TLB_DATA, a, &e);
	ck_assert_uint_eq(tlb_lookup(t, TLB_DATA, a, 1, 1).entry.pfn, 2);
	ck_assert_uint_eq(tlb_lookup(t, TLB_DATA, a, 1, 2).entry.pfn, 3);
	/* a global one replaces both, freeing a way */
	e.global = true;
	e.pcid = 5;
	e.pfn = 5;
	tlb_insert(t, TLB_DATA, a, &e);
	for (uint16_t pcid = 1; pcid <= 7; pcid++)
		ck_assert_uint_eq(tlb_lookup(t, TLB_DATA, a, 1, pcid).entry.pfn, 5);
	tlb_insert(t, TLB_DATA, b, &e);
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, a, 1, 1).where, 1);
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, b, 1, 1).where, 1);
	/* and a non-global one of any PCID replaces the global one */
	e.global = false;
	e.pcid = 7;
	e.pfn = 6;
	tlb_insert(t, TLB_DATA, a, &e);
	ck_assert_uint_eq(tlb_lookup(t, TLB_DATA, a, 1, 7).entry.pfn, 6);
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, a, 1, 1).where, 0);
	tlb_free(t);
}
END_TEST

START_TEST(stlb_hit_refills_l1)
{
	struct tlb *t = new_tlb(skylake());
	const uint64_t x = R4K_BASE + 3 * PAGE_SIZE;
	struct tlb_entry e = entry(x, 1, 0x777, MT_WB, 1, 1, false);
	struct tlb_hit h;

	tlb_insert(t, TLB_DATA, x, &e);
	/* four more pages in x's dTLB set (64 entries, 4 ways: 16 sets) push it out of L1;
	 * they land in other STLB sets (128 sets), so x stays there */
	for (uint64_t i = 1; i <= 4; i++) {
		uint64_t y = x + i * 16 * PAGE_SIZE;
		struct tlb_entry f = entry(y, 1, 0x1000 + i, MT_WB, 1, 1, false);

		tlb_insert(t, TLB_DATA, y, &f);
	}
	h = tlb_lookup(t, TLB_DATA, x, 1, 1);
	ck_assert_int_eq(h.where, 2);
	ck_assert_uint_eq(h.entry.pfn, 0x777);
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, x, 1, 1).where, 1); /* refilled */
	/* the refill evicted the dTLB set's LRU way: the first of the four */
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, x + 16 * PAGE_SIZE, 1, 1).where, 2);
	/* the STLB is unified: a fetch finds the data translation there, then in the iTLB */
	ck_assert_int_eq(tlb_lookup(t, TLB_FETCH, x, 1, 1).where, 2);
	ck_assert_int_eq(tlb_lookup(t, TLB_FETCH, x, 1, 1).where, 1);
	/* a 1G STLB entry refills Skylake's 1G dTLB as 1G, and its 2M iTLB as a 2M piece */
	e = entry(KERNEL_BASE, 3, 0x80000, MT_WB, 1, 1, true);
	tlb_insert(t, TLB_DATA, KERNEL_BASE, &e);
	h = tlb_lookup(t, TLB_FETCH, KERNEL_BASE + 5 * MiB, 1, 9);
	ck_assert_int_eq(h.where, 2);
	ck_assert_uint_eq(h.entry.size_level, 3);
	h = tlb_lookup(t, TLB_FETCH, KERNEL_BASE + 5 * MiB, 1, 9);
	ck_assert_int_eq(h.where, 1);
	ck_assert_uint_eq(h.entry.size_level, 2);
	ck_assert_uint_eq(h.entry.pfn, 0x80000 + 2 * 512);
	tlb_free(t);
}
END_TEST

START_TEST(invlpg_drops_every_size_covering_the_address_and_keeps_other_pcids)
{
	struct tlb *t = new_tlb(skylake());
	struct tlb_entry e4 = entry(X, 1, 0x10013, MT_WB, 1, 1, false);
	struct tlb_entry e2 = entry(X, 2, 0x20000, MT_WB, 1, 1, false);
	struct tlb_entry g1 = entry(X, 3, 0x40000, MT_WB, 1, 5, true); /* global */
	struct tlb_entry other_pcid = entry(X, 1, 0x30013, MT_WB, 1, 2, false);
	struct tlb_entry other_vpid = entry(X, 1, 0x50013, MT_WB, 2, 1, false);
	struct tlb_hit h;

	for (int kind = TLB_FETCH; kind <= TLB_DATA; kind++) {
		tlb_insert(t, kind, X, &g1);
		tlb_insert(t, kind, X, &e2);
		tlb_insert(t, kind, X, &e4);
		tlb_insert(t, kind, X, &other_pcid);
		tlb_insert(t, kind, X, &other_vpid);
	}
	psc_insert(t, false, 2, X, 1, 1);
	psc_insert(t, false, 2, X, 1, 2);
	psc_insert(t, false, 2, X, 2, 1);
	psc_insert(t, true, 2, 0x12345000, 1, 1);

	tlb_invlpg(t, X, 1, 1);
	/* under (1, 1) nothing covers X any more: not the 4K, the 2M, nor the global 1G */
	for (int kind = TLB_FETCH; kind <= TLB_DATA; kind++)
		ck_assert_int_eq(tlb_lookup(t, kind, X, 1, 1).where, 0);
	/* another PCID keeps its own entry (the global one is gone for every PCID) */
	h = tlb_lookup(t, TLB_DATA, X, 1, 2);
	ck_assert_int_eq(h.where, 1);
	ck_assert_uint_eq(h.entry.pfn, 0x30013);
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, X + 2 * MiB, 1, 2).where, 0);
	/* another VPID keeps everything */
	h = tlb_lookup(t, TLB_FETCH, X, 2, 1);
	ck_assert_int_eq(h.where, 1);
	ck_assert_uint_eq(h.entry.pfn, 0x50013);
	/* guest PSC entries of the VPID go (every PCID); other VPIDs' and EPT's stay */
	ck_assert(!psc_lookup(t, false, 2, X, 1, 1));
	ck_assert(!psc_lookup(t, false, 2, X, 1, 2));
	ck_assert(psc_lookup(t, false, 2, X, 2, 1));
	ck_assert(psc_lookup(t, true, 2, 0x12345000, 1, 1));
	tlb_free(t);
}
END_TEST

START_TEST(invlpg_drops_every_piece_of_the_guest_page)
{
	struct tlb *t = new_tlb(skylake());
	const uint64_t base = RMIX_BASE + 2 * GiB; /* 1G-aligned */
	struct tlb_hit h;

	/* a guest 2M page over 4K EPT: three 4K pieces, in three different sets */
	for (uint64_t i = 0; i < 3; i++) {
		uint64_t gva = base + 6 * MiB + i * 0x21000;
		struct tlb_entry e = entry(gva, 1, 0x9000 + (gva >> 12) % 512, MT_WB, 1, 1, false);

		e.guest_level = 2;
		tlb_insert(t, TLB_DATA, gva, &e);
	}
	/* a 1G page smashed into the 2M iTLB: two pieces */
	for (uint64_t i = 0; i < 2; i++) {
		struct tlb_entry e = entry(base, 3, 0x100000, MT_WB, 1, 1, false);

		tlb_insert(t, TLB_FETCH, base + i * 2 * MiB, &e);
	}
	/* INVLPG elsewhere in the 2M page drops every 4K piece, in L1 and STLB */
	tlb_invlpg(t, base + 6 * MiB + 0x1ff000, 1, 1);
	for (uint64_t i = 0; i < 3; i++)
		ck_assert_int_eq(tlb_lookup(t, TLB_DATA, base + 6 * MiB + i * 0x21000, 1, 1).where,
				 0);
	/* and, being inside the 1G page, every piece of it, with the STLB's 1G entry */
	for (uint64_t i = 0; i < 2; i++)
		ck_assert_int_eq(tlb_lookup(t, TLB_FETCH, base + i * 2 * MiB, 1, 1).where, 0);
	/* an INVLPG outside a guest page leaves its pieces */
	{
		struct tlb_entry e = entry(base, 3, 0x100000, MT_WB, 1, 1, false);

		tlb_insert(t, TLB_FETCH, base, &e);
		tlb_invlpg(t, base + GiB, 1, 1);
		h = tlb_lookup(t, TLB_FETCH, base, 1, 1);
		ck_assert_int_eq(h.where, 1);
		ck_assert_uint_eq(h.entry.size_level, 2);
	}
	tlb_free(t);
}
END_TEST

START_TEST(cr3_load_drops_non_global_entries_of_that_pcid_only)
{
	struct tlb *t = new_tlb(skylake());
	const uint64_t a = R4K_BASE, b = KERNEL_BASE, c = R4K_BASE + PAGE_SIZE;
	struct tlb_entry ea = entry(a, 1, 1, MT_WB, 1, 1, false);
	struct tlb_entry eb = entry(b, 2, 0x200, MT_WB, 1, 1, true);
	struct tlb_entry ec = entry(c, 1, 3, MT_WB, 1, 2, false);
	struct tlb_entry ed = entry(a, 1, 4, MT_WB, 2, 1, false);

	tlb_insert(t, TLB_DATA, a, &ea);
	tlb_insert(t, TLB_FETCH, b, &eb);
	tlb_insert(t, TLB_DATA, c, &ec);
	tlb_insert(t, TLB_DATA, a, &ed);
	psc_insert(t, false, 3, a, 1, 1);
	psc_insert(t, false, 3, a, 1, 2);
	psc_insert(t, true, 3, a, 1, 1);

	tlb_flush_pcid_nonglobal(t, 1, 1);
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, a, 1, 1).where, 0);  /* in L1 and STLB */
	ck_assert_int_eq(tlb_lookup(t, TLB_FETCH, b, 1, 1).where, 1); /* global */
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, c, 1, 2).where, 1);  /* other PCID */
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, a, 2, 1).where, 1);  /* other VPID */
	ck_assert(!psc_lookup(t, false, 3, a, 1, 1));
	ck_assert(psc_lookup(t, false, 3, a, 1, 2));
	ck_assert(psc_lookup(t, true, 3, a, 1, 1));
	/* INVVPID single-context takes globals too, and leaves other VPIDs and EPT's PSC */
	tlb_flush_vpid(t, 1);
	ck_assert_int_eq(tlb_lookup(t, TLB_FETCH, b, 1, 1).where, 0);
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, c, 1, 2).where, 0);
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, a, 2, 1).where, 1);
	ck_assert(!psc_lookup(t, false, 3, a, 1, 2));
	ck_assert(psc_lookup(t, true, 3, a, 1, 1));
	tlb_free(t);
}
END_TEST

/* Entries are tagged by the EP4TA of the EPT context they were made in: under another
 * context they answer no lookup (translations, both PSCs, the multihit check), an insert
 * there does not supersede them, and they answer again when their context returns. */
START_TEST(entries_answer_only_in_the_ept_context_they_were_made_in)
{
	struct tlb *t = new_tlb(skylake());
	const uint64_t a = R4K_BASE;
	struct tlb_entry e1 = entry(a, 1, 0x111, MT_WB, 1, 1, false);
	struct tlb_entry e2 = entry(a, 1, 0x222, MT_WB, 1, 1, false);
	struct tlb_entry big = entry(a, 2, 0x400, MT_UC, 1, 1, false);
	struct tlb_hit h;

	tlb_set_ep4ta(t, 7);
	tlb_insert(t, TLB_FETCH, a, &e1);
	tlb_insert(t, TLB_FETCH, a, &big);
	psc_insert(t, true, 3, a, 1, 1);
	psc_insert(t, false, 3, a, 1, 1);
	ck_assert(tlb_multihit(t, a, 1, 1, true, NULL, NULL));

	tlb_set_ep4ta(t, 9);
	ck_assert_int_eq(tlb_lookup(t, TLB_FETCH, a, 1, 1).where, 0);
	ck_assert(!psc_lookup(t, true, 3, a, 1, 1));
	ck_assert(!psc_lookup(t, false, 3, a, 1, 1));
	ck_assert(!tlb_multihit(t, a, 1, 1, true, NULL, NULL));
	tlb_insert(t, TLB_FETCH, a, &e2);
	h = tlb_lookup(t, TLB_FETCH, a, 1, 1);
	ck_assert_int_eq(h.where, 1);
	ck_assert_uint_eq(h.entry.pfn, 0x222);
	ck_assert_uint_eq(h.entry.ep4ta, 9);

	tlb_set_ep4ta(t, 7);
	h = tlb_lookup(t, TLB_FETCH, a, 1, 1);
	ck_assert_int_eq(h.where, 1);
	ck_assert_uint_eq(h.entry.pfn, 0x111);
	ck_assert(psc_lookup(t, true, 3, a, 1, 1));
	tlb_free(t);
}
END_TEST

/* INVEPT single-context drops one EP4TA's entries of every VPID, guest-physical PSC entries
 * too; INVVPID and INVLPG act on every EP4TA (Intel SDM Vol. 3, "Invalidating cached
 * translation information"). */
START_TEST(invept_single_context_drops_one_ep4ta_and_invvpid_and_invlpg_every_ep4ta)
{
	struct tlb *t = new_tlb(skylake());
	const uint64_t a = R4K_BASE, b = R4K_BASE + PAGE_SIZE;
	struct tlb_entry ea = entry(a, 1, 0x111, MT_WB, 1, 1, false);
	struct tlb_entry eb = entry(b, 1, 0x112, MT_WB, 2, 1, false);

	for (uint32_t ctx = 7; ctx <= 9; ctx += 2) {
		tlb_set_ep4ta(t, ctx);
		tlb_insert(t, TLB_DATA, a, &ea);
		tlb_insert(t, TLB_DATA, b, &eb);
		psc_insert(t, true, 3, a, 0, 0);
	}
	tlb_flush_ep4ta(t, 7);
	tlb_set_ep4ta(t, 7);
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, a, 1, 1).where, 0);
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, b, 2, 1).where, 0);
	ck_assert(!psc_lookup(t, true, 3, a, 0, 0));
	tlb_set_ep4ta(t, 9);
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, a, 1, 1).where, 1);
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, b, 2, 1).where, 1);
	ck_assert(psc_lookup(t, true, 3, a, 0, 0));

	/* INVLPG in context 7 drops a's translation in context 9 too */
	tlb_set_ep4ta(t, 7);
	tlb_invlpg(t, a, 1, 1);
	tlb_flush_vpid(t, 2);
	tlb_set_ep4ta(t, 9);
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, a, 1, 1).where, 0);
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, b, 2, 1).where, 0);
	ck_assert(psc_lookup(t, true, 3, a, 0, 0)); /* INVVPID keeps guest-physical entries */
	tlb_free(t);
}
END_TEST

START_TEST(flush_all_drops_everything_including_psc)
{
	struct tlb *t = new_tlb(skylake());
	struct tlb_entry e;

	for (uint64_t i = 0; i < 64; i++) {
		uint64_t gva = R4K_BASE + i * 3 * MiB;

		e = entry(gva, 1 + (int)(i % 3), 0x1000 * i, MT_WB, 1 + i % 2, 1, i % 5 == 0);
		tlb_insert(t, i % 2 ? TLB_DATA : TLB_FETCH, gva, &e);
		for (int level = 2; level <= 4; level++) {
			psc_insert(t, false, level, gva, 1, 1);
			psc_insert(t, true, level, gva, 1, 1);
		}
	}
	tlb_flush_all(t);
	for (uint64_t i = 0; i < 64; i++) {
		uint64_t gva = R4K_BASE + i * 3 * MiB;

		for (uint16_t vpid = 1; vpid <= 2; vpid++) {
			ck_assert_int_eq(tlb_lookup(t, TLB_FETCH, gva, vpid, 1).where, 0);
			ck_assert_int_eq(tlb_lookup(t, TLB_DATA, gva, vpid, 1).where, 0);
		}
		for (int level = 2; level <= 4; level++) {
			ck_assert(!psc_lookup(t, false, level, gva, 1, 1));
			ck_assert(!psc_lookup(t, true, level, gva, 1, 1));
		}
		ck_assert(!tlb_multihit(t, gva, 1, 1, true, NULL, NULL));
	}
	/* and the TLB fills again */
	e = entry(R4K_BASE, 1, 5, MT_WB, 1, 1, false);
	tlb_insert(t, TLB_DATA, R4K_BASE, &e);
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, R4K_BASE, 1, 1).where, 1);
	psc_insert(t, true, 4, R4K_BASE, 1, 1);
	ck_assert(psc_lookup(t, true, 4, R4K_BASE, 7, 7)); /* EPT entries ignore the tags */
	tlb_free(t);
}
END_TEST

/* Put a 4K and a 2M fetch translation of X into the iTLB. */
static struct tlb *itlb_with(uint64_t pfn4k, uint8_t mt4k, int large_level, uint64_t pfn_large,
			     uint8_t mt_large)
{
	struct tlb *t = new_tlb(skylake());
	struct tlb_entry small = entry(X, 1, pfn4k, mt4k, 1, 1, false);
	struct tlb_entry large = entry(X, large_level, pfn_large, mt_large, 1, 1, false);

	tlb_insert(t, TLB_FETCH, X, &small);
	tlb_insert(t, TLB_FETCH, X, &large);
	return t;
}

/* X is 4K page 0x13 of its 2M page, and 2M page 7 of its 1G page. */
#define X_IN_2M 0x13
#define X_IN_1G (7 * 512 + 0x13)

START_TEST(multihit_broad_rule_on_different_pa)
{
	/* 4K WB at frame 0x5013; the 2M WB page puts X at 0x9013 */
	struct tlb *t = itlb_with(0x5000 + X_IN_2M, MT_WB, 2, 0x9000, MT_WB);
	struct tlb_entry s, l;

	ck_assert(tlb_multihit(t, X, 1, 1, true, &s, &l));
	ck_assert_uint_eq(s.size_level, 1);
	ck_assert_uint_eq(s.pfn, 0x5013);
	ck_assert_uint_eq(l.size_level, 2);
	ck_assert_uint_eq(l.pfn, 0x9000);
	ck_assert(!tlb_multihit(t, X, 1, 1, false, NULL, NULL)); /* strict: both WB */
	ck_assert(!tlb_multihit(t, X, 1, 2, true, NULL, NULL));  /* another PCID: no entries */
	ck_assert(!tlb_multihit(t, X, 2, 1, true, NULL, NULL));  /* another VPID */
	tlb_free(t);
}
END_TEST

START_TEST(multihit_broad_rule_on_different_memtype)
{
	/* same frame; 4K UC, 2M WB: broad only (strict wants the 4K WB, the large UC) */
	struct tlb *t = itlb_with(0x9000 + X_IN_2M, MT_UC, 2, 0x9000, MT_WB);
	struct tlb_entry s, l;

	ck_assert(tlb_multihit(t, X, 1, 1, true, &s, &l));
	ck_assert_uint_eq(s.memtype, MT_UC);
	ck_assert_uint_eq(l.memtype, MT_WB);
	ck_assert(!tlb_multihit(t, X, 1, 1, false, NULL, NULL));
	tlb_free(t);
}
END_TEST

START_TEST(multihit_strict_rule_needs_4k_wb_and_large_uc)
{
	struct tlb *t;
	struct tlb_entry s, l;

	/* 4K WB + 2M UC, same frame: strict (and broad, on the memory type) */
	t = itlb_with(0x9000 + X_IN_2M, MT_WB, 2, 0x9000, MT_UC);
	ck_assert(tlb_multihit(t, X, 1, 1, false, &s, &l));
	ck_assert_uint_eq(s.size_level, 1);
	ck_assert_uint_eq(l.size_level, 2);
	ck_assert(tlb_multihit(t, X, 1, 1, true, NULL, NULL));
	tlb_free(t);
	/* 4K WB + 1G UC (Skylake's iTLB holds it as a 2M piece): strict */
	t = itlb_with(0x40000 + X_IN_1G, MT_WB, 3, 0x40000, MT_UC);
	ck_assert(tlb_multihit(t, X, 1, 1, false, &s, &l));
	ck_assert_uint_eq(l.size_level, 2);
	ck_assert_uint_eq(l.guest_level, 3);
	tlb_free(t);
	/* different frames but both WB: not strict */
	t = itlb_with(0x5000, MT_WB, 2, 0x9000, MT_WB);
	ck_assert(!tlb_multihit(t, X, 1, 1, false, NULL, NULL));
	tlb_free(t);
	/* 4K UC + 2M UC, different frames: not strict */
	t = itlb_with(0x5000, MT_UC, 2, 0x9000, MT_UC);
	ck_assert(!tlb_multihit(t, X, 1, 1, false, NULL, NULL));
	ck_assert(tlb_multihit(t, X, 1, 1, true, NULL, NULL));
	tlb_free(t);
}
END_TEST

START_TEST(no_multihit_when_both_translate_alike)
{
	struct tlb *t;
	struct tlb_entry a, b;

	/* 4K + 2M, same frame for X, same type */
	t = itlb_with(0x9000 + X_IN_2M, MT_WB, 2, 0x9000, MT_WB);
	ck_assert(!tlb_multihit(t, X, 1, 1, true, NULL, NULL));
	ck_assert(!tlb_multihit(t, X, 1, 1, false, NULL, NULL));
	tlb_free(t);
	/* 4K + 1G alike, on a CPU with a 1G iTLB */
	{
		struct tlb *z = new_tlb(&geometries[3]);

		a = entry(X, 1, 0x40000 + X_IN_1G, MT_WB, 1, 1, false);
		b = entry(X, 3, 0x40000, MT_WB, 1, 1, false);
		tlb_insert(z, TLB_FETCH, X, &a);
		tlb_insert(z, TLB_FETCH, X, &b);
		ck_assert(!tlb_multihit(z, X, 1, 1, true, NULL, NULL));
		tlb_free(z);
	}
	/* conflicting, but in the dTLB only: the erratum is the iTLB's */
	t = new_tlb(skylake());
	a = entry(X, 1, 0x5000, MT_WB, 1, 1, false);
	b = entry(X, 2, 0x9000, MT_UC, 1, 1, false);
	tlb_insert(t, TLB_DATA, X, &a);
	tlb_insert(t, TLB_DATA, X, &b);
	ck_assert(!tlb_multihit(t, X, 1, 1, true, NULL, NULL));
	ck_assert(!tlb_multihit(t, X, 1, 1, false, NULL, NULL));
	/* one iTLB entry alone is never a multihit */
	tlb_insert(t, TLB_FETCH, X, &b);
	ck_assert(!tlb_multihit(t, X, 1, 1, true, NULL, NULL));
	tlb_free(t);
}
END_TEST

START_TEST(one_g_translation_in_a_cpu_without_a_1g_itlb_is_smashed_to_2m)
{
	struct tlb *t = new_tlb(skylake()); /* iTLB: 4K and 2M arrays only */
	const uint64_t base = RMIX_BASE + 3 * GiB;
	const uint64_t x = base + 3 * 2 * MiB + 5 * PAGE_SIZE;
	struct tlb_entry e = entry(x, 3, 0x200000, MT_WB, 1, 1, false);
	struct tlb_hit h;

	tlb_insert(t, TLB_FETCH, x, &e);
	/* the iTLB holds the 2M piece holding x */
	h = tlb_lookup(t, TLB_FETCH, x, 1, 1);
	ck_assert_int_eq(h.where, 1);
	ck_assert_uint_eq(h.entry.size_level, 2);
	ck_assert_uint_eq(h.entry.guest_level, 3);
	ck_assert_uint_eq(h.entry.vpn, x >> 21);
	ck_assert_uint_eq(h.entry.pfn, 0x200000 + 3 * 512);
	/* another 2M piece is not in the iTLB: the STLB's 1G entry serves it */
	h = tlb_lookup(t, TLB_FETCH, base + 700 * MiB, 1, 1);
	ck_assert_int_eq(h.where, 2);
	ck_assert_uint_eq(h.entry.size_level, 3);
	ck_assert_uint_eq(h.entry.pfn, 0x200000);
	h = tlb_lookup(t, TLB_FETCH, base + 700 * MiB, 1, 1);
	ck_assert_int_eq(h.where, 1);
	ck_assert_uint_eq(h.entry.pfn, 0x200000 + 350 * 512);
	tlb_free(t);

	/* a CPU without a 1G STLB array (the Zen estimates) smashes it there too */
	t = new_tlb(&geometries[3]);
	tlb_insert(t, TLB_DATA, x, &e);
	h = tlb_lookup(t, TLB_FETCH, x, 1, 1);
	ck_assert_int_eq(h.where, 2);
	ck_assert_uint_eq(h.entry.size_level, 2);
	ck_assert_uint_eq(h.entry.pfn, 0x200000 + 3 * 512);
	ck_assert_int_eq(tlb_lookup(t, TLB_FETCH, base, 1, 1).where, 0);
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, base, 1, 1).where, 1); /* its dTLB has 1G */
	tlb_free(t);
}
END_TEST

START_TEST(paging_structure_caches_key_by_the_bits_above_each_level)
{
	struct tlb *t = new_tlb(skylake()); /* PML4E 2, PDPTE 4, PDE 32 */
	const uint64_t a = 0x7f1234567000ull;

	for (int level = 2; level <= 4; level++)
		psc_insert(t, false, level, a, 1, 1);
	/* anything under the same PDE, PDPTE, PML4E */
	ck_assert(psc_lookup(t, false, 2, (a & ~(2 * MiB - 1)) + 0x1ff000, 1, 1));
	ck_assert(!psc_lookup(t, false, 2, (a & ~(2 * MiB - 1)) + 2 * MiB, 1, 1));
	ck_assert(psc_lookup(t, false, 3, (a & ~(GiB - 1)) + GiB - 1, 1, 1));
	ck_assert(psc_lookup(t, false, 4, a ^ (1ull << 38), 1, 1));
	ck_assert(!psc_lookup(t, false, 4, a ^ (1ull << 39), 1, 1));
	/* tagged by VPID and PCID */
	ck_assert(!psc_lookup(t, false, 2, a, 1, 2));
	ck_assert(!psc_lookup(t, false, 2, a, 2, 1));
	/* levels without a cache are never hits */
	psc_insert(t, false, 1, a, 1, 1);
	psc_insert(t, false, 5, a, 1, 1);
	ck_assert(!psc_lookup(t, false, 1, a, 1, 1));
	ck_assert(!psc_lookup(t, false, 5, a, 1, 1));
	/* fully associative LRU: a 2-entry PML4E cache keeps the two most recent */
	psc_insert(t, false, 4, a + (1ull << 39), 1, 1);
	ck_assert(psc_lookup(t, false, 4, a, 1, 1));
	psc_insert(t, false, 4, a + (2ull << 39), 1, 1);
	ck_assert(psc_lookup(t, false, 4, a, 1, 1));
	ck_assert(!psc_lookup(t, false, 4, a + (1ull << 39), 1, 1));
	tlb_free(t);
}
END_TEST

START_TEST(a_geometry_without_a_power_of_two_number_of_sets_is_refused)
{
	struct cpu_model m = geometries[0];
	struct tlb *t = (struct tlb *)&m; /* not NULL: a failing tlb_new must set it so */

	m.stlb = (struct tlb_geometry){ 2048, 12 }; /* Zen 2's L2 as published */
	ck_assert_int_eq(tlb_new(&t, &m, NULL), TDPSIM_EINPUT);
	ck_assert_ptr_null(t);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "stlb"));
	m.stlb = (struct tlb_geometry){ 1536, 4 }; /* 384 sets */
	ck_assert_int_eq(tlb_new(&t, &m, NULL), TDPSIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "power of two"));
	m = geometries[0];
	m.dtlb_2m = (struct tlb_geometry){ 32, 0 };
	ck_assert_int_eq(tlb_new(&t, &m, NULL), TDPSIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "dtlb_2m"));
	m = geometries[0];
	m.psc_guest[2] = 1u << 20;
	ck_assert_int_eq(tlb_new(&t, &m, NULL), TDPSIM_EINPUT);
	/* absent arrays are fine: a CPU with no STLB and no PSCs */
	m = geometries[0];
	m.stlb.entries = m.stlb_1g.entries = 0;
	memset(m.psc_guest, 0, sizeof(m.psc_guest));
	ck_assert_int_eq(tlb_new(&t, &m, NULL), 0);
	ck_assert_int_eq(tlb_lookup(t, TLB_DATA, X, 1, 1).where, 0);
	tlb_free(t);
}
END_TEST

static Suite *tlb_suite(void)
{
	Suite *s = suite_create("tlb");
	TCase *tc = tcase_create("behaviour");
	TCase *ref = tcase_create("reference model");

	tcase_add_test(tc, a_tlb_entry_page_size_is_the_smaller_of_guest_and_ept);
	tcase_add_test(tc, lru_evicts_the_least_recently_used_way);
	tcase_add_test(tc, skylakes_stlb_xor_hash_spreads_a_power_of_two_stride);
	tcase_add_test(tc, an_insert_replaces_the_entry_a_lookup_of_it_would_find);
	tcase_add_test(tc, stlb_hit_refills_l1);
	tcase_add_test(tc, invlpg_drops_every_size_covering_the_address_and_keeps_other_pcids);
	tcase_add_test(tc, invlpg_drops_every_piece_of_the_guest_page);
	tcase_add_test(tc, cr3_load_drops_non_global_entries_of_that_pcid_only);
	tcase_add_test(tc, flush_all_drops_everything_including_psc);
	tcase_add_test(tc, multihit_broad_rule_on_different_pa);
	tcase_add_test(tc, multihit_broad_rule_on_different_memtype);
	tcase_add_test(tc, multihit_strict_rule_needs_4k_wb_and_large_uc);
	tcase_add_test(tc, no_multihit_when_both_translate_alike);
	tcase_add_test(tc, one_g_translation_in_a_cpu_without_a_1g_itlb_is_smashed_to_2m);
	tcase_add_test(tc, paging_structure_caches_key_by_the_bits_above_each_level);
	tcase_add_test(tc, a_geometry_without_a_power_of_two_number_of_sets_is_refused);
	tcase_add_test(tc, entries_answer_only_in_the_ept_context_they_were_made_in);
	tcase_add_test(tc, invept_single_context_drops_one_ep4ta_and_invvpid_and_invlpg_every_ep4ta);
	suite_add_tcase(s, tc);

	tcase_set_timeout(ref, 300); /* the reference is slow on purpose; sanitizers slower */
	tcase_add_loop_test(ref, each_geometry_replays_the_streams_like_the_reference_model, 0,
			    (int)N_GEOMETRIES);
	tcase_add_loop_test(ref, each_built_in_model_replays_the_streams_like_the_reference_model,
			    0, (int)cpu_model_count());
	suite_add_tcase(s, ref);
	return s;
}

CHECK_MAIN(tlb_suite)

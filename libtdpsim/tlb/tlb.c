/* SPDX-License-Identifier: MIT */
/*
 * The TLBs of one vCPU (tlb.h): L1 iTLB and dTLB arrays per page size, the unified STLB, and
 * the paging-structure caches (PSCs), as flat arrays sized from the CPU model once, in
 * tlb_new.  Lookup, insert and the flushes never allocate.
 *
 * Arrays.  Each structure is a `struct tlb_array` of sets x ways slots; sets = entries / ways
 * must be a power of two, and a page's set is its linear page number at the size it is cached
 * at: vpn & (sets - 1) - or, for an STLB whose model says `stlb_index = xor`, those bits XOR
 * the next as many (Skylake's "XOR-7": 128 sets from page-number bits 0-6 ^ 7-13), which
 * spreads power-of-two strides over the sets.  A PSC is one fully associative set.  The
 * STLB holds 4K and (where the model says so) 2M entries in the same sets, a 2M entry in the
 * set of its 2M page number.
 *
 * Tags.  A slot's key (vpn << 3 | size level) sits in an array of its own, so a search reads
 * one word per way; beside it, in arrays of their own too, its LRU stamp and its entry.  An
 * entry matches a lookup under (vpid, pcid) when key and VPID are equal and it is global or has
 * that PCID, and it was made in the current EPT context (the EP4TA of the root the vCPU
 * entered on, tlb_set_ep4ta).  INVVPID, INVLPG and MOV CR3 ignore the EP4TA; INVEPT
 * single-context drops one EP4TA's entries, INVEPT global (tlb_flush_all) every entry.
 *
 * Search.  A set of at most NARROW_WAYS ways is searched by comparing every key into a mask,
 * with no branch per way (which way holds the page would otherwise be a mispredicted branch
 * per lookup).  A wider set - fully associative L1s like AMD's, PSCs, a 24-way STLB - has a
 * hash index beside it (linear probing over way numbers, at most half full), so its search
 * costs about as much as a narrow one's.  The index only finds slots; it decides nothing.
 *
 * Replacement: true LRU per set.  Every use stamps the slot with the TLB's use counter
 * (64 bits, so it never wraps); the victim is the way with the oldest stamp.  A slot is
 * valid while its stamp is at least the counter's value at the last tlb_flush_all (so that
 * flush touches no slot) and an invalidated slot's stamp is 0: free slots are always the
 * oldest, and are reused before any valid entry is evicted.
 * An insert first drops the entries of its set that a lookup of the new entry would also hit
 * (same key and VPID, and either of them global or both of one PCID), so a lookup matches at
 * most one entry per array and size; entries of other sizes are left alone (tlb.h).
 *
 * Placement (tlb_insert, and the L1 refill on an STLB hit).  An entry goes to the L1 array
 * of its size for its kind, and to the STLB array of its size: 4K and 2M to the STLB
 * (2M only when stlb_holds_2m), 1G to stlb_1g.  Where a structure has no 1G array, a 1G
 * translation is "smashed": the 2M piece holding the address goes to the 2M array (its pfn
 * advanced to that piece) - as Skylake's iTLB and AMD's L2 TLBs do.  Otherwise a size the
 * structure lacks is not cached there.
 *
 * Lookup: the L1 arrays of the kind, smallest page size first, then the STLB, smallest first
 * (4K, 2M, 1G).  The first match wins and becomes most recently used; an STLB hit also fills
 * the L1 array of the entry's size (evicting its LRU way) and returns the STLB entry - in
 * tlb_lookup; the access path's tlb_find leaves the refill to its caller (tlb.h).
 *
 * Pieces.  An entry smaller than the guest page it comes from (entry.guest_level >
 * size_level: a guest 2M page over 4K EPT, or a smashed 1G) is dropped by INVLPG anywhere in
 * that guest page.  Its pieces sit in many sets, so an array that holds any (a count kept
 * exactly) is scanned in full on INVLPG; one that holds none is searched in a set per size.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/mem.h"
#include "tlb/tlb.h"
#include "x86/paging.h"

#define ALWAYS_INLINE inline __attribute__((always_inline))

#define MEMTYPE_UC 0
#define MEMTYPE_WB 6

#define KEY_NONE UINT64_MAX            /* an invalidated slot: no key is all ones */
#define NARROW_WAYS 16                 /* wider sets are searched through a hash index */
#define MAX_ARRAY_ENTRIES (1u << 15)   /* beyond any real TLB; a model asking more is wrong */

struct tlb_array {
	uint64_t *key;     /* per slot: vpn << 3 | size_level, KEY_NONE once invalidated */
	uint64_t *stamp;   /* per slot: the TLB's use counter at its last use; 0 invalidated */
	struct tlb_entry *e; /* per slot */
	uint16_t *index;   /* wide arrays: per set, 1 << index_bits buckets of way + 1 (0 empty),
			    * holding every slot whose key is not KEY_NONE; NULL when narrow */
	uint64_t set_mask; /* sets - 1 */
	uint32_t n;        /* sets * ways; 0 = the array is absent */
	uint32_t ways;
	uint32_t live;     /* valid entries: an empty array is not searched */
	uint32_t pieces;   /* valid entries with guest_level > size_level */
	uint8_t index_bits;
	uint8_t levels;    /* bit L set: holds entries of size level L */
	uint8_t xor_shift; /* set index hashed: vpn ^ (vpn >> xor_shift), log2(sets); 0: not */
};

enum {
	A_ITLB_4K, A_ITLB_2M, A_ITLB_1G,
	A_DTLB_4K, A_DTLB_2M, A_DTLB_1G,
	A_STLB, A_STLB_1G,
	A_PSC_GUEST,                 /* + 0 PML4E, + 1 PDPTE, + 2 PDE */
	A_PSC_EPT = A_PSC_GUEST + 3,
	A_COUNT = A_PSC_EPT + 3,
	A_TLB_COUNT = A_PSC_GUEST    /* the arrays before the PSCs hold translations */
};

/* An array and a size level: where tlb_lookup searches, or where a translation goes. */
struct probe {
	struct tlb_array *a;
	uint8_t level;
	uint8_t shift; /* level_shift(level) */
};

struct tlb {
	uint64_t clock;      /* use counter, for LRU stamps */
	uint32_t ep4ta;      /* the current EPT context (tlb_set_ep4ta) */
	uint64_t valid_from; /* the counter at the last tlb_flush_all: older stamps are free */
	/* Lookup order per kind: its L1 arrays (the first n_l1), then the STLB's; within
	 * each, the smallest page size first. */
	struct probe probe[2][6];
	uint8_t n_l1[2], n_probe[2];
	/* Placement of a translation of size level 1..3 (index 0 unused; a == NULL: none). */
	struct probe l1_place[2][4], stlb_place[4];
	struct tlb_array a[A_COUNT];
	uint64_t *keys, *stamps;
	struct tlb_entry *entries;
	uint16_t *buckets;
};

static inline uint64_t make_key(uint64_t vpn, unsigned level)
{
	return vpn << 3 | level;
}

static inline bool slot_valid(const struct tlb *t, const struct tlb_array *a, size_t i)
{
	return a->stamp[i] >= t->valid_from;
}

static inline bool tags_match(const struct tlb_entry *e, uint16_t vpid, uint16_t pcid)
{
	return e->vpid == vpid && (e->global || e->pcid == pcid);
}

/*
 * tags_match and the current EPT context together, as the hit path asks: the entry's pcid,
 * vpid and ep4ta sit side by side (tlb.h), so one 64-bit compare decides the usual case (a
 * non-global entry of this PCID).  A global entry cached under another PCID fails it and
 * goes the long way: find_all matches it by tags_match and answers as a hit would here.
 */
static inline bool tags_match_current(const struct tlb *t, const struct tlb_entry *e,
				      uint16_t vpid, uint16_t pcid)
{
	const uint64_t want = (uint64_t)t->ep4ta << 32 | (uint32_t)vpid << 16 | pcid;
	uint64_t have;

	_Static_assert(offsetof(struct tlb_entry, vpid) == offsetof(struct tlb_entry, pcid) + 2 &&
		       offsetof(struct tlb_entry, ep4ta) == offsetof(struct tlb_entry, pcid) + 4,
		       "pcid, vpid, ep4ta: one 64-bit word");
	memcpy(&have, &e->pcid, sizeof(have));
	return have == want;
}

static inline bool is_piece(const struct tlb_entry *e)
{
	return e->guest_level > e->size_level;
}

/* The set of `a` that holds the page vpn (at the size it is cached at). */
static inline size_t set_of(const struct tlb_array *a, uint64_t vpn)
{
	return (size_t)((vpn ^ (a->xor_shift ? vpn >> a->xor_shift : 0)) & a->set_mask);
}

/* ---- the hash index of a wide array ---- */

static inline uint32_t index_home(const struct tlb_array *a, uint64_t key)
{
	return (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> (64 - a->index_bits));
}

static inline uint16_t *index_of_set(const struct tlb_array *a, size_t set)
{
	return a->index + (set << a->index_bits);
}

/* Enter slot base + way (its key already set) into its set's index. */
static void index_add(struct tlb_array *a, size_t set, uint32_t way)
{
	const uint32_t mask = (1u << a->index_bits) - 1;
	uint16_t *ix = index_of_set(a, set);
	uint32_t b = index_home(a, a->key[set * a->ways + way]);

	while (ix[b])
		b = (b + 1) & mask;
	ix[b] = (uint16_t)(way + 1);
}

/* Take slot base + way (its key still set) out of its set's index: find its bucket, then
 * shift back the entries after it that may move (deletion in linear probing). */
static void index_del(struct tlb_array *a, size_t set, uint32_t way)
{
	const uint32_t mask = (1u << a->index_bits) - 1;
	const size_t base = set * a->ways;
	uint16_t *ix = index_of_set(a, set);
	uint32_t i = index_home(a, a->key[base + way]), j;

	while (ix[i] != way + 1)
		i = (i + 1) & mask;
	for (j = (i + 1) & mask; ix[j]; j = (j + 1) & mask) {
		uint32_t home = index_home(a, a->key[base + ix[j] - 1u]);
		bool stays = i <= j ? home > i && home <= j : home > i || home <= j;

		if (!stays) {
			ix[i] = ix[j];
			i = j;
		}
	}
	ix[i] = 0;
}

/* ---- search ---- */

/* The candidates among n (at most 64) keys: a mask, built without a branch per way. */
static ALWAYS_INLINE uint64_t key_matches_n(const uint64_t *k, uint32_t n, uint64_t key)
{
	uint64_t match = 0;

	for (uint32_t w = 0; w < n; w++)
		match |= (uint64_t)(k[w] == key) << w;
	return match;
}

/* key_matches_n with the common associativities as constants, so that the compiler unrolls
 * them: a lookup's key compares are then a few straight-line instructions, not a loop. */
static ALWAYS_INLINE uint64_t key_matches(const uint64_t *k, uint32_t n, uint64_t key)
{
	switch (n) {
	case 4: return key_matches_n(k, 4, key);
	case 8: return key_matches_n(k, 8, key);
	case 12: return key_matches_n(k, 12, key);
	case 16: return key_matches_n(k, 16, key);
	default: return key_matches_n(k, n, key);
	}
}

/*
 * Does entry e answer for `want` (same key assumed)?  Same VPID, and either of them global or
 * both of one PCID.  For a lookup, want is (vpid, pcid) and not global: e answers the lookup.
 * For an insert, want is the new entry: e is an entry it supersedes.
 */
static inline bool answers(const struct tlb *t, const struct tlb_entry *e,
			   const struct tlb_entry *want)
{
	return e->vpid == want->vpid && e->ep4ta == t->ep4ta &&
	       (e->global || want->global || e->pcid == want->pcid);
}

/* set_find's search of a wide set, through its index. */
static ALWAYS_INLINE size_t wide_find(const struct tlb *t, const struct tlb_array *a,
				       size_t set, uint64_t key, const struct tlb_entry *want)
{
	const uint32_t mask = (1u << a->index_bits) - 1;
	const uint16_t *ix = index_of_set(a, set);
	const size_t base = set * a->ways;

	for (uint32_t b = index_home(a, key); ix[b]; b = (b + 1) & mask) {
		size_t i = base + ix[b] - 1u;

		if (a->key[i] == key && slot_valid(t, a, i) && answers(t, &a->e[i], want))
			return i;
	}
	return SIZE_MAX;
}

/* The first valid slot of set `set` of `a` with `key` that answers `want`, or SIZE_MAX.  Only
 * candidates whose key matches - normally one - have their stamp and entry read. */
static ALWAYS_INLINE size_t set_find(const struct tlb *t, const struct tlb_array *a,
				      size_t set, uint64_t key, const struct tlb_entry *want)
{
	const size_t base = set * a->ways;
	uint64_t match;

	if (__builtin_expect(a->index != NULL, 0))
		return wide_find(t, a, set, key, want);
	for (match = key_matches(a->key + base, a->ways, key); match; match &= match - 1) {
		size_t i = base + (unsigned)__builtin_ctzll(match);

		if (slot_valid(t, a, i) && answers(t, &a->e[i], want))
			return i;
	}
	return SIZE_MAX;
}

/* The valid slot of `a` caching the page vpn (of size `level`) that answers a lookup under
 * (vpid, pcid), or SIZE_MAX. */
static ALWAYS_INLINE size_t array_find(const struct tlb *t, const struct tlb_array *a,
					uint64_t vpn, unsigned level, uint16_t vpid, uint16_t pcid)
{
	const struct tlb_entry want = { .vpid = vpid, .pcid = pcid };

	if (!a->live)
		return SIZE_MAX;
	return set_find(t, a, set_of(a, vpn), make_key(vpn, level), &want);
}

/* ---- fill and invalidate ---- */

/* Invalidate slot i of `a`, which must be valid. */
static void slot_kill(struct tlb_array *a, size_t i)
{
	a->live--;
	if (is_piece(&a->e[i]))
		a->pieces--;
	if (a->index)
		index_del(a, i / a->ways, (uint32_t)(i % a->ways));
	a->stamp[i] = 0;
	a->key[i] = KEY_NONE;
}

/* Keep the older of (*min, *at) and (x, i). */
static inline void keep_older(uint64_t *min, size_t *at, uint64_t x, size_t i)
{
	bool older = x < *min;

	*min = older ? x : *min;
	*at = older ? i : *at;
}

/* The slot of the set at `base` with the oldest stamp (ties: any - only free slots tie).  Four
 * running minimums, so a wide set's scan is not one long chain of dependent compares. */
static size_t oldest_slot(const uint64_t *st, size_t base, uint32_t ways)
{
	uint64_t m0 = UINT64_MAX, m1 = UINT64_MAX, m2 = UINT64_MAX, m3 = UINT64_MAX;
	size_t a0 = base, a1 = base, a2 = base, a3 = base, i = base;
	const size_t end = base + ways;

	for (; i + 4 <= end; i += 4) {
		keep_older(&m0, &a0, st[i], i);
		keep_older(&m1, &a1, st[i + 1], i + 1);
		keep_older(&m2, &a2, st[i + 2], i + 2);
		keep_older(&m3, &a3, st[i + 3], i + 3);
	}
	for (; i < end; i++)
		keep_older(&m0, &a0, st[i], i);
	keep_older(&m0, &a0, m1, a1);
	keep_older(&m2, &a2, m3, a3);
	keep_older(&m0, &a0, m2, a2);
	return a0;
}

/* Put `e` (vpn and size_level as cached here) into its set of `a` as the most recent entry,
 * after dropping what it supersedes. */
static void array_put(struct tlb *t, struct tlb_array *a, const struct tlb_entry *e)
{
	const uint64_t key = make_key(e->vpn, e->size_level);
	const size_t set = set_of(a, e->vpn), base = set * a->ways;
	size_t i, victim;

	while (a->live && (i = set_find(t, a, set, key, e)) != SIZE_MAX)
		slot_kill(a, i);
	/* the oldest stamp: a free slot if there is one, else the least recently used */
	victim = oldest_slot(a->stamp, base, a->ways);
	if (slot_valid(t, a, victim))
		slot_kill(a, victim);
	else if (a->index && a->key[victim] != KEY_NONE)
		index_del(a, set, (uint32_t)(victim - base)); /* filled before a flush_all */
	a->stamp[victim] = ++t->clock;
	a->e[victim] = *e;
	a->e[victim].ep4ta = t->ep4ta; /* made in the current EPT context */
	a->key[victim] = key;
	if (a->index)
		index_add(a, set, (uint32_t)(victim - base));
	a->live++;
	if (is_piece(e))
		a->pieces++;
}

/* Put translation `e` (vpn and size at its own size) where `p` says, as the piece holding gva
 * when the array caches a smaller size. */
static void place(struct tlb *t, const struct probe *p, uint64_t gva, const struct tlb_entry *e)
{
	struct tlb_entry piece;

	if (!p->a)
		return;
	if (p->level == e->size_level) {
		array_put(t, p->a, e);
		return;
	}
	piece = *e;
	piece.size_level = p->level;
	piece.vpn = gva >> p->shift;
	piece.pfn = e->pfn + ((gva >> PAGE_SHIFT) & (pages_per_hpage(e->size_level) - 1) &
			      ~(pages_per_hpage(p->level) - 1));
	piece.gfn = e->gfn + (piece.pfn - e->pfn);
	array_put(t, p->a, &piece);
}

/* ---- the interface ---- */

/* tlb_find's whole search: the kind's L1 arrays, then the STLB's (out of line, so that the
 * common hit stays small). */
static __attribute__((noinline)) const struct tlb_entry *
find_all(struct tlb *t, unsigned k, uint64_t gva, uint16_t vpid, uint16_t pcid, int *where)
{
	const struct probe *p = t->probe[k], *end = t->probe[k] + t->n_probe[k];

	for (; p < end; p++) {
		const size_t i = array_find(t, p->a, gva >> p->shift, p->level, vpid, pcid);
		const bool l1 = p < t->probe[k] + t->n_l1[k];

		if (i == SIZE_MAX)
			continue;
		p->a->stamp[i] = ++t->clock;
		*where = l1 ? 1 : 2;
		return &p->a->e[i];
	}
	*where = 0;
	return NULL;
}

/*
 * The hit that nearly every TLB-hit access takes - in the first L1 array searched (the
 * smallest size), narrow, with one key candidate - tried here without a call or a loop; it
 * is the first step of find_all's search and answers as that would.  Anything else goes to
 * find_all, which searches from the start.
 */
const struct tlb_entry *tlb_find(struct tlb *t, enum tlb_kind kind, uint64_t gva, uint16_t vpid,
				 uint16_t pcid, int *where)
{
	const unsigned k = kind == TLB_FETCH ? 0 : 1;
	/* the kind's 4K L1 array: searched first whenever the model has one */
	const struct tlb_array *a = &t->a[kind == TLB_FETCH ? A_ITLB_4K : A_DTLB_4K];

	if (__builtin_expect(a->n && !a->index, 1)) {
		const uint64_t vpn = gva >> PAGE_SHIFT;
		const size_t base = set_of(a, vpn) * a->ways;
		const uint64_t match = key_matches(a->key + base, a->ways, make_key(vpn, PG_LEVEL_4K));
		const size_t i = base + (unsigned)__builtin_ctzll(match | 1ull << 63);

		if (match && !(match & (match - 1)) && slot_valid(t, a, i) &&
		    tags_match_current(t, &a->e[i], vpid, pcid)) {
			a->stamp[i] = ++t->clock;
			*where = 1;
			return &a->e[i];
		}
	}
	return find_all(t, k, gva, vpid, pcid, where);
}

void tlb_refill_l1(struct tlb *t, enum tlb_kind kind, uint64_t gva, const struct tlb_entry *e)
{
	const unsigned k = kind == TLB_FETCH ? 0 : 1;

	place(t, &t->l1_place[k][e->size_level], gva, e); /* never evicts from the STLB */
}

struct tlb_hit tlb_lookup(struct tlb *t, enum tlb_kind kind, uint64_t gva, uint16_t vpid,
			  uint16_t pcid)
{
	struct tlb_hit h;
	const struct tlb_entry *e = tlb_find(t, kind, gva, vpid, pcid, &h.where);

	if (h.where == 2)
		tlb_refill_l1(t, kind, gva, e);
	if (e)
		h.entry = *e;
	else
		memset(&h.entry, 0, sizeof(h.entry));
	return h;
}

void tlb_insert(struct tlb *t, enum tlb_kind kind, uint64_t gva, const struct tlb_entry *e)
{
	const unsigned k = kind == TLB_FETCH ? 0 : 1;
	struct tlb_entry n;

	if (e->size_level < PG_LEVEL_4K || e->size_level > PG_LEVEL_1G)
		return;
	n = *e;
	n.vpn = gva >> level_shift(n.size_level);
	if (n.guest_level < n.size_level)
		n.guest_level = n.size_level;
	if (n.guest_level > PG_LEVEL_1G)
		n.guest_level = PG_LEVEL_1G;
	place(t, &t->l1_place[k][n.size_level], gva, &n);
	place(t, &t->stlb_place[n.size_level], gva, &n);
}

/* The 4K frame `e` translates gva to. */
static uint64_t frame_at(const struct tlb_entry *e, uint64_t gva)
{
	return e->pfn + ((gva >> PAGE_SHIFT) & (pages_per_hpage(e->size_level) - 1));
}

/* Do the entries `s` (smaller page) and `l` (larger) both covering gva count as a multihit? */
static bool conflict(const struct tlb_entry *s, const struct tlb_entry *l, uint64_t gva,
		     bool broad)
{
	if (broad)
		return frame_at(s, gva) != frame_at(l, gva) || s->memtype != l->memtype;
	return s->size_level == PG_LEVEL_4K && s->memtype == MEMTYPE_WB &&
	       l->memtype == MEMTYPE_UC;
}

bool tlb_multihit(const struct tlb *t, uint64_t gva, uint16_t vpid, uint16_t pcid, bool broad,
		  struct tlb_entry *small, struct tlb_entry *large)
{
	const struct tlb_entry *hit[3] = { NULL, NULL, NULL };

	/* The L1 iTLB only: the erratum is a fetch hitting two of its entries.  A 1G page
	 * smashed into the 2M array is found there, at size 2M. */
	for (int level = PG_LEVEL_4K; level <= PG_LEVEL_1G; level++) {
		const struct tlb_array *a = &t->a[A_ITLB_4K + level - 1];
		size_t s;

		if (!a->n)
			continue;
		s = array_find(t, a, gva >> level_shift(level), (unsigned)level, vpid, pcid);
		if (s != SIZE_MAX)
			hit[level - 1] = &a->e[s];
	}
	/* Pairs in a fixed order: (4K, 2M), (4K, 1G), (2M, 1G). */
	for (int i = 0; i < 3; i++) {
		for (int j = i + 1; j < 3; j++) {
			if (!hit[i] || !hit[j] || !conflict(hit[i], hit[j], gva, broad))
				continue;
			if (small)
				*small = *hit[i];
			if (large)
				*large = *hit[j];
			return true;
		}
	}
	return false;
}

void tlb_set_ep4ta(struct tlb *t, uint32_t ep4ta)
{
	t->ep4ta = ep4ta;
}

void tlb_flush_ep4ta(struct tlb *t, uint32_t ep4ta)
{
	/* INVEPT single-context: the combined mappings (translations and guest PSC entries) and
	 * the guest-physical ones (EPT PSC entries) of the EP4TA, of every VPID. */
	for (int ai = 0; ai < A_COUNT; ai++) {
		struct tlb_array *a = &t->a[ai];

		for (size_t i = 0; a->live && i < a->n; i++)
			if (slot_valid(t, a, i) && a->e[i].ep4ta == ep4ta)
				slot_kill(a, i);
	}
}

void tlb_flush_all(struct tlb *t)
{
	t->valid_from = ++t->clock; /* every stamp so far is now older: free */
	for (int i = 0; i < A_COUNT; i++)
		t->a[i].live = t->a[i].pieces = 0;
}

/* Invalidate the valid entries of arrays [first, last) with `vpid` - and, when by_pcid, only
 * the non-global ones with `pcid`. */
static void drop_tagged(struct tlb *t, int first, int last, uint16_t vpid, bool by_pcid,
			uint16_t pcid)
{
	for (int ai = first; ai < last; ai++) {
		struct tlb_array *a = &t->a[ai];

		for (size_t i = 0; i < a->n; i++) {
			const struct tlb_entry *e = &a->e[i];

			if (!slot_valid(t, a, i) || e->vpid != vpid)
				continue;
			if (by_pcid && (e->global || e->pcid != pcid))
				continue;
			slot_kill(a, i);
		}
	}
}

void tlb_flush_vpid(struct tlb *t, uint16_t vpid)
{
	/* INVVPID single-context: linear and combined mappings of the VPID, global ones too,
	 * and its combined (guest) PSC entries; not the guest-physical (EPT) PSC entries. */
	drop_tagged(t, 0, A_PSC_EPT, vpid, false, 0);
}

void tlb_flush_pcid_nonglobal(struct tlb *t, uint16_t vpid, uint16_t pcid)
{
	/* MOV CR3 without NOFLUSH: the PCID's non-global entries and its guest PSC entries. */
	drop_tagged(t, 0, A_PSC_EPT, vpid, true, pcid);
}

void tlb_invlpg(struct tlb *t, uint64_t gva, uint16_t vpid, uint16_t pcid)
{
	for (int ai = 0; ai < A_TLB_COUNT; ai++) {
		struct tlb_array *a = &t->a[ai];

		if (!a->n)
			continue;
		/* The entries of each size the array holds for the page of gva: one set each. */
		for (unsigned level = PG_LEVEL_4K; level <= PG_LEVEL_1G; level++) {
			uint64_t vpn = gva >> level_shift((int)level);
			uint64_t key = make_key(vpn, level);
			size_t base = set_of(a, vpn) * a->ways;

			if (!(a->levels & (1u << level)))
				continue;
			for (size_t i = base; i < base + a->ways; i++)
				if (a->key[i] == key && slot_valid(t, a, i) &&
				    tags_match(&a->e[i], vpid, pcid))
					slot_kill(a, i);
		}
		/* Pieces of a larger guest page that holds gva, wherever they sit. */
		for (size_t i = 0; a->pieces && i < a->n; i++) {
			const struct tlb_entry *e = &a->e[i];
			unsigned up;

			if (!slot_valid(t, a, i) || !is_piece(e) ||
			    !tags_match(e, vpid, pcid))
				continue;
			up = 9u * (unsigned)(e->guest_level - e->size_level);
			if (e->vpn >> up == gva >> level_shift(e->guest_level))
				slot_kill(a, i);
		}
	}
	/* The SDM lets INVLPG drop any PSC entries; these drop every guest PSC entry of the
	 * VPID (all PCIDs).  EPT PSC entries are guest-physical: INVLPG leaves them. */
	drop_tagged(t, A_PSC_GUEST, A_PSC_EPT, vpid, false, 0);
}

static const char *const array_names[A_COUNT] = {
	"itlb_4k", "itlb_2m", "itlb_1g", "dtlb_4k", "dtlb_2m", "dtlb_1g", "stlb", "stlb_1g",
	"psc_guest[0] (PML4E)", "psc_guest[1] (PDPTE)", "psc_guest[2] (PDE)",
	"psc_ept[0] (PML4E)", "psc_ept[1] (PDPTE)", "psc_ept[2] (PDE)",
};

int tlb_for_each_ept_dependent(const struct tlb *t,
			       int (*fn)(void *ctx, const char *kind, const struct tlb_entry *e),
			       void *ctx)
{
	for (int ai = 0; ai < A_COUNT; ai++) {
		const struct tlb_array *a = &t->a[ai];

		if (ai >= A_TLB_COUNT && ai < A_PSC_EPT)
			continue; /* guest PSC entries: guest-physical side only, may be stale */
		for (size_t i = 0; i < a->n; i++) {
			int r;

			if (!slot_valid(t, a, i) || a->e[i].ep4ta != t->ep4ta)
				continue;
			r = fn(ctx, array_names[ai], &a->e[i]);
			if (r)
				return r;
		}
	}
	return 0;
}

static struct tlb_array *psc_array(struct tlb *t, bool ept, int level)
{
	struct tlb_array *a;

	if (level < PG_LEVEL_2M || level > PG_LEVEL_512G)
		return NULL;
	a = &t->a[(ept ? A_PSC_EPT : A_PSC_GUEST) + (PG_LEVEL_512G - level)];
	return a->n ? a : NULL;
}

bool psc_lookup(struct tlb *t, bool ept, int level, uint64_t addr, uint16_t vpid, uint16_t pcid)
{
	struct tlb_array *a = psc_array(t, ept, level);
	size_t s;

	if (!a)
		return false;
	if (ept)
		vpid = pcid = 0;
	s = array_find(t, a, addr >> level_shift(level), (unsigned)level, vpid, pcid);
	if (s == SIZE_MAX)
		return false;
	a->stamp[s] = ++t->clock;
	return true;
}

void psc_insert(struct tlb *t, bool ept, int level, uint64_t addr, uint16_t vpid, uint16_t pcid)
{
	struct tlb_array *a = psc_array(t, ept, level);
	struct tlb_entry e = { 0 };

	if (!a)
		return;
	e.vpn = addr >> level_shift(level);
	e.size_level = (uint8_t)level;
	e.guest_level = (uint8_t)level;
	e.vpid = ept ? 0 : vpid;
	e.pcid = ept ? 0 : pcid;
	array_put(t, a, &e);
}

/* ---- construction ---- */

/* Check one geometry. */
static int check_geometry(const struct cpu_model *m, const char *what, struct tlb_geometry g)
{
	uint32_t sets;

	if (!g.entries)
		return 0;
	if (!g.ways || g.ways > g.entries || g.entries % g.ways || g.entries > MAX_ARRAY_ENTRIES)
		return err_set(TDPSIM_EINPUT,
			       "cpu model '%s': %s: %u entries in %u ways is not a whole number "
			       "of sets (at most %u entries)",
			       m->name, what, g.entries, g.ways, MAX_ARRAY_ENTRIES);
	sets = g.entries / g.ways;
	if (sets & (sets - 1))
		return err_set(TDPSIM_EINPUT,
			       "cpu model '%s': %s: %u entries in %u ways make %u sets, not a "
			       "power of two (the set index is the low bits of the page number)",
			       m->name, what, g.entries, g.ways, sets);
	return 0;
}

/* log2 of the index buckets per set for `ways` ways: at least twice as many; 0 = narrow. */
static uint8_t index_bits_for(uint32_t ways)
{
	uint8_t bits = 1;

	if (ways <= NARROW_WAYS)
		return 0;
	while ((1u << bits) < 2 * ways)
		bits++;
	return bits;
}

int tlb_new(struct tlb **out, const struct cpu_model *m, struct mem_meter *mem)
{
	struct tlb_geometry g[A_COUNT];
	size_t total = 0, buckets = 0, at = 0, bat = 0;
	struct tlb *t;
	int rc;

	*out = NULL;
	if (!m)
		return err_set(TDPSIM_EINVAL, "tlb_new: no cpu model");
	if (m->replacement != TLB_LRU)
		return err_set(TDPSIM_EINPUT, "cpu model '%s': unknown TLB replacement %d",
			       m->name, (int)m->replacement);
	g[A_ITLB_4K] = m->itlb_4k;
	g[A_ITLB_2M] = m->itlb_2m;
	g[A_ITLB_1G] = m->itlb_1g;
	g[A_DTLB_4K] = m->dtlb_4k;
	g[A_DTLB_2M] = m->dtlb_2m;
	g[A_DTLB_1G] = m->dtlb_1g;
	g[A_STLB] = m->stlb;
	g[A_STLB_1G] = m->stlb_1g;
	for (int i = 0; i < 3; i++) { /* fully associative: one set */
		g[A_PSC_GUEST + i] = (struct tlb_geometry){ m->psc_guest[i], m->psc_guest[i] };
		g[A_PSC_EPT + i] = (struct tlb_geometry){ m->psc_ept[i], m->psc_ept[i] };
	}
	for (int i = 0; i < A_COUNT; i++) {
		int r = check_geometry(m, array_names[i], g[i]);

		if (r)
			return r;
		if (g[i].entries) {
			total += g[i].entries;
			buckets += (size_t)(g[i].entries / g[i].ways) << index_bits_for(g[i].ways);
		}
	}

	/* charged once: a TLB's arrays are fixed, and freed with the machine */
	rc = mem_charge(mem, MEM_VCPUS, sizeof(*t) + (total ? total : 1) *
			(sizeof(*t->keys) + sizeof(*t->stamps) + sizeof(*t->entries)) +
			(buckets ? buckets : 1) * sizeof(*t->buckets));
	if (rc < 0)
		return rc;
	t = calloc(1, sizeof(*t));
	if (!t)
		return err_set(TDPSIM_ENOMEM, "tlb_new: out of memory");
	t->keys = malloc((total ? total : 1) * sizeof(*t->keys));
	t->stamps = calloc(total ? total : 1, sizeof(*t->stamps)); /* 0: all free */
	t->entries = calloc(total ? total : 1, sizeof(*t->entries));
	t->buckets = calloc(buckets ? buckets : 1, sizeof(*t->buckets));
	if (!t->keys || !t->stamps || !t->entries || !t->buckets) {
		tlb_free(t);
		return err_set(TDPSIM_ENOMEM, "tlb_new: out of memory for %zu TLB entries", total);
	}
	memset(t->keys, 0xff, (total ? total : 1) * sizeof(*t->keys)); /* KEY_NONE */
	t->clock = t->valid_from = 1;
	for (int i = 0; i < A_COUNT; i++) {
		struct tlb_array *a = &t->a[i];

		if (!g[i].entries)
			continue;
		a->n = g[i].entries;
		a->ways = g[i].ways;
		a->set_mask = g[i].entries / g[i].ways - 1;
		a->key = t->keys + at;
		a->stamp = t->stamps + at;
		a->e = t->entries + at;
		at += a->n;
		a->index_bits = index_bits_for(a->ways);
		if (i == A_STLB && m->stlb_index == TLB_INDEX_XOR && a->set_mask)
			a->xor_shift = (uint8_t)__builtin_ctzll(a->set_mask + 1);
		if (a->index_bits) {
			a->index = t->buckets + bat;
			bat += (size_t)(a->set_mask + 1) << a->index_bits;
		}
	}
	/* Sizes each array holds (smashed 1G pieces are 2M entries). */
	for (int k = 0; k < 2; k++)
		for (int level = PG_LEVEL_4K; level <= PG_LEVEL_1G; level++)
			t->a[k * 3 + level - 1].levels = (uint8_t)(1u << level);
	t->a[A_STLB].levels = 1u << PG_LEVEL_4K;
	if (m->stlb_holds_2m)
		t->a[A_STLB].levels |= 1u << PG_LEVEL_2M;
	t->a[A_STLB_1G].levels = 1u << PG_LEVEL_1G;

	/* Placement: each size in its own array where there is one; 1G smashed into 2M where
	 * there is no 1G array. */
	for (int k = 0; k < 2; k++) {
		struct tlb_array *l1 = &t->a[k * 3];

		for (int level = PG_LEVEL_4K; level <= PG_LEVEL_1G; level++)
			if (l1[level - 1].n)
				t->l1_place[k][level] = (struct probe){
					&l1[level - 1], (uint8_t)level, (uint8_t)level_shift(level)
				};
		if (!l1[2].n && l1[1].n)
			t->l1_place[k][PG_LEVEL_1G] = t->l1_place[k][PG_LEVEL_2M];
	}
	for (int level = PG_LEVEL_4K; level <= PG_LEVEL_1G; level++) {
		struct tlb_array *a = &t->a[level == PG_LEVEL_1G ? A_STLB_1G : A_STLB];

		if (a->n && (a->levels & (1u << level)))
			t->stlb_place[level] = (struct probe){ a, (uint8_t)level,
							       (uint8_t)level_shift(level) };
	}
	if (!t->stlb_place[PG_LEVEL_1G].a && t->stlb_place[PG_LEVEL_2M].a)
		t->stlb_place[PG_LEVEL_1G] = t->stlb_place[PG_LEVEL_2M];
	/* Lookup order: the kind's L1 arrays, then the STLB's, by size; every array that
	 * holds entries of a size is searched for it (smashed pieces are 2M entries). */
	for (int k = 0; k < 2; k++) {
		struct tlb_array *order[6] = { &t->a[k * 3], &t->a[k * 3 + 1], &t->a[k * 3 + 2],
					       &t->a[A_STLB], &t->a[A_STLB], &t->a[A_STLB_1G] };

		for (int i = 0; i < 6; i++) {
			int level = i % 3 + 1;

			if (!order[i]->n || !(order[i]->levels & (1u << level)))
				continue;
			t->probe[k][t->n_probe[k]++] = (struct probe){
				order[i], (uint8_t)level, (uint8_t)level_shift(level)
			};
			if (i < 3)
				t->n_l1[k] = t->n_probe[k];
		}
	}
	*out = t;
	return 0;
}

void tlb_free(struct tlb *t)
{
	if (!t)
		return;
	free(t->keys);
	free(t->stamps);
	free(t->entries);
	free(t->buckets);
	free(t);
}

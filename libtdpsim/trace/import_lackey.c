/* SPDX-License-Identifier: MIT */
/*
 * valgrind lackey (--tool=lackey --trace-mem=yes): "I  ADDR,SIZE" (instruction fetch),
 * " L ADDR,SIZE" (load), " S ADDR,SIZE" (store), " M ADDR,SIZE" (modify: a load then a store),
 * with valgrind's own "==PID== ..." lines between.  A small guest OS model turns the program's
 * virtual addresses into an access-level trace: one 4G memslot (the size is an option) over
 * THP on the host, the top 64M for the guest's page tables, and each virtual page the program
 * touches mapped on first touch (4K pages, or 2M with guest THP) to the next guest frame of a
 * seeded permutation (seed 0: in first-touch order).  Fetches are `x` accesses.
 * Memory grows with the program's footprint (the set of touched pages), not with the log.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "trace/import_int.h"

#define LK_HVA 0x7f0000000000ull
#define LK_PT_SIZE (64ull << 20)

struct lk {
	struct imp *im;
	unsigned shift;      /* 12 or 21 */
	uint64_t frames;     /* guest frames for data */
	uint64_t pow2;       /* frames rounded up to a power of two */
	uint64_t mul, add;   /* the permutation x -> x*mul+add mod pow2, cycle-walked */
	uint64_t next;       /* frames handed out */
	uint64_t *set;       /* open addressing: vpn+1, 0 = empty */
	uint64_t cap, used;
};

static uint64_t splitmix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* The i-th frame handed out: a bijection of [0, frames) (cycle walking keeps it one). */
static uint64_t frame_of(const struct lk *k, uint64_t i)
{
	uint64_t x = i;

	if (!k->im->o->seed)
		return i;
	do
		x = (x * k->mul + k->add) & (k->pow2 - 1);
	while (x >= k->frames);
	return x;
}

static int set_grow(struct lk *k)
{
	uint64_t ncap = k->cap ? k->cap * 2 : 4096, *n = calloc(ncap, sizeof(*n));

	if (!n)
		return err_set(TDPSIM_ENOMEM, "lackey import: out of memory (page set)");
	for (uint64_t i = 0; i < k->cap; i++) {
		uint64_t v = k->set[i], h;

		if (!v)
			continue;
		for (h = splitmix(v) & (ncap - 1); n[h]; h = (h + 1) & (ncap - 1))
			;
		n[h] = v;
	}
	free(k->set);
	k->set = n;
	k->cap = ncap;
	return 0;
}

/* 1 if vpn was new (and is now in the set), 0 if seen, <0 on error. */
static int set_add(struct lk *k, uint64_t vpn)
{
	uint64_t h;
	int rc;

	if ((k->used + 1) * 2 > k->cap && (rc = set_grow(k)) < 0)
		return rc;
	for (h = splitmix(vpn + 1) & (k->cap - 1); k->set[h]; h = (h + 1) & (k->cap - 1))
		if (k->set[h] == vpn + 1)
			return 0;
	k->set[h] = vpn + 1;
	k->used++;
	return 1;
}

static int touch(struct lk *k, uint64_t va)
{
	uint64_t vpn = va >> k->shift, psize = 1ull << k->shift;
	tdpsim_event ev;
	int rc = set_add(k, vpn);

	if (rc <= 0)
		return rc;
	if (k->next == k->frames)
		return imp_error(k->im, "the guest's memory (%" PRIu64 " bytes) is full: the "
				 "program touched more; give more guest memory",
				 k->frames << k->shift);
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_GUEST_MAP;
	ev.u.guest_map.gva = vpn << k->shift;
	ev.u.guest_map.gpa = frame_of(k, k->next++) << k->shift;
	ev.u.guest_map.size = psize;
	ev.u.guest_map.page_level = k->shift == 21 ? 2 : 1;
	ev.u.guest_map.prot = TDPSIM_PROT_R | TDPSIM_PROT_W | TDPSIM_PROT_X;
	ev.u.guest_map.user = 1;
	k->im->r->guest_maps++;
	return imp_write(k->im, &ev);
}

static int lk_access(struct lk *k, uint64_t va, uint32_t op)
{
	tdpsim_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_ACCESS;
	ev.u.access.gva = va;
	ev.u.access.op = op;
	ev.u.access.cpl = 3;
	k->im->r->faults++;
	return imp_write(k->im, &ev);
}

static int lk_line(struct lk *k, const char *line)
{
	const char *p = line;
	uint64_t va, size;
	char kind, *end;
	int rc;

	if (strncmp(line, "==", 2) == 0 || *line == '\0' || *line == '#')
		return 0; /* valgrind's own messages */
	if (*p == ' ')
		p++;
	kind = *p++;
	if ((kind != 'I' && kind != 'L' && kind != 'S' && kind != 'M') || *p != ' ')
		return imp_malformed(k->im, "not a lackey record ('I  ADDR,SIZE', ' L ADDR,SIZE', "
				     "' S ...', ' M ...')");
	while (*p == ' ')
		p++;
	va = strtoull(p, &end, 16);
	if (end == p || *end != ',' || !isdigit((unsigned char)end[1]))
		return imp_malformed(k->im, "lackey record: expected ADDR,SIZE");
	size = strtoull(end + 1, NULL, 10);
	if (va >> 47)
		return imp_malformed(k->im, "lackey record: not a user-space address");
	k->im->r->events++;
	if ((rc = touch(k, va)) < 0)
		return rc;
	if (size > 1 && ((va + size - 1) >> k->shift) != (va >> k->shift) &&
	    (rc = touch(k, va + size - 1)) < 0) /* straddles: the next page is touched too */
		return rc;
	if (kind == 'I')
		return lk_access(k, va, TDPSIM_OP_EXEC);
	if (kind == 'S')
		return lk_access(k, va, TDPSIM_OP_WRITE);
	if ((rc = lk_access(k, va, TDPSIM_OP_READ)) < 0 || kind == 'L')
		return rc;
	return lk_access(k, va, TDPSIM_OP_WRITE);
}

static int lk_head(struct lk *k, uint64_t mem)
{
	tdpsim_event ev;
	int rc;

	if ((rc = imp_comment(k->im, "imported by tdpsim import from a valgrind lackey log")) < 0)
		return rc;
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_MEMSLOT;
	ev.u.memslot.size = mem;
	ev.u.memslot.hva = LK_HVA;
	if ((rc = imp_write(k->im, &ev)) < 0)
		return rc;
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_BACKING;
	ev.u.backing.hva = LK_HVA;
	ev.u.backing.size = mem;
	ev.u.backing.kind = TDPSIM_BACKING_THP;
	if ((rc = imp_write(k->im, &ev)) < 0)
		return rc;
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_GUEST_PT;
	ev.u.guest_pt.gpa = mem - LK_PT_SIZE;
	ev.u.guest_pt.size = LK_PT_SIZE;
	return imp_write(k->im, &ev);
}

int imp_lackey_run(struct imp *im, FILE *f, uint64_t total)
{
	static char line[IMP_LINE_MAX + 2];
	uint64_t mem = im->o->guest_mem ? im->o->guest_mem : 4ull << 30;
	struct lk k;
	int rc;

	if (mem & ((2ull << 20) - 1) || mem <= LK_PT_SIZE + (2ull << 20))
		return err_set(TDPSIM_EINVAL, "lackey import: guest memory must be a multiple of "
			       "2M above 66M");
	memset(&k, 0, sizeof(k));
	k.im = im;
	k.shift = im->o->guest_thp ? 21 : 12;
	k.frames = (mem - LK_PT_SIZE) >> k.shift;
	for (k.pow2 = 1; k.pow2 < k.frames; k.pow2 <<= 1)
		;
	k.mul = (splitmix(im->o->seed) << 2) | 1; /* = 1 mod 4: a full-period LCG */
	k.add = splitmix(im->o->seed + 1) | 1;
	rc = lk_head(&k, mem);
	while (rc >= 0 && (rc = imp_next_line(im, f, line, IMP_LINE_MAX)) > 0) {
		im->r->lines++;
		rc = lk_line(&k, line);
		if (rc >= 0 && (im->line & 0xffff) == 0)
			rc = imp_progress(im, f, total);
	}
	free(k.set);
	return rc < 0 ? rc : 0;
}

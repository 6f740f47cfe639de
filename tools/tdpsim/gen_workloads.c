/* SPDX-License-Identifier: MIT */
/*
 * tdpsim gen's workloads.  Each one checks its options and builds its tables in prepare(),
 * then writes its events in run(): guest-map lines for its memory, then phases of accesses,
 * each ended by a small advance of the clock and a mark.  All randomness comes from g->rng,
 * drawn in a fixed order.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gen.h"

#define OPT(f) offsetof(struct gen_opts, f)
#define END { NULL, 0, 0, NULL, NULL, NULL, NULL, 0, 0 }
#define MS 1000000ull
#define LINE 64 /* a cacheline: the granule of code fetches and of random accesses */

static const char *const layout_names[] = { "scattered", "packed", NULL };

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

static int op_for(struct gen *g, uint64_t write_threshold)
{
	return gen_rng_chance(&g->rng, write_threshold) ? TDPSIM_OP_WRITE : TDPSIM_OP_READ;
}

/* The end of a phase: 10 ms of simulated time pass, and a mark. */
static int phase_end(struct gen *g, const char *label)
{
	int rc = gen_advance(g, 10 * MS);

	return rc < 0 ? rc : gen_mark(g, "%s", label);
}

static int check_size(const char *wl, const char *opt, uint64_t v, uint64_t min,
		      uint64_t multiple)
{
	char a[32], b[32];

	gen_format_size(a, sizeof(a), v);
	gen_format_size(b, sizeof(b), multiple);
	if (v < min || v % multiple) {
		char c[32];

		gen_format_size(c, sizeof(c), min);
		return cli_usage_error("gen: %s: --%s %s: a multiple of %s, at least %s", wl, opt, a,
				       b, c);
	}
	return 0;
}

/* ================================ sequential ================================ */

static const struct gen_param sequential_params[] = {
	{ "size", P_SIZE, OPT(size), "64M", "SIZE", "the buffer scanned", NULL, 0, 0 },
	{ "stride", P_SIZE, OPT(stride), "4K", "SIZE", "the distance between accesses", NULL, 0,
	  0 },
	{ "passes", P_COUNT, OPT(passes), "2", "N", "how many times the buffer is scanned",
	  NULL, 1, -1 },
	{ "write-fraction", P_FRAC, OPT(write_fraction), "0", "F",
	  "the share of accesses that are writes (0: reads, 1: writes, one sweep per pass and "
	  "vCPU; between: one access line each)", NULL, 0, 1 },
	{ "count", P_COUNT, OPT(count), "0", "N",
	  "N accesses in all, in as many passes as they take, the last one cut short (0: "
	  "passes x size / stride)", NULL, 0, -1 },
	END,
};

static int sequential_prepare(struct gen *g, void **state)
{
	const struct gen_opts *o = g->o;
	int rc;

	(void)state;
	if (!o->stride || o->stride > o->size)
		return cli_usage_error("gen: sequential: --stride must be more than 0 and at most "
				       "--size");
	if ((rc = check_size("sequential", "size", o->size, 4096, 4096)))
		return rc;
	return gen_check_fits(g, "sequential", &o->size, 1);
}

static int sequential_run(struct gen *g, void *state)
{
	const struct gen_opts *o = g->o;
	uint64_t elems = (o->size + o->stride - 1) / o->stride, left, wt;
	uint64_t nv = o->vcpus;
	int rc, pure = o->write_fraction == 0 || o->write_fraction == 1;
	int op = o->write_fraction == 1 ? TDPSIM_OP_WRITE : TDPSIM_OP_READ;

	(void)state;
	left = o->count ? o->count : elems * o->passes;
	wt = gen_prob(o->write_fraction);
	if ((rc = gen_map(g, GEN_USER_GVA, o->size, gen_level(g), "rw", 1, NULL)) < 0 ||
	    (rc = gen_mark(g, "setup")) < 0)
		return rc;
	/* Each vCPU scans its share of the buffer: elements [first_v, first_v + n_v). */
	for (uint64_t pass = 1; left; pass++) {
		if (pure) {
			for (uint64_t v = 0, first = 0; v < nv && left; v++) {
				uint64_t n = elems / nv + (v < elems % nv);

				if (n > left)
					n = left;
				if (n && (rc = gen_sweep(g, (uint32_t)v, GEN_USER_GVA + first * o->stride,
							 n * o->stride, o->stride, op, 1, 3)) < 0)
					return rc;
				left -= n;
				first += elems / nv + (v < elems % nv);
			}
		} else {
			/* One access line each; the vCPUs take turns, each in its own share. */
			for (uint64_t k = 0; k <= elems / nv && left; k++)
				for (uint64_t v = 0; v < nv && left; v++) {
					uint64_t first = v * (elems / nv) + (v < elems % nv ? v : elems % nv);
					uint64_t n = elems / nv + (v < elems % nv);

					if (k >= n)
						continue;
					int this_op = op_for(g, wt);

					if ((rc = gen_access(g, (uint32_t)v,
							     GEN_USER_GVA + (first + k) * o->stride,
							     this_op, 3)) < 0)
						return rc;
					left--;
				}
		}
		char label[32];

		snprintf(label, sizeof(label), "pass-%llu", (unsigned long long)pass);
		if ((rc = phase_end(g, label)) < 0)
			return rc;
	}
	return 0;
}

/* ================================ uniform ================================ */

static const struct gen_param uniform_params[] = {
	{ "size", P_SIZE, OPT(size), "256M", "SIZE", "the working set", NULL, 0, 0 },
	{ "count", P_COUNT, OPT(count), "100000", "N", "how many accesses", NULL, 1, -1 },
	{ "write-fraction", P_FRAC, OPT(write_fraction), "0.3", "F",
	  "the share of accesses that are writes", NULL, 0, 1 },
	{ "granule", P_SIZE, OPT(granule), "64", "SIZE",
	  "addresses are multiples of this (64: cachelines, 4K: pages)", NULL, 0, 0 },
	END,
};

static int uniform_prepare(struct gen *g, void **state)
{
	const struct gen_opts *o = g->o;
	int rc;

	(void)state;
	if ((rc = check_size("uniform", "size", o->size, 4096, 4096)))
		return rc;
	if (!o->granule || o->granule > o->size)
		return cli_usage_error("gen: uniform: --granule must be more than 0 and at most "
				       "--size");
	return gen_check_fits(g, "uniform", &o->size, 1);
}

static int uniform_run(struct gen *g, void *state)
{
	const struct gen_opts *o = g->o;
	uint64_t items = o->size / o->granule, wt = gen_prob(o->write_fraction);
	int rc;

	(void)state;
	if ((rc = gen_map(g, GEN_USER_GVA, o->size, gen_level(g), "rw", 1, NULL)) < 0 ||
	    (rc = gen_mark(g, "setup")) < 0)
		return rc;
	for (uint64_t i = 0; i < o->count; i++) {
		uint64_t off = gen_rng_below(&g->rng, items) * o->granule;

		int op = op_for(g, wt); /* drawn after the address, never inside a call */

		if ((rc = gen_access(g, gen_vcpu(g), GEN_USER_GVA + off, op, 3)) < 0)
			return rc;
	}
	return phase_end(g, "uniform");
}

/* ================================ zipfian ================================ */

static const struct gen_param zipfian_params[] = {
	{ "size", P_SIZE, OPT(size), "256M", "SIZE", "the working set", NULL, 0, 0 },
	{ "granule", P_SIZE, OPT(granule), "4K", "SIZE",
	  "the size of one item (each access is a random cacheline in an item)", NULL, 0, 0 },
	{ "theta", P_REAL, OPT(theta), "0.99", "T",
	  "the skew: item k of n (by rank) is taken with probability k^-T / sum_j j^-T; 0 is "
	  "uniform, 0.99 YCSB's default", NULL, 0, 5 },
	{ "count", P_COUNT, OPT(count), "100000", "N", "how many accesses", NULL, 1, -1 },
	{ "write-fraction", P_FRAC, OPT(write_fraction), "0.3", "F",
	  "the share of accesses that are writes", NULL, 0, 1 },
	{ "layout", P_CHOICE, OPT(layout), "scattered", "scattered|packed",
	  "where the hot items lie: scattered (a random permutation of ranks to places) or "
	  "packed (the hottest first)", layout_names, 0, 0 },
	END,
};

#define ZIPF_MAX_ITEMS (1u << 24)

struct zipf {
	uint64_t n;
	double *cdf;   /* cdf[k]: the weight of ranks 0..k */
	uint32_t *perm; /* rank -> item, or NULL (packed) */
};

static void zipf_release(void *state)
{
	struct zipf *z = state;

	if (!z)
		return;
	free(z->cdf);
	free(z->perm);
	free(z);
}

static int zipfian_prepare(struct gen *g, void **state)
{
	const struct gen_opts *o = g->o;
	struct zipf *z;
	double sum = 0;
	int rc;

	if ((rc = check_size("zipfian", "size", o->size, 4096, 4096)))
		return rc;
	if (o->granule < LINE || o->granule % LINE || o->granule > o->size)
		return cli_usage_error("gen: zipfian: --granule must be a multiple of 64 and at "
				       "most --size");
	if (o->size / o->granule > ZIPF_MAX_ITEMS)
		return cli_usage_error("gen: zipfian: --size / --granule gives %llu items, at most "
				       "%u", (unsigned long long)(o->size / o->granule),
				       ZIPF_MAX_ITEMS);
	if ((rc = gen_check_fits(g, "zipfian", &o->size, 1)))
		return rc;
	z = calloc(1, sizeof(*z));
	if (!z)
		return cli_usage_error("gen: out of memory");
	z->n = o->size / o->granule;
	z->cdf = malloc(z->n * sizeof(*z->cdf));
	if (!z->cdf || (o->layout == 0 && !(z->perm = malloc(z->n * sizeof(*z->perm))))) {
		zipf_release(z);
		return cli_usage_error("gen: out of memory");
	}
	for (uint64_t k = 0; k < z->n; k++) {
		sum += gen_pow_neg((double)(k + 1), o->theta);
		z->cdf[k] = sum;
	}
	if (z->perm) {
		/* Fisher-Yates: each rank a place of its own. */
		for (uint64_t k = 0; k < z->n; k++)
			z->perm[k] = (uint32_t)k;
		for (uint64_t k = z->n - 1; k > 0; k--) {
			uint64_t j = gen_rng_below(&g->rng, k + 1);
			uint32_t t = z->perm[k];

			z->perm[k] = z->perm[j];
			z->perm[j] = t;
		}
	}
	*state = z;
	return 0;
}

/* The rank whose cumulative weight first exceeds u: a binary search of the table. */
static uint64_t zipf_rank(const struct zipf *z, double u)
{
	uint64_t lo = 0, hi = z->n - 1;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (z->cdf[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static int zipfian_run(struct gen *g, void *state)
{
	const struct gen_opts *o = g->o;
	const struct zipf *z = state;
	uint64_t wt = gen_prob(o->write_fraction), lines = o->granule / LINE;
	double total = z->cdf[z->n - 1];
	int rc;

	if ((rc = gen_map(g, GEN_USER_GVA, o->size, gen_level(g), "rw", 1, NULL)) < 0 ||
	    (rc = gen_mark(g, "setup")) < 0)
		return rc;
	for (uint64_t i = 0; i < o->count; i++) {
		uint64_t rank = zipf_rank(z, gen_rng_unit(&g->rng) * total);
		uint64_t item = z->perm ? z->perm[rank] : rank;
		uint64_t off = item * o->granule + gen_rng_below(&g->rng, lines) * LINE;

		int op = op_for(g, wt); /* drawn after the address, never inside a call */

		if ((rc = gen_access(g, gen_vcpu(g), GEN_USER_GVA + off, op, 3)) < 0)
			return rc;
	}
	return phase_end(g, "zipfian");
}

/* ================================ pointer-chase ================================ */

static const struct gen_param chase_params[] = {
	{ "size", P_SIZE, OPT(size), "64M", "SIZE", "the memory the list lies in", NULL, 0, 0 },
	{ "granule", P_SIZE, OPT(granule), "4K", "SIZE",
	  "the size of one node (4K: a node per page, 64: per cacheline)", NULL, 0, 0 },
	{ "count", P_COUNT, OPT(count), "100000", "N", "how many pointers are followed", NULL, 1,
	  -1 },
	{ "build", P_COUNT, OPT(build), "1", "0|1",
	  "1: first write every node in address order (building the list)", NULL, 0, 1 },
	END,
};

#define CHASE_MAX_NODES (1u << 26)

struct chase {
	uint64_t n;
	uint32_t *next;
};

static void chase_release(void *state)
{
	struct chase *c = state;

	if (c)
		free(c->next);
	free(c);
}

static int chase_prepare(struct gen *g, void **state)
{
	const struct gen_opts *o = g->o;
	struct chase *c;
	int rc;

	if ((rc = check_size("pointer-chase", "size", o->size, 4096, 4096)))
		return rc;
	if (o->granule < 8 || o->size % o->granule || o->size / o->granule < 2)
		return cli_usage_error("gen: pointer-chase: --granule must be at least 8 and "
				       "divide --size into at least 2 nodes");
	if (o->size / o->granule > CHASE_MAX_NODES)
		return cli_usage_error("gen: pointer-chase: --size / --granule gives %llu nodes, at "
				       "most %u", (unsigned long long)(o->size / o->granule),
				       CHASE_MAX_NODES);
	if ((rc = gen_check_fits(g, "pointer-chase", &o->size, 1)))
		return rc;
	c = calloc(1, sizeof(*c));
	if (!c || !(c->next = malloc(o->size / o->granule * sizeof(*c->next)))) {
		chase_release(c);
		return cli_usage_error("gen: out of memory");
	}
	c->n = o->size / o->granule;
	/* Sattolo's algorithm: a uniformly random permutation with a single cycle. */
	for (uint64_t k = 0; k < c->n; k++)
		c->next[k] = (uint32_t)k;
	for (uint64_t k = c->n - 1; k > 0; k--) {
		uint64_t j = gen_rng_below(&g->rng, k);
		uint32_t t = c->next[k];

		c->next[k] = c->next[j];
		c->next[j] = t;
	}
	*state = c;
	return 0;
}

static int chase_run(struct gen *g, void *state)
{
	const struct gen_opts *o = g->o;
	const struct chase *c = state;
	uint64_t cur[256];
	int rc;

	if ((rc = gen_map(g, GEN_USER_GVA, o->size, gen_level(g), "rw", 1, NULL)) < 0 ||
	    (rc = gen_mark(g, "setup")) < 0)
		return rc;
	if (o->build) {
		if ((rc = gen_sweep(g, 0, GEN_USER_GVA, o->size, o->granule, TDPSIM_OP_WRITE, 1,
				    3)) < 0 || (rc = phase_end(g, "build")) < 0)
			return rc;
	}
	/* vCPU v starts at the node v * n / vcpus of the cycle; they take turns. */
	for (uint64_t v = 0; v < o->vcpus; v++) {
		uint64_t at = 0;

		for (uint64_t s = 0; s < v * c->n / o->vcpus; s++)
			at = c->next[at];
		cur[v] = at;
	}
	for (uint64_t i = 0; i < o->count; i++) {
		uint32_t v = gen_vcpu(g);

		if ((rc = gen_access(g, v, GEN_USER_GVA + cur[v] * o->granule, TDPSIM_OP_READ,
				     3)) < 0)
			return rc;
		cur[v] = c->next[cur[v]];
	}
	return phase_end(g, "chase");
}

/* ================================ jit ================================ */

static const struct gen_param jit_params[] = {
	{ "code-size", P_SIZE, OPT(code_size), "32M", "SIZE",
	  "the code cache, mapped rwx: a multiple of 2M; functions are spread over its 2M "
	  "regions in turn", NULL, 0, 0 },
	{ "data-size", P_SIZE, OPT(data_size), "64M", "SIZE", "the heap the code works on (rw)",
	  NULL, 0, 0 },
	{ "func-size", P_SIZE, OPT(func_size), "1K", "SIZE",
	  "the size of one compiled function (a multiple of 64, at most 2M)", NULL, 0, 0 },
	{ "count", P_COUNT, OPT(count), "2000", "N", "how many functions are compiled", NULL, 1,
	  -1 },
	{ "exec-repeat", P_COUNT, OPT(exec_repeat), "4", "N",
	  "how many times a new function runs right after it is written", NULL, 1, 1u << 20 },
	{ "hot-calls", P_COUNT, OPT(hot_calls), "8", "N",
	  "calls of earlier functions (uniformly chosen) after each compile", NULL, 0,
	  1u << 20 },
	{ "data-accesses", P_COUNT, OPT(data_accesses), "16", "N",
	  "random heap accesses after each compile", NULL, 0, 1u << 20 },
	{ "write-fraction", P_FRAC, OPT(write_fraction), "0.3", "F",
	  "the share of heap accesses that are writes", NULL, 0, 1 },
	END,
};

static int jit_prepare(struct gen *g, void **state)
{
	const struct gen_opts *o = g->o;
	uint64_t sizes[2] = { o->code_size, o->data_size };
	int rc;

	(void)state;
	if ((rc = check_size("jit", "code-size", o->code_size, GEN_2M, GEN_2M)) ||
	    (rc = check_size("jit", "data-size", o->data_size, 4096, 4096)) ||
	    (rc = check_size("jit", "func-size", o->func_size, LINE, LINE)))
		return rc;
	if (o->func_size > GEN_2M)
		return cli_usage_error("gen: jit: --func-size is at most 2M");
	if (o->code_size > 64 * GEN_1G)
		return cli_usage_error("gen: jit: --code-size is at most 64G");
	return gen_check_fits(g, "jit", sizes, 2);
}

static int jit_run(struct gen *g, void *state)
{
	const struct gen_opts *o = g->o;
	const uint64_t code = GEN_USER_GVA;
	const uint64_t data = GEN_USER_GVA + round_up(o->code_size, GEN_1G) + GEN_1G;
	uint64_t regions = o->code_size / GEN_2M, slots = GEN_2M / o->func_size;
	uint64_t capacity = regions * slots, wt = gen_prob(o->write_fraction);
	uint64_t lines = o->data_size / LINE;
	int rc;

	(void)state;
	if ((rc = gen_map(g, code, o->code_size, gen_level(g), "rwx", 1, NULL)) < 0 ||
	    (rc = gen_map(g, data, o->data_size, gen_level(g), "rw", 1, NULL)) < 0 ||
	    (rc = gen_mark(g, "setup")) < 0)
		return rc;
	for (uint64_t i = 0; i < o->count; i++) {
		/* Function i: region i mod regions, the next free slot there; wraps when full. */
		uint64_t idx = i % capacity;
		uint64_t at = code + idx % regions * GEN_2M + idx / regions * o->func_size;
		uint32_t v = gen_vcpu(g);
		uint64_t live = i < capacity ? i : capacity;

		if ((rc = gen_sweep(g, v, at, o->func_size, LINE, TDPSIM_OP_WRITE, 1, 3)) < 0 ||
		    (rc = gen_sweep(g, v, at, o->func_size, LINE, TDPSIM_OP_EXEC, o->exec_repeat,
				    3)) < 0)
			return rc;
		for (uint64_t h = 0; h < o->hot_calls && live; h++) {
			uint64_t j = (i - 1 - gen_rng_below(&g->rng, live)) % capacity;
			uint64_t fn = code + j % regions * GEN_2M + j / regions * o->func_size;

			if ((rc = gen_sweep(g, gen_vcpu(g), fn, o->func_size, LINE, TDPSIM_OP_EXEC,
					    1, 3)) < 0)
				return rc;
		}
		for (uint64_t d = 0; d < o->data_accesses; d++) {
			uint64_t off = gen_rng_below(&g->rng, lines) * LINE;

			int op = op_for(g, wt);

			if ((rc = gen_access(g, gen_vcpu(g), data + off, op, 3)) < 0)
				return rc;
		}
		/* After the first round every 2M region of the code cache holds code. */
		if (i + 1 == regions && i + 1 < o->count && (rc = phase_end(g, "first-round")) < 0)
			return rc;
	}
	return phase_end(g, "steady");
}

/* ================================ migration ================================ */

static const struct gen_param migration_params[] = {
	{ "size", P_SIZE, OPT(size), "256M", "SIZE", "the guest's working set", NULL, 0, 0 },
	{ "dirty-size", P_SIZE, OPT(dirty_size), "32M", "SIZE",
	  "the part of the working set (at its start) that the writes go to", NULL, 0, 0 },
	{ "rounds", P_COUNT, OPT(rounds), "3", "N", "rounds of get-dirty-log (and clear)", NULL,
	  1, 10000 },
	{ "count", P_COUNT, OPT(count), "50000", "N",
	  "accesses in each phase: before, in every round, after", NULL, 1, -1 },
	{ "write-fraction", P_FRAC, OPT(write_fraction), "0.25", "F",
	  "the share of accesses that are writes (to the dirty part); the rest read the whole "
	  "working set", NULL, 0, 1 },
	{ "manual-protect", P_COUNT, OPT(manual), "1", "0|1",
	  "1: set manual_dirty_log_protect=1 and clear-dirty-log after each get-dirty-log; "
	  "0: get-dirty-log alone (it write-protects again)", NULL, 0, 1 },
	END,
};

static int migration_prepare(struct gen *g, void **state)
{
	const struct gen_opts *o = g->o;
	int rc;

	(void)state;
	if ((rc = check_size("migration", "size", o->size, 4096, 4096)) ||
	    (rc = check_size("migration", "dirty-size", o->dirty_size, 4096, 4096)))
		return rc;
	if (o->dirty_size > o->size)
		return cli_usage_error("gen: migration: --dirty-size is at most --size");
	return gen_check_fits(g, "migration", &o->size, 1);
}

static int migration_settings(const struct gen *g, const char **sets, int max)
{
	if (!g->o->manual || max < 1)
		return 0;
	sets[0] = "manual_dirty_log_protect=1";
	return 1;
}

static int migration_phase(struct gen *g)
{
	const struct gen_opts *o = g->o;
	uint64_t wt = gen_prob(o->write_fraction);
	uint64_t all = o->size / LINE, dirty = o->dirty_size / LINE;
	int rc;

	for (uint64_t i = 0; i < o->count; i++) {
		int w = gen_rng_chance(&g->rng, wt);
		uint64_t off = gen_rng_below(&g->rng, w ? dirty : all) * LINE;

		if ((rc = gen_access(g, gen_vcpu(g), GEN_USER_GVA + off,
				     w ? TDPSIM_OP_WRITE : TDPSIM_OP_READ, 3)) < 0)
			return rc;
	}
	return 0;
}

static int migration_run(struct gen *g, void *state)
{
	const struct gen_opts *o = g->o;
	tdpsim_event ev;
	int rc;

	(void)state;
	if ((rc = gen_map(g, GEN_USER_GVA, o->size, gen_level(g), "rw", 1, NULL)) < 0 ||
	    (rc = gen_mark(g, "setup")) < 0)
		return rc;
	/* The guest touches its working set once, then runs. */
	if ((rc = gen_sweep(g, 0, GEN_USER_GVA, o->size, 4096, TDPSIM_OP_WRITE, 1, 3)) < 0 ||
	    (rc = phase_end(g, "warmup")) < 0 || (rc = migration_phase(g)) < 0 ||
	    (rc = phase_end(g, "before")) < 0)
		return rc;
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_DIRTY_LOG;
	ev.u.dirty_log.on = 1;
	if ((rc = gen_comment(g, "the migration: dirty logging on, rounds of running and "
			      "harvesting")) < 0 || (rc = gen_event(g, &ev)) < 0)
		return rc;
	for (uint64_t r = 1; r <= o->rounds; r++) {
		char label[32];

		if ((rc = migration_phase(g)) < 0)
			return rc;
		memset(&ev, 0, sizeof(ev));
		ev.cmd = TDPSIM_CMD_GET_DIRTY_LOG;
		if ((rc = gen_event(g, &ev)) < 0)
			return rc;
		if (o->manual) {
			memset(&ev, 0, sizeof(ev));
			ev.cmd = TDPSIM_CMD_CLEAR_DIRTY_LOG;
			ev.u.clear_dirty_log.first = 0;
			ev.u.clear_dirty_log.num = o->mem / 4096;
			if ((rc = gen_event(g, &ev)) < 0)
				return rc;
		}
		/* A round of copying: 100 ms. */
		snprintf(label, sizeof(label), "round-%llu", (unsigned long long)r);
		if ((rc = gen_advance(g, 100 * MS)) < 0 || (rc = gen_mark(g, "%s", label)) < 0)
			return rc;
	}
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_DIRTY_LOG;
	ev.u.dirty_log.on = 0;
	if ((rc = gen_comment(g, "logging off: the guest reads its working set again, and KVM "
			      "maps huge pages where it split them")) < 0 ||
	    (rc = gen_event(g, &ev)) < 0)
		return rc;
	if ((rc = gen_sweep(g, 0, GEN_USER_GVA, o->size, 4096, TDPSIM_OP_READ, 1, 3)) < 0 ||
	    (rc = phase_end(g, "recovery")) < 0 || (rc = migration_phase(g)) < 0)
		return rc;
	return phase_end(g, "after");
}

/* ================================ boot ================================ */

static const struct gen_param boot_params[] = {
	{ "count", P_COUNT, OPT(count), "100000", "N",
	  "accesses in the userspace phase (the kernel's init phases take count / 10 and "
	  "count / 5)", NULL, 10, -1 },
	{ "kernel-text", P_SIZE, OPT(ktext), "16M", "SIZE",
	  "the kernel's code at 0xffffffff81000000 (rx, supervisor, 2M guest pages)", NULL, 0, 0 },
	{ "kernel-data", P_SIZE, OPT(kdata), "64M", "SIZE",
	  "the kernel's data after its code (rw, supervisor, 2M guest pages)", NULL, 0, 0 },
	{ "user-text", P_SIZE, OPT(utext), "8M", "SIZE", "a program's code at 0x400000 (rx, user)",
	  NULL, 0, 0 },
	{ "user-data", P_SIZE, OPT(udata), "128M", "SIZE",
	  "the program's data at 0x10000000 (rw, user)", NULL, 0, 0 },
	{ "user-fraction", P_FRAC, OPT(user_fraction), "0.6", "F",
	  "the share of the userspace phase's accesses made in user mode (cpl 3); the rest are "
	  "the kernel's (cpl 0: system calls, interrupts)", NULL, 0, 1 },
	{ "write-fraction", P_FRAC, OPT(write_fraction), "0.3", "F",
	  "the share of data accesses that are writes", NULL, 0, 1 },
	END,
};

#define KTEXT_GVA 0xffffffff81000000ull
#define DMAP_GVA 0xffff888000000000ull /* the kernel's direct map of all guest memory */
#define UTEXT_GVA 0x400000ull
#define UDATA_GVA 0x10000000ull

struct boot {
	uint64_t ktext_gpa, kdata_gva, kdata_gpa, utext_gpa, udata_gpa;
	uint64_t wt, user;
	uint64_t kpc[256], upc[256]; /* each vCPU's place in the kernel's and the user's code */
};

static int boot_prepare(struct gen *g, void **state)
{
	const struct gen_opts *o = g->o;
	uint64_t sizes[4] = { o->ktext, o->kdata, o->utext, o->udata };
	struct boot *b;
	int rc;

	if ((rc = check_size("boot", "kernel-text", o->ktext, GEN_2M, GEN_2M)) ||
	    (rc = check_size("boot", "kernel-data", o->kdata, GEN_2M, GEN_2M)) ||
	    (rc = check_size("boot", "user-text", o->utext, 4096, 4096)) ||
	    (rc = check_size("boot", "user-data", o->udata, 4096, 4096)))
		return rc;
	if (o->ktext + o->kdata > GEN_1G)
		return cli_usage_error("gen: boot: --kernel-text and --kernel-data together are at "
				       "most 1G");
	if (o->utext > UDATA_GVA - UTEXT_GVA)
		return cli_usage_error("gen: boot: --user-text is at most 252M");
	if (o->udata > (1ull << 40))
		return cli_usage_error("gen: boot: --user-data is at most 1T");
	if ((rc = gen_check_fits(g, "boot", sizes, 4)))
		return rc;
	if (!(b = calloc(1, sizeof(*b))))
		return cli_usage_error("gen: out of memory");
	b->wt = gen_prob(o->write_fraction);
	b->user = gen_prob(o->user_fraction);
	b->kdata_gva = KTEXT_GVA + o->ktext;
	*state = b;
	return 0;
}

/* The next instruction fetch in a text: on one time in eight a jump, else the next line. */
static uint64_t next_pc(struct gen *g, uint64_t *pc, uint64_t size)
{
	if (gen_rng_below(&g->rng, 8) == 0)
		*pc = gen_rng_below(&g->rng, size / LINE) * LINE;
	else
		*pc = (*pc + LINE) % size;
	return *pc;
}

/*
 * One access by vCPU v in mode cpl: half instruction fetches in the text, half data accesses
 * at random lines.  The draws are made one statement at a time: the order in which a
 * compiler evaluates a call's arguments is unspecified, and would change the trace.
 */
static int boot_access(struct gen *g, struct boot *b, uint32_t v, int cpl)
{
	const struct gen_opts *o = g->o;
	uint64_t text = cpl ? UTEXT_GVA : KTEXT_GVA, text_size = cpl ? o->utext : o->ktext;
	uint64_t data = cpl ? UDATA_GVA : b->kdata_gva, data_size = cpl ? o->udata : o->kdata;
	uint64_t at;
	int op;

	if (gen_rng_below(&g->rng, 2) == 0) {
		at = text + next_pc(g, cpl ? &b->upc[v] : &b->kpc[v], text_size);
		return gen_access(g, v, at, TDPSIM_OP_EXEC, cpl);
	}
	at = data + gen_rng_below(&g->rng, data_size / LINE) * LINE;
	op = op_for(g, b->wt);
	return gen_access(g, v, at, op, cpl);
}

static int kernel_access(struct gen *g, struct boot *b, uint32_t v)
{
	return boot_access(g, b, v, 0);
}

static int user_access(struct gen *g, struct boot *b, uint32_t v)
{
	return boot_access(g, b, v, 3);
}

static int boot_run(struct gen *g, void *state)
{
	const struct gen_opts *o = g->o;
	struct boot *b = state;
	int rc;

	if ((rc = gen_map(g, KTEXT_GVA, o->ktext, TDPSIM_LEVEL_2M, "rx", 0, &b->ktext_gpa)) < 0 ||
	    (rc = gen_map(g, b->kdata_gva, o->kdata, TDPSIM_LEVEL_2M, "rw", 0, &b->kdata_gpa)) < 0 ||
	    (rc = gen_map(g, UTEXT_GVA, o->utext, gen_level(g), "rx", 1, &b->utext_gpa)) < 0 ||
	    (rc = gen_map(g, UDATA_GVA, o->udata, gen_level(g), "rw", 1, &b->udata_gpa)) < 0 ||
	    (rc = gen_map_at(g, DMAP_GVA, 0, g->data_end, TDPSIM_LEVEL_2M, "rw", 0)) < 0 ||
	    (rc = gen_mark(g, "setup")) < 0)
		return rc;
	/* The kernel image is copied into place through the direct map, then runs. */
	if ((rc = gen_sweep(g, 0, DMAP_GVA + b->ktext_gpa, o->ktext, 4096, TDPSIM_OP_WRITE, 1,
			    0)) < 0 ||
	    (rc = gen_sweep(g, 0, KTEXT_GVA, o->ktext, 4096, TDPSIM_OP_EXEC, 1, 0)) < 0 ||
	    (rc = phase_end(g, "decompress")) < 0)
		return rc;
	/* vCPU 0 clears the kernel's data (bss, the memory map) and initialises alone. */
	if ((rc = gen_sweep(g, 0, b->kdata_gva, o->kdata, 4096, TDPSIM_OP_WRITE, 1, 0)) < 0)
		return rc;
	for (uint64_t i = 0; i < o->count / 10; i++)
		if ((rc = kernel_access(g, b, 0)) < 0)
			return rc;
	if ((rc = phase_end(g, "early-init")) < 0)
		return rc;
	/* The other vCPUs come up: all run the kernel. */
	for (uint64_t i = 0; i < o->count / 5; i++)
		if ((rc = kernel_access(g, b, gen_vcpu(g))) < 0)
			return rc;
	if ((rc = phase_end(g, "smp-init")) < 0)
		return rc;
	/* exec(): the kernel reads the program into memory through the direct map. */
	if ((rc = gen_sweep(g, 0, DMAP_GVA + b->utext_gpa, o->utext, 4096, TDPSIM_OP_WRITE, 1,
			    0)) < 0 || (rc = phase_end(g, "exec")) < 0)
		return rc;
	for (uint64_t i = 0; i < o->count; i++) {
		uint32_t v = gen_vcpu(g);

		rc = gen_rng_chance(&g->rng, b->user) ? user_access(g, b, v)
						       : kernel_access(g, b, v);
		if (rc < 0)
			return rc;
	}
	return phase_end(g, "userspace");
}

static void free_state(void *state)
{
	free(state);
}

/* ================================ the table ================================ */

const struct gen_workload gen_workloads[] = {
	{ "sequential", "scans of a buffer at a fixed stride, pass after pass",
	  "The guest maps --size bytes at 0x40000000 and scans them --passes times at --stride;\n"
	  "with several vCPUs each scans its share.  Marks: setup, pass-1, pass-2, ...",
	  "  tdpsim gen sequential --size 256M --stride 4K --passes 4 --write-fraction 0.5 \\\n"
	  "      --backing hugetlb2m -o seq.tdpt\n"
	  "  tdpsim replay seq.tdpt",
	  sequential_params, sequential_prepare, NULL, sequential_run, NULL },
	{ "uniform", "uniformly random accesses over a working set",
	  "The guest maps --size bytes at 0x40000000; --count accesses at uniformly random\n"
	  "multiples of --granule follow, each a write with probability --write-fraction.\n"
	  "Marks: setup, uniform.",
	  "  tdpsim gen uniform --size 1G --mem 2G --count 1000000 --seed 3 -o uniform.tdpb\n"
	  "  tdpsim replay uniform.tdpb --set cpu=icelake-server",
	  uniform_params, uniform_prepare, NULL, uniform_run, NULL },
	{ "zipfian", "a skewed hot set: items taken by a zipfian law of their rank",
	  "The guest maps --size bytes at 0x40000000, split into items of --granule bytes; each\n"
	  "access takes an item by rank k with probability proportional to k^-theta (by a\n"
	  "table of the cumulative weights) and a random cacheline in it.  The ranks lie at a\n"
	  "random permutation of places (--layout scattered: hot pages all over the 2M\n"
	  "regions) or in order (packed).  Marks: setup, zipfian.",
	  "  tdpsim gen zipfian --theta 1.2 --count 500000 -o hot.tdpt\n"
	  "  tdpsim compare hot.tdpt --policy skl:cpu=skylake-sp --policy icx:cpu=icelake-server",
	  zipfian_params, zipfian_prepare, NULL, zipfian_run, zipf_release },
	{ "pointer-chase", "a random cyclic linked list followed node after node",
	  "The guest maps --size bytes at 0x40000000, cut into nodes of --granule bytes linked\n"
	  "in one random cycle (Sattolo's algorithm), so --count reads visit every node once\n"
	  "per lap, in an order without locality; with --build 1 the list is first written in\n"
	  "address order.  Several vCPUs chase from evenly spaced points of the cycle.\n"
	  "Marks: setup, build, chase.",
	  "  tdpsim gen pointer-chase --size 512M --mem 1G --granule 4K --count 200000 \\\n"
	  "      --guest-pages 4k -o chase.tdpt\n"
	  "  tdpsim replay chase.tdpt --json | grep stlb_misses",
	  chase_params, chase_prepare, NULL, chase_run, chase_release },
	{ "jit", "JIT-like: code written then executed, spread over 2M regions (NX huge pages)",
	  "The guest maps a code cache of --code-size bytes at 0x40000000 rwx and a heap after\n"
	  "it.  For each of --count functions it writes the function's --func-size bytes (the\n"
	  "compiler emitting it), runs it --exec-repeat times (x accesses), calls --hot-calls\n"
	  "earlier functions and makes --data-accesses heap accesses.  Function i goes to the\n"
	  "2M region i mod (code-size / 2M), so the first round puts code in every region:\n"
	  "with nx_huge_pages=force each first fetch there splits a 2M mapping the writes made\n"
	  "(nx_lpage_splits) and code runs from 4K pages.  Marks: setup, first-round, steady.",
	  "  tdpsim gen jit --code-size 32M --count 2000 --guest-pages 2m -o jit.tdpt\n"
	  "  tdpsim compare jit.tdpt --policy off:nx_huge_pages=off --policy force:nx_huge_pages=force",
	  jit_params, jit_prepare, NULL, jit_run, NULL },
	{ "migration", "a live-migration cycle: dirty logging on, rounds, off, and the recovery",
	  "The guest maps --size bytes at 0x40000000 and writes them once (warmup), then runs\n"
	  "--count accesses (before): reads all over, writes (--write-fraction) to the first\n"
	  "--dirty-size bytes.  Dirty logging goes on; each of --rounds rounds runs --count\n"
	  "accesses, harvests the log (get-dirty-log; clear-dirty-log with --manual-protect 1)\n"
	  "and lets 100 ms pass.  Logging goes off; the guest reads its working set (recovery:\n"
	  "KVM maps huge pages again) and runs --count accesses more (after).\n"
	  "Marks: setup, warmup, before, round-1 ... round-N, recovery, after.",
	  "  tdpsim gen migration --size 512M --dirty-size 64M --rounds 4 -o mig.tdpt\n"
	  "  tdpsim compare mig.tdpt --policy eager:eager_page_split=1 --policy lazy:eager_page_split=0",
	  migration_params, migration_prepare, migration_settings, migration_run, NULL },
	{ "boot", "a boot-like mix of kernel (cpl 0) and user (cpl 3) code and data",
	  "The guest maps its kernel's code and data (2M pages, supervisor), a direct map of\n"
	  "all its memory, and a program's code and data (user, --guest-pages).  vCPU 0 copies\n"
	  "the kernel in and runs it (decompress), clears its data and runs the kernel alone\n"
	  "(early-init, count / 10 accesses); all vCPUs run the kernel (smp-init, count / 5);\n"
	  "the kernel loads the program (exec); then --count accesses mix user code and data\n"
	  "with the kernel's (userspace).  Code is fetched a line after the other with a jump\n"
	  "one time in eight.  Marks: setup, decompress, early-init, smp-init, exec, userspace.",
	  "  tdpsim gen boot --vcpus 4 --count 200000 --guest-pages 2m -o boot.tdpt\n"
	  "  tdpsim replay boot.tdpt --set nx_huge_pages=force",
	  boot_params, boot_prepare, NULL, boot_run, free_state },
};

const size_t gen_workload_count = sizeof(gen_workloads) / sizeof(gen_workloads[0]);

/* SPDX-License-Identifier: MIT */
/*
 * tdpsim gen: synthetic access-level traces.  cmd_gen.c parses the command line and owns the
 * output; gen_emit.c writes events and lays out the VM; gen_rng.c is the generator's own
 * deterministic arithmetic (a PRNG and the powers the zipfian needs); gen_workloads.c holds
 * the workloads.  Nothing here depends on the C library's rand() or on libm, so a seed and a
 * set of options give the same bytes on every machine.
 */
#ifndef TDPSIM_GEN_H
#define TDPSIM_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "tdpsim/trace.h"

/* ---- gen_rng.c ---- */

/* xoshiro256**, seeded through splitmix64. */
struct gen_rng {
	uint64_t s[4];
};
void gen_rng_seed(struct gen_rng *r, uint64_t seed);
uint64_t gen_rng_next(struct gen_rng *r);
/* Uniform in [0, n), n > 0, without modulo bias. */
uint64_t gen_rng_below(struct gen_rng *r, uint64_t n);
/* A probability as a threshold on 53 random bits: 0 never, 2^53 always. */
uint64_t gen_prob(double p);
int gen_rng_chance(struct gen_rng *r, uint64_t threshold);
/* Uniform in [0, 1) with 53 bits. */
double gen_rng_unit(struct gen_rng *r);
/* x^-theta for x >= 1, theta >= 0, with + - * / only (the same bits everywhere). */
double gen_pow_neg(double x, double theta);

/* ---- options ---- */

enum gen_ptype { P_SIZE, P_COUNT, P_FRAC, P_REAL, P_CHOICE, P_DURATION };

struct gen_opts {
	/* common */
	uint64_t seed, mem, backing, guest_page, populate, vcpus, tick, tick_ns;
	/* the workloads' */
	uint64_t count, size, stride, passes, granule, layout, build;
	uint64_t code_size, data_size, func_size, exec_repeat, hot_calls, data_accesses;
	uint64_t rounds, dirty_size, manual;
	uint64_t ktext, kdata, utext, udata;
	double write_fraction, theta, user_fraction;
	/* --set, passed into the trace */
	const char *sets[32];
	int nsets;
	const char *out;
};

struct gen_param {
	const char *name; /* without the leading -- */
	enum gen_ptype type;
	size_t off;         /* offsetof(struct gen_opts, field) */
	const char *def;    /* the default, as a user would write it */
	const char *arg;    /* the value's name in --help */
	const char *help;
	const char *const *choices; /* P_CHOICE: NULL-terminated */
	double lo, hi;      /* P_COUNT, P_REAL, P_FRAC: the range */
};

/* ---- gen_emit.c: the machine the trace sets up, and writing events ---- */

struct gen {
	tdpsim_trace_writer *w;
	const struct gen_opts *o;
	struct gen_rng rng;
	uint64_t accesses;    /* emitted so far */
	uint64_t since_tick;  /* accesses since the last --tick advance */
	uint64_t gpa_next;    /* the guest-physical bump allocator for guest-map regions */
	uint64_t data_end;    /* where the guest's data memory ends (the page tables follow) */
	uint64_t pt_size;     /* the guest-pt region at the top of memory */
	uint64_t next_vcpu;   /* round-robin */
};

#define GEN_HVA 0x7f0000000000ull /* the VMM's mapping of guest memory (1G aligned) */
#define GEN_USER_GVA 0x40000000ull  /* user data: 1 GiB */
#define GEN_2M (2ull << 20)
#define GEN_1G (1ull << 30)

/* The guest memory layout from the options: data memory [0, data_end), page tables above. */
void gen_layout(struct gen *g);
/* memslot, backing, guest-pt and the `set` lines (workload's, then --set). */
int gen_setup(struct gen *g, const char *const *sets, int nsets);
/* Allocate guest-physical memory for `size` bytes (2M aligned) and map it at gva. */
int gen_map(struct gen *g, uint64_t gva, uint64_t size, uint32_t level, const char *prot,
	    int user, uint64_t *gpa_out);
/* Map gva -> gpa for size bytes without allocating (an alias such as a direct map). */
int gen_map_at(struct gen *g, uint64_t gva, uint64_t gpa, uint64_t size, uint32_t level,
	       const char *prot, int user);
/* Check that regions of these sizes (each 2M aligned) fit; a message and EXIT_BAD_INPUT. */
int gen_check_fits(const struct gen *g, const char *workload, const uint64_t *sizes, int n);
/* The page level of --guest-pages (1 or 2) and its size. */
uint32_t gen_level(const struct gen *g);
uint64_t gen_page(const struct gen *g);
/* Bytes of data memory left for gen_map (after 2M alignment). */
uint64_t gen_free(const struct gen *g);

uint32_t gen_vcpu(struct gen *g); /* the next vCPU, round-robin */
int gen_access(struct gen *g, uint32_t vcpu, uint64_t gva, int op, int cpl);
int gen_sweep(struct gen *g, uint32_t vcpu, uint64_t gva, uint64_t len, uint64_t stride, int op,
	      uint64_t repeat, int cpl);
int gen_mark(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int gen_advance(struct gen *g, uint64_t ns);
int gen_comment(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int gen_event(struct gen *g, const tdpsim_event *ev);

/* "64M", "1G", "12K", "1000" - the largest exact binary suffix. */
void gen_format_size(char *buf, size_t n, uint64_t v);

/* ---- gen_workloads.c ---- */

struct gen_workload {
	const char *name;
	const char *summary;     /* one line for 'tdpsim gen --help' */
	const char *description; /* what the trace holds: phases, marks */
	const char *example;
	const struct gen_param *params;
	/* Check the options (a message on stderr, EXIT_BAD_INPUT) and build tables; 0 if fine. */
	int (*prepare)(struct gen *g, void **state);
	/* Settings the workload needs in the trace ("manual_dirty_log_protect=1"), or NULL. */
	int (*settings)(const struct gen *g, const char **sets, int max);
	/* Write the workload's events after the setup; a negative TDPSIM_E* on failure. */
	int (*run)(struct gen *g, void *state);
	void (*release)(void *state);
};

extern const struct gen_workload gen_workloads[];
extern const size_t gen_workload_count;

#endif

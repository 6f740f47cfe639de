/* SPDX-License-Identifier: MIT */
/*
 * tdpsim gen: write a synthetic access-level trace.  The same workload, seed and options
 * give the same bytes: the events come from the generator's own PRNG (gen_rng.c) in a fixed
 * order, and are written one at a time as they are made (nothing but a workload's small
 * tables is held in memory).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gen.h"

/* In TDPSIM_BACKING_* order: the plain kinds, then QEMU's backends (FORMAT.md `backing`). */
static const char *const backing_names[] = { "4k", "thp", "hugetlb2m", "hugetlb1g", "anon",
					     "shmem", "memory-backend-ram",
					     "memory-backend-memfd", "memory-backend-file", NULL };
static const char *const guest_page_names[] = { "4k", "2m", NULL };

#define OPT(f) offsetof(struct gen_opts, f)

static const struct gen_param common_params[] = {
	{ "seed", P_COUNT, OPT(seed), "1", "N", "the seed of the generator's PRNG", NULL, 0, -1 },
	{ "mem", P_SIZE, OPT(mem), "1G", "SIZE",
	  "guest memory: one memslot at gpa 0 (a multiple of 2M, of 1G for hugetlb1g); the "
	  "guest's page tables take its top few megabytes", NULL, 0, 0 },
	{ "backing", P_CHOICE, OPT(backing), "thp", "KIND",
	  "the host backing of guest memory: 4k, thp, hugetlb2m, hugetlb1g, anon, shmem, or QEMU's "
	  "memory-backend-ram, -memfd, -file (on hugetlbfs)", backing_names, 0,
	  0 },
	{ "populate", P_COUNT, OPT(populate), "1", "0|1",
	  "1: the VMM touches all memory before the guest runs (backing populate=1)", NULL, 0, 1 },
	{ "guest-pages", P_CHOICE, OPT(guest_page), "4k", "4k|2m",
	  "the page size the guest maps the workload's memory with", guest_page_names, 0, 0 },
	{ "vcpus", P_COUNT, OPT(vcpus), "1", "N",
	  "vCPUs; the accesses are dealt out to them in turn", NULL, 1, 256 },
	{ "tick", P_COUNT, OPT(tick), "0", "N",
	  "every N accesses the simulated clock advances by --tick-time (0: only between "
	  "phases)", NULL, 0, -1 },
	{ "tick-time", P_DURATION, OPT(tick_ns), "1ms", "TIME",
	  "how far each --tick advances the clock (ns, us, ms, s)", NULL, 0, 0 },
	{ NULL, 0, 0, NULL, NULL, NULL, NULL, 0, 0 },
};

static const char usage_head[] =
	"usage: tdpsim gen WORKLOAD [--seed N] [options] -o FILE\n"
	"\n"
	"Write a synthetic access-level trace (FILE: .tdpt text, .tdpb binary, + .gz; '-' is\n"
	"text on standard output).  The same workload, seed and options give the same bytes.\n"
	"The trace sets up one memslot of --mem bytes and its host backing, lets the guest map\n"
	"the workload's memory, and marks each phase; replay it under any policy.\n"
	"\n"
	"workloads (each with its own options: 'tdpsim gen WORKLOAD --help'):\n";

static const char usage_tail[] =
	"\n"
	"  -o FILE               the trace to write (required; it appears only when complete)\n"
	"  --set KEY=VALUE       a 'set' line at the start of the trace (repeatable; keys as in\n"
	"                        'tdpsim replay --set'; use --vcpus for vcpus)\n"
	"  --count N             how many accesses (functions for jit): see the workload\n"
	"  -h, --help            this text\n"
	"\n"
	"example:\n"
	"  tdpsim gen jit --seed 7 --count 500 --guest-pages 2m -o jit.tdpt\n"
	"  tdpsim compare jit.tdpt --policy off:nx_huge_pages=off --policy force:nx_huge_pages=force\n"
	"\n"
	"See docs/gen.md.\n";

/* ---- values ---- */

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;
	unsigned long long n;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	n = strtoull(s, &end, 0);
	if (errno || end == s || *end)
		return -1;
	*v = n;
	return 0;
}

static int parse_size(const char *s, uint64_t *v)
{
	char *end;
	unsigned long long n;
	int shift = 0;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	n = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	case 'T': case 't': shift = 40; end++; break;
	default: break;
	}
	if (*end || n >> (52 - shift))
		return -1;
	*v = (uint64_t)n << shift;
	return 0;
}

static int parse_duration(const char *s, uint64_t *v)
{
	static const struct { const char *unit; uint64_t ns; } units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 },
	};
	char *end;
	unsigned long long n;

	if (!*s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(end, units[i].unit) == 0) {
			if (n > (1ull << 62) / units[i].ns)
				return -1;
			*v = n * units[i].ns;
			return 0;
		}
	return -1;
}

static void format_duration(char *buf, size_t n, uint64_t ns)
{
	if (ns && ns % 1000000000 == 0)
		snprintf(buf, n, "%" PRIu64 "s", ns / 1000000000);
	else if (ns && ns % 1000000 == 0)
		snprintf(buf, n, "%" PRIu64 "ms", ns / 1000000);
	else if (ns && ns % 1000 == 0)
		snprintf(buf, n, "%" PRIu64 "us", ns / 1000);
	else
		snprintf(buf, n, "%" PRIu64 "ns", ns);
}

/* The shortest %g that reads back as the same double. */
static void format_real(char *buf, size_t n, double d)
{
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, n, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			return;
	}
}

static void *field(struct gen_opts *o, const struct gen_param *p)
{
	return (char *)o + p->off;
}

static const char *type_word(const struct gen_param *p)
{
	switch (p->type) {
	case P_SIZE: return "a size (4096, 64K, 2M, 1G)";
	case P_COUNT: return "a whole number";
	case P_FRAC: return "a fraction from 0 to 1";
	case P_REAL: return "a number";
	case P_DURATION: return "a time with a unit (500us, 10ms, 1s)";
	case P_CHOICE: return "one of";
	}
	return "a value";
}

/* Set one parameter from text; on a bad value a message naming it, and EXIT_BAD_INPUT. */
static int set_param(struct gen_opts *o, const struct gen_param *p, const char *value)
{
	uint64_t u;
	double d;
	char *end;

	switch (p->type) {
	case P_SIZE:
		if (parse_size(value, &u))
			return cli_usage_error("gen: --%s takes %s, not '%s'", p->name, type_word(p),
					       value);
		*(uint64_t *)field(o, p) = u;
		return 0;
	case P_DURATION:
		if (parse_duration(value, &u))
			return cli_usage_error("gen: --%s takes %s, not '%s'", p->name, type_word(p),
					       value);
		*(uint64_t *)field(o, p) = u;
		return 0;
	case P_COUNT:
		if (parse_u64(value, &u))
			return cli_usage_error("gen: --%s takes %s, not '%s'", p->name, type_word(p),
					       value);
		if ((double)u < p->lo || (p->hi >= 0 && (double)u > p->hi)) {
			if (p->hi >= 0)
				return cli_usage_error("gen: --%s takes %.0f to %.0f, not '%s'",
						       p->name, p->lo, p->hi, value);
			return cli_usage_error("gen: --%s takes at least %.0f, not '%s'", p->name,
					       p->lo, value);
		}
		*(uint64_t *)field(o, p) = u;
		return 0;
	case P_FRAC:
	case P_REAL:
		errno = 0;
		d = strtod(value, &end);
		if (errno || end == value || *end || !isfinite(d))
			return cli_usage_error("gen: --%s takes %s, not '%s'", p->name, type_word(p),
					       value);
		if (d < p->lo || d > p->hi)
			return cli_usage_error("gen: --%s takes a number from %g to %g, not '%s'",
					       p->name, p->lo, p->hi, value);
		*(double *)field(o, p) = d;
		return 0;
	case P_CHOICE:
		for (int i = 0; p->choices[i]; i++)
			if (strcmp(value, p->choices[i]) == 0) {
				*(uint64_t *)field(o, p) = (uint64_t)i;
				return 0;
			}
		{
			char list[256] = "";

			for (int i = 0; p->choices[i]; i++) {
				if (i)
					strncat(list, p->choices[i + 1] ? ", " : " or ",
						sizeof(list) - strlen(list) - 1);
				strncat(list, p->choices[i], sizeof(list) - strlen(list) - 1);
			}
			return cli_usage_error("gen: --%s takes %s, not '%s'", p->name, list, value);
		}
	}
	return cli_usage_error("gen: --%s: bad value '%s'", p->name, value);
}

static void format_param(char *buf, size_t n, struct gen_opts *o, const struct gen_param *p)
{
	switch (p->type) {
	case P_SIZE:
		gen_format_size(buf, n, *(uint64_t *)field(o, p));
		return;
	case P_COUNT:
		snprintf(buf, n, "%" PRIu64, *(uint64_t *)field(o, p));
		return;
	case P_DURATION:
		format_duration(buf, n, *(uint64_t *)field(o, p));
		return;
	case P_FRAC:
	case P_REAL:
		format_real(buf, n, *(double *)field(o, p));
		return;
	case P_CHOICE:
		snprintf(buf, n, "%s", p->choices[*(uint64_t *)field(o, p)]);
		return;
	}
}

/* ---- help ---- */

/* Text wrapped at 90 columns, each line after the first indented by `col`. */
static void print_wrapped(FILE *f, const char *h, int col)
{
	const size_t width = 90 - (size_t)col;
	int first = 1;

	while (*h) {
		size_t len = strlen(h), take = len;

		if (len > width) {
			take = width;
			while (take && h[take] != ' ')
				take--;
			if (!take)
				take = width;
		}
		if (!first)
			fprintf(f, "%*s", col, "");
		for (size_t k = 0; k < take; k++)
			fputc(h[k] == '\x1f' ? ' ' : h[k], f); /* \x1f: a space not to break at */
		fputc('\n', f);
		h += take;
		while (*h == ' ')
			h++;
		first = 0;
	}
}

static void print_params(FILE *f, const struct gen_param *ps)
{
	for (const struct gen_param *p = ps; p->name; p++) {
		char opt[64], text[512];
		const int col = 24;

		snprintf(opt, sizeof(opt), "--%s %s", p->name, p->arg);
		fprintf(f, "  %-*s", col - 2, opt);
		if ((int)strlen(opt) > col - 3)
			fprintf(f, "\n%*s", col, "");
		snprintf(text, sizeof(text), "%s (default %s)", p->help, p->def);
		print_wrapped(f, text, col);
	}
}

static void general_help(void)
{
	fputs(usage_head, stdout);
	for (size_t i = 0; i < gen_workload_count; i++) {
		const struct gen_workload *w = &gen_workloads[i];
		char text[512];
		size_t n = 0;

		printf("  %-14s %s\n", w->name, w->summary);
		for (const struct gen_param *p = w->params; p->name; p++)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "%s--%s\x1f%s", n ? " " : "",
					      p->name, p->def);
		printf("%*s", 17, "");
		print_wrapped(stdout, text, 17);
	}
	fputs("\ncommon options:\n", stdout);
	print_params(stdout, common_params);
	fputs(usage_tail, stdout);
}

static void workload_help(const struct gen_workload *w)
{
	printf("usage: tdpsim gen %s [options] -o FILE\n\n%s: %s\n\n%s\n", w->name, w->name,
	       w->summary, w->description);
	printf("\n%s options:\n", w->name);
	print_params(stdout, w->params);
	fputs("\ncommon options (tdpsim gen --help): -o FILE, --set KEY=VALUE, and\n", stdout);
	print_params(stdout, common_params);
	printf("\nexample:\n%s\n", w->example);
}

/* ---- the command line ---- */

static const struct gen_workload *find_workload(const char *name)
{
	for (size_t i = 0; i < gen_workload_count; i++)
		if (strcmp(gen_workloads[i].name, name) == 0)
			return &gen_workloads[i];
	return NULL;
}

static const struct gen_param *find_param(const struct gen_param *ps, const char *name,
					  size_t len)
{
	for (const struct gen_param *p = ps; p->name; p++)
		if (strlen(p->name) == len && strncmp(p->name, name, len) == 0)
			return p;
	return NULL;
}

static int unknown_workload(const char *name)
{
	char list[256] = "";

	for (size_t i = 0; i < gen_workload_count; i++) {
		if (i)
			strncat(list, ", ", sizeof(list) - strlen(list) - 1);
		strncat(list, gen_workloads[i].name, sizeof(list) - strlen(list) - 1);
	}
	return cli_usage_error("gen: unknown workload '%s' (workloads: %s)", name, list);
}

static int set_defaults(struct gen_opts *o, const struct gen_workload *w)
{
	memset(o, 0, sizeof(*o));
	for (const struct gen_param *p = common_params; p->name; p++)
		if (set_param(o, p, p->def))
			return EXIT_INTERNAL;
	for (const struct gen_param *p = w->params; p->name; p++)
		if (set_param(o, p, p->def))
			return EXIT_INTERNAL;
	return 0;
}

/* A value option's argument: "--name=value" or "--name value". */
static int option_value(int argc, char **argv, int *i, const char *arg, size_t name_len,
			const char **value)
{
	if (arg[name_len] == '=') {
		*value = arg + name_len + 1;
		return 0;
	}
	if (*i + 1 >= argc || (argv[*i + 1][0] == '-' && argv[*i + 1][1]))
		return cli_usage_error("gen: %s needs a value", argv[*i]);
	*value = argv[++*i];
	return 0;
}

static int parse_args(int argc, char **argv, const struct gen_workload **wp, struct gen_opts *o)
{
	const char *name = NULL;
	int help = 0, rc;

	/* First the workload: the one argument that is neither an option nor its value. */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
			help = 1;
		else if (strcmp(a, "-o") == 0 || (strncmp(a, "--", 2) == 0 && !strchr(a, '='))) {
			if (i + 1 < argc && !(argv[i + 1][0] == '-' && argv[i + 1][1]))
				i++; /* its value */
		}
		else if (a[0] == '-' && a[1])
			; /* an option with its value attached, or an unknown one */
		else if (!name)
			name = a;
		else
			return cli_usage_error("gen: one WORKLOAD only, not '%s' as well as '%s'",
					       name, a);
	}
	if (!name) {
		if (help) {
			general_help();
			return -1;
		}
		return cli_usage_error("gen: expected a WORKLOAD (try 'tdpsim gen --help')");
	}
	if (!(*wp = find_workload(name)))
		return unknown_workload(name);
	if (help) {
		workload_help(*wp);
		return -1;
	}
	if ((rc = set_defaults(o, *wp)))
		return rc;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *value = NULL, *key;
		const struct gen_param *p;
		size_t len;

		if (a == name)
			continue;
		if (strncmp(a, "-o", 2) == 0) { /* -o FILE, -oFILE, -o=FILE */
			if (a[2])
				o->out = a[2] == '=' ? a + 3 : a + 2;
			else if ((rc = option_value(argc, argv, &i, a, 2, &o->out)))
				return rc;
			continue;
		}
		if (strncmp(a, "--", 2) != 0)
			return cli_usage_error("gen: unknown option '%s' (try 'tdpsim gen %s "
					       "--help')", a, name);
		key = a + 2;
		len = strcspn(key, "=");
		if (len == 3 && strncmp(key, "set", 3) == 0) {
			if ((rc = option_value(argc, argv, &i, key, len, &value)))
				return rc;
			if (!strchr(value, '=') || value[0] == '=')
				return cli_usage_error("gen: --set takes KEY=VALUE, not '%s'", value);
			if (strncmp(value, "vcpus=", 6) == 0)
				return cli_usage_error("gen: use --vcpus N, not --set vcpus (the "
						       "accesses are dealt out to the vCPUs)");
			if (o->nsets == (int)(sizeof(o->sets) / sizeof(o->sets[0])))
				return cli_usage_error("gen: at most %zu --set",
						       sizeof(o->sets) / sizeof(o->sets[0]));
			o->sets[o->nsets++] = value;
			continue;
		}
		p = find_param(common_params, key, len);
		if (!p)
			p = find_param((*wp)->params, key, len);
		if (!p) {
			for (size_t k = 0; k < gen_workload_count; k++)
				if (find_param(gen_workloads[k].params, key, len))
					return cli_usage_error("gen: the workload %s takes no option "
							       "'--%.*s' (try 'tdpsim gen %s --help')",
							       name, (int)len, key, name);
			return cli_usage_error("gen: unknown option '--%.*s' (try 'tdpsim gen %s "
					       "--help')", (int)len, key, name);
		}
		if ((rc = option_value(argc, argv, &i, key, len, &value)))
			return rc;
		if ((rc = set_param(o, p, value)))
			return rc;
	}
	if (!o->out)
		return cli_usage_error("gen: -o FILE is required ('-o -' writes text to standard "
				       "output)");
	return 0;
}

/* Each --set as a replay would take it, so that a bad one is caught here, not at replay. */
static int check_sets(const struct gen_opts *o)
{
	tdpsim_sim *sim = NULL;
	int rc = 0;

	if (!o->nsets)
		return 0;
	if (tdpsim_sim_new(&sim, NULL) < 0)
		return cli_fail();
	for (int i = 0; i < o->nsets && !rc; i++) {
		char key[64];
		size_t n = strcspn(o->sets[i], "=");

		if (n >= sizeof(key))
			rc = cli_usage_error("gen: --set %s: no such setting", o->sets[i]);
		else {
			memcpy(key, o->sets[i], n);
			key[n] = 0;
			if (tdpsim_sim_set(sim, key, o->sets[i] + n + 1) < 0)
				rc = cli_fail();
		}
	}
	tdpsim_sim_free(sim);
	return rc;
}

/* The options that do not depend on the workload. */
static int check_common(const struct gen_opts *o)
{
	char buf[32];

	gen_format_size(buf, sizeof(buf), o->mem);
	if (o->mem < (16ull << 20) || o->mem % GEN_2M)
		return cli_usage_error("gen: --mem %s: guest memory is a multiple of 2M, at least "
				       "16M", buf);
	if (o->mem > (1ull << 42))
		return cli_usage_error("gen: --mem %s: at most 4T", buf);
	if (o->backing == TDPSIM_BACKING_HUGETLB1G && o->mem % GEN_1G)
		return cli_usage_error("gen: --mem %s: hugetlb1g backing needs a multiple of 1G",
				       buf);
	if (o->tick && !o->tick_ns)
		return cli_usage_error("gen: --tick-time must be more than 0 with --tick");
	return check_sets(o);
}

/* "# generated by: tdpsim gen NAME --seed 1 ..." - every parameter, -o left out. */
static int write_provenance(struct gen *g, const struct gen_workload *w, struct gen_opts *o)
{
	char line[4000], val[64]; /* within a comment's 4,095 bytes */
	size_t n;
	int rc;

	n = (size_t)snprintf(line, sizeof(line), "generated by: tdpsim gen %s", w->name);
	for (int pass = 0; pass < 2; pass++)
		for (const struct gen_param *p = pass ? w->params : common_params; p->name; p++) {
			format_param(val, sizeof(val), o, p);
			if (n < sizeof(line))
				n += (size_t)snprintf(line + n, sizeof(line) - n, " --%s %s",
						      p->name, val);
		}
	for (int i = 0; i < o->nsets; i++)
		if (n < sizeof(line))
			n += (size_t)snprintf(line + n, sizeof(line) - n, " --set %s", o->sets[i]);
	if ((rc = gen_comment(g, "%s", line)) < 0)
		return rc;
	return gen_comment(g, "%s: %s", w->name, w->summary);
}

int cmd_gen(int argc, char **argv)
{
	const struct gen_workload *w = NULL;
	struct gen_opts o;
	struct gen g;
	const char *sets[64];
	void *state = NULL;
	int nsets = 0, rc;

	rc = parse_args(argc, argv, &w, &o);
	if (rc)
		return rc < 0 ? EXIT_DONE : rc;
	if ((rc = check_common(&o)))
		return rc;
	memset(&g, 0, sizeof(g));
	g.o = &o;
	gen_rng_seed(&g.rng, o.seed);
	gen_layout(&g);
	if ((rc = w->prepare(&g, &state)))
		return rc;
	if (w->settings)
		nsets = w->settings(&g, sets, 32);
	for (int i = 0; i < o.nsets; i++)
		sets[nsets++] = o.sets[i];
	if (tdpsim_trace_writer_new(&g.w, o.out) < 0) {
		if (w->release)
			w->release(state);
		return cli_fail();
	}
	rc = write_provenance(&g, w, &o);
	if (rc >= 0)
		rc = gen_setup(&g, sets, nsets);
	if (rc >= 0)
		rc = w->run(&g, state);
	if (w->release)
		w->release(state);
	if (rc < 0) {
		tdpsim_trace_writer_abort(g.w);
		return cli_fail();
	}
	if (tdpsim_trace_writer_close(g.w) < 0)
		return cli_fail();
	if (strcmp(o.out, "-") != 0)
		fprintf(stderr, "gen: %s: %s, %" PRIu64 " accesses\n", o.out, w->name, g.accesses);
	return EXIT_DONE;
}

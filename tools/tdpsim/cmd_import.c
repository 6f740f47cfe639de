/* SPDX-License-Identifier: MIT */
/* tdpsim import: recordings (KVM tracepoints, valgrind lackey logs) in as traces. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tdpsim/import.h"

static const char usage[] =
	"usage: tdpsim import --from FORMAT IN -o OUT [options]\n"
	"\n"
	"Turn a recording into a trace (OUT: .tdpt, .tdpb, +.gz).  FORMAT:\n"
	"  ftrace     text of /sys/kernel/tracing/trace or of 'trace-cmd report'\n"
	"  trace-cmd  a trace.dat file (read with libtracecmd)\n"
	"  perf       'perf script' text\n"
	"    these three take KVM's kvm/kvmmmu tracepoints and write one fault record per\n"
	"    fault KVM handled, with the recorded time between them and, as comments, the\n"
	"    level KVM mapped ('tdpsim replay --check-recorded' compares with it)\n"
	"  lackey     valgrind --tool=lackey --trace-mem=yes output: an access-level trace\n"
	"             through a small guest OS model (pages mapped on first touch)\n"
	"  scn        a scenario script of the real-KVM harness (its language and layout:\n"
	"             docs/import.md): a mark stepN after each step; with --summary its\n"
	"             real stats too ('tdpsim replay --against-real' compares)\n"
	"\n"
	"  --layout FILE   trace lines (set, memslot, backing, guest-pt) giving the VM's memory,\n"
	"                  which tracepoints do not record (default: one inferred slot)\n"
	"  --lenient       skip malformed lines (counted) instead of stopping at the first\n"
	"  --guest-thp     lackey: the guest maps the program with 2M pages\n"
	"  --seed N        lackey: which guest frames first touches get (0: in order)\n"
	"  --guest-mem S   lackey: guest memory, e.g. 8G (default 4G)\n"
	"  --summary FILE  scn: the harness's *.summary.tsv of the scenario (the data slot's\n"
	"                  hva, each step's command checked, the real stats as comments)\n"
	"  --progress / --no-progress   the progress bar on stderr (default: on a terminal,\n"
	"                  after a second)\n"
	"  -h, --help      this text\n"
	"\n"
	"example:\n"
	"  trace-cmd record -e kvmmmu -e kvm:kvm_page_fault ... && trace-cmd report > vm.txt\n"
	"  tdpsim import --from ftrace vm.txt -o vm.tdpt && tdpsim replay --check-recorded vm.tdpt\n"
	"  tdpsim import --from scn s.scn --summary s.summary.tsv -o s.tdpt &&\n"
	"    tdpsim replay --against-real s.tdpt\n";

enum { OPT_FROM = 256, OPT_LAYOUT, OPT_LENIENT, OPT_THP, OPT_SEED, OPT_MEM, OPT_PROGRESS,
       OPT_NO_PROGRESS, OPT_SUMMARY };

static const struct option options[] = {
	{ "from", required_argument, NULL, OPT_FROM },
	{ "layout", required_argument, NULL, OPT_LAYOUT },
	{ "lenient", no_argument, NULL, OPT_LENIENT },
	{ "guest-thp", no_argument, NULL, OPT_THP },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "guest-mem", required_argument, NULL, OPT_MEM },
	{ "summary", required_argument, NULL, OPT_SUMMARY },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct import_args {
	const char *in, *out;
	int from_set, progress;
	tdpsim_import_options o;
};

static int parse_from(const char *s, tdpsim_import_format *f)
{
	static const char *const names[] = { "ftrace", "trace-cmd", "perf", "lackey", "scn" };

	for (int i = 0; i < 5; i++)
		if (strcmp(s, names[i]) == 0) {
			*f = (tdpsim_import_format)i;
			return 0;
		}
	return cli_usage_error("import: --from takes ftrace, trace-cmd, perf, lackey or scn, not "
			       "'%s'",
			       s);
}

static int parse_size(const char *s, uint64_t *v)
{
	char *end;
	unsigned long long n = strtoull(s, &end, 0);
	int shift = 0;

	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	case 'T': case 't': shift = 40; end++; break;
	default: break;
	}
	if (end == s || *end || n >> (63 - shift))
		return -1;
	*v = (uint64_t)n << shift;
	return 0;
}

static int parse_args(int argc, char **argv, struct import_args *a)
{
	int c;

	memset(a, 0, sizeof(*a));
	tdpsim_import_options_init(&a->o, TDPSIM_IMPORT_OPTIONS_VERSION);
	a->progress = 1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			return -1;
		case 'o': a->out = optarg; break;
		case OPT_FROM:
			if (parse_from(optarg, &a->o.format))
				return EXIT_BAD_INPUT;
			a->from_set = 1;
			break;
		case OPT_LAYOUT: a->o.layout = optarg; break;
		case OPT_SUMMARY: a->o.summary = optarg; break;
		case OPT_LENIENT: a->o.lenient = 1; break;
		case OPT_THP: a->o.guest_thp = 1; break;
		case OPT_SEED:
			if (parse_size(optarg, &a->o.seed))
				return cli_usage_error("import: --seed takes a number, not '%s'",
						       optarg);
			break;
		case OPT_MEM:
			if (parse_size(optarg, &a->o.guest_mem))
				return cli_usage_error("import: --guest-mem takes a size, not '%s'",
						       optarg);
			break;
		case OPT_PROGRESS: a->progress = 2; break;
		case OPT_NO_PROGRESS: a->progress = 0; break;
		default:
			return cli_option_error("import", c, argv);
		}
	}
	if (!a->from_set)
		return cli_usage_error("import: --from FORMAT is required (try --help)");
	if (optind != argc - 1 || !a->out)
		return cli_usage_error("import: expected one IN and -o OUT (try --help)");
	a->in = argv[optind];
	if (a->o.summary && a->o.format != TDPSIM_IMPORT_SCN)
		return cli_usage_error("import: --summary is for --from scn");
	if (outfile_is_input(a->out, a->in) || outfile_is_input(a->out, a->o.layout) ||
	    outfile_is_input(a->out, a->o.summary))
		return cli_usage_error("import: -o %s is an input: writing it would destroy it",
				       a->out);
	return 0;
}

struct bar { int mode, shown; double start, last; };

static int bar_cb(uint64_t done, uint64_t total, void *payload)
{
	struct bar *b = payload;
	double t = now_seconds();

	if (!b->mode || !isatty(2) || (b->mode == 1 && t - b->start < 1.0) || t - b->last < 0.2)
		return 0;
	b->last = t;
	b->shown = 1;
	if (total)
		fprintf(stderr, "\rimport: %5.1f%%  %.1f MB/s ", 100.0 * (double)done / (double)total,
			(double)done / (t - b->start) / 1e6);
	else
		fprintf(stderr, "\rimport: %.1f MB ", (double)done / 1e6);
	return 0;
}

static void print_result(const tdpsim_import_result *r, tdpsim_import_format f)
{
	for (size_t i = 0; i < r->notice_count; i++)
		fprintf(stderr, "tdpsim: note: %s\n", r->notices[i]);
	if (f == TDPSIM_IMPORT_SCN) {
		fprintf(stderr, "import: %" PRIu64 " lines, %" PRIu64 " steps after setup\n",
			r->lines, r->events);
	} else if (f == TDPSIM_IMPORT_LACKEY) {
		fprintf(stderr, "import: %" PRIu64 " lines, %" PRIu64 " memory records, %" PRIu64
			" accesses, %" PRIu64 " guest pages mapped\n", r->lines, r->events,
			r->faults, r->guest_maps);
	} else {
		fprintf(stderr, "import: %" PRIu64 " lines, %" PRIu64 " events, %" PRIu64
			" faults on %" PRIu32 " vCPU(s)", r->lines, r->events, r->faults, r->vcpus);
		if (r->shadow)
			fprintf(stderr, "; %" PRIu64 " guest walks: %" PRIu64 " without an SPTE "
				"request (emulator), %" PRIu64 " guest #PF (walker error); %" PRIu64
				" guest-map", r->walks, r->walks_no_fault, r->walker_errors,
				r->guest_maps);
		fputc('\n', stderr);
	}
	if (r->malformed)
		fprintf(stderr, "import: %" PRIu64 " malformed lines skipped\n", r->malformed);
	for (size_t i = 0; i < r->unused_count; i++)
		fprintf(stderr, "import: not used: %s x %" PRIu64 "\n", r->unused[i].name,
			r->unused[i].count);
	if (r->unused_other)
		fprintf(stderr, "import: not used: %" PRIu64 " events of further kinds\n",
			r->unused_other);
}

int cmd_import(int argc, char **argv)
{
	struct import_args a;
	struct bar b = { 0, 0, 0, 0 };
	tdpsim_import_result *r;
	tdpsim_trace_writer *w = NULL;
	int rc = parse_args(argc, argv, &a);

	if (rc)
		return rc < 0 ? EXIT_DONE : rc;
	b.mode = a.progress;
	b.start = now_seconds();
	a.o.progress = bar_cb;
	a.o.payload = &b;
	r = malloc(sizeof(*r));
	if (!r)
		return cli_usage_error("import: out of memory");
	if (tdpsim_trace_writer_new(&w, a.out) < 0) {
		free(r);
		return cli_fail();
	}
	rc = tdpsim_import(a.in, w, &a.o, r);
	if (b.shown)
		fputs("\r\033[K", stderr);
	if (rc < 0) {
		tdpsim_trace_writer_abort(w);
		free(r);
		return cli_fail();
	}
	rc = tdpsim_trace_writer_close(w) < 0 ? cli_fail() : EXIT_DONE;
	if (rc == EXIT_DONE)
		print_result(r, a.o.format);
	free(r);
	return rc;
}

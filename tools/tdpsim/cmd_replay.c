/* SPDX-License-Identifier: MIT */
/* tdpsim replay: run a trace through the machine and report. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "replay_real.h"
#include "replay_timeline.h"

static const char usage[] =
	"usage: tdpsim replay TRACE [options]\n"
	"\n"
	"Replay TRACE (.tdpt text or .tdpb binary, optionally .gz; - for stdin) and print the\n"
	"stats at every mark and at the end.\n"
	"\n"
	"  --set KEY=VALUE  a setting's starting value, pinned: the trace's own `set` lines for\n"
	"                   KEY are then ignored (repeatable; keys as in the trace `set`)\n"
	"  --models DIR     a folder whose model files the trace's 'set kvm=PATH' and 'set\n"
	"                   cpu=PATH' may name (repeatable; always allowed: the trace's own\n"
	"                   folder; --set may name any file)\n"
	"  --json           JSON output (settings, final, marks, notices, digest)\n"
	"  --csv            CSV output: one row per mark, then a row 'final'\n"
	"  -o FILE          write the output to FILE (it appears only when complete)\n"
	"  --check          verify the simulator's invariants after every event (slow)\n"
	CLI_BUDGET_USAGE
	"  --progress       show the progress bar at once (default: after a second)\n"
	"  --no-progress    never show it (it is only ever shown on a terminal)\n"
	"  --timing         print wall-clock time and rate to stderr\n"
	REPLAY_TIMELINE_USAGE
	"  --check-recorded compare each fault's level with the one recorded by 'tdpsim import'\n"
	"                   (its '# recorded level=N' comments; text traces) and print the\n"
	"                   agreement to stderr\n"
	"  --against-real   compare the stats at each mark stepN with the real KVM's after\n"
	"                   that step ('# real stepN:' lines, which 'tdpsim import --from scn\n"
	"                   --summary' writes; text traces) and print the agreement to stderr\n"
	"  -h, --help       this text\n"
	REPLAY_TIMELINE_EXAMPLE;

enum { OPT_SET = 256, OPT_JSON, OPT_CSV, OPT_CHECK, OPT_PROGRESS, OPT_NO_PROGRESS, OPT_TIMING,
       OPT_CHECK_RECORDED, OPT_MODELS, OPT_AGAINST_REAL };

static const struct option options[] = {
	{ "set", required_argument, NULL, OPT_SET },
	{ "models", required_argument, NULL, OPT_MODELS },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "csv", no_argument, NULL, OPT_CSV },
	{ "check", no_argument, NULL, OPT_CHECK },
	CLI_BUDGET_OPTIONS
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "timing", no_argument, NULL, OPT_TIMING },
	REPLAY_TIMELINE_OPTIONS
	{ "check-recorded", no_argument, NULL, OPT_CHECK_RECORDED },
	{ "against-real", no_argument, NULL, OPT_AGAINST_REAL },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

#define MAX_SETS 64

struct replay_args {
	const char *trace, *out;
	const char *sets[MAX_SETS];
	const char *models[MAX_SETS];
	int nsets, nmodels, check, progress, timing, check_recorded, against_real;
	enum report_format fmt;
	struct replay_timeline timeline; /* --timeline, --interval, --plot */
	struct cli_budget budget;        /* --max-memory, --max-work */
};

static int parse_args(int argc, char **argv, struct replay_args *a)
{
	int c, rc;

	memset(a, 0, sizeof(*a));
	a->progress = 1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			return -1;
		case 'o':
			a->out = optarg;
			break;
		case OPT_SET:
			if (a->nsets == MAX_SETS)
				return cli_usage_error("replay: at most %d --set", MAX_SETS);
			if (!strchr(optarg, '='))
				return cli_usage_error("replay: --set takes KEY=VALUE, got '%s'",
						       optarg);
			a->sets[a->nsets++] = optarg;
			break;
		case OPT_MODELS:
			if (a->nmodels == MAX_SETS)
				return cli_usage_error("replay: at most %d --models", MAX_SETS);
			a->models[a->nmodels++] = optarg;
			break;
		case OPT_JSON: a->fmt = REPORT_JSON; break;
		case OPT_CSV: a->fmt = REPORT_CSV; break;
		case OPT_CHECK: a->check = 1; break;
		case CLI_OPT_MAX_MEMORY:
		case CLI_OPT_MAX_WORK:
			if ((rc = cli_budget_option(&a->budget, "replay", c, optarg)) != 0)
				return rc;
			break;
		case OPT_PROGRESS: a->progress = 2; break;
		case OPT_NO_PROGRESS: a->progress = 0; break;
		case OPT_TIMING: a->timing = 1; break;
		case OPT_TIMELINE:
		case OPT_INTERVAL:
		case OPT_PLOT:
			if ((rc = replay_timeline_option(&a->timeline, c, optarg)) != 0)
				return rc;
			break;
		case OPT_CHECK_RECORDED: a->check_recorded = 1; break;
		case OPT_AGAINST_REAL: a->against_real = 1; break;
		default:
			return cli_option_error("replay", c, argv);
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("replay: expected exactly one TRACE (try --help)");
	a->trace = argv[optind];
	return replay_timeline_check(&a->timeline, a->trace);
}

static int pin_settings(tdpsim_sim *sim, const struct replay_args *a)
{
	for (int i = 0; i < a->nmodels; i++)
		if (tdpsim_sim_add_models_path(sim, a->models[i]) < 0) {
			fprintf(stderr, "tdpsim: --models %s: %s\n", a->models[i],
				tdpsim_error_last()->message);
			return EXIT_BAD_INPUT;
		}
	for (int i = 0; i < a->nsets; i++) {
		char key[128];
		const char *eq = strchr(a->sets[i], '=');
		size_t n = (size_t)(eq - a->sets[i]);

		if (n >= sizeof(key))
			return cli_usage_error("--set: key too long");
		memcpy(key, a->sets[i], n);
		key[n] = '\0';
		if (tdpsim_sim_set(sim, key, eq + 1) < 0) {
			fprintf(stderr, "tdpsim: --set %s: %s\n", a->sets[i],
				tdpsim_error_last()->message);
			return EXIT_BAD_INPUT;
		}
	}
	return 0;
}

/* ---- --check-recorded (tdpsim import's recorded levels) -------------------------------- */
/*
 * tdpsim import writes "# recorded level=N (kvm_mmu_spte_requested)" before each fault whose
 * level the recording showed.  The trace is read a second time, as text, alongside the replay:
 * at each fault event the next fault line of the file is found, with the comment before it.
 */
struct recorded {
	FILE *f;
	int goal;                       /* the level of the last fault KVM handled, 0: none */
	uint64_t faults, with_level, agree, no_sim_level;
	uint64_t by_level[4][4];        /* [recorded][simulated], levels 1..3 */
};

static int recorded_next(struct recorded *r)
{
	char line[512];
	int level = 0;

	while (fgets(line, sizeof(line), r->f)) {
		if (sscanf(line, "# recorded level=%d", &level) == 1)
			continue;
		if (strncmp(line, "fault ", 6) == 0)
			return level;
		if (line[0] != '#')
			level = 0;
	}
	return 0;
}

static void recorded_on_fault(const tdpsim_fault *fault, void *payload)
{
	((struct recorded *)payload)->goal = fault->goal_level;
}

static void recorded_on_event(uint64_t index, const tdpsim_event *ev, void *payload)
{
	struct recorded *r = payload;
	int want;

	(void)index;
	if (ev->cmd != TDPSIM_CMD_FAULT)
		return;
	want = recorded_next(r);
	r->faults++;
	if (want >= 1 && want <= 3) {
		r->with_level++;
		if (r->goal < 1 || r->goal > 3)
			r->no_sim_level++;
		else
			r->by_level[want][r->goal]++;
		r->agree += r->goal == want;
	}
	r->goal = 0;
}

static int recorded_start(tdpsim_sim *sim, const char *path, struct recorded *r)
{
	tdpsim_hooks h = TDPSIM_HOOKS_INIT;
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = replay_open_text_trace(path, "--check-recorded", &r->f)) != 0)
		return rc;
	h.on_fault = recorded_on_fault;
	h.on_event = recorded_on_event;
	h.payload = r;
	if (tdpsim_sim_set_hooks(sim, &h) < 0)
		return cli_fail();
	return 0;
}

static void recorded_report(struct recorded *r)
{
	if (!r->f)
		return;
	fclose(r->f);
	r->f = NULL;
	fprintf(stderr, "check-recorded: %llu faults, %llu with a recorded level; the simulator "
		"chose the same level for %llu (%.1f%%)\n", (unsigned long long)r->faults,
		(unsigned long long)r->with_level, (unsigned long long)r->agree,
		r->with_level ? 100.0 * (double)r->agree / (double)r->with_level : 0.0);
	for (int want = 1; want <= 3; want++)
		for (int got = 1; got <= 3; got++)
			if (r->by_level[want][got])
				fprintf(stderr, "check-recorded:   recorded level %d, simulated %d: "
					"%llu\n", want, got,
					(unsigned long long)r->by_level[want][got]);
	if (r->no_sim_level)
		fprintf(stderr, "check-recorded:   recorded, but the simulator mapped nothing: "
			"%llu\n", (unsigned long long)r->no_sim_level);
}
/* ---- end of --check-recorded ------------------------------------------------------------ */

/* -o, --timeline or --plot onto the trace itself would destroy it: refused before anything. */
static int refuse_input_as_output(const struct replay_args *a)
{
	const char *outs[] = { a->out, a->timeline.csv, a->timeline.plot };

	for (size_t i = 0; i < sizeof(outs) / sizeof(outs[0]); i++)
		if (outfile_is_input(outs[i], a->trace))
			return cli_usage_error("replay: %s is the trace being replayed: writing it "
					       "would destroy it", outs[i]);
	return 0;
}

int cmd_replay(int argc, char **argv)
{
	tdpsim_options o = TDPSIM_OPTIONS_INIT;
	struct replay_args a;
	struct progress prog;
	struct outfile out;
	struct report_info info;
	struct recorded rec = { 0 };
	tdpsim_trace *trace = NULL;
	tdpsim_sim *sim = NULL;
	double t0;
	int64_t n;
	int rc = parse_args(argc, argv, &a);

	if (rc)
		return rc < 0 ? EXIT_DONE : rc;
	if ((rc = refuse_input_as_output(&a)) != 0)
		return rc;
	/* The output is opened before the work: a bad -o is refused now, not after the replay. */
	if ((rc = outfile_open(&out, a.out)) != 0)
		return rc;
	o.check = a.check;
	cli_budget_fill(&a.budget, 1, &o);
	if (tdpsim_sim_new(&sim, &o) < 0) {
		outfile_abort(&out);
		return cli_fail();
	}
	if ((rc = pin_settings(sim, &a)) != 0)
		goto done;
	if (a.check_recorded && (rc = recorded_start(sim, a.trace, &rec)) != 0)
		goto done;
	if (tdpsim_trace_open(&trace, a.trace) < 0) {
		rc = cli_fail();
		goto done;
	}
	if ((rc = replay_timeline_begin(&a.timeline, sim)) != 0)
		goto done;
	t0 = now_seconds();
	progress_init(&prog, a.progress, sim);
	n = tdpsim_sim_replay(sim, trace, progress_cb, &prog);
	progress_done(&prog);
	if (n >= 0 && (rc = replay_timeline_end(&a.timeline, sim)) != 0)
		goto done;
	recorded_report(&rec);
	if (n >= 0 && a.against_real && (rc = replay_against_real(sim, a.trace)) != 0)
		goto done;
	for (size_t i = 0; i < tdpsim_sim_notice_count(sim); i++)
		fprintf(stderr, "tdpsim: note: %s\n", tdpsim_sim_notice(sim, i));
	if (n < 0) {
		rc = cli_fail(); /* bad input: no output file is written */
		goto done;
	}
	if (a.timing) {
		double dt = now_seconds() - t0;
		tdpsim_stats st;

		tdpsim_sim_stats(sim, &st);
		fprintf(stderr, "timing: %.3f s, %.2f M events/s, %.2f M accesses/s, %.2f M faults/s\n",
			dt, dt > 0 ? (double)n / dt / 1e6 : 0.0,
			dt > 0 ? (double)st.accesses / dt / 1e6 : 0.0,
			dt > 0 ? (double)st.pf_taken / dt / 1e6 : 0.0);
	}
	info.trace_path = a.trace;
	info.encoding = tdpsim_trace_encoding(trace) == TDPSIM_ENCODING_BINARY
				? (tdpsim_trace_compressed(trace) ? "binary, gzip" : "binary")
				: (tdpsim_trace_compressed(trace) ? "text, gzip" : "text");
	info.events = (uint64_t)n;
	report_write(out.f, sim, a.fmt, &info);
	rc = outfile_commit(&out);
	out.out = NULL;
	out.f = NULL;
	if (rc == 0 && tdpsim_sim_halted(sim, NULL, NULL, NULL)) {
		fprintf(stderr, "tdpsim: %s: the simulated machine took a machine check "
			"(iTLB multihit); later events did not run\n", tdpsim_trace_where(trace));
		rc = EXIT_MACHINE_CHECK;
	}
done:
	outfile_abort(&out);
	replay_timeline_free(&a.timeline);
	if (rec.f)
		fclose(rec.f);
	tdpsim_trace_free(trace);
	tdpsim_sim_free(sim);
	return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * tdpsim compare: one trace replayed under several policies, each in a child process (at
 * most -j at a time), and one table of the results: a row per stat, a column per policy,
 * each column's ratio to the first.  The children's results are put in the order the
 * policies were given, whatever order they finish in, so the output is the same for every -j.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "compare.h"
#include "plot.h"
#include "timeline_csv.h"

static const char usage[] =
	"usage: tdpsim compare TRACE --policy NAME:KEY=VALUE[,KEY=VALUE...] ... [options]\n"
	"\n"
	"Replay TRACE once per policy (each a child process, at most -j at a time) and print one\n"
	"table: a row per stat, a column per policy, and each policy's ratio to the first.  A\n"
	"policy is a name and the settings it pins, as 'tdpsim replay --set' would ('NAME' or\n"
	"'NAME:' alone: the defaults).\n"
	"\n"
	"  --policy SPEC       NAME:KEY=VALUE[,KEY=VALUE...] (at least one; repeatable)\n"
	"  -j N                replay at most N policies at once (default: the online cores)\n"
	CLI_BUDGET_USAGE
	"  --stats LIST        the rows: stat names separated by commas, or 'all' (default: a\n"
	"                      set for hugepage policies and TLB pressure)\n"
	"  --json              JSON: the policies by name, each with its settings, stats and\n"
	"                      ratios\n"
	"  --csv               CSV: a row per stat\n"
	"  -o FILE             write the table (or JSON, CSV) to FILE (it appears only when\n"
	"                      complete)\n"
	"  --plot FILE         draw the table with gnuplot: grouped bars per stat on a ratio\n"
	"                      axis (.png or .svg)\n"
	"  --pressure-plot F   draw each policy's TLB pressure over the replay, overlaid\n"
	"                      (STLB misses per 1000 accesses; .png or .svg)\n"
	"  --timelines DIR     keep each policy's timeline as DIR/NAME.csv (docs/timeline.md)\n"
	"  --interval N        the timelines' interval (as tdpsim replay --interval)\n"
	"  -h, --help          this text\n"
	"\n"
	"example:\n"
	"  tdpsim compare traces/examples/quickstart.tdpt --policy eager:eager_page_split=1 \\\n"
	"      --policy lazy:eager_page_split=0 --plot ratios.png --pressure-plot pressure.png\n";

/* The rows unless --stats says otherwise: what a hugepage policy changes. */
static const char default_stats[] =
	"pages_4k,pages_2m,pages_1g,nx_lpage_splits,pf_taken,pf_fixed,pf_fast,pf_spurious,"
	"remote_tlb_flush_requests,tlb_flushes,stlb_hits,stlb_misses,dtlb_misses_4k,"
	"dtlb_misses_2m,itlb_misses_4k,itlb_misses_2m,walk_refs,cycles,cycles_tlb,cycles_walk,"
	"cycles_exit,cycles_kvm,cycles_flush,cycles_background";

enum { OPT_POLICY = 256, OPT_STATS, OPT_JSON, OPT_CSV, OPT_PLOT, OPT_PRESSURE, OPT_TIMELINES,
       OPT_INTERVAL_C };

static const struct option options[] = {
	{ "policy", required_argument, NULL, OPT_POLICY },
	CLI_BUDGET_OPTIONS
	{ "stats", required_argument, NULL, OPT_STATS },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "csv", no_argument, NULL, OPT_CSV },
	{ "plot", required_argument, NULL, OPT_PLOT },
	{ "pressure-plot", required_argument, NULL, OPT_PRESSURE },
	{ "timelines", required_argument, NULL, OPT_TIMELINES },
	{ "interval", required_argument, NULL, OPT_INTERVAL_C },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* ---- the command line ---- */

static int parse_policy(const char *spec, struct policy *p)
{
	const char *colon = strchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
	char *copy, *tok, *save = NULL;

	memset(p, 0, sizeof(*p));
	if (n == 0 || n >= sizeof(p->name))
		return cli_usage_error("compare: --policy %s: a policy needs a name (1 to %zu "
				       "characters) before the ':'", spec, sizeof(p->name) - 1);
	memcpy(p->name, spec, n);
	if (!cli_policy_name_ok(p->name, n))
		return cli_usage_error("compare: --policy %s: the name may hold letters, "
				       "digits and _ . - + only", spec);
	if (!colon || !colon[1])
		return 0;
	if (!(copy = strdup(colon + 1)))
		return cli_usage_error("out of memory");
	p->text = copy;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strchr(tok, '=') || tok[0] == '=')
			return cli_usage_error("compare: --policy %s: '%s' is not KEY=VALUE", spec,
					       tok);
		if (p->nsets == POLICY_MAX_SETS)
			return cli_usage_error("compare: --policy %s: at most %d settings", spec,
					       POLICY_MAX_SETS);
		p->sets[p->nsets++] = tok;
	}
	return 0;
}

static int parse_stats(const char *list, struct compare_args *a)
{
	char *copy, *tok, *save = NULL;

	a->nrows = 0;
	if (strcmp(list, "all") == 0) {
		for (size_t i = 0; i < tdpsim_stats_count() && i < COMPARE_MAX_ROWS; i++)
			a->rows[a->nrows++] = i;
		return 0;
	}
	if (!(copy = strdup(list)))
		return cli_usage_error("out of memory");
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int i = tdpsim_stats_find(tok);

		if (i < 0 || a->nrows == COMPARE_MAX_ROWS) {
			int rc = cli_usage_error(i < 0 ? "compare: --stats: no stat '%s' (the names: "
							 "tdpsim replay --csv's header)"
						       : "compare: --stats: too many ('%s')", tok);
			free(copy);
			return rc;
		}
		a->rows[a->nrows++] = (size_t)i;
	}
	free(copy);
	return a->nrows ? 0 : cli_usage_error("compare: --stats names no stat");
}

static int check_args(struct compare_args *a)
{
	int rc;

	if (a->npolicies == 0)
		return cli_usage_error("compare: at least one --policy NAME:KEY=VALUE (try --help)");
	for (size_t i = 0; i < a->npolicies; i++)
		for (size_t k = 0; k < i; k++)
			if (strcmp(a->policies[i].name, a->policies[k].name) == 0)
				return cli_usage_error("compare: two policies are called '%s'",
						       a->policies[i].name);
	if (a->plot && a->npolicies < 2)
		return cli_usage_error("compare: --plot draws ratios to the first policy: it needs "
				       "two policies or more");
	if (a->plot && (rc = plot_check_output("--plot", a->plot)) != 0)
		return rc;
	if (a->pressure && (rc = plot_check_output("--pressure-plot", a->pressure)) != 0)
		return rc;
	if ((a->plot || a->pressure) && (rc = plot_need_gnuplot()) != 0)
		return rc;
	if (a->interval && !a->pressure && !a->timelines)
		return cli_usage_error("compare: --interval is for --pressure-plot or --timelines");
	if (!a->pressure && !a->timelines)
		return 0;
	if (a->interval)
		return timeline_parse_interval(a->interval, &a->unit, &a->every);
	return timeline_default_interval(a->trace, &a->unit, &a->every);
}

static int parse_args(int argc, char **argv, struct compare_args *a)
{
	int c, rc = 0;

	memset(a, 0, sizeof(*a));
	a->jobs = (unsigned)(sysconf(_SC_NPROCESSORS_ONLN) > 0 ? sysconf(_SC_NPROCESSORS_ONLN) : 1);
	optind = 1;
	opterr = 0;
	if ((rc = parse_stats(default_stats, a)) != 0)
		return rc;
	while (rc == 0 && (c = getopt_long(argc, argv, ":ho:j:", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			return -1;
		case 'o': a->out = optarg; break;
		case 'j': rc = cli_parse_jobs("compare", optarg, &a->jobs); break;
		case CLI_OPT_MAX_MEMORY:
		case CLI_OPT_MAX_WORK: rc = cli_budget_option(&a->budget, "compare", c, optarg); break;
		case OPT_POLICY:
			if (a->npolicies == COMPARE_MAX_POLICIES)
				return cli_usage_error("compare: at most %d policies",
						       COMPARE_MAX_POLICIES);
			rc = parse_policy(optarg, &a->policies[a->npolicies++]);
			break;
		case OPT_STATS: rc = parse_stats(optarg, a); break;
		case OPT_JSON: a->fmt = REPORT_JSON; break;
		case OPT_CSV: a->fmt = REPORT_CSV; break;
		case OPT_PLOT: a->plot = optarg; break;
		case OPT_PRESSURE: a->pressure = optarg; break;
		case OPT_TIMELINES: a->timelines = optarg; break;
		case OPT_INTERVAL_C: a->interval = optarg; break;
		default:
			return cli_option_error("compare", c, argv);
		}
	}
	if (rc)
		return rc;
	if (optind != argc - 1)
		return cli_usage_error("compare: expected exactly one TRACE (try --help)");
	a->trace = argv[optind];
	if (strcmp(a->trace, "-") == 0)
		return cli_usage_error("compare: every policy reads the trace anew: give a file, "
				       "not standard input");
	if (outfile_is_input(a->out, a->trace) || outfile_is_input(a->plot, a->trace) ||
	    outfile_is_input(a->pressure, a->trace))
		return cli_usage_error("compare: an output is the trace %s itself: writing it would "
				       "destroy it", a->trace);
	return check_args(a);
}

/* ---- running the policies ---- */

/* Each policy's timeline: DIR/NAME.csv, in --timelines or a scratch directory. */
static int timeline_paths(struct compare_args *a)
{
	const char *dir = a->timelines;

	if (!a->pressure && !a->timelines)
		return 0;
	if (dir && mkdir(dir, 0777) < 0 && errno != EEXIST)
		return cli_usage_error("compare: --timelines %s: cannot make it: %s", dir,
				       strerror(errno));
	if (!dir) {
		const char *tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

		snprintf(a->scratch, sizeof(a->scratch), "%s/tdpsim-compare.XXXXXX", tmp);
		if (!mkdtemp(a->scratch))
			return cli_usage_error("compare: cannot make a scratch directory in %s: %s",
					       tmp, strerror(errno));
		dir = a->scratch;
	}
	for (size_t i = 0; i < a->npolicies; i++) {
		a->policies[i].timeline = malloc(strlen(dir) + strlen(a->policies[i].name) + 6);
		if (!a->policies[i].timeline)
			return cli_usage_error("out of memory");
		sprintf(a->policies[i].timeline, "%s/%s.csv", dir, a->policies[i].name);
	}
	return 0;
}

/* Start policy i's child; its result comes back through a pipe. */
static int spawn(struct compare_args *a, size_t i)
{
	struct policy *p = &a->policies[i];
	int fds[2];

	if (pipe(fds) < 0)
		return cli_usage_error("compare: pipe: %s", strerror(errno));
	fflush(stdout);
	fflush(stderr);
	p->pid = fork();
	if (p->pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return cli_usage_error("compare: fork: %s", strerror(errno));
	}
	if (p->pid == 0) {
		close(fds[0]);
		_exit(compare_child(a, p, fds[1]));
	}
	close(fds[1]);
	p->fd = fds[0];
	return 0;
}

/* A child ended: read what it sent. */
static int collect(struct policy *p, int status)
{
	size_t got = 0;

	while (got < sizeof(p->result)) {
		ssize_t n = read(p->fd, (char *)&p->result + got, sizeof(p->result) - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(p->fd);
	if (got != sizeof(p->result) || !WIFEXITED(status)) {
		fprintf(stderr, "tdpsim: compare: policy %s: its replay ended without a result\n",
			p->name);
		return EXIT_INTERNAL;
	}
	if (p->result.status != 0)
		fprintf(stderr, "tdpsim: compare: policy %s: %s\n", p->name, p->result.message);
	return p->result.status == EXIT_MACHINE_CHECK ? 0 : p->result.status;
}

/* At most `jobs` children at a time; every child is waited for, even after a failure. */
static int run_all(struct compare_args *a)
{
	size_t next = 0, running = 0;
	int rc = 0;

	while (next < a->npolicies || running > 0) {
		int status;
		pid_t pid;

		if (rc == 0 && next < a->npolicies && running < a->jobs) {
			if ((rc = spawn(a, next)) == 0) {
				next++;
				running++;
			}
			continue;
		}
		if (running == 0)
			break;
		pid = waitpid(-1, &status, 0);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			return cli_usage_error("compare: waitpid: %s", strerror(errno));
		for (size_t i = 0; i < next; i++)
			if (a->policies[i].pid == pid) {
				int r = collect(&a->policies[i], status);

				rc = rc ? rc : r;
				a->policies[i].pid = 0;
				running--;
			}
	}
	return rc;
}

static void cleanup(struct compare_args *a)
{
	for (size_t i = 0; i < a->npolicies; i++) {
		if (a->scratch[0] && a->policies[i].timeline)
			unlink(a->policies[i].timeline);
		free(a->policies[i].timeline);
		free(a->policies[i].text);
	}
	if (a->scratch[0])
		rmdir(a->scratch);
}

static int pressure_plot(const struct compare_args *a)
{
	const char *paths[COMPARE_MAX_POLICIES], *labels[COMPARE_MAX_POLICIES];
	struct plot_request r = { PLOT_COMPARE, paths, labels, a->npolicies, "stlb_mpka",
				  "TLB pressure by policy: page walks per 1000 accesses", a->pressure,
				  NULL };

	for (size_t i = 0; i < a->npolicies; i++) {
		paths[i] = a->policies[i].timeline;
		labels[i] = a->policies[i].name;
	}
	return plot_timelines(&r);
}

int cmd_compare(int argc, char **argv)
{
	struct compare_args *a = calloc(1, sizeof(*a));
	struct outfile out;
	int halted = 0, rc;

	if (!a)
		return cli_usage_error("out of memory");
	rc = parse_args(argc, argv, a);
	if (rc == 0) {
		/* the replays that run at once share the default memory budget */
		tdpsim_options_init(&a->opts, TDPSIM_OPTIONS_VERSION);
		cli_budget_fill(&a->budget, a->jobs < a->npolicies ? a->jobs : (unsigned)a->npolicies,
				&a->opts);
		rc = timeline_paths(a);
	}
	if (rc == 0)
		rc = run_all(a);
	if (rc == 0 && (rc = outfile_open(&out, a->out)) == 0) {
		compare_report(out.f, a);
		rc = outfile_commit(&out);
	}
	if (rc == 0 && a->plot)
		rc = compare_plot(a);
	if (rc == 0 && a->pressure)
		rc = pressure_plot(a);
	for (size_t i = 0; rc == 0 && i < a->npolicies; i++)
		halted |= a->policies[i].result.status == EXIT_MACHINE_CHECK;
	cleanup(a);
	free(a);
	if (rc < 0)
		return EXIT_DONE; /* --help */
	return rc ? rc : halted ? EXIT_MACHINE_CHECK : EXIT_DONE;
}

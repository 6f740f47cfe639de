/* SPDX-License-Identifier: MIT */
/*
 * tdpsim grid: traces x settings, each cell a replay kept in a cells folder, and one CSV of
 * them all.  Run here (-j children at a time), or written out as a job list for GNU parallel
 * and a Slurm job-array script whose jobs each run one cell (--cell), then gathered with
 * --merge.  Both ways the CSV comes from the same merge of the same result files, so it is
 * the same; a cell whose result is there is never run again.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "grid.h"

static const char usage[] =
	"usage: tdpsim grid [GRIDFILE] [--trace T]... [--axis KEY=V1,V2,...]... [options]\n"
	"       tdpsim grid --merge DIR [-o FILE]\n"
	"       tdpsim grid --cell K DIR\n"
	"\n"
	"Replay every trace under every combination of settings - a cell each - and write one\n"
	"CSV: a row per cell and mark, and a 'final' row per cell.  The grid comes from GRIDFILE\n"
	"(docs/grid.md: a first line 'tdpsim-grid 1', then lines as the options below, without\n"
	"the dashes) and the options; each cell's result is kept in the cells folder, and a cell\n"
	"whose result is there is not run again.\n"
	"\n"
	"the grid:\n"
	"  --trace PATH        a trace (repeatable)\n"
	"  --set KEY=VALUE     a setting every cell pins (repeatable)\n"
	"  --policy SPEC       NAME:KEY=VALUE[,KEY=VALUE...], as tdpsim compare's (repeatable)\n"
	"  --axis KEY=V1,V2,.. a setting and its values (repeatable: every combination runs)\n"
	"  --stats LIST        the CSV's stat columns (default: every stat)\n"
	"running:\n"
	"  -j N                run at most N cells at once (default: the online cores)\n"
	CLI_BUDGET_USAGE
	"  --cells DIR         keep the cells' results in DIR (default: FILE.cells with -o FILE,\n"
	"                      else a scratch folder removed at the end)\n"
	"  -o FILE             write the CSV to FILE (it appears only when complete)\n"
	"  --list              list the cells, each with 'done' or 'todo', and run nothing\n"
	"  --emit-jobs FILE    run nothing: write the grid into --cells DIR, FILE (a job per\n"
	"                      line, for GNU parallel) and FILE.sbatch (a Slurm job array)\n"
	"  --merge DIR         the CSV of DIR's grid from its cells' results\n"
	"  --cell K DIR        run cell K of DIR's grid (what a job of --emit-jobs does)\n"
	"  -h, --help          this text\n"
	"\n"
	"examples:\n"
	"  tdpsim grid --trace traces/examples/quickstart.tdpt \\\n"
	"      --axis nx_huge_pages=off,force --axis eager_page_split=0,1 -o grid.csv\n"
	"  tdpsim grid study.grid --cells /shared/cells --emit-jobs jobs.txt\n"
	"  parallel < jobs.txt            # or: sbatch jobs.txt.sbatch\n"
	"  tdpsim grid --merge /shared/cells -o study.csv\n";

enum { OPT_TRACE = 256, OPT_SET, OPT_POLICY, OPT_AXIS, OPT_STATS, OPT_CELLS, OPT_LIST,
       OPT_EMIT, OPT_MERGE, OPT_CELL };

static const struct option options[] = {
	{ "trace", required_argument, NULL, OPT_TRACE },
	CLI_BUDGET_OPTIONS
	{ "set", required_argument, NULL, OPT_SET },
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ "axis", required_argument, NULL, OPT_AXIS },
	{ "stats", required_argument, NULL, OPT_STATS },
	{ "cells", required_argument, NULL, OPT_CELLS },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "emit-jobs", required_argument, NULL, OPT_EMIT },
	{ "merge", required_argument, NULL, OPT_MERGE },
	{ "cell", required_argument, NULL, OPT_CELL },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct grid_args {
	struct grid grid;
	const char *out, *cells, *emit, *merge, *cell;
	int list;
	unsigned jobs;
	struct cli_budget budget;  /* --max-memory, --max-work: each cell's */
	tdpsim_options opts;       /* the cells' options: the budget */
	char *lines[4 * GRID_MAX_SETS + GRID_MAX_TRACES]; /* the grid options, as grid lines */
	size_t nlines;
	char dir[PATH_MAX];   /* the cells folder, made */
	int scratch;          /* dir is ours: removed at the end */
};

/* ---- the command line ---- */

/* --trace X is the grid line "trace X": the command line and a grid file read alike. */
static int keep_line(struct grid_args *a, const char *kind, const char *value)
{
	if (a->nlines == sizeof(a->lines) / sizeof(a->lines[0]))
		return cli_usage_error("grid: too many options");
	a->lines[a->nlines] = malloc(strlen(kind) + strlen(value) + 2);
	if (!a->lines[a->nlines])
		return cli_usage_error("out of memory");
	sprintf(a->lines[a->nlines++], "%s %s", kind, value);
	return 0;
}

static int parse_options(int argc, char **argv, struct grid_args *a)
{
	int c, rc = 0;

	optind = 1;
	opterr = 0;
	while (rc == 0 && (c = getopt_long(argc, argv, ":ho:j:", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			return -1;
		case 'o': a->out = optarg; break;
		case 'j': rc = cli_parse_jobs("grid", optarg, &a->jobs); break;
		case CLI_OPT_MAX_MEMORY:
		case CLI_OPT_MAX_WORK: rc = cli_budget_option(&a->budget, "grid", c, optarg); break;
		case OPT_TRACE: rc = keep_line(a, "trace", optarg); break;
		case OPT_SET: rc = keep_line(a, "set", optarg); break;
		case OPT_POLICY: rc = keep_line(a, "policy", optarg); break;
		case OPT_AXIS: rc = keep_line(a, "axis", optarg); break;
		case OPT_STATS: rc = keep_line(a, "stats", optarg); break;
		case OPT_CELLS: a->cells = optarg; break;
		case OPT_LIST: a->list = 1; break;
		case OPT_EMIT: a->emit = optarg; break;
		case OPT_MERGE: a->merge = optarg; break;
		case OPT_CELL: a->cell = optarg; break;
		default:
			return cli_option_error("grid", c, argv);
		}
	}
	return rc;
}

/* --merge DIR and --cell K DIR read the grid --emit-jobs (or a run) wrote into DIR. */
static int parse_dir_mode(int argc, char **argv, struct grid_args *a)
{
	char path[PATH_MAX + 16];

	if (a->nlines || a->emit || a->list || a->cells || (a->merge && a->cell))
		return cli_usage_error("grid: --merge DIR and --cell K DIR take the grid DIR holds: "
				       "no grid options with them");
	if (a->cell && optind != argc - 1)
		return cli_usage_error("grid: --cell K DIR: expected the cells folder DIR");
	if (a->merge && optind != argc)
		return cli_usage_error("grid: --merge DIR: unexpected '%s'", argv[optind]);
	snprintf(a->dir, sizeof(a->dir), "%s", a->merge ? a->merge : argv[optind]);
	snprintf(path, sizeof(path), "%s/grid.tdpg", a->dir);
	if (access(path, F_OK) != 0)
		return cli_usage_error("grid: %s holds no grid (%s: %s): make it with --emit-jobs "
				       "or a run with --cells", a->dir, path, strerror(errno));
	return grid_read_file(&a->grid, path);
}

static int parse_args(int argc, char **argv, struct grid_args *a)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int rc;

	a->jobs = ncpu > 0 ? (unsigned)ncpu : 1;
	if ((rc = parse_options(argc, argv, a)) != 0)
		return rc;
	if (a->merge || a->cell)
		rc = parse_dir_mode(argc, argv, a);
	else if (optind < argc - 1)
		return cli_usage_error("grid: one GRIDFILE at most, got '%s' and '%s'",
				       argv[optind], argv[optind + 1]);
	else if (optind == argc - 1)
		rc = grid_read_file(&a->grid, argv[optind]);
	for (size_t i = 0; rc == 0 && i < a->nlines; i++) {
		char where[64];

		snprintf(where, sizeof(where), "--%.*s", (int)strcspn(a->lines[i], " "),
			 a->lines[i]);
		rc = grid_parse_line(&a->grid, a->lines[i], ".", where);
	}
	if (rc == 0)
		rc = grid_finish(&a->grid);
	if (rc == 0 && a->emit && !a->cells)
		return cli_usage_error("grid: --emit-jobs needs --cells DIR: the folder the jobs "
				       "keep their results in (one every host of the jobs sees)");
	if (rc == 0 && a->emit && a->out)
		return cli_usage_error("grid: --emit-jobs runs nothing: -o belongs to --merge");
	return rc;
}

/* ---- the cells folder ---- */

static int make_dirs(const char *dir)
{
	char buf[PATH_MAX];

	if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf))
		return cli_usage_error("grid: %s: path too long", dir);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(buf, 0777) < 0 && errno != EEXIST)
				return cli_usage_error("grid: cannot make %s: %s", buf,
						       strerror(errno));
			*p = '/';
		}
	if (mkdir(buf, 0777) < 0 && errno != EEXIST)
		return cli_usage_error("grid: cannot make %s: %s", buf, strerror(errno));
	return 0;
}

/* The cells folder, made and absolute (the jobs run elsewhere), and the grid written in it. */
static int prepare_dir(struct grid_args *a)
{
	char path[PATH_MAX + 16], given[PATH_MAX];
	struct outfile f;
	int rc;

	if (a->cells)
		snprintf(given, sizeof(given), "%s", a->cells);
	else if (a->out && strcmp(a->out, "-") != 0)
		snprintf(given, sizeof(given), "%s.cells", a->out);
	else {
		const char *tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

		snprintf(given, sizeof(given), "%s/tdpsim-grid.XXXXXX", tmp);
		if (!mkdtemp(given))
			return cli_usage_error("grid: cannot make a scratch folder in %s: %s", tmp,
					       strerror(errno));
		a->scratch = 1;
	}
	if ((rc = make_dirs(given)) != 0)
		return rc;
	if (!realpath(given, a->dir))
		return cli_usage_error("grid: %s: %s", given, strerror(errno));
	snprintf(path, sizeof(path), "%s/grid.tdpg", a->dir);
	if ((rc = outfile_open(&f, path)) != 0)
		return rc;
	grid_write(f.f, &a->grid);
	return outfile_commit(&f);
}

/* A scratch folder goes, with the results in it (and nothing else). */
static void remove_scratch(struct grid_args *a)
{
	char path[PATH_MAX + 32];
	struct grid_cell c;

	if (!a->scratch)
		return;
	for (size_t i = 0; i < grid_cell_count(&a->grid); i++) {
		static char text[GRID_KEY_MAX];

		grid_cell_at(&a->grid, i, &c);
		if (grid_cell_key(&a->grid, &c, a->dir, text, sizeof(text), path, sizeof(path)) == 0)
			unlink(path);
	}
	snprintf(path, sizeof(path), "%s/grid.tdpg", a->dir);
	unlink(path);
	rmdir(a->dir);
}

/* ---- running here ---- */

static void show_progress(size_t done, size_t total)
{
	if (isatty(2))
		fprintf(stderr, "\rtdpsim: grid: %zu of %zu cells done", done, total);
}

/* Cell i in a child; its result lands in the cells folder. */
static pid_t spawn_cell(struct grid_args *a, size_t i)
{
	struct grid_cell c;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		grid_cell_at(&a->grid, i, &c);
		_exit(grid_cell_run(&a->grid, &c, a->dir, &a->opts));
	}
	if (pid < 0)
		cli_usage_error("grid: fork: %s", strerror(errno));
	return pid;
}

/* Every cell without a result, at most -j at a time; every child is waited for. *failed and
 * *halted count the cells that failed and those whose machine took a machine check. */
static int run_cells(struct grid_args *a, size_t *failed, size_t *halted)
{
	size_t n = grid_cell_count(&a->grid), next = 0, running = 0, done = 0, before = 0;
	struct grid_cell c;
	int rc = 0;

	*failed = *halted = 0;
	while (next < n || running > 0) {
		int status;
		pid_t pid;

		if (rc == 0 && next < n && running < a->jobs) {
			grid_cell_at(&a->grid, next, &c);
			if (grid_cell_done(&a->grid, &c, a->dir)) {
				done++;
				before++;
			}
			else if (spawn_cell(a, next) > 0)
				running++;
			else
				rc = EXIT_INTERNAL;
			next++;
			continue;
		}
		if (running == 0)
			break;
		pid = waitpid(-1, &status, 0);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			return cli_usage_error("grid: waitpid: %s", strerror(errno));
		running--;
		done++;
		if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_MACHINE_CHECK)
			(*halted)++;
		else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			(*failed)++;
		show_progress(done, n);
	}
	if (isatty(2) && done)
		fputc('\n', stderr);
	if (before)
		fprintf(stderr, "tdpsim: grid: %zu of %zu cells were done in %s already: not run "
			"again\n", before, n, a->dir);
	return rc;
}

static int run_here(struct grid_args *a)
{
	size_t failed, halted, missing, n = grid_cell_count(&a->grid);
	struct outfile out;
	int rc;

	/* the cells that run at once share the default memory budget */
	cli_budget_fill(&a->budget, a->jobs < n ? a->jobs : (unsigned)n, &a->opts);
	rc = run_cells(a, &failed, &halted);

	if (rc == 0 && failed)
		rc = cli_usage_error("grid: %zu of %zu cells failed (above); the others' results "
				     "are kept in %s: run again to retry only those", failed,
				     grid_cell_count(&a->grid), a->dir);
	if (rc == 0 && (rc = outfile_open(&out, a->out)) == 0) {
		if ((rc = grid_merge(&a->grid, a->dir, out.f, &missing)) == 0)
			rc = outfile_commit(&out);
		else
			outfile_abort(&out);
	}
	if (rc == 0 && halted)
		fprintf(stderr, "tdpsim: grid: in %zu cells the machine took a machine check "
			"(their status column says so)\n", halted);
	return rc ? rc : halted ? EXIT_MACHINE_CHECK : EXIT_DONE;
}

static int list_cells(struct grid_args *a)
{
	struct grid_cell c;
	char desc[1024];

	for (size_t i = 0; i < grid_cell_count(&a->grid); i++) {
		grid_cell_at(&a->grid, i, &c);
		grid_cell_describe(&a->grid, &c, desc, sizeof(desc));
		printf("%zu\t%s\t%s\n", i, grid_cell_done(&a->grid, &c, a->dir) ? "done" : "todo",
		       desc);
	}
	return fflush(stdout) == 0 ? EXIT_DONE : EXIT_INTERNAL;
}

/* ---- the job lists ---- */

/* 'text' for a POSIX shell. */
static void shell_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	fputc('\'', f);
}

/* A job runs its cell with the budget given here (else its own defaults). */
static void budget_args(FILE *f, const struct cli_budget *b)
{
	if (b->memory_given) {
		fputs("--max-memory ", f);
		shell_quote(f, b->memory_arg);
		fputc(' ', f);
	}
	if (b->work_given) {
		fputs("--max-work ", f);
		shell_quote(f, b->work_arg);
		fputc(' ', f);
	}
}

static int write_parallel(const struct grid_args *a, const char *self)
{
	struct outfile f;
	int rc;

	if ((rc = outfile_open(&f, a->emit)) != 0)
		return rc;
	for (size_t i = 0; i < grid_cell_count(&a->grid); i++) {
		shell_quote(f.f, self);
		fprintf(f.f, " grid --cell %zu ", i);
		budget_args(f.f, &a->budget);
		shell_quote(f.f, a->dir);
		fputc('\n', f.f);
	}
	return outfile_commit(&f);
}

/* A job array: task t runs cells t, t + T, t + 2T, ... (T tasks at most GRID_SLURM_TASKS). */
static int write_sbatch(const struct grid_args *a, const char *self)
{
	size_t n = grid_cell_count(&a->grid), tasks = n < GRID_SLURM_TASKS ? n : GRID_SLURM_TASKS;
	char path[PATH_MAX + 16];
	struct outfile f;
	int rc;

	snprintf(path, sizeof(path), "%s.sbatch", a->emit);
	if ((rc = outfile_open(&f, path)) != 0)
		return rc;
	fprintf(f.f, "#!/bin/sh\n"
		"# tdpsim grid: %zu cells as a Slurm job array.  Submit with 'sbatch %s', then\n"
		"# gather the results: tdpsim grid --merge DIR (the cells folder below).\n"
		"#SBATCH --job-name=tdpsim-grid\n#SBATCH --array=0-%zu\n#SBATCH --ntasks=1\n"
		"#SBATCH --cpus-per-task=1\n#SBATCH --output=%s/slurm-%%A_%%a.out\n"
		"rc=0\nk=${SLURM_ARRAY_TASK_ID:?run this with sbatch}\n"
		"while [ \"$k\" -lt %zu ]; do\n  ", n, path, tasks - 1, a->dir, n);
	shell_quote(f.f, self);
	fputs(" grid --cell \"$k\" ", f.f);
	budget_args(f.f, &a->budget);
	shell_quote(f.f, a->dir);
	fprintf(f.f, " || rc=$?\n  k=$((k + %zu))\ndone\nexit $rc\n", tasks);
	if ((rc = outfile_commit(&f)) == 0)
		chmod(path, 0755);
	return rc;
}

static int emit_jobs(struct grid_args *a)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int rc;

	if (n <= 0)
		return cli_usage_error("grid: cannot tell where tdpsim is (/proc/self/exe): %s",
				       strerror(errno));
	self[n] = '\0';
	if ((rc = write_parallel(a, self)) != 0 || (rc = write_sbatch(a, self)) != 0)
		return rc;
	fprintf(stderr, "tdpsim: grid: %zu cells, the grid in %s/grid.tdpg; run them with\n"
		"  parallel < %s    (GNU parallel; with --sshlogin HOSTS on other hosts too)\n"
		"  sbatch %s.sbatch    (Slurm)\nthen gather their results:\n"
		"  tdpsim grid --merge %s -o results.csv\n", grid_cell_count(&a->grid), a->dir,
		a->emit, a->emit, a->dir);
	return EXIT_DONE;
}

/* ---- the modes ---- */

static int run_one(struct grid_args *a)
{
	char *end;
	unsigned long long k = strtoull(a->cell, &end, 10);
	struct grid_cell c;

	if (!*a->cell || *end || k >= grid_cell_count(&a->grid))
		return cli_usage_error("grid: --cell %s: the grid in %s has cells 0 to %zu",
				       a->cell, a->dir, grid_cell_count(&a->grid) - 1);
	grid_cell_at(&a->grid, (size_t)k, &c);
	cli_budget_fill(&a->budget, 1, &a->opts);
	return grid_cell_run(&a->grid, &c, a->dir, &a->opts);
}

static int merge_only(struct grid_args *a)
{
	struct outfile out;
	size_t missing;
	int rc = outfile_open(&out, a->out);

	if (rc)
		return rc;
	if ((rc = grid_merge(&a->grid, a->dir, out.f, &missing)) != 0) {
		outfile_abort(&out);
		return rc;
	}
	return outfile_commit(&out);
}

int cmd_grid(int argc, char **argv)
{
	struct grid_args *a = calloc(1, sizeof(*a));
	int rc;

	if (!a)
		return cli_usage_error("out of memory");
	grid_init(&a->grid);
	rc = parse_args(argc, argv, a);
	tdpsim_options_init(&a->opts, TDPSIM_OPTIONS_VERSION);
	if (rc == 0 && a->cell)
		rc = run_one(a);
	else if (rc == 0 && a->merge)
		rc = merge_only(a);
	else if (rc == 0 && (rc = prepare_dir(a)) == 0) {
		if (a->list)
			rc = list_cells(a);
		else if (a->emit)
			rc = emit_jobs(a);
		else
			rc = run_here(a);
		remove_scratch(a);
	}
	for (size_t i = 0; i < a->nlines; i++)
		free(a->lines[i]);
	grid_release(&a->grid);
	free(a);
	return rc < 0 ? EXIT_DONE : rc;
}

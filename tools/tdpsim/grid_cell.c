/* SPDX-License-Identifier: MIT */
/*
 * A grid cell's replay and its result file, and the merge of every cell's result into the
 * grid's CSV.  A result file is named for a hash of its key - the text of everything that
 * decides the result - and begins with that text, so a file is only taken for the cell whose
 * key it holds.  It appears whole or not at all (written beside, renamed), so a cell killed
 * half-way is simply not done.  It keeps every stat; the grid's stats are chosen at the merge.
 *
 *   <key lines>          tdpsim VERSION, trace PATH, size N, mtime S.N, set K=V ...
 *   end
 *   status ok | machine-check
 *   events N
 *   digest 0x...
 *   stats NAME,NAME,...
 *   row V,V,...,LABEL    a row per mark, then "final" (LABEL as a CSV field)
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "grid.h"

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

int grid_cell_key(const struct grid *g, const struct grid_cell *c, const char *dir,
		  char *key, size_t keysize, char *path, size_t pathsize)
{
	const struct grid_trace *t = &g->traces[c->trace];
	const char *pins[GRID_MAX_SETS * 2 + GRID_MAX_AXES];
	size_t npins = grid_cell_pins(g, c, pins, sizeof(pins) / sizeof(pins[0])), o;
	struct stat st;
	int n;

	if (stat(t->path, &st) != 0)
		return cli_usage_error("grid: trace %s: %s", t->path, strerror(errno));
	n = snprintf(key, keysize, "tdpsim %s\ntrace %s\nsize %lld\nmtime %lld.%09ld\n",
		     tdpsim_version(), t->path, (long long)st.st_size,
		     (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
	o = n > 0 ? (size_t)n : 0;
	for (size_t i = 0; i < npins && o < keysize; i++) {
		n = snprintf(key + o, keysize - o, "set %s\n", pins[i]);
		o += n > 0 ? (size_t)n : 0;
	}
	if (o >= keysize)
		return cli_usage_error("grid: cell %zu: too many settings", c->index);
	n = snprintf(path, pathsize, "%s/c-%016" PRIx64 ".cell", dir, fnv1a(key));
	return n > 0 && (size_t)n < pathsize ? 0 : cli_usage_error("grid: %s: path too long", dir);
}

/* Open the result at `path` and read past its key; NULL where there is none, or where the
 * file holds another key. */
static FILE *open_keyed(const char *key, const char *path)
{
	static char got[GRID_KEY_MAX];
	char line[4200];
	size_t o = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	got[0] = '\0';
	while (fgets(line, sizeof(line), f) && strcmp(line, "end\n") != 0) {
		size_t n = strlen(line);

		if (o + n >= sizeof(got))
			break;
		memcpy(got + o, line, n + 1);
		o += n;
	}
	if (strcmp(got, key) == 0)
		return f;
	fclose(f);
	return NULL;
}

/* Open cell c's result, past its key; NULL where there is none. */
static FILE *open_result(const struct grid *g, const struct grid_cell *c, const char *dir)
{
	static char key[GRID_KEY_MAX];
	char path[4200];

	if (grid_cell_key(g, c, dir, key, sizeof(key), path, sizeof(path)) != 0)
		return NULL;
	return open_keyed(key, path);
}

int grid_cell_done(const struct grid *g, const struct grid_cell *c, const char *dir)
{
	FILE *f = open_result(g, c, dir);

	if (f)
		fclose(f);
	return f != NULL;
}

/* A counter the cell's kernel profile does not have is an empty field. */
static void write_row(FILE *f, const tdpsim_sim *sim, const tdpsim_stats *st, const char *label)
{
	fputs("row ", f);
	for (size_t i = 0; i < tdpsim_stats_count(); i++)
		if (tdpsim_sim_stat_present(sim, i))
			fprintf(f, "%" PRIu64 ",", tdpsim_stats_value(st, i));
		else
			fputc(',', f);
	csv_field(f, label);
	fputc('\n', f);
}

static void write_result(FILE *f, const char *key, const tdpsim_sim *sim, int64_t events)
{
	tdpsim_stats st;

	fprintf(f, "%send\nstatus %s\nevents %" PRId64 "\ndigest 0x%016" PRIx64 "\nstats ", key,
		tdpsim_sim_halted(sim, NULL, NULL, NULL) ? "machine-check" : "ok", events,
		tdpsim_sim_digest(sim));
	for (size_t i = 0; i < tdpsim_stats_count(); i++)
		fprintf(f, "%s%s", i ? "," : "", tdpsim_stats_name(i));
	fputc('\n', f);
	for (size_t i = 0; i < tdpsim_sim_mark_count(sim); i++) {
		const char *label;

		tdpsim_sim_mark(sim, i, &label, &st);
		write_row(f, sim, &st, label);
	}
	tdpsim_sim_stats(sim, &st);
	write_row(f, sim, &st, "final");
}

static int cell_failed(const struct grid *g, const struct grid_cell *c, const char *why)
{
	char desc[1024];
	const tdpsim_error *e = tdpsim_error_last();

	grid_cell_describe(g, c, desc, sizeof(desc));
	fprintf(stderr, "tdpsim: grid: cell %zu (%s): %s%s%s\n", c->index, desc, why ? why : "",
		why ? ": " : "", e ? e->message : "unknown error");
	return e && e->code == TDPSIM_EINTERNAL ? EXIT_INTERNAL : EXIT_BAD_INPUT;
}

/* The cell's settings pinned, as tdpsim replay --set pins them. */
static int pin_all(tdpsim_sim *sim, const struct grid *g, const struct grid_cell *c)
{
	const char *pins[GRID_MAX_SETS * 2 + GRID_MAX_AXES];
	size_t n = grid_cell_pins(g, c, pins, sizeof(pins) / sizeof(pins[0]));

	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(pins[i], '=');
		char key[128];

		snprintf(key, sizeof(key), "%.*s", (int)(eq - pins[i]), pins[i]);
		if (tdpsim_sim_set(sim, key, eq + 1) < 0)
			return cell_failed(g, c, pins[i]);
	}
	return 0;
}

int grid_cell_run(const struct grid *g, const struct grid_cell *c, const char *dir,
		  const tdpsim_options *o)
{
	static char key[GRID_KEY_MAX];
	char path[4200];
	tdpsim_sim *sim = NULL;
	tdpsim_trace *trace = NULL;
	struct outfile out;
	int64_t events = -1;
	int rc;

	FILE *done;

	if ((rc = grid_cell_key(g, c, dir, key, sizeof(key), path, sizeof(path))) != 0)
		return rc;
	if ((done = open_keyed(key, path))) { /* a finished cell is not run again */
		fclose(done);
		return 0;
	}
	if (tdpsim_sim_new(&sim, o) < 0)
		return cell_failed(g, c, NULL);
	if ((rc = pin_all(sim, g, c)) == 0 && tdpsim_trace_open(&trace, g->traces[c->trace].path) < 0)
		rc = cell_failed(g, c, NULL);
	if (rc == 0 && (events = tdpsim_sim_replay(sim, trace, NULL, NULL)) < 0)
		rc = cell_failed(g, c, NULL);
	if (rc == 0 && (rc = outfile_open(&out, path)) == 0) {
		write_result(out.f, key, sim, events);
		rc = outfile_commit(&out);
	}
	if (rc == 0 && tdpsim_sim_halted(sim, NULL, NULL, NULL))
		rc = EXIT_MACHINE_CHECK;
	tdpsim_trace_free(trace);
	tdpsim_sim_free(sim);
	return rc;
}

/* ---- the merge ---- */

static void write_header(FILE *out, const struct grid *g)
{
	fputs("cell,trace", out);
	if (g->npolicies)
		fputs(",policy", out);
	for (size_t a = 0; a < g->naxes; a++) {
		fputc(',', out);
		csv_field(out, g->axes[a].key);
	}
	fputs(",mark,status,events,digest", out);
	for (size_t i = 0; i < g->nstats; i++)
		fprintf(out, ",%s", tdpsim_stats_name(g->stats[i]));
	fputc('\n', out);
}

/* Where each of the grid's stats is among the file's "stats" line; -1 if absent. */
static void map_stats(const struct grid *g, char *names, long *col)
{
	char *tok, *save = NULL;
	long n = 0;

	for (size_t i = 0; i < g->nstats; i++)
		col[i] = -1;
	for (tok = strtok_r(names, ",\n", &save); tok; tok = strtok_r(NULL, ",\n", &save), n++)
		for (size_t i = 0; i < g->nstats; i++)
			if (strcmp(tok, tdpsim_stats_name(g->stats[i])) == 0)
				col[i] = n;
}

/* One "row V,V,...,LABEL" of a result as a CSV row of the grid. */
static int merge_row(FILE *out, const struct grid *g, const struct grid_cell *c, char *row,
		     const char *head, const long *col, long nfile)
{
	static const char *field[4096];
	char *p = row;

	if (nfile > 4096)
		return -1;
	for (long i = 0; i < nfile; i++) {
		char *comma = strchr(p, ',');

		if (!comma)
			return -1;
		*comma = '\0';
		field[i] = p;
		p = comma + 1;
	}
	p[strcspn(p, "\n")] = '\0';
	fprintf(out, "%zu,", c->index);
	csv_field(out, g->traces[c->trace].name);
	if (g->npolicies)
		fprintf(out, ",%s", g->policies[c->policy].name);
	for (size_t a = 0; a < g->naxes; a++) {
		fputc(',', out);
		csv_field(out, g->axes[a].values[c->value[a]] + strlen(g->axes[a].key) + 1);
	}
	fprintf(out, ",%s,%s", p, head);
	for (size_t i = 0; i < g->nstats; i++)
		fprintf(out, ",%s", col[i] >= 0 ? field[col[i]] : "");
	fputc('\n', out);
	return 0;
}

/* Cell c's rows; its file is open past the key. */
static int merge_cell(FILE *out, const struct grid *g, const struct grid_cell *c, FILE *f,
		      long *col)
{
	char *line = NULL, status[64] = "", head[256];
	size_t cap = 0;
	unsigned long long events = 0, digest = 0;
	long nfile = 0;
	int rc = 0;

	while (rc == 0 && getline(&line, &cap, f) >= 0) {
		if (strncmp(line, "status ", 7) == 0)
			sscanf(line + 7, "%63s", status);
		else if (strncmp(line, "events ", 7) == 0)
			events = strtoull(line + 7, NULL, 10);
		else if (strncmp(line, "digest ", 7) == 0)
			digest = strtoull(line + 7, NULL, 16);
		else if (strncmp(line, "stats ", 6) == 0) {
			nfile = 1;
			for (const char *s = line + 6; *s; s++)
				nfile += *s == ',';
			map_stats(g, line + 6, col);
			snprintf(head, sizeof(head), "%s,%llu,0x%016llx", status, events, digest);
		} else if (strncmp(line, "row ", 4) == 0)
			rc = nfile ? merge_row(out, g, c, line + 4, head, col, nfile) : -1;
	}
	free(line);
	if (rc)
		fprintf(stderr, "tdpsim: grid: cell %zu: its result file is damaged (remove it to run "
			"the cell again)\n", c->index);
	return rc ? EXIT_BAD_INPUT : 0;
}

int grid_merge(const struct grid *g, const char *dir, FILE *out, size_t *missing)
{
	size_t n = grid_cell_count(g);
	long *col = malloc((g->nstats + 1) * sizeof(*col));
	struct grid_cell c;
	int rc = 0;

	*missing = 0;
	if (!col)
		return cli_usage_error("out of memory");
	for (size_t i = 0; i < n; i++) {
		grid_cell_at(g, i, &c);
		if (!grid_cell_done(g, &c, dir) && ++*missing <= 20) {
			char desc[1024];

			grid_cell_describe(g, &c, desc, sizeof(desc));
			fprintf(stderr, "tdpsim: grid: cell %zu (%s) has no result in %s\n", i, desc,
				dir);
		}
	}
	if (*missing) {
		free(col);
		return cli_usage_error("grid: %zu of %zu cells have no result in %s: run them "
				       "(the job list, or tdpsim grid without --merge), then merge",
				       *missing, n, dir);
	}
	write_header(out, g);
	for (size_t i = 0; i < n && rc == 0; i++) {
		FILE *f;

		grid_cell_at(g, i, &c);
		if (!(f = open_result(g, &c, dir)))
			rc = cli_usage_error("grid: cell %zu: its result went away", i);
		else {
			rc = merge_cell(out, g, &c, f, col);
			fclose(f);
		}
	}
	free(col);
	return rc;
}

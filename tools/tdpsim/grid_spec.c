/* SPDX-License-Identifier: MIT */
/*
 * The grid: traces x settings, read from a grid file or the command line (one parser for
 * both: an option is a grid-file line), every setting tried on a machine as it is read so
 * that a bad one is refused before any cell runs, and its cells enumerated in a fixed order.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "grid.h"

static int grid_error(const char *where, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int grid_error(const char *where, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tdpsim: grid: %s: ", where);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_BAD_INPUT;
}

int grid_init(struct grid *g)
{
	memset(g, 0, sizeof(*g));
	return 0;
}

void grid_release(struct grid *g)
{
	for (size_t i = 0; i < g->ntraces; i++) {
		free(g->traces[i].path);
		free(g->traces[i].name);
	}
	for (size_t i = 0; i < g->nsets; i++)
		free(g->sets[i]);
	for (size_t i = 0; i < g->npolicies; i++) {
		free(g->policies[i].name);
		for (size_t k = 0; k < g->policies[i].nsets; k++)
			free(g->policies[i].sets[k]);
	}
	for (size_t i = 0; i < g->naxes; i++) {
		free(g->axes[i].key);
		for (size_t k = 0; k < g->axes[i].nvalues; k++)
			free(g->axes[i].values[k]);
	}
	free(g->stats_text);
	free(g->stats);
	memset(g, 0, sizeof(*g));
}

/* KEY=VALUE, tried on a fresh machine: what tdpsim replay --set would refuse is refused here,
 * naming the line, before any cell runs. */
static int check_setting(const char *kv, const char *where)
{
	const char *eq = strchr(kv, '=');
	tdpsim_sim *sim = NULL;
	char key[128];
	int rc = 0;

	if (!eq || eq == kv || (size_t)(eq - kv) >= sizeof(key))
		return grid_error(where, "'%s' is not KEY=VALUE", kv);
	memcpy(key, kv, (size_t)(eq - kv));
	key[eq - kv] = '\0';
	if (tdpsim_sim_new(&sim, NULL) < 0)
		return cli_fail();
	if (tdpsim_sim_set(sim, key, eq + 1) < 0)
		rc = grid_error(where, "%s: %s", kv, tdpsim_error_last()->message);
	tdpsim_sim_free(sim);
	return rc;
}

/* trace PATH [TAB NAME]: relative to `base`; kept absolute, named as written. */
static int parse_trace(struct grid *g, const char *rest, const char *base, const char *where)
{
	const char *tab = strchr(rest, '\t');
	size_t plen = tab ? (size_t)(tab - rest) : strlen(rest);
	char *path = strndup(rest, plen), *joined = NULL, *abs;
	const char *name = tab ? tab + 1 : path;
	struct grid_trace *t;

	if (!path)
		return cli_usage_error("out of memory");
	if (!*path || strcmp(path, "-") == 0 || !*name) {
		free(path);
		return grid_error(where, "a trace is a file (each cell reads it anew)");
	}
	if (path[0] != '/' && strcmp(base, ".") != 0) {
		joined = malloc(strlen(base) + plen + 2);
		if (joined)
			sprintf(joined, "%s/%s", base, path);
	}
	abs = realpath(joined ? joined : path, NULL);
	free(joined);
	if (!abs) {
		int rc = grid_error(where, "trace %s: %s", path, strerror(errno));

		free(path);
		return rc;
	}
	for (size_t i = 0; i < g->ntraces; i++)
		if (strcmp(g->traces[i].name, name) == 0) {
			int rc = grid_error(where, "two traces are called '%s' (name one: "
					    "'trace PATH<TAB>NAME')", name);

			free(path);
			free(abs);
			return rc;
		}
	if (g->ntraces == GRID_MAX_TRACES) {
		free(path);
		free(abs);
		return grid_error(where, "too many traces");
	}
	t = &g->traces[g->ntraces++];
	t->path = abs;
	t->name = strdup(name);
	free(path);
	return t->name ? 0 : cli_usage_error("out of memory");
}

static int parse_set(struct grid *g, const char *rest, const char *where)
{
	int rc = check_setting(rest, where);

	if (rc)
		return rc;
	if (g->nsets == GRID_MAX_SETS)
		return grid_error(where, "at most %s settings for every cell", "64");
	g->sets[g->nsets] = strdup(rest);
	return g->sets[g->nsets++] ? 0 : cli_usage_error("out of memory");
}

/* policy NAME[:KEY=VALUE,...]: as tdpsim compare's --policy. */
static int parse_policy(struct grid *g, const char *rest, const char *where)
{
	const char *colon = strchr(rest, ':');
	struct grid_policy *p;
	char *copy, *tok, *save = NULL;
	int rc = 0;

	if (g->npolicies == GRID_MAX_POLICIES)
		return grid_error(where, "too many policies");
	p = &g->policies[g->npolicies];
	memset(p, 0, sizeof(*p));
	p->name = strndup(rest, colon ? (size_t)(colon - rest) : strlen(rest));
	if (!p->name)
		return cli_usage_error("out of memory");
	if (strlen(p->name) > 63 || !cli_policy_name_ok(p->name, strlen(p->name))) {
		rc = grid_error(where, "policy %s: a name (letters, digits, _ . - +; 1 to 63) "
				"before the ':'", rest);
		free(p->name);
		return rc;
	}
	g->npolicies++;
	for (size_t i = 0; i + 1 < g->npolicies; i++)
		if (strcmp(g->policies[i].name, p->name) == 0)
			return grid_error(where, "two policies are called '%s'", p->name);
	if (!colon || !colon[1])
		return 0;
	if (!(copy = strdup(colon + 1)))
		return cli_usage_error("out of memory");
	for (tok = strtok_r(copy, ",", &save); tok && rc == 0; tok = strtok_r(NULL, ",", &save)) {
		if ((rc = check_setting(tok, where)) != 0)
			break;
		if (p->nsets == GRID_MAX_SETS)
			rc = grid_error(where, "policy %s: too many settings", p->name);
		else if (!(p->sets[p->nsets++] = strdup(tok)))
			rc = cli_usage_error("out of memory");
	}
	free(copy);
	return rc;
}

/* axis KEY=V1,V2,...: every value tried; a key is an axis once. */
static int parse_axis(struct grid *g, const char *rest, const char *where)
{
	const char *eq = strchr(rest, '=');
	struct grid_axis *a;
	char *copy, *tok, *save = NULL;
	int rc = 0;

	if (!eq || eq == rest || !eq[1])
		return grid_error(where, "axis %s: not KEY=VALUE1,VALUE2,...", rest);
	if (g->naxes == GRID_MAX_AXES)
		return grid_error(where, "at most %s axes", "16");
	a = &g->axes[g->naxes];
	memset(a, 0, sizeof(*a));
	if (!(a->key = strndup(rest, (size_t)(eq - rest))))
		return cli_usage_error("out of memory");
	g->naxes++;
	for (size_t i = 0; i + 1 < g->naxes; i++)
		if (strcmp(g->axes[i].key, a->key) == 0)
			return grid_error(where, "%s is an axis twice", a->key);
	if (!(copy = strdup(eq + 1)))
		return cli_usage_error("out of memory");
	for (tok = strtok_r(copy, ",", &save); tok && rc == 0; tok = strtok_r(NULL, ",", &save)) {
		char *kv = malloc(strlen(a->key) + strlen(tok) + 2);

		if (!kv) {
			rc = cli_usage_error("out of memory");
			break;
		}
		sprintf(kv, "%s=%s", a->key, tok);
		if (a->nvalues == GRID_MAX_VALUES)
			rc = grid_error(where, "axis %s: too many values", a->key);
		else if ((rc = check_setting(kv, where)) == 0)
			a->values[a->nvalues++] = kv;
		if (rc)
			free(kv);
	}
	free(copy);
	if (rc == 0 && a->nvalues == 0)
		rc = grid_error(where, "axis %s has no value", a->key);
	return rc;
}

static int parse_stats(struct grid *g, const char *rest, const char *where)
{
	char *copy, *tok, *save = NULL;
	size_t n = 0;
	int rc = 0;

	if (strcmp(rest, "all") == 0) {
		free(g->stats_text);
		g->stats_text = NULL;
		return 0;
	}
	if (!(copy = strdup(rest)))
		return cli_usage_error("out of memory");
	for (tok = strtok_r(copy, ",", &save); tok && rc == 0; tok = strtok_r(NULL, ",", &save), n++)
		if (tdpsim_stats_find(tok) < 0)
			rc = grid_error(where, "stats: no stat '%s' (the names: tdpsim replay --csv's "
					"header)", tok);
	free(copy);
	if (rc == 0 && n == 0)
		rc = grid_error(where, "stats names no stat");
	if (rc)
		return rc;
	free(g->stats_text);
	g->stats_text = strdup(rest);
	return g->stats_text ? 0 : cli_usage_error("out of memory");
}

int grid_parse_line(struct grid *g, const char *line, const char *base, const char *where)
{
	char buf[8192], *s = buf, *rest, *end;

	if (strlen(line) >= sizeof(buf))
		return grid_error(where, "line too long");
	strcpy(buf, line);
	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && strchr(" \t\r\n", end[-1]))
		*--end = '\0';
	if (!*s || *s == '#')
		return 0;
	rest = s + strcspn(s, " \t");
	if (*rest)
		*rest++ = '\0';
	while (*rest == ' ')
		rest++;
	if (strcmp(s, "trace") == 0)
		return parse_trace(g, rest, base, where);
	if (strcmp(s, "set") == 0)
		return parse_set(g, rest, where);
	if (strcmp(s, "policy") == 0)
		return parse_policy(g, rest, where);
	if (strcmp(s, "axis") == 0)
		return parse_axis(g, rest, where);
	if (strcmp(s, "stats") == 0)
		return parse_stats(g, rest, where);
	return grid_error(where, "'%s' is not a grid line (trace, set, policy, axis, stats)", s);
}

int grid_read_file(struct grid *g, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *base, *slash, where[4200];
	size_t cap = 0, lineno = 0;
	int rc = 0, header = 0;

	if (!f)
		return cli_usage_error("grid: %s: %s", path, strerror(errno));
	base = strdup(path);
	if (!base) {
		fclose(f);
		return cli_usage_error("out of memory");
	}
	slash = strrchr(base, '/');
	if (slash)
		*slash = '\0';
	while (rc == 0 && getline(&line, &cap, f) >= 0) {
		snprintf(where, sizeof(where), "%s:%zu", path, ++lineno);
		if (!header && (line[0] == '#' || strspn(line, " \t\r\n") == strlen(line)))
			continue;
		if (!header && strncmp(line, "tdpsim-trace", 12) == 0)
			rc = grid_error(where, "%s is a trace, not a grid file: give it with --trace", path);
		else if (!header && strcmp(line, "tdpsim-grid 1\n") != 0 &&
			 strcmp(line, "tdpsim-grid 1") != 0)
			rc = grid_error(where, "a grid file begins with the line 'tdpsim-grid 1'");
		else if (!header)
			header = 1;
		else
			rc = grid_parse_line(g, line, slash ? (*base ? base : "/") : ".", where);
	}
	if (rc == 0 && ferror(f))
		rc = cli_usage_error("grid: %s: cannot read: %s", path, strerror(errno));
	if (rc == 0 && !header)
		rc = cli_usage_error("grid: %s: empty (a grid file begins with 'tdpsim-grid 1')",
				     path);
	free(line);
	free(base);
	fclose(f);
	return rc;
}

int grid_finish(struct grid *g)
{
	size_t cells = 1;

	if (g->ntraces == 0)
		return cli_usage_error("grid: no trace: a 'trace PATH' line or --trace PATH "
				       "(try --help)");
	free(g->stats);
	g->nstats = 0;
	g->stats = malloc(tdpsim_stats_count() * sizeof(*g->stats));
	if (!g->stats)
		return cli_usage_error("out of memory");
	if (!g->stats_text) {
		for (size_t i = 0; i < tdpsim_stats_count(); i++)
			g->stats[g->nstats++] = i;
	} else {
		char *copy = strdup(g->stats_text), *tok, *save = NULL;

		if (!copy)
			return cli_usage_error("out of memory");
		for (tok = strtok_r(copy, ",", &save); tok && g->nstats < tdpsim_stats_count();
		     tok = strtok_r(NULL, ",", &save))
			g->stats[g->nstats++] = (size_t)tdpsim_stats_find(tok);
		free(copy);
	}
	cells = g->ntraces * (g->npolicies ? g->npolicies : 1);
	for (size_t i = 0; i < g->naxes && cells <= GRID_MAX_CELLS; i++)
		cells *= g->axes[i].nvalues;
	if (cells > GRID_MAX_CELLS)
		return cli_usage_error("grid: more than %d cells", GRID_MAX_CELLS);
	return 0;
}

void grid_write(FILE *f, const struct grid *g)
{
	fputs("tdpsim-grid 1\n", f);
	for (size_t i = 0; i < g->ntraces; i++)
		fprintf(f, "trace %s\t%s\n", g->traces[i].path, g->traces[i].name);
	for (size_t i = 0; i < g->nsets; i++)
		fprintf(f, "set %s\n", g->sets[i]);
	for (size_t i = 0; i < g->npolicies; i++) {
		const struct grid_policy *p = &g->policies[i];

		fprintf(f, "policy %s", p->name);
		for (size_t k = 0; k < p->nsets; k++)
			fprintf(f, "%c%s", k ? ',' : ':', p->sets[k]);
		fputc('\n', f);
	}
	for (size_t i = 0; i < g->naxes; i++) {
		const struct grid_axis *a = &g->axes[i];

		fprintf(f, "axis %s", a->key);
		for (size_t k = 0; k < a->nvalues; k++)
			fprintf(f, "%c%s", k ? ',' : '=', a->values[k] + strlen(a->key) + 1);
		fputc('\n', f);
	}
	if (g->stats_text)
		fprintf(f, "stats %s\n", g->stats_text);
}

size_t grid_cell_count(const struct grid *g)
{
	size_t n = g->ntraces * (g->npolicies ? g->npolicies : 1);

	for (size_t i = 0; i < g->naxes; i++)
		n *= g->axes[i].nvalues;
	return n;
}

void grid_cell_at(const struct grid *g, size_t index, struct grid_cell *c)
{
	size_t r = index, np = g->npolicies ? g->npolicies : 1;

	memset(c, 0, sizeof(*c));
	c->index = index;
	for (size_t a = g->naxes; a-- > 0;) {
		c->value[a] = r % g->axes[a].nvalues;
		r /= g->axes[a].nvalues;
	}
	c->policy = r % np;
	c->trace = r / np;
}

size_t grid_cell_pins(const struct grid *g, const struct grid_cell *c, const char **pins,
		      size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < g->nsets && n < max; i++)
		pins[n++] = g->sets[i];
	if (g->npolicies)
		for (size_t i = 0; i < g->policies[c->policy].nsets && n < max; i++)
			pins[n++] = g->policies[c->policy].sets[i];
	for (size_t a = 0; a < g->naxes && n < max; a++)
		pins[n++] = g->axes[a].values[c->value[a]];
	return n;
}

/* Append to buf (of n bytes, o used), cut where it is full. */
static size_t append(char *buf, size_t n, size_t o, const char *a, const char *b)
{
	int w = snprintf(buf + o, n - o, "%s%s", a, b);

	return w < 0 ? o : o + (size_t)w < n ? o + (size_t)w : n - 1;
}

void grid_cell_describe(const struct grid *g, const struct grid_cell *c, char *buf, size_t n)
{
	size_t o = append(buf, n, 0, "trace ", g->traces[c->trace].name);

	if (g->npolicies)
		o = append(buf, n, o, ", policy ", g->policies[c->policy].name);
	for (size_t a = 0; a < g->naxes; a++)
		o = append(buf, n, o, ", ", g->axes[a].values[c->value[a]]);
}

/* SPDX-License-Identifier: MIT */
/*
 * Reading a timeline CSV back: the header's columns, the unit, how far it reaches, and
 * where the mark in force changes - what the pictures need besides the numbers, which
 * gnuplot reads itself.  Streaming: one line at a time.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "timeline_csv.h"

/* Split one CSV line into fields in place (quotes as RFC 4180; a line holds a whole row). */
static size_t split(char *line, char **fields, size_t max)
{
	size_t n = 0;
	char *r = line, *w;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		fields[n++] = w = r;
		if (*r == '"') {
			for (r++; *r && !(r[0] == '"' && r[1] != '"'); r++)
				*w++ = *r == '"' ? *++r : *r;
			r += *r == '"';
		} else {
			while (*r && *r != ',')
				*w++ = *r++;
		}
		if (*r != ',') {
			*w = '\0';
			break;
		}
		r++;
		*w = '\0';
	}
	return n;
}

size_t timeline_file_column(const struct timeline_file *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->names[i], name) == 0)
			return i + 1;
	return 0;
}

static int read_header(struct timeline_file *t, char *line)
{
	char *fields[256];
	size_t n = split(line, fields, 256);

	t->names = calloc(n, sizeof(*t->names));
	if (!t->names)
		return cli_usage_error("out of memory");
	for (size_t i = 0; i < n; i++)
		if (!(t->names[t->ncols++] = strdup(fields[i])))
			return cli_usage_error("out of memory");
	if (!timeline_file_column(t, "interval") || !timeline_file_column(t, "unit") ||
	    !timeline_file_column(t, "end") || !timeline_file_column(t, "mark"))
		return cli_usage_error("%s: not a tdpsim timeline (its header lacks interval, unit, "
				       "end or mark; make one with tdpsim replay --timeline)",
				       t->path);
	return 0;
}

static int add_mark(struct timeline_file *t, uint64_t at, const char *label)
{
	struct timeline_mark *m = realloc(t->marks, (t->nmarks + 1) * sizeof(*m));

	if (!m)
		return cli_usage_error("out of memory");
	t->marks = m;
	m[t->nmarks].at = at;
	if (!(m[t->nmarks].label = strdup(label)))
		return cli_usage_error("out of memory");
	t->nmarks++;
	return 0;
}

/* Bytes the row's EPT leaves map. */
static double mapped(const struct timeline_file *t, char **fields)
{
	static const struct { const char *col; double size; } sizes[] = {
		{ "pages_4k", 4096.0 }, { "pages_2m", 2097152.0 }, { "pages_1g", 1073741824.0 },
	};
	double sum = 0;

	for (size_t i = 0; i < 3; i++) {
		size_t c = timeline_file_column(t, sizes[i].col);

		if (c)
			sum += strtod(fields[c - 1], NULL) * sizes[i].size;
	}
	return sum;
}

/* One data row: the unit, the end, and a mark line where the mark in force changes. */
static int read_row(struct timeline_file *t, char *line, uint64_t lineno, uint64_t *prev_end)
{
	char *fields[256], *endp;
	size_t n = split(line, fields, 256);
	size_t cu = timeline_file_column(t, "unit") - 1, ce = timeline_file_column(t, "end") - 1;
	size_t cm = timeline_file_column(t, "mark") - 1;
	const char *prev = t->nmarks ? t->marks[t->nmarks - 1].label : "";
	uint64_t end;

	if (n != t->ncols)
		return cli_usage_error("%s:%" PRIu64 ": %zu fields, the header has %zu", t->path,
				       lineno, n, t->ncols);
	end = strtoull(fields[ce], &endp, 10);
	if (*endp || !*fields[ce])
		return cli_usage_error("%s:%" PRIu64 ": end '%s' is not a number", t->path, lineno,
				       fields[ce]);
	if (t->rows == 0)
		t->unit = strcmp(fields[cu], "ns") == 0       ? TDPSIM_INTERVAL_NS
			  : strcmp(fields[cu], "events") == 0 ? TDPSIM_INTERVAL_EVENTS
							      : TDPSIM_INTERVAL_ACCESSES;
	t->rows++;
	if (mapped(t, fields) > t->max_mapped)
		t->max_mapped = mapped(t, fields);
	if (end > t->max_end)
		t->max_end = end;
	if (strcmp(fields[cm], prev) != 0 && *fields[cm] && add_mark(t, *prev_end, fields[cm]))
		return EXIT_BAD_INPUT;
	*prev_end = end;
	return 0;
}

int timeline_file_read(struct timeline_file *t, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	uint64_t lineno = 0, prev_end = 0;
	int rc = 0;

	memset(t, 0, sizeof(*t));
	t->path = path;
	if (!f)
		return cli_usage_error("%s: cannot open: %s", path, strerror(errno));
	while (rc == 0 && getline(&line, &cap, f) > 0) {
		lineno++;
		rc = lineno == 1 ? read_header(t, line) : read_row(t, line, lineno, &prev_end);
	}
	if (rc == 0 && lineno == 0)
		rc = cli_usage_error("%s: empty: not a tdpsim timeline", path);
	else if (rc == 0 && t->rows == 0)
		rc = cli_usage_error("%s: a timeline without rows: nothing to draw", path);
	free(line);
	fclose(f);
	if (rc)
		timeline_file_free(t);
	return rc;
}

void timeline_file_free(struct timeline_file *t)
{
	for (size_t i = 0; i < t->ncols; i++)
		free(t->names[i]);
	for (size_t i = 0; i < t->nmarks; i++)
		free(t->marks[i].label);
	free(t->names);
	free(t->marks);
	memset(t, 0, sizeof(*t));
}

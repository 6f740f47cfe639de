/* SPDX-License-Identifier: MIT */
/*
 * The command line's timelines: a CSV row per interval of a replay, written from the
 * library's samples (tdpsim/timeline.h).  docs/timeline.md documents every column.
 */
#ifndef TDPSIM_CLI_TIMELINE_CSV_H
#define TDPSIM_CLI_TIMELINE_CSV_H

#include <stdint.h>
#include <stdio.h>

#include "tdpsim/tdpsim.h"

/* Rows that tdpsim picks an interval for when none is given. */
#define TIMELINE_DEFAULT_ROWS 200

struct timeline_csv {
	FILE *f;
	tdpsim_interval_unit unit;
	uint64_t every;
	tdpsim_stats prev; /* the stats at the end of the previous row */
	const tdpsim_sim *sim; /* which counters its kernel profile has (read only) */
	uint64_t rows;
};

/*
 * Parse an interval: N accesses ("100000", "250k", "2M"), N events ("5000events") or
 * simulated time ("10ms", "500us", "2s", "100ns").  0, or a message on stderr and 2.
 */
int timeline_parse_interval(const char *text, tdpsim_interval_unit *unit, uint64_t *every);

/*
 * The interval for about TIMELINE_DEFAULT_ROWS rows over the trace at `path`: a pass that
 * decodes it counting accesses (events if it has none).  0, or a message and 2.
 */
int timeline_default_interval(const char *path, tdpsim_interval_unit *unit, uint64_t *every);

/* Register sampling on `sim` and write the header to `f`. */
int timeline_csv_start(struct timeline_csv *t, FILE *f, tdpsim_sim *sim,
		       tdpsim_interval_unit unit, uint64_t every);

/* After the replay: the last, partial interval, if anything happened in it. */
void timeline_csv_finish(struct timeline_csv *t, const tdpsim_sim *sim);

/* The unit's name as the `unit` column spells it. */
const char *timeline_unit_name(tdpsim_interval_unit unit);

#endif

/* ---- reading a timeline back (timeline_read.c), for the pictures ---- */

struct timeline_mark {
	uint64_t at;  /* where it took effect: the start of the first interval it is in force */
	char *label;
};

struct timeline_file {
	const char *path;
	char **names;  /* the header's column names */
	size_t ncols;
	tdpsim_interval_unit unit;
	uint64_t rows, max_end;
	double max_mapped; /* bytes mapped by EPT leaves at most (pages_4k/2m/1g), 0 if absent */
	struct timeline_mark *marks;
	size_t nmarks;
};

/* Read `path` (a timeline CSV): its columns, unit, extent and marks.  0, or message and 2. */
int timeline_file_read(struct timeline_file *t, const char *path);
void timeline_file_free(struct timeline_file *t);

/* The 1-based column called `name` (as gnuplot counts), or 0. */
size_t timeline_file_column(const struct timeline_file *t, const char *name);

/* SPDX-License-Identifier: MIT */
/*
 * tdpsim grid's pieces: the grid (traces x settings, from a grid file or the command line),
 * its cells, a cell's replay and its result file, and the merge of the results into one CSV.
 *
 * A cell is one trace replayed under one combination of settings.  Its result is kept in the
 * cells folder under a name derived from everything that decides it (the simulator's version,
 * the trace's path, size and modification time, the settings pinned, in order), so that a
 * finished cell is never run again, by any grid that holds it (docs/grid.md).
 */
#ifndef TDPSIM_CLI_GRID_H
#define TDPSIM_CLI_GRID_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"

#define GRID_MAX_TRACES 1024
#define GRID_MAX_SETS 64
#define GRID_MAX_POLICIES 256
#define GRID_MAX_AXES 16
#define GRID_MAX_VALUES 256
#define GRID_MAX_CELLS 1000000
#define GRID_KEY_MAX 16384
/* Slurm's default MaxArraySize is 1001: task ids 0..1000.  A bigger grid gives each task
 * every GRID_SLURM_TASKS-th cell. */
#define GRID_SLURM_TASKS 1000

struct grid_trace {
	char *path; /* absolute */
	char *name; /* the CSV's trace column: as the grid named it */
};

struct grid_policy {
	char *name;
	char *sets[GRID_MAX_SETS]; /* "KEY=VALUE" */
	size_t nsets;
};

struct grid_axis {
	char *key;
	char *values[GRID_MAX_VALUES];
	size_t nvalues;
};

struct grid {
	struct grid_trace traces[GRID_MAX_TRACES];
	size_t ntraces;
	char *sets[GRID_MAX_SETS]; /* pinned in every cell, "KEY=VALUE" */
	size_t nsets;
	struct grid_policy policies[GRID_MAX_POLICIES];
	size_t npolicies;
	struct grid_axis axes[GRID_MAX_AXES];
	size_t naxes;
	char *stats_text;          /* the stats line as given; NULL: every stat */
	size_t *stats;             /* the CSV's stat columns, by index */
	size_t nstats;
};

/* One cell: which trace, policy and value of each axis (cells run trace by trace, then
 * policy by policy, the last axis fastest). */
struct grid_cell {
	size_t index, trace, policy;
	size_t value[GRID_MAX_AXES];
};

/* ---- grid_spec.c: the grid ---- */
int grid_init(struct grid *g);
void grid_release(struct grid *g);
/* One line of a grid file ("trace PATH", "set K=V", "policy NAME:K=V,...", "axis K=V1,V2",
 * "stats LIST"), relative paths taken from `base` (a folder); `where` names it in errors. */
int grid_parse_line(struct grid *g, const char *line, const char *base, const char *where);
/* A whole grid file: its first line 'tdpsim-grid 1', then lines as above; # comments. */
int grid_read_file(struct grid *g, const char *path);
/* What a grid needs before it runs: a trace, and stats chosen (every stat by default). */
int grid_finish(struct grid *g);
/* The grid as a file grid_read_file reads back to the same grid (traces absolute). */
void grid_write(FILE *f, const struct grid *g);
size_t grid_cell_count(const struct grid *g);
void grid_cell_at(const struct grid *g, size_t index, struct grid_cell *c);
/* The settings cell c pins, in the order they apply: the grid's, its policy's, its axes'. */
size_t grid_cell_pins(const struct grid *g, const struct grid_cell *c, const char **pins,
		      size_t max);
/* "trace NAME, policy P, K=V, ..." for messages. */
void grid_cell_describe(const struct grid *g, const struct grid_cell *c, char *buf, size_t n);

/* ---- grid_cell.c: a cell's result file ---- */
/* The text that decides cell c's result, and the file it is kept in (DIR/c-HASH.cell). */
int grid_cell_key(const struct grid *g, const struct grid_cell *c, const char *dir,
		  char *key, size_t keysize, char *path, size_t pathsize);
/* Whether cell c's result is in DIR. */
int grid_cell_done(const struct grid *g, const struct grid_cell *c, const char *dir);
/* Replay cell c (unless done) and keep its result in DIR; the exit status, as tdpsim replay's
 * (3: the machine took a machine check; its result is kept). */
int grid_cell_run(const struct grid *g, const struct grid_cell *c, const char *dir,
		  const tdpsim_options *o);
/* The CSV: a header, then a row per mark and one "final" of every cell, in cell order.
 * Cells without a result are counted in *missing and listed on stderr; nothing is written
 * unless every cell has one. */
int grid_merge(const struct grid *g, const char *dir, FILE *out, size_t *missing);

#endif

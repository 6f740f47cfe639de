/* SPDX-License-Identifier: MIT */
/*
 * Driving gnuplot: a script written to the real program through a pipe (and, on request,
 * kept in a file so a user can restyle and rerun it).  The picture appears only once
 * gnuplot has drawn it without an error.
 */
#ifndef TDPSIM_CLI_PLOT_H
#define TDPSIM_CLI_PLOT_H

#include <stdio.h>

#include "cli.h"

struct plot {
	FILE *pipe;   /* gnuplot's standard input */
	FILE *script; /* the kept script, or NULL (script.f) */
	char *out;    /* the picture's name as given */
	tdpsim_output *picture; /* the file gnuplot draws into (tdpsim/output.h) */
	struct outfile script_file;
};

/* 0 if gnuplot is on the PATH; else how to install it on stderr, and EXIT_BAD_INPUT. */
int plot_need_gnuplot(void);

/* 0 if `path` ends in .png or .svg; else a message and EXIT_BAD_INPUT. */
int plot_check_output(const char *option, const char *path);

/*
 * Start gnuplot drawing into `out` (.png: pngcairo, .svg: svg) at width x height pixels;
 * `keep_script` (or NULL) receives the same script, with `out` as its output.
 */
int plot_open(struct plot *p, const char *out, const char *keep_script, int width, int height);

/* One or more lines of script. */
void plot_cmd(struct plot *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* `s` as a gnuplot single-quoted string (a quote is doubled), into buf. */
const char *plot_quote(char *buf, size_t size, const char *s);

/* Finish: gnuplot runs the script; on success the picture (and script) move into place. */
int plot_close(struct plot *p);

/* Give up: stop gnuplot, remove the temporary files. */
void plot_abort(struct plot *p);

/* ---- pictures of timelines (cmd_plot.c) ---- */

enum plot_kind { PLOT_PRESSURE, PLOT_PAGESIZES, PLOT_CYCLES, PLOT_COMPARE, PLOT_OVERVIEW };

struct plot_request {
	enum plot_kind kind;
	const char *const *paths;  /* timeline CSV files */
	const char *const *labels; /* a name for each (NULL: from the file's name) */
	size_t n;
	const char *stat;          /* compare: the column overlaid (NULL: stlb_mpka) */
	const char *title;         /* NULL: the kind's own */
	const char *out;
	const char *keep_script;   /* NULL: none */
};

/* The kind called `name`, or -1. */
int plot_kind_find(const char *name);

/* Draw the picture; 0, or a message and an exit status. */
int plot_timelines(const struct plot_request *r);

#endif

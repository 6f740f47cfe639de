/* SPDX-License-Identifier: MIT */
/*
 * tdpsim replay's timeline options: --timeline FILE.csv, --interval N, --plot FILE.png|svg
 * (docs/timeline.md).  Kept apart from cmd_replay.c, which only forwards to these.
 */
#ifndef TDPSIM_CLI_REPLAY_TIMELINE_H
#define TDPSIM_CLI_REPLAY_TIMELINE_H

#include "cli.h"
#include "timeline_csv.h"

enum { OPT_TIMELINE = 1000, OPT_INTERVAL, OPT_PLOT };

#define REPLAY_TIMELINE_USAGE                                                                  \
	"  --timeline FILE  write a CSV row per interval to FILE (columns: docs/timeline.md)\n"  \
	"  --interval N     the timeline's interval: N accesses (100000, 250k, 2M), N events\n"   \
	"                   (5000events) or simulated time (10ms, 500us, 2s); default: about\n"   \
	"                   200 rows over the trace's accesses\n"                                 \
	"  --plot FILE      draw the replay (TLB pressure, page sizes, cycles over time) to\n"   \
	"                   FILE.png or FILE.svg with gnuplot\n"

#define REPLAY_TIMELINE_EXAMPLE                                                                \
	"\n"                                                                                     \
	"example:\n"                                                                             \
	"  tdpsim replay traces/examples/quickstart.tdpt --timeline t.csv --plot t.png\n"

#define REPLAY_TIMELINE_OPTIONS                                                                \
	{ "timeline", required_argument, NULL, OPT_TIMELINE },                                  \
	{ "interval", required_argument, NULL, OPT_INTERVAL },                                  \
	{ "plot", required_argument, NULL, OPT_PLOT },

struct replay_timeline {
	const char *csv, *interval, *plot;
	tdpsim_interval_unit unit;
	uint64_t every;
	struct outfile out;   /* the CSV (a temporary one for --plot alone) */
	char *scratch;        /* that temporary's name, removed at the end */
	struct timeline_csv writer;
	int open;
	char title[256];       /* the picture's */
};

/* One of the options above, from getopt. */
int replay_timeline_option(struct replay_timeline *t, int opt, const char *arg);

/* After parsing: the options agree with each other and gnuplot is there if needed. */
int replay_timeline_check(struct replay_timeline *t, const char *trace);

/* Before the replay: start sampling into the CSV. */
int replay_timeline_begin(struct replay_timeline *t, tdpsim_sim *sim);

/* After a replay that ran: finish the CSV, move it into place, draw --plot. */
int replay_timeline_end(struct replay_timeline *t, const tdpsim_sim *sim);

/* Release everything; an unfinished CSV is removed. */
void replay_timeline_free(struct replay_timeline *t);

#endif

/* SPDX-License-Identifier: MIT */
/* tdpsim replay --timeline / --interval / --plot; see replay_timeline.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plot.h"
#include "replay_timeline.h"

int replay_timeline_option(struct replay_timeline *t, int opt, const char *arg)
{
	if (opt == OPT_TIMELINE)
		t->csv = arg;
	else if (opt == OPT_INTERVAL)
		t->interval = arg;
	else
		t->plot = arg;
	return 0;
}

int replay_timeline_check(struct replay_timeline *t, const char *trace)
{
	const char *base = strrchr(trace, '/') ? strrchr(trace, '/') + 1 : trace;
	int rc;

	snprintf(t->title, sizeof(t->title), "tdpsim replay of %s", base);

	if (t->interval && !t->csv && !t->plot)
		return cli_usage_error("replay: --interval is for --timeline or --plot");
	if (!t->csv && !t->plot)
		return 0;
	if (t->csv && strcmp(t->csv, "-") == 0)
		return cli_usage_error("replay: --timeline needs a file name (standard output has "
				       "the report)");
	if (t->plot && ((rc = plot_check_output("--plot", t->plot)) != 0 ||
			(rc = plot_need_gnuplot()) != 0))
		return rc;
	if (t->interval)
		return timeline_parse_interval(t->interval, &t->unit, &t->every);
	return timeline_default_interval(trace, &t->unit, &t->every);
}

/* --plot without --timeline: the CSV goes to a temporary file beside the picture. */
static int scratch_csv(struct replay_timeline *t)
{
	int fd;

	t->scratch = malloc(strlen(t->plot) + 24);
	if (!t->scratch)
		return cli_usage_error("out of memory");
	sprintf(t->scratch, "%s.timeline.XXXXXX", t->plot);
	fd = mkstemp(t->scratch);
	if (fd < 0) {
		free(t->scratch);
		t->scratch = NULL;
		return cli_usage_error("%s: cannot create a file beside it", t->plot);
	}
	close(fd);
	return outfile_open(&t->out, t->scratch);
}

int replay_timeline_begin(struct replay_timeline *t, tdpsim_sim *sim)
{
	int rc;

	if (!t->csv && !t->plot)
		return 0;
	if ((rc = t->csv ? outfile_open(&t->out, t->csv) : scratch_csv(t)) != 0)
		return rc;
	t->open = 1;
	return timeline_csv_start(&t->writer, t->out.f, sim, t->unit, t->every);
}

int replay_timeline_end(struct replay_timeline *t, const tdpsim_sim *sim)
{
	struct plot_request r = { PLOT_OVERVIEW, NULL, NULL, 1, NULL, NULL, NULL, NULL };
	const char *path = t->csv ? t->csv : t->scratch;
	int rc;

	if (!t->open)
		return 0;
	timeline_csv_finish(&t->writer, sim);
	t->open = 0;
	if ((rc = outfile_commit(&t->out)) != 0 || !t->plot)
		return rc;
	r.paths = &path;
	r.out = t->plot;
	r.title = t->title;
	return plot_timelines(&r);
}

void replay_timeline_free(struct replay_timeline *t)
{
	if (t->open)
		outfile_abort(&t->out);
	t->open = 0;
	if (t->scratch)
		unlink(t->scratch);
	free(t->scratch);
	t->scratch = NULL;
}

/* SPDX-License-Identifier: MIT */
/*
 * The progress bar: share of the input read, events/s and ETA, redrawn on one stderr line.
 * Only on a terminal, so pipes and CI logs never see it; by default only once a replay has
 * run for a second, so short runs stay quiet.
 */
#include <stdio.h>
#include <unistd.h>

#include "cli.h"

#define BAR_WIDTH 30
#define DELAY_SECONDS 1.0
#define REDRAW_SECONDS 0.1 /* a terminal needs no more than ten frames a second */

void progress_init(struct progress *p, int mode, const tdpsim_sim *sim)
{
	p->sim = sim;
	p->mode = isatty(2) ? mode : 0;
	p->shown = 0;
	p->start = now_seconds();
	p->last_draw = 0;
}

int progress_cb(uint64_t events, uint64_t bytes_read, uint64_t bytes_total, void *payload)
{
	struct progress *p = payload;
	double elapsed = now_seconds() - p->start, share, rate, arate;
	tdpsim_stats st;
	char bar[BAR_WIDTH + 1];
	int filled;

	if (p->mode == 0 || (p->mode == 1 && elapsed < DELAY_SECONDS))
		return 0;
	if (p->shown && elapsed - p->last_draw < REDRAW_SECONDS && bytes_read < bytes_total)
		return 0;
	p->last_draw = elapsed;
	share = bytes_total ? (double)bytes_read / (double)bytes_total : 0.0;
	if (share > 1.0)
		share = 1.0;
	filled = (int)(share * BAR_WIDTH);
	for (int i = 0; i < BAR_WIDTH; i++)
		bar[i] = i < filled ? '#' : '.';
	bar[BAR_WIDTH] = '\0';
	rate = elapsed > 0 ? (double)events / elapsed : 0;
	tdpsim_sim_stats(p->sim, &st);
	arate = elapsed > 0 ? (double)st.accesses / elapsed : 0;
	if (bytes_total && share >= 1.0) {
		/* All read, still running: a long sweep at the end.  No ETA to give: its work. */
		fprintf(stderr, "\r[%s] %3.0f%%  the last events run: %.1f M accesses done, "
			"%.2f M accesses/s ", bar, share * 100, (double)st.accesses / 1e6,
			arate / 1e6);
	} else if (bytes_total && share > 0) {
		double eta = elapsed / share - elapsed;

		fprintf(stderr, "\r[%s] %3.0f%%  %.2f M events/s  %.2f M accesses/s  ETA %d:%02d ",
			bar, share * 100, rate / 1e6, arate / 1e6, (int)eta / 60, (int)eta % 60);
	} else {
		fprintf(stderr, "\r[%s]  %llu events  %.2f M events/s  %.2f M accesses/s ", bar,
			(unsigned long long)events, rate / 1e6, arate / 1e6);
	}
	p->shown = 1;
	return 0;
}

void progress_done(struct progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr); /* erase the bar's line */
}

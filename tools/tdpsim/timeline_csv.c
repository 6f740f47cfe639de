/* SPDX-License-Identifier: MIT */
/*
 * Timelines as CSV: one row per interval.  Counters of events (accesses, misses, faults,
 * cycles) are given per interval, the difference of the stats at its two ends; the state of
 * the tables (pages by size, NX splits, dirty pages) as it stands at the interval's end.
 * Every figure is an integer or a ratio printed by integer arithmetic, so the file is the
 * same on every machine.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "timeline_csv.h"

/* Counters given per interval, as the stats name them. */
static const char *const delta_cols[] = {
	"accesses", "accesses_read", "accesses_write", "accesses_exec",
	"itlb_misses_4k", "itlb_misses_2m", "itlb_misses_1g",
	"dtlb_misses_4k", "dtlb_misses_2m", "dtlb_misses_1g", "stlb_hits", "stlb_misses",
	"walk_refs", "walk_refs_cached", "tlb_flushes", "remote_tlb_flush_requests",
	"pf_taken", "pf_fixed", "pf_fast", "pf_spurious", "pf_emulate", "pf_mmio_spte_created",
	"guest_page_faults",
	"cycles", "cycles_tlb", "cycles_walk", "cycles_exit", "cycles_kvm", "cycles_flush",
	"cycles_guest_pf", "cycles_background",
};

/* State at the interval's end. */
static const char *const level_cols[] = {
	"pages_4k", "pages_2m", "pages_1g", "nx_lpage_splits", "tdp_mmu_pages", "dirty_pages",
};

const char *timeline_unit_name(tdpsim_interval_unit unit)
{
	return unit == TDPSIM_INTERVAL_EVENTS ? "events"
	       : unit == TDPSIM_INTERVAL_NS   ? "ns"
					      : "accesses";
}

static uint64_t stat(const tdpsim_stats *s, const char *name)
{
	return tdpsim_stats_value(s, (size_t)tdpsim_stats_find(name));
}

static uint64_t unit_position(tdpsim_interval_unit unit, const tdpsim_stats *s)
{
	return unit == TDPSIM_INTERVAL_EVENTS ? s->events
	       : unit == TDPSIM_INTERVAL_NS   ? s->sim_ns
					      : s->accesses;
}

/* A multiplier suffix: k M G (powers of 1000), or none. */
static int scale(const char *suffix, uint64_t *mul)
{
	*mul = !*suffix ? 1 : strcmp(suffix, "k") == 0 ? 1000
			    : strcmp(suffix, "M") == 0 ? 1000000
			    : strcmp(suffix, "G") == 0 ? 1000000000 : 0;
	return *mul ? 0 : -1;
}

static const struct { const char *suffix; uint64_t ns; } time_units[] = {
	{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 },
};

int timeline_parse_interval(const char *text, tdpsim_interval_unit *unit, uint64_t *every)
{
	char *end;
	uint64_t n, mul = 0;
	size_t len;

	if (!isdigit((unsigned char)text[0]))
		goto bad;
	n = strtoull(text, &end, 10);
	*unit = TDPSIM_INTERVAL_ACCESSES;
	len = strlen(end);
	if (len >= 6 && strcmp(end + len - 6, "events") == 0) {
		char pre[8] = "";

		*unit = TDPSIM_INTERVAL_EVENTS;
		if (len - 6 < sizeof(pre))
			memcpy(pre, end, len - 6);
		if (len - 6 >= sizeof(pre) || scale(pre, &mul) < 0)
			goto bad;
	} else if (scale(end, &mul) < 0) {
		for (size_t i = 0; i < sizeof(time_units) / sizeof(time_units[0]); i++)
			if (strcmp(end, time_units[i].suffix) == 0) {
				*unit = TDPSIM_INTERVAL_NS;
				mul = time_units[i].ns;
			}
		if (!mul)
			goto bad;
	}
	if (n == 0 || n > UINT64_MAX / mul)
		goto bad;
	*every = n * mul;
	return 0;
bad:
	return cli_usage_error("--interval: '%s' is not an interval: N accesses (100000, 250k, "
			       "2M), N events (5000events) or simulated time (10ms, 500us, 2s)",
			       text);
}

int timeline_default_interval(const char *path, tdpsim_interval_unit *unit, uint64_t *every)
{
	tdpsim_trace *t = NULL;
	tdpsim_event ev;
	uint64_t accesses = 0, events = 0;
	int rc;

	if (strcmp(path, "-") == 0)
		return cli_usage_error("a timeline of standard input needs --interval");
	if (tdpsim_trace_open(&t, path) < 0)
		return cli_fail();
	while ((rc = tdpsim_trace_next(t, &ev)) > 0) {
		accesses += tdpsim_event_accesses(&ev);
		events++;
	}
	tdpsim_trace_free(t);
	if (rc < 0)
		return cli_fail();
	*unit = accesses ? TDPSIM_INTERVAL_ACCESSES : TDPSIM_INTERVAL_EVENTS;
	*every = ((accesses ? accesses : events) + TIMELINE_DEFAULT_ROWS - 1) /
		 TIMELINE_DEFAULT_ROWS;
	if (*every == 0)
		*every = 1;
	return 0;
}

static void write_header(FILE *f)
{
	fputs("interval,unit,end,accesses_total,events_total,sim_ns", f);
	for (size_t i = 0; i < sizeof(delta_cols) / sizeof(delta_cols[0]); i++)
		fprintf(f, ",%s", delta_cols[i]);
	fputs(",l1_mpka,stlb_mpka,itlb_walk_mpka,dtlb_walk_mpka", f);
	for (size_t i = 0; i < sizeof(level_cols) / sizeof(level_cols[0]); i++)
		fprintf(f, ",%s", level_cols[i]);
	fputs(",mark\n", f);
}

/* misses per thousand accesses with three decimals, rounded; empty without accesses. */
static void write_mpka(FILE *f, uint64_t misses, uint64_t accesses)
{
	uint64_t milli;

	if (!accesses) {
		fputc(',', f);
		return;
	}
	milli = (misses * 1000000 + accesses / 2) / accesses;
	fprintf(f, ",%" PRIu64 ".%03" PRIu64, milli / 1000, milli % 1000);
}

static void write_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void write_row(struct timeline_csv *t, uint64_t end, const tdpsim_stats *s,
		      const char *mark)
{
	const tdpsim_stats *p = &t->prev;
	uint64_t acc = s->accesses - p->accesses;
	uint64_t itlb = s->itlb_misses_4k + s->itlb_misses_2m + s->itlb_misses_1g -
			(p->itlb_misses_4k + p->itlb_misses_2m + p->itlb_misses_1g);
	uint64_t dtlb = s->dtlb_misses_4k + s->dtlb_misses_2m + s->dtlb_misses_1g -
			(p->dtlb_misses_4k + p->dtlb_misses_2m + p->dtlb_misses_1g);

	fprintf(t->f, "%" PRIu64 ",%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64, t->rows,
		timeline_unit_name(t->unit), end, s->accesses, s->events, s->sim_ns);
	for (size_t i = 0; i < sizeof(delta_cols) / sizeof(delta_cols[0]); i++)
		if (tdpsim_sim_stat_present(t->sim, (size_t)tdpsim_stats_find(delta_cols[i])))
			fprintf(t->f, ",%" PRIu64, stat(s, delta_cols[i]) - stat(p, delta_cols[i]));
		else
			fputc(',', t->f); /* not on the kernel profile: absent, not 0 */
	/* An L1 miss goes to the STLB (stlb_hits) or on to a walk (stlb_misses), and a walk
	 * counts as an iTLB or dTLB miss by the access's kind (cpu/vcpu.c, fill_tlb). */
	write_mpka(t->f, s->stlb_hits - p->stlb_hits + s->stlb_misses - p->stlb_misses, acc);
	write_mpka(t->f, s->stlb_misses - p->stlb_misses, acc);
	write_mpka(t->f, itlb, acc);
	write_mpka(t->f, dtlb, acc);
	for (size_t i = 0; i < sizeof(level_cols) / sizeof(level_cols[0]); i++)
		fprintf(t->f, ",%" PRIu64, stat(s, level_cols[i]));
	fputc(',', t->f);
	write_field(t->f, mark ? mark : "");
	fputc('\n', t->f);
	t->prev = *s;
	t->rows++;
}

static void on_sample(const tdpsim_sample *s, void *payload)
{
	write_row(payload, s->at, s->stats, s->mark);
}

int timeline_csv_start(struct timeline_csv *t, FILE *f, tdpsim_sim *sim,
		       tdpsim_interval_unit unit, uint64_t every)
{
	tdpsim_sampling s = TDPSIM_SAMPLING_INIT;

	memset(t, 0, sizeof(*t));
	t->f = f;
	t->sim = sim;
	t->unit = unit;
	t->every = every;
	tdpsim_sim_stats(sim, &t->prev);
	s.unit = unit;
	s.every = every;
	s.fn = on_sample;
	s.payload = t;
	if (tdpsim_sim_set_sampling(sim, &s) < 0)
		return cli_fail();
	write_header(f);
	return 0;
}

void timeline_csv_finish(struct timeline_csv *t, const tdpsim_sim *sim)
{
	size_t n = tdpsim_sim_mark_count(sim);
	const char *mark = NULL;
	tdpsim_stats now;

	tdpsim_sim_stats(sim, &now);
	/* Nothing but the event count moved on (the sweep that crossed the last boundary
	 * ended there, say): the last row is already the end. */
	now.events = t->prev.events;
	if (memcmp(&now, &t->prev, sizeof(now)) == 0)
		return;
	tdpsim_sim_stats(sim, &now);
	if (n)
		tdpsim_sim_mark(sim, n - 1, &mark, NULL);
	write_row(t, unit_position(t->unit, &now), &now, mark);
}

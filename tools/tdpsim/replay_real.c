/* SPDX-License-Identifier: MIT */
/*
 * tdpsim replay --against-real: the simulator's stats at each mark stepN beside the real
 * KVM's after that step, which `tdpsim import --from scn --summary` wrote into the trace as
 * "# real stepN: name=value ..." comments.  Every real stat the simulator has a counter of
 * the same name for (and the kernel profile has) is compared; the others are listed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "replay_real.h"

#define REAL_MAX_NAMES 64

struct real_stat {
	char name[48];
	uint64_t steps, differ;      /* steps it was compared at, and differed at */
	char first[128];             /* the first difference */
};

struct real_tally {
	struct real_stat stat[REAL_MAX_NAMES];
	size_t n;
	char skipped[REAL_MAX_NAMES][96]; /* real stats with no counter here */
	size_t nskipped;
	uint64_t steps, values, agree, unmatched;
};

static struct real_stat *tally_stat(struct real_tally *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->stat[i].name, name) == 0)
			return &t->stat[i];
	if (t->n == REAL_MAX_NAMES)
		return NULL;
	snprintf(t->stat[t->n].name, sizeof(t->stat[0].name), "%s", name);
	return &t->stat[t->n++];
}

static void tally_skip(struct real_tally *t, const char *name, const char *why)
{
	char entry[96];

	snprintf(entry, sizeof(entry), "%s%s", name, why);
	for (size_t i = 0; i < t->nskipped; i++)
		if (strcmp(t->skipped[i], entry) == 0)
			return;
	if (t->nskipped < REAL_MAX_NAMES)
		snprintf(t->skipped[t->nskipped++], sizeof(t->skipped[0]), "%s", entry);
}

/* The stats of the mark called `label`, or -1. */
static int find_mark(const tdpsim_sim *sim, const char *label, tdpsim_stats *st)
{
	for (size_t i = 0; i < tdpsim_sim_mark_count(sim); i++) {
		const char *l;

		if (tdpsim_sim_mark(sim, i, &l, st) == 0 && strcmp(l, label) == 0)
			return 0;
	}
	return -1;
}

/* One "name=value" of step `label` against the mark's stats. */
static void compare_one(const tdpsim_sim *sim, struct real_tally *t, const char *label,
			const tdpsim_stats *st, char *item)
{
	char *eq = strchr(item, '=');
	struct real_stat *rs;
	uint64_t want, got;
	int idx;

	if (!eq)
		return;
	*eq = '\0';
	want = strtoull(eq + 1, NULL, 10);
	idx = tdpsim_stats_find(item);
	if (idx < 0) {
		tally_skip(t, item, "");
		return;
	}
	if (!tdpsim_sim_stat_present(sim, (size_t)idx)) {
		tally_skip(t, item, " (not in this kernel profile)");
		return;
	}
	if (!(rs = tally_stat(t, item)))
		return;
	got = tdpsim_stats_value(st, (size_t)idx);
	rs->steps++;
	t->values++;
	if (got == want) {
		t->agree++;
		return;
	}
	if (!rs->differ++)
		snprintf(rs->first, sizeof(rs->first), "first at %s: simulated %" PRIu64
			 ", real %" PRIu64, label, got, want);
}

static void compare_line(const tdpsim_sim *sim, struct real_tally *t, char *line)
{
	char label[64], *colon, *item;
	tdpsim_stats st;

	colon = strchr(line, ':');
	if (!colon || (size_t)(colon - line) >= sizeof(label))
		return;
	memcpy(label, line, (size_t)(colon - line));
	label[colon - line] = '\0';
	if (find_mark(sim, label, &st) < 0) {
		t->unmatched++;
		return;
	}
	t->steps++;
	for (item = strtok(colon + 1, " \t\n"); item; item = strtok(NULL, " \t\n"))
		compare_one(sim, t, label, &st, item);
}

static void report(const struct real_tally *t)
{
	fprintf(stderr, "against-real: %" PRIu64 " steps, %" PRIu64 " values of %zu stats: %"
		PRIu64 " agree (%.1f%%)\n", t->steps, t->values, t->n, t->agree,
		t->values ? 100.0 * (double)t->agree / (double)t->values : 0.0);
	for (size_t i = 0; i < t->n; i++)
		if (t->stat[i].differ)
			fprintf(stderr, "against-real:   %s differs at %" PRIu64 " of %" PRIu64
				" steps, %s\n", t->stat[i].name, t->stat[i].differ,
				t->stat[i].steps, t->stat[i].first);
	if (t->unmatched)
		fprintf(stderr, "against-real:   %" PRIu64 " real steps have no mark of their "
			"name in the trace\n", t->unmatched);
	if (t->nskipped) {
		fprintf(stderr, "against-real:   not compared (no counter of that name here):");
		for (size_t i = 0; i < t->nskipped; i++)
			fprintf(stderr, " %s", t->skipped[i]);
		fputc('\n', stderr);
	}
}

int replay_against_real(const tdpsim_sim *sim, const char *trace)
{
	struct real_tally *t;
	char line[8192];
	FILE *f;
	int rc = replay_open_text_trace(trace, "--against-real", &f);

	if (rc)
		return rc;
	t = calloc(1, sizeof(*t));
	if (!t) {
		fclose(f);
		return cli_usage_error("replay: --against-real: out of memory");
	}
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "# real ", 7) == 0)
			compare_line(sim, t, line + 7);
	fclose(f);
	if (!t->steps && !t->unmatched) {
		free(t);
		return cli_usage_error("replay: --against-real: %s has no '# real stepN:' lines "
				       "(tdpsim import --from scn --summary writes them)", trace);
	}
	report(t);
	free(t);
	return 0;
}

int replay_open_text_trace(const char *path, const char *option, FILE **out)
{
	unsigned char magic[2] = { 0, 0 };
	FILE *f;

	*out = NULL;
	if (strcmp(path, "-") == 0)
		return cli_usage_error("replay: %s reads the trace a second time: give a file",
				       option);
	f = fopen(path, "r");
	if (!f)
		return cli_usage_error("replay: %s: cannot open %s", option, path);
	if (fread(magic, 1, 2, f) != 2 || (magic[0] == 0x1f && magic[1] == 0x8b) ||
	    magic[0] == 'T') {
		fclose(f);
		return cli_usage_error("replay: %s needs the uncompressed text trace (.tdpt) that "
				       "'tdpsim import' wrote: the binary encoding keeps no "
				       "comments", option);
	}
	rewind(f);
	*out = f;
	return 0;
}

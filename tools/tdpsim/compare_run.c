/* SPDX-License-Identifier: MIT */
/*
 * A compare child: the replay of one policy, with the library, as 'tdpsim replay --set ...'
 * would run it, and its result written to the parent's pipe.  Nothing is printed here: the
 * parent reports, in policy order.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compare.h"
#include "timeline_csv.h"

static void fail_with(struct policy_result *r, int status, const char *where)
{
	const tdpsim_error *e = tdpsim_error_last();

	r->status = status;
	snprintf(r->message, sizeof(r->message), "%s%s%s", where ? where : "",
		 where ? ": " : "", e ? e->message : "unknown error");
}

static int pin(tdpsim_sim *sim, const struct policy *p, struct policy_result *r)
{
	for (size_t i = 0; i < p->nsets; i++) {
		char key[128];
		const char *eq = strchr(p->sets[i], '=');
		size_t n = (size_t)(eq - p->sets[i]);

		if (n >= sizeof(key)) {
			r->status = EXIT_BAD_INPUT;
			snprintf(r->message, sizeof(r->message), "%s: key too long", p->sets[i]);
			return -1;
		}
		memcpy(key, p->sets[i], n);
		key[n] = '\0';
		if (tdpsim_sim_set(sim, key, eq + 1) < 0) {
			fail_with(r, EXIT_BAD_INPUT, p->sets[i]);
			return -1;
		}
	}
	return 0;
}

/* Every setting as name=value lines into buf: its value, or (resolved) what an auto became. */
static void keep_settings(const tdpsim_sim *sim, char *buf, size_t size, int resolved)
{
	size_t o = 0;

	for (size_t i = 0; i < tdpsim_setting_count(); i++) {
		int n = snprintf(buf + o, size - o, "%s=%s\n", tdpsim_setting_name(i),
				 resolved ? tdpsim_sim_setting_resolved(sim, i)
					  : tdpsim_sim_setting_value(sim, i));

		if (n < 0 || (size_t)n >= size - o)
			break;
		o += (size_t)n;
	}
}

static void keep_results(const tdpsim_sim *sim, struct policy_result *r)
{
	tdpsim_sim_stats(sim, &r->final);
	keep_settings(sim, r->settings, sizeof(r->settings), 0);
	keep_settings(sim, r->resolved, sizeof(r->resolved), 1);
	for (size_t i = 0; i < tdpsim_stats_count() && i < COMPARE_MAX_ROWS; i++)
		r->absent[i] = !tdpsim_sim_stat_present(sim, i);
}

/* The timeline's file, opened as every output is (tdpsim/output.h); fills r on failure. */
static int open_timeline(const struct policy *p, struct outfile *out, struct policy_result *r)
{
	const tdpsim_error *e;

	if (outfile_open(out, p->timeline) == 0)
		return 0;
	e = tdpsim_error_last();
	r->status = EXIT_BAD_INPUT;
	snprintf(r->message, sizeof(r->message), "%s: cannot write the timeline%s%s", p->timeline,
		 e ? ": " : "", e ? e->message : "");
	return -1;
}

/* The replay itself, with its timeline if one is wanted; fills r. */
static void replay(const struct compare_args *a, const struct policy *p, struct policy_result *r)
{
	tdpsim_sim *sim = NULL;
	tdpsim_trace *trace = NULL;
	struct timeline_csv tl;
	struct outfile csv = { NULL, NULL };
	int64_t n;

	if (tdpsim_sim_new(&sim, &a->opts) < 0) {
		fail_with(r, EXIT_INTERNAL, NULL);
		return;
	}
	if (pin(sim, p, r) < 0)
		goto out;
	if (tdpsim_trace_open(&trace, a->trace) < 0) {
		fail_with(r, EXIT_BAD_INPUT, NULL);
		goto out;
	}
	if (p->timeline && (open_timeline(p, &csv, r) < 0 ||
			    timeline_csv_start(&tl, csv.f, sim, a->unit, a->every) != 0)) {
		if (r->status == 0) {
			r->status = EXIT_BAD_INPUT;
			snprintf(r->message, sizeof(r->message), "%s: cannot sample the timeline",
				 p->timeline);
		}
		goto out;
	}
	n = tdpsim_sim_replay(sim, trace, NULL, NULL);
	if (n < 0) {
		fail_with(r, EXIT_BAD_INPUT, NULL);
		goto out;
	}
	if (csv.f)
		timeline_csv_finish(&tl, sim);
	r->events = (uint64_t)n;
	r->digest = tdpsim_sim_digest(sim);
	keep_results(sim, r);
	if (tdpsim_sim_halted(sim, NULL, NULL, NULL)) {
		r->status = EXIT_MACHINE_CHECK;
		snprintf(r->message, sizeof(r->message), "the simulated machine took a machine "
			 "check (iTLB multihit); later events did not run");
	}
out:
	/* The timeline appears only when complete (a machine check completes it). */
	if (csv.out && (r->status == 0 || r->status == EXIT_MACHINE_CHECK)) {
		if (outfile_commit(&csv) != 0 && r->status == 0) {
			r->status = EXIT_BAD_INPUT;
			snprintf(r->message, sizeof(r->message), "%s: cannot write", p->timeline);
		}
	} else
		outfile_abort(&csv);
	tdpsim_trace_free(trace);
	tdpsim_sim_free(sim);
}

int compare_child(const struct compare_args *a, const struct policy *p, int fd)
{
	static struct policy_result r; /* large: not on the stack */
	size_t done = 0;

	memset(&r, 0, sizeof(r));
	replay(a, p, &r);
	while (done < sizeof(r)) {
		ssize_t n = write(fd, (const char *)&r + done, sizeof(r) - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return EXIT_INTERNAL;
		done += (size_t)n;
	}
	close(fd);
	return r.status;
}

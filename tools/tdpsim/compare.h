/* SPDX-License-Identifier: MIT */
/* tdpsim compare's pieces: the policies, a child's replay, the report and the bar chart. */
#ifndef TDPSIM_CLI_COMPARE_H
#define TDPSIM_CLI_COMPARE_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "cli.h"

#define COMPARE_MAX_POLICIES 64
#define COMPARE_MAX_ROWS 128
#define POLICY_MAX_SETS 32

/* What a child sends back through its pipe (plain data: the same binary on both ends). */
struct policy_result {
	int status;          /* as tdpsim replay would exit: 0, 2 bad input, 3 machine check */
	char message[512];   /* why, when status is not 0 */
	uint64_t events;
	uint64_t digest;
	tdpsim_stats final;
	char settings[2048]; /* "name=value\n" for every setting as the replay used it */
	char resolved[2048]; /* the same with each auto as it resolved */
	unsigned char absent[COMPARE_MAX_ROWS]; /* [stat]: not on the policy's kernel profile */
};

struct policy {
	char name[64];
	char *text;          /* the settings part of --policy, split in place */
	const char *sets[POLICY_MAX_SETS];
	size_t nsets;
	char *timeline;      /* its timeline CSV, or NULL */
	pid_t pid;
	int fd;
	struct policy_result result;
};

struct compare_args {
	const char *trace, *out, *plot, *pressure, *timelines, *interval;
	enum report_format fmt;
	unsigned jobs;
	struct policy policies[COMPARE_MAX_POLICIES];
	size_t npolicies;
	size_t rows[COMPARE_MAX_ROWS]; /* stat indices, in order */
	size_t nrows;
	tdpsim_interval_unit unit;     /* the timelines' interval */
	uint64_t every;
	char scratch[4096];            /* a scratch directory for the timelines, or "" */
	struct cli_budget budget;      /* --max-memory, --max-work */
	tdpsim_options opts;           /* each replay's: the budget */
};

/* In the child: replay the trace under `p` and write its result to `fd`; the exit status. */
int compare_child(const struct compare_args *a, const struct policy *p, int fd);

/* The table, JSON or CSV of every policy's results. */
void compare_report(FILE *f, const struct compare_args *a);

/* --plot: grouped bars per stat, each policy's ratio to the first. */
int compare_plot(const struct compare_args *a);

/* Policy i's ratio to the first for stat `stat`; 0 when undefined (writes *defined). */
double compare_ratio(const struct compare_args *a, size_t i, size_t stat, int *defined);

#endif

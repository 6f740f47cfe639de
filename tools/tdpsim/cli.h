/* SPDX-License-Identifier: MIT */
/* The tdpsim command line: shared pieces of the subcommands. */
#ifndef TDPSIM_CLI_H
#define TDPSIM_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "tdpsim/tdpsim.h"

/* Exit statuses (docs/tdpsim.1, EXIT STATUS). */
enum { EXIT_DONE = 0, EXIT_INTERNAL = 1, EXIT_BAD_INPUT = 2, EXIT_MACHINE_CHECK = 3 };

/* Print the library's last error as "tdpsim: message" and return the exit status for it. */
int cli_fail(void);
/* Print the library's last error as "tdpsim: message" and return `status`. */
int cli_fail_status(int status);
/* Print "tdpsim: message" (a usage or input problem) and return EXIT_BAD_INPUT. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* After getopt_long (optstring starting with ':') returned `c` = ':' (an option without its
 * value) or '?' (an unknown one): the message for CMD, and EXIT_BAD_INPUT. */
int cli_option_error(const char *cmd, int c, char **argv);
/* A policy's name (compare --policy, grid's policy lines): letters, digits, _ . - +. */
int cli_policy_name_ok(const char *s, size_t n);
/* -j N of CMD: 1 to 1024 processes. */
int cli_parse_jobs(const char *cmd, const char *s, unsigned *jobs);

/*
 * The resource budget of each replay (tdpsim_options.max_memory, .max_work): --max-memory
 * SIZE (default half the machine's RAM, shared by the -j processes) and --max-work N
 * (default 64G units, one to two hours of replay); both take a number with K, M, G or T
 * (powers of 1024) or `none`.  An event past either is refused at its line, exit status 2.
 */
struct cli_budget {
	uint64_t max_memory, max_work;
	int memory_given, work_given;
	const char *memory_arg, *work_arg; /* as given, for a command line passed on */
};
enum { CLI_OPT_MAX_MEMORY = 900, CLI_OPT_MAX_WORK };
#define CLI_BUDGET_DEFAULT_WORK (64ull << 30)
#define CLI_BUDGET_OPTIONS \
	{ "max-memory", required_argument, NULL, CLI_OPT_MAX_MEMORY }, \
	{ "max-work", required_argument, NULL, CLI_OPT_MAX_WORK },
#define CLI_BUDGET_USAGE \
	"  --max-memory SIZE the memory a replay may hold (K, M, G, T; default half the RAM,\n" \
	"                   shared by the -j processes; `none`): past it the event is refused\n" \
	"  --max-work N     the work a replay may do, in accesses' worth (an access 1, a sweep\n" \
	"                   its accesses, an advance the worker passes it brings; default 64G,\n" \
	"                   one to two hours; `none`): an event past it is refused before it runs\n"
/* getopt returned CLI_OPT_MAX_MEMORY or CLI_OPT_MAX_WORK with `arg`: 0 or EXIT_BAD_INPUT. */
int cli_budget_option(struct cli_budget *b, const char *cmd, int opt, const char *arg);
/* The budget into `o` (a version 2 tdpsim_options): given, or the defaults for `jobs`
 * processes replaying at once. */
void cli_budget_fill(const struct cli_budget *b, unsigned jobs, tdpsim_options *o);

/* -o FILE, as tdpsim/output.h opens every output: a regular file (or a new one) appears whole
 * or not at all, a symlink's target is written, a device or FIFO (-o /dev/null) is written
 * through, a folder or a missing folder is refused at open - so open it before the work.
 * Every failure to write the output is exit status 2, with the file and the reason. */
struct outfile {
	FILE *f;
	tdpsim_output *out; /* NULL: standard output */
};
int outfile_open(struct outfile *o, const char *path);
int outfile_commit(struct outfile *o);
void outfile_abort(struct outfile *o);
/* Whether `out` is the existing file `in` (so writing it would destroy the input). */
int outfile_is_input(const char *out, const char *in);
/* The temporaries of the outputs are removed on SIGINT, SIGTERM and SIGHUP. */
void cli_remove_temporaries_on_signals(void);

/* Reports of a finished replay. */
enum report_format { REPORT_TABLE, REPORT_JSON, REPORT_CSV };
struct report_info {
	const char *trace_path;
	const char *encoding;
	uint64_t events;
};
void report_write(FILE *f, const tdpsim_sim *sim, enum report_format fmt,
		  const struct report_info *info);

/* One CSV field: as it is, or quoted (quotes doubled) where it holds , " or a newline. */
void csv_field(FILE *f, const char *s);

/* The progress bar on stderr. */
struct progress {
	int mode;          /* 0 never, 1 after a second, 2 at once */
	int shown;
	double start;      /* seconds, monotonic */
	double last_draw;
	const tdpsim_sim *sim; /* for the access rate */
};
void progress_init(struct progress *p, int mode, const tdpsim_sim *sim);
int progress_cb(uint64_t events, uint64_t bytes_read, uint64_t bytes_total, void *payload);
void progress_done(struct progress *p);
double now_seconds(void);

int cmd_replay(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_grid(int argc, char **argv);

#endif

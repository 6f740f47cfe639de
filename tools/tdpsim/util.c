/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

int cli_fail(void)
{
	const tdpsim_error *e = tdpsim_error_last();

	fprintf(stderr, "tdpsim: %s\n", e ? e->message : "unknown error");
	if (!e)
		return EXIT_INTERNAL;
	switch (e->code) {
	case TDPSIM_EINTERNAL: /* a bug; out of memory (the budget or malloc) is the input's */
		return EXIT_INTERNAL;
	default:
		return EXIT_BAD_INPUT;
	}
}

int cli_fail_status(int status)
{
	const tdpsim_error *e = tdpsim_error_last();

	fprintf(stderr, "tdpsim: %s\n", e ? e->message : "unknown error");
	return status;
}

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("tdpsim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_BAD_INPUT;
}

int cli_policy_name_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!s[i] || !strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-+",
				     s[i]))
			return 0;
	return n > 0;
}

int cli_option_error(const char *cmd, int c, char **argv)
{
	const char *opt = argv[optind - 1];

	if (c == ':')
		return cli_usage_error("%s: %s needs a value (try --help)", cmd, opt);
	return cli_usage_error("%s: unknown option '%s' (try --help)", cmd, opt);
}

/* A count with an optional K, M, G or T (also KB/KiB, ...: powers of 1024), or `none` (0). */
static int parse_budget_value(const char *s, uint64_t *v)
{
	unsigned long long n;
	unsigned shift = 0;
	char *end;

	if (strcmp(s, "none") == 0) {
		*v = 0;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; break;
	case 'm': case 'M': shift = 20; break;
	case 'g': case 'G': shift = 30; break;
	case 't': case 'T': shift = 40; break;
	default: break;
	}
	if (shift && (strcmp(++end, "iB") == 0 || strcmp(end, "B") == 0))
		end += strlen(end);
	if (*end || n == 0 || n > (UINT64_MAX >> shift))
		return -1;
	*v = (uint64_t)n << shift;
	return 0;
}

int cli_budget_option(struct cli_budget *b, const char *cmd, int opt, const char *arg)
{
	int memory = opt == CLI_OPT_MAX_MEMORY;
	uint64_t v;

	if (parse_budget_value(arg, &v) < 0)
		return cli_usage_error("%s: %s takes a positive number with K, M, G or T, or 'none'; "
				       "got '%s'", cmd, memory ? "--max-memory" : "--max-work", arg);
	if (memory) {
		b->max_memory = v;
		b->memory_given = 1;
		b->memory_arg = arg;
	} else {
		b->max_work = v;
		b->work_given = 1;
		b->work_arg = arg;
	}
	return 0;
}

void cli_budget_fill(const struct cli_budget *b, unsigned jobs, tdpsim_options *o)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
	uint64_t ram = pages > 0 && size > 0 ? (uint64_t)pages * (uint64_t)size : 0;

	o->max_memory = b->memory_given ? b->max_memory : ram / 2 / (jobs ? jobs : 1);
	o->max_work = b->work_given ? b->max_work : CLI_BUDGET_DEFAULT_WORK;
}

int cli_parse_jobs(const char *cmd, const char *s, unsigned *jobs)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *end || v == 0 || v > 1024)
		return cli_usage_error("%s: -j takes a number of processes, 1 to 1024, got '%s'",
				       cmd, s);
	*jobs = (unsigned)v;
	return 0;
}

int outfile_open(struct outfile *o, const char *path)
{
	memset(o, 0, sizeof(*o));
	if (!path || strcmp(path, "-") == 0) {
		o->f = stdout;
		return 0;
	}
	if (tdpsim_output_open(&o->out, path) < 0)
		return cli_fail_status(EXIT_BAD_INPUT);
	o->f = fdopen(tdpsim_output_fd(o->out), "w");
	if (!o->f) {
		close(tdpsim_output_fd(o->out));
		tdpsim_output_discard(o->out);
		o->out = NULL;
		return cli_usage_error("%s: out of memory", path);
	}
	return 0;
}

int outfile_commit(struct outfile *o)
{
	int bad;

	if (!o->out)
		return fflush(stdout) == 0 ? 0 : cli_usage_error("writing standard output failed: %s",
								strerror(errno));
	bad = ferror(o->f) | (fclose(o->f) != 0);
	o->f = NULL;
	if (bad) {
		int rc = cli_usage_error("%s: cannot write: %s", tdpsim_output_path(o->out),
					 strerror(errno));

		tdpsim_output_discard(o->out);
		o->out = NULL;
		return rc;
	}
	bad = tdpsim_output_commit(o->out) < 0;
	o->out = NULL;
	return bad ? cli_fail_status(EXIT_BAD_INPUT) : 0;
}

void outfile_abort(struct outfile *o)
{
	if (!o->out)
		return;
	if (o->f)
		fclose(o->f);
	tdpsim_output_discard(o->out);
	memset(o, 0, sizeof(*o));
}

int outfile_is_input(const char *out, const char *in)
{
	struct stat a, b;

	return out && in && strcmp(out, "-") != 0 && strcmp(in, "-") != 0 && stat(out, &a) == 0 &&
	       stat(in, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* SIGINT, SIGTERM, SIGHUP: the outputs' temporaries go, then the signal does what it does. */
static void on_signal(int sig)
{
	tdpsim_output_remove_temporaries();
	signal(sig, SIG_DFL);
	raise(sig);
}

void cli_remove_temporaries_on_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction sa, old;

		/* A signal ignored from the start (nohup, a shell's background job) stays so. */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(sigs[i], &sa, NULL);
	}
}

double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

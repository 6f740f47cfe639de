/* SPDX-License-Identifier: MIT */
#include <errno.h>
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
	case TDPSIM_ENOMEM:
	case TDPSIM_EINTERNAL:
		return EXIT_INTERNAL;
	default:
		return EXIT_BAD_INPUT;
	}
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

int outfile_open(struct outfile *o, const char *path)
{
	int fd;

	memset(o, 0, sizeof(*o));
	if (!path || strcmp(path, "-") == 0) {
		o->f = stdout;
		return 0;
	}
	o->path = strdup(path);
	o->tmp = malloc(strlen(path) + 16);
	if (!o->path || !o->tmp)
		return cli_usage_error("out of memory");
	sprintf(o->tmp, "%s.tmp.XXXXXX", path);
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		int e = errno;

		free(o->path);
		free(o->tmp);
		o->path = o->tmp = NULL;
		return cli_usage_error("%s: cannot create: %s", path, strerror(e));
	}
	fchmod(fd, 0644);
	o->f = fdopen(fd, "w");
	return 0;
}

int outfile_commit(struct outfile *o)
{
	int bad;

	if (!o->path)
		return fflush(stdout) == 0 ? 0 : cli_usage_error("writing standard output failed");
	bad = ferror(o->f) | (fclose(o->f) != 0);
	o->f = NULL;
	if (bad || rename(o->tmp, o->path) != 0) {
		int e = errno;

		unlink(o->tmp);
		fprintf(stderr, "tdpsim: %s: cannot write: %s\n", o->path, strerror(e));
		free(o->path);
		free(o->tmp);
		return EXIT_INTERNAL;
	}
	free(o->path);
	free(o->tmp);
	return 0;
}

void outfile_abort(struct outfile *o)
{
	if (!o->path)
		return;
	if (o->f)
		fclose(o->f);
	unlink(o->tmp);
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
}

double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

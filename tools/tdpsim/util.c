/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <limits.h>
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
	struct stat st;
	char *target = NULL;
	int fd;

	memset(o, 0, sizeof(*o));
	if (!path || strcmp(path, "-") == 0) {
		o->f = stdout;
		return 0;
	}
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return cli_usage_error("%s: is a folder, not a file to write", path);
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) { /* a device or a FIFO */
		o->f = fopen(path, "w");
		if (!o->f)
			return cli_usage_error("%s: cannot open for writing: %s", path,
					       strerror(errno));
		o->path = strdup(path);
		return o->path ? 0 : cli_usage_error("out of memory");
	}
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		if (!(target = realpath(path, NULL)))
			return cli_usage_error("%s: a symlink to nothing (%s)", path, strerror(errno));
		path = target;
	}
	o->path = strdup(path);
	o->tmp = malloc(strlen(path) + 16);
	free(target);
	if (!o->path || !o->tmp)
		return cli_usage_error("out of memory");
	sprintf(o->tmp, "%s.tmp.XXXXXX", o->path);
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		int e = errno;
		int rc = cli_usage_error("%s: cannot create: %s", o->path, strerror(e));

		free(o->path);
		free(o->tmp);
		o->path = o->tmp = NULL;
		return rc;
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
	if (bad || (o->tmp && rename(o->tmp, o->path) != 0)) {
		int e = errno;

		if (o->tmp)
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
	if (o->tmp)
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

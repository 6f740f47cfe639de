/* SPDX-License-Identifier: MIT */
/*
 * What the benchmark programs share: clocks, peak memory, number formatting, command-line numbers, and dying
 * cleanly (removing the program's scratch files) on an error or an interrupt.  A program
 * defines BENCH_NAME and a `static void cleanup_files(void)` before including this.
 */
#ifndef TDPSIM_BENCH_UTIL_H
#define TDPSIM_BENCH_UTIL_H

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "tdpsim/tdpsim.h"

#define KiB (1ull << 10)
#define MiB (1ull << 20)
#define GiB (1ull << 30)

static void cleanup_files(void);

static volatile sig_atomic_t interrupted;

static inline void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline long maxrss_kib(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

/* A number on the command line (decimal, no sign).  A bad one is a usage error: exit 2,
 * before any scratch file exists. */
static inline uint64_t parse_u64(const char *opt, const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-') {
		fprintf(stderr, BENCH_NAME ": %s wants a number, got '%s'\n", opt, s);
		exit(2);
	}
	return v;
}

/* --runs: how many times to repeat a measurement and keep the best, 1 to 1000. */
static inline unsigned parse_runs(const char *s)
{
	uint64_t r = parse_u64("--runs", s);

	if (r < 1 || r > 1000) {
		fprintf(stderr, BENCH_NAME ": --runs must be 1..1000\n");
		exit(2);
	}
	return (unsigned)r;
}

static inline void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static inline void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, BENCH_NAME ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	cleanup_files();
	exit(1);
}

static inline void die_tdpsim(const char *what) __attribute__((noreturn));

static inline void die_tdpsim(const char *what)
{
	const tdpsim_error *e = tdpsim_error_last();

	die("%s: %s", what, e ? e->message : "unknown error");
}

/* After a SIGINT/SIGTERM: remove the scratch files and stop. */
static inline void check_interrupted(void)
{
	if (interrupted) {
		fflush(stdout);
		fprintf(stderr, BENCH_NAME ": interrupted\n");
		cleanup_files();
		exit(130);
	}
}

/* 1234567 -> "1,234,567" */
/* xorshift64*: deterministic pseudo-random numbers for generated traces. */
static inline uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

static inline const char *commas(uint64_t v, char *buf, size_t n)
{
	char tmp[32];
	int len = snprintf(tmp, sizeof(tmp), "%" PRIu64, v), o = 0;

	for (int i = 0; i < len && (size_t)o + 2 < n; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
	return buf;
}

/* Events the benchmarks build by hand: a memslot, and a populated backing. */
static inline tdpsim_event ev_memslot(uint32_t slot, uint64_t gpa, uint64_t size, uint64_t hva)
{
	tdpsim_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_MEMSLOT;
	ev.u.memslot.slot = slot;
	ev.u.memslot.gpa = gpa;
	ev.u.memslot.size = size;
	ev.u.memslot.hva = hva;
	return ev;
}

static inline tdpsim_event ev_backing(uint64_t hva, uint64_t size, uint32_t kind)
{
	tdpsim_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_BACKING;
	ev.u.backing.hva = hva;
	ev.u.backing.size = size;
	ev.u.backing.kind = kind;
	ev.u.backing.populate = 1;
	return ev;
}

#endif

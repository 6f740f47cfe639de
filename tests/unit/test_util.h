/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the unit tests: scratch files, line edits and a seeded generator. */
#ifndef TDPSIM_TEST_UTIL_H
#define TDPSIM_TEST_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A fresh scratch directory under $TMPDIR (or /tmp); the path is static storage. */
static inline const char *scratch_dir(void)
{
	static char dir[256];
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/tdpsim-test-XXXXXX", tmp ? tmp : "/tmp");
	return mkdtemp(dir);
}

/* Write `text` to dir/name and return the path (static storage, one at a time). */
static inline const char *write_file(const char *dir, const char *name, const char *text)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return NULL;
	fputs(text, f);
	fclose(f);
	return path;
}

/* `text` with line `line` (1-based) replaced by `with` (which may hold several lines or
 * none).  Two buffers in turn, so a result can be edited again. */
static inline const char *replace_line(const char *text, int line, const char *with)
{
	static char bufs[2][8192];
	static int turn;
	char *out = bufs[turn ^= 1];
	const char *s = text;
	size_t o = 0;

	for (int l = 1; *s; l++) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s + 1) : strlen(s);

		if (l == line)
			o += (size_t)snprintf(out + o, sizeof(bufs[0]) - o, "%s", with);
		else
			o += (size_t)snprintf(out + o, sizeof(bufs[0]) - o, "%.*s", (int)len, s);
		s += len;
	}
	out[o] = '\0';
	return out;
}

/* xorshift64*: deterministic pseudo-random numbers for generated traces. */
static inline uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

#ifdef TDPSIM_HOST_HOST_H
/* host_backing_add with a `backing kind=` (TDPSIM_BACKING_*), as the trace command gives it. */
static inline int host_backing_add_kind(struct host_mm *mm, uint64_t hva, uint64_t size,
					uint32_t kind, int populate)
{
	struct host_vma vma;
	int rc = host_backing_resolve(kind, 0, 0, 0, 0, 0, &vma);

	return rc ? rc : host_backing_add(mm, hva, size, &vma, populate);
}
#endif

#endif

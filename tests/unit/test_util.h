/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the unit tests: scratch files and a seeded generator. */
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

/* xorshift64*: deterministic pseudo-random numbers for generated traces. */
static inline uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

#endif

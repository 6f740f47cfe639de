/* SPDX-License-Identifier: MIT */
/*
 * What the fuzz harnesses share.  Each harness is one LLVMFuzzerTestOneInput; built with
 * clang -fsanitize=fuzzer it is a libFuzzer (or, through afl-clang-fast, an AFL++) target,
 * built without it (standalone.c) it replays its seed corpus and its regressions once - the
 * same code in every build of the suite, sanitizers included.
 */
#ifndef TDPSIM_FUZZ_H
#define TDPSIM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as an anonymous file (the library reads files): its descriptor, or -1. */
static inline int fuzz_memfd(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-input", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return -1;
	}
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/* The input as a NUL-terminated string (parsers of text take one); free() it. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

#endif

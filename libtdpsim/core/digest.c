/* SPDX-License-Identifier: MIT */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/digest.h"

#define FNV64_PRIME 0x100000001b3ull

uint64_t digest_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= FNV64_PRIME;
	}
	return h;
}

uint64_t digest_str(uint64_t h, const char *s)
{
	return digest_bytes(h, s, strlen(s));
}

uint64_t digest_kv_u64(uint64_t h, const char *name, uint64_t value)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRIu64, value);
	return digest_kv_str(h, name, num);
}

uint64_t digest_kv_str(uint64_t h, const char *name, const char *value)
{
	h = digest_str(h, name);
	h = digest_bytes(h, "=", 1);
	h = digest_str(h, value);
	return digest_bytes(h, "\n", 1);
}

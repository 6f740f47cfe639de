/* SPDX-License-Identifier: MIT */
/* Internal: numbers as traces and settings write them: decimal or 0x hex, K/M/G/T suffixes. */
#ifndef TDPSIM_CORE_NUM_H
#define TDPSIM_CORE_NUM_H

#include <stddef.h>
#include <stdint.h>

enum { NUM_OK = 0, NUM_BAD = -1, NUM_OVERFLOW = -2 };

/* Parse s[0..len).  With `suffix`, a trailing K, M, G or T (either case) multiplies by
 * 2^10, 2^20, 2^30 or 2^40.  Returns NUM_OK, NUM_BAD or NUM_OVERFLOW. */
int num_parse_u64(const char *s, size_t len, int suffix, uint64_t *out);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Internal: the 64-bit outcome digest.  FNV-1a 64 over a canonical text (docs/digest.md), so
 * that anyone can recompute it from the JSON output with a few lines of any language.
 */
#ifndef TDPSIM_CORE_DIGEST_H
#define TDPSIM_CORE_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define DIGEST_INIT 0xcbf29ce484222325ull

uint64_t digest_bytes(uint64_t h, const void *p, size_t n);
uint64_t digest_str(uint64_t h, const char *s);
/* "name=value\n" with value in decimal. */
uint64_t digest_kv_u64(uint64_t h, const char *name, uint64_t value);
uint64_t digest_kv_str(uint64_t h, const char *name, const char *value);

#endif

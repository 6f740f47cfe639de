/* SPDX-License-Identifier: MIT */
/*
 * Internal: the binary encoding's pieces.  Unsigned LEB128 varints; addresses as zigzag
 * deltas from the previous address of the same class (gva, gpa, hva), so a sweep at a 4K
 * stride costs two bytes of address.
 */
#ifndef TDPSIM_TRACE_BINARY_H
#define TDPSIM_TRACE_BINARY_H

#include <stddef.h>
#include <stdint.h>

#define VARINT_MAX 10        /* bytes in the longest 64-bit varint */
#define RECORD_FIXED_MAX 128 /* a record's bytes other than its strings are fewer than this */

/* Tags: 0 ends the stream, 1..TDPSIM_CMD__COUNT-1 are generic records, and a set high bit is
 * a compact access: 1vvvvcoo (v: vcpu 0..15, c: cpl 0, o: op). */
#define TAG_END 0x00
#define TAG_COMPACT 0x80
#define COMPACT_VCPU_MAX 15

static inline uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* Write v at p; returns bytes written (1..10). */
static inline size_t varint_put(unsigned char *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (unsigned char)v;
	return n;
}

/* Read a varint from p[*i .. end); returns 0, or -1 if truncated, -2 if over 64 bits. */
static inline int varint_get(const unsigned char *p, size_t *i, size_t end, uint64_t *out)
{
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 70; shift += 7) {
		unsigned char b;

		if (*i >= end)
			return -1;
		b = p[(*i)++];
		if (shift == 63 && b > 1)
			return -2;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*out = v;
			return 0;
		}
	}
	return -2;
}

#endif

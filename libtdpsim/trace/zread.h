/* SPDX-License-Identifier: MIT */
/*
 * Internal: the bytes of a trace file, plain or gzip, member by member.
 *
 * zlib's gzread() would do, but it stops quietly at bytes after a member that are not another
 * member (trailing garbage reads as the end of the trace), and its errors do not say which
 * member they belong to.  So the reader inflates itself: every member's CRC-32 and length are
 * checked by inflate() at the member's end, and what follows a member is either another member
 * or an error naming where it starts.
 */
#ifndef TDPSIM_TRACE_ZREAD_H
#define TDPSIM_TRACE_ZREAD_H

#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

struct zread {
	int fd;
	int gzip;             /* the file starts with gzip's magic: inflate it */
	int fd_eof;           /* read() returned 0 */
	int member_end;       /* inflate() finished a member; what follows decides */
	z_stream zs;
	int zs_live;          /* inflateInit2 succeeded */
	unsigned char *in;    /* bytes read from fd, not yet inflated (or passed on) */
	size_t in_cap;
	size_t in_pos, in_end; /* plain files: in[in_pos..in_end) still to pass on */
	uint64_t fd_read;     /* bytes read from fd so far */
	unsigned member;      /* 1-based number of the member being inflated */
	uint64_t member_off;  /* file offset of that member's first byte */
	char msg[256];        /* the last error, without the file's name */
};

/* Start reading fd (which zread_close closes): reads the first bytes to tell gzip from plain.
 * 0, or a negative TDPSIM_E* with z->msg set. */
int zread_open(struct zread *z, int fd, size_t in_cap);

/* Up to len decompressed bytes into buf: the count, 0 at the end of the last member, or a
 * negative TDPSIM_E* (TDPSIM_EPARSE for damaged gzip data, TDPSIM_EIO for read errors) with
 * z->msg saying what and where in the file. */
int64_t zread_read(struct zread *z, unsigned char *buf, size_t len);

/* Bytes of the file consumed so far (the compressed position for gzip). */
uint64_t zread_offset(const struct zread *z);

void zread_close(struct zread *z);

#endif

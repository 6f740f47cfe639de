/* SPDX-License-Identifier: MIT */
/*
 * The bytes of a trace file, plain or gzip (RFC 1952), member after member: see zread.h for
 * why this is not gzread().  inflate() with a gzip wrapper (windowBits 16 + 15) parses one
 * member's header, inflates its data and checks its trailer (CRC-32 and ISIZE); between
 * members inflateReset() starts the next one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tdpsim/common.h"
#include "trace/zread.h"

#define GZIP_WINDOW_BITS (16 + MAX_WBITS) /* a gzip wrapper, not zlib's or raw deflate */

static int zread_fill(struct zread *z, unsigned char *at, size_t room, size_t *got)
{
	ssize_t n;

	do
		n = read(z->fd, at, room);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		snprintf(z->msg, sizeof(z->msg), "cannot read: %s", strerror(errno));
		return TDPSIM_EIO;
	}
	if (n == 0)
		z->fd_eof = 1;
	z->fd_read += (uint64_t)n;
	*got = (size_t)n;
	return 0;
}

/* Keep the unconsumed input at the front and read more behind it. */
static int zread_refill(struct zread *z)
{
	size_t got = 0;
	int rc;

	if (z->zs.avail_in && z->zs.next_in != z->in)
		memmove(z->in, z->zs.next_in, z->zs.avail_in);
	z->zs.next_in = z->in;
	rc = zread_fill(z, z->in + z->zs.avail_in, z->in_cap - z->zs.avail_in, &got);
	z->zs.avail_in += (uInt)got;
	return rc;
}

int zread_open(struct zread *z, int fd, size_t in_cap)
{
	size_t got = 0;
	int rc;

	memset(z, 0, sizeof(*z));
	z->fd = fd;
	z->in_cap = in_cap;
	z->in = malloc(in_cap);
	if (!z->in) {
		snprintf(z->msg, sizeof(z->msg), "out of memory opening the trace");
		return TDPSIM_ENOMEM;
	}
	/* Enough bytes to see the magic, even from a pipe that hands them over one by one. */
	while (z->in_end < 2 && !z->fd_eof) {
		rc = zread_fill(z, z->in + z->in_end, in_cap - z->in_end, &got);
		if (rc < 0)
			return rc;
		z->in_end += got;
	}
	z->gzip = z->in_end >= 2 && z->in[0] == 0x1f && z->in[1] == 0x8b;
	if (!z->gzip)
		return 0;
	if (inflateInit2(&z->zs, GZIP_WINDOW_BITS) != Z_OK) {
		snprintf(z->msg, sizeof(z->msg), "out of memory starting zlib");
		return TDPSIM_ENOMEM;
	}
	z->zs_live = 1;
	z->zs.next_in = z->in;
	z->zs.avail_in = (uInt)z->in_end;
	z->member = 1;
	return 0;
}

uint64_t zread_offset(const struct zread *z)
{
	if (z->gzip)
		return z->fd_read - z->zs.avail_in;
	return z->fd_read - (z->in_end - z->in_pos);
}

static int64_t zread_plain(struct zread *z, unsigned char *buf, size_t len)
{
	size_t got = 0;
	int rc;

	if (z->in_pos < z->in_end) { /* the bytes read to look for the magic, first */
		got = z->in_end - z->in_pos < len ? z->in_end - z->in_pos : len;
		memcpy(buf, z->in + z->in_pos, got);
		z->in_pos += got;
		return (int64_t)got;
	}
	if (z->fd_eof)
		return 0;
	rc = zread_fill(z, buf, len, &got);
	return rc < 0 ? rc : (int64_t)got;
}

static int zread_member_error(struct zread *z, const char *what)
{
	snprintf(z->msg, sizeof(z->msg), "gzip member %u (from byte %llu of the file): %s",
		 z->member, (unsigned long long)z->member_off, what);
	return TDPSIM_EPARSE;
}

/* After a member's trailer: the end of the file, or the next member's magic. */
static int zread_next_member(struct zread *z)
{
	int rc;

	while (z->zs.avail_in < 2 && !z->fd_eof)
		if ((rc = zread_refill(z)) < 0)
			return rc;
	if (z->zs.avail_in == 0)
		return 0; /* the end of the last member is the end of the trace */
	if (z->zs.avail_in < 2 || z->zs.next_in[0] != 0x1f || z->zs.next_in[1] != 0x8b) {
		snprintf(z->msg, sizeof(z->msg), "bytes after gzip member %u, from byte %llu of the "
			 "file, are not another gzip member (trailing data)", z->member,
			 (unsigned long long)zread_offset(z));
		return TDPSIM_EPARSE;
	}
	inflateReset(&z->zs);
	z->member++;
	z->member_off = zread_offset(z);
	z->member_end = 0;
	return 1;
}

static int64_t zread_gzip(struct zread *z, unsigned char *buf, size_t len)
{
	int rc;

	z->zs.next_out = buf;
	z->zs.avail_out = (uInt)len;
	while (z->zs.avail_out == len) { /* until something comes out */
		if (z->member_end) {
			rc = zread_next_member(z);
			if (rc <= 0)
				return rc;
		}
		if (z->zs.avail_in == 0 && !z->fd_eof && (rc = zread_refill(z)) < 0)
			return rc;
		rc = inflate(&z->zs, Z_NO_FLUSH);
		if (rc == Z_STREAM_END) {
			z->member_end = 1;
		} else if (rc == Z_DATA_ERROR) {
			/* zlib's words: "incorrect data check" (CRC-32), "incorrect length check"
			 * (ISIZE), "incorrect header check", "invalid block type", ... */
			return zread_member_error(z, z->zs.msg ? z->zs.msg : "damaged data");
		} else if (rc == Z_MEM_ERROR) {
			snprintf(z->msg, sizeof(z->msg), "out of memory inflating gzip data");
			return TDPSIM_ENOMEM;
		} else if (rc == Z_BUF_ERROR || (rc == Z_OK && z->zs.avail_in == 0 && z->fd_eof &&
						   z->zs.avail_out == len)) {
			if (z->zs.avail_in == 0 && z->fd_eof)
				return zread_member_error(z, "cut short (unexpected end of file)");
		} else if (rc != Z_OK) {
			return zread_member_error(z, z->zs.msg ? z->zs.msg : "inflate failed");
		}
	}
	return (int64_t)(len - z->zs.avail_out);
}

int64_t zread_read(struct zread *z, unsigned char *buf, size_t len)
{
	if (len > (uInt)-1)
		len = (uInt)-1;
	return z->gzip ? zread_gzip(z, buf, len) : zread_plain(z, buf, len);
}

void zread_close(struct zread *z)
{
	if (z->zs_live)
		inflateEnd(&z->zs);
	if (z->fd >= 0)
		close(z->fd);
	free(z->in);
	memset(z, 0, sizeof(*z));
	z->fd = -1;
}

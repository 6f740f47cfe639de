/* SPDX-License-Identifier: MIT */
/* Internal: the trace reader's state, shared by the text and binary decoders. */
#ifndef TDPSIM_TRACE_READER_H
#define TDPSIM_TRACE_READER_H

#include <stdint.h>
#include <zlib.h>

#include "trace/spec.h"

#define READ_CHUNK (1u << 20)   /* bytes asked of zlib at a time */
#define LINE_MAX_BYTES 65536    /* longest text line, without its line end */
#define SET_PAIRS_MAX 64        /* KEY=VALUE pairs on one `set` line */

/* The magic that opens a binary trace, followed by one version byte. */
#define BINARY_MAGIC "TDPB\r\n\x1a"
#define BINARY_MAGIC_LEN 7
#define FORMAT_VERSION 1

struct tdpsim_trace {
	gzFile gz;
	char *name;
	uint64_t file_size;       /* 0 when unknown */
	tdpsim_encoding enc;
	int compressed;
	int failed;               /* an error is sticky: later calls return it again */
	int done;

	/* input buffer over the decompressed stream */
	unsigned char *data;
	size_t cap, pos, end;
	int eof;
	uint64_t base;            /* stream offset of data[0] */

	/* text */
	uint64_t line;            /* number of the line last read */
	char *setbuf;             /* unescaped KEY=VALUE strings of the current `set` line */
	const char *set_key[SET_PAIRS_MAX], *set_val[SET_PAIRS_MAX];
	unsigned set_n, set_i;
	char *strbuf;             /* unescaped string values of the current line */

	/* binary */
	uint64_t last_addr[ADDR__COUNT];
	uint64_t records;
	uint64_t rec_off;         /* stream offset of the record being decoded */
	char *bstr[2];            /* string values of the current record */

	char where[512];
};

/* Make at least `need` bytes available from data[pos] unless the stream ends first.
 * Returns the bytes available (may be < need at the end), or a negative code. */
int64_t reader_fill_slow(struct tdpsim_trace *t, size_t need);

static inline int64_t reader_fill(struct tdpsim_trace *t, size_t need)
{
	if (t->end - t->pos >= need) /* nearly always: the buffer holds a megabyte */
		return (int64_t)(t->end - t->pos);
	return reader_fill_slow(t, need);
}

/* Fail with a message located at the current line (text) or record offset (binary). */
int reader_fail(struct tdpsim_trace *t, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

int text_header(struct tdpsim_trace *t);
int text_next(struct tdpsim_trace *t, tdpsim_event *ev);
int binary_header(struct tdpsim_trace *t);
int binary_next(struct tdpsim_trace *t, tdpsim_event *ev);

#endif

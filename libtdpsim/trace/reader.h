/* SPDX-License-Identifier: MIT */
/* Internal: the trace reader's state, shared by the text and binary decoders. */
#ifndef TDPSIM_TRACE_READER_H
#define TDPSIM_TRACE_READER_H

#include <stdint.h>

#include "trace/binary.h"
#include "trace/spec.h"
#include "trace/zread.h"

#define READ_CHUNK (1u << 20)   /* bytes read (and inflated) at a time */
#define LINE_MAX_BYTES 65536    /* longest text line, without its line end */
#define SET_PAIRS_MAX 64        /* KEY=VALUE pairs on one `set` line */

/* The magic that opens a binary trace, followed by one version byte. */
#define BINARY_MAGIC "TDPB\r\n\x1a"
#define BINARY_MAGIC_LEN 7

struct tdpsim_trace {
	struct zread z;
	char *name;
	uint64_t file_size;       /* 0 when unknown */
	tdpsim_encoding enc;
	int compressed;
	unsigned version;         /* the format version the header gave */
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

/* A single access as a compact binary record carries it (trace_next_access). */
struct trace_access {
	uint64_t gva;
	uint32_t vcpu, op, cpl;
};

/*
 * Decode the compact access record at data[*i] (its tag byte first) against the previous
 * gva: 0 with *a filled and *i past the record; -1 truncated, -2 a malformed varint, -3 not
 * a compact access with op 0..2.  Nothing else changes.  The one decoder of compact records:
 * binary_next uses it for every event, trace_next_access for replay's fast path.
 */
static inline int compact_access_decode(const unsigned char *data, size_t *i, size_t end,
					uint64_t last_gva, struct trace_access *a)
{
	size_t at = *i;
	unsigned tag = data[at++];
	uint64_t d;
	int rc;

	if (!(tag & TAG_COMPACT) || (tag & 3) == 3)
		return -3;
	rc = varint_get(data, &at, end, &d);
	if (rc < 0)
		return rc;
	a->vcpu = (tag >> 3) & COMPACT_VCPU_MAX;
	a->cpl = (tag & 4) ? 0 : 3;
	a->op = tag & 3;
	a->gva = last_gva + (uint64_t)unzigzag(d);
	*i = at;
	return 0;
}

/*
 * Replay's fast path: when the next record is a valid compact access with a whole record's
 * margin in the buffer, consume it as binary_next would (the same position, record count,
 * previous gva and record offset for error messages) and return 1 with *a filled.  Else
 * return 0 and change nothing: tdpsim_trace_next takes the record, and reports what is wrong
 * with it, if anything.
 */
static inline int trace_next_access(struct tdpsim_trace *t, struct trace_access *a)
{
	size_t i = t->pos;

	if (t->enc != TDPSIM_ENCODING_BINARY || t->failed || t->done ||
	    t->end - t->pos < RECORD_FIXED_MAX ||
	    compact_access_decode(t->data, &i, t->end, t->last_addr[ADDR_GVA], a) < 0 ||
	    !gva_is_canonical(a->gva))
		return 0;
	t->rec_off = t->base + t->pos;
	t->last_addr[ADDR_GVA] = a->gva;
	t->pos = i;
	t->records++;
	return 1;
}

/* Fail with a message located at the current line (text) or record offset (binary). */
int reader_fail(struct tdpsim_trace *t, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* What is wrong with a string value of a trace (a mark label, a set value), or NULL: one
 * rule for every encoding and the writer (FORMAT.md 1.1) - no control characters, and valid
 * UTF-8, so that every report (JSON included) can carry it as it is. */
const char *trace_string_problem(const char *s, size_t n);

int text_header(struct tdpsim_trace *t);
int text_next(struct tdpsim_trace *t, tdpsim_event *ev);
int binary_header(struct tdpsim_trace *t);
int binary_next(struct tdpsim_trace *t, tdpsim_event *ev);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Opening a trace: one buffered stream over zread (plain files, or gzip member by member),
 * encoding detection from the first bytes, and dispatch to the text or binary decoder.
 * Memory is fixed at open: the buffer never grows, so a trace of any length streams.
 */
#include <inttypes.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "trace/reader.h"

/* Formatted only when asked for: the hot path just keeps the line number or offset. */
static const char *reader_where(struct tdpsim_trace *t)
{
	if (t->enc == TDPSIM_ENCODING_TEXT)
		snprintf(t->where, sizeof(t->where), "%s:%llu", t->name,
			 (unsigned long long)(t->line ? t->line : 1));
	else
		snprintf(t->where, sizeof(t->where), "%s: byte %llu", t->name,
			 (unsigned long long)t->rec_off);
	return t->where;
}

int reader_fail(struct tdpsim_trace *t, int code, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	t->failed = code;
	return err_set(code, "%s: %s", reader_where(t), msg);
}

static int reader_io_error(struct tdpsim_trace *t, int code)
{
	t->failed = code;
	/* A damaged gzip stream is bad input (TDPSIM_EPARSE), not an I/O failure of this machine. */
	return err_set(code, "%s: byte %llu of the decompressed stream: %s", t->name,
		       (unsigned long long)(t->base + t->end), t->z.msg);
}

int64_t reader_fill_slow(struct tdpsim_trace *t, size_t need)
{
	while (t->end - t->pos < need && !t->eof) {
		int64_t n;

		if (t->pos > 0) { /* slide the unread tail to the front */
			memmove(t->data, t->data + t->pos, t->end - t->pos);
			t->base += t->pos;
			t->end -= t->pos;
			t->pos = 0;
		}
		n = zread_read(&t->z, t->data + t->end, t->cap - t->end);
		if (n < 0)
			return reader_io_error(t, (int)n);
		if (n == 0)
			t->eof = 1;
		t->end += (size_t)n;
	}
	return (int64_t)(t->end - t->pos);
}

static int reader_detect(struct tdpsim_trace *t)
{
	int64_t n = reader_fill(t, BINARY_MAGIC_LEN + 1);

	if (n < 0)
		return (int)n;
	t->compressed = t->z.gzip;
	if (n >= BINARY_MAGIC_LEN && memcmp(t->data, BINARY_MAGIC, BINARY_MAGIC_LEN) == 0) {
		t->enc = TDPSIM_ENCODING_BINARY;
		return binary_header(t);
	}
	/* The start of the binary magic and then the end: a binary trace cut in its header. */
	if (n >= 4 && n < BINARY_MAGIC_LEN + 1 && t->eof &&
	    memcmp(t->data, BINARY_MAGIC, (size_t)n) == 0)
		return reader_fail(t, TDPSIM_EPARSE, "a binary trace cut short in its header "
				   "(%" PRId64 " of its 8 bytes)", n);
	t->enc = TDPSIM_ENCODING_TEXT;
	return text_header(t);
}

static int reader_alloc(struct tdpsim_trace **out, const char *name)
{
	struct tdpsim_trace *t = calloc(1, sizeof(*t));

	if (!t)
		return err_set(TDPSIM_ENOMEM, "%s: out of memory opening the trace", name);
	t->z.fd = -1; /* no file yet: zread_close must not close descriptor 0 */
	t->cap = READ_CHUNK + LINE_MAX_BYTES + 2; /* room for the longest line and its \r\n */
	t->data = malloc(t->cap);
	t->name = strdup(name);
	t->setbuf = malloc(LINE_MAX_BYTES + SET_PAIRS_MAX * 2);
	t->strbuf = malloc(LINE_MAX_BYTES + 2);
	t->bstr[0] = malloc(STR_MAX + 1);
	t->bstr[1] = malloc(STR_MAX + 1);
	if (!t->data || !t->name || !t->setbuf || !t->strbuf || !t->bstr[0] || !t->bstr[1]) {
		tdpsim_trace_free(t);
		return err_set(TDPSIM_ENOMEM, "%s: out of memory opening the trace", name);
	}
	*out = t;
	return 0;
}

int tdpsim_trace_open_fd(tdpsim_trace **out, int fd, const char *name)
{
	struct tdpsim_trace *t = NULL;
	struct stat st;
	int rc;

	if (!out || fd < 0)
		return err_set(TDPSIM_EINVAL, "tdpsim_trace_open_fd: bad argument");
	*out = NULL;
	if (!name)
		name = "(trace)";
	rc = reader_alloc(&t, name);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		t->file_size = (uint64_t)st.st_size;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		tdpsim_trace_free(t);
		return err_set(TDPSIM_EIO, "%s: is a directory", name);
	}
	rc = zread_open(&t->z, fd, READ_CHUNK);
	if (rc < 0) {
		rc = err_set(rc, "%s: %s", name, t->z.msg);
		tdpsim_trace_free(t);
		return rc;
	}
	rc = reader_detect(t);
	if (rc < 0) {
		tdpsim_trace_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

int tdpsim_trace_open(tdpsim_trace **out, const char *path)
{
	int fd;

	if (!out || !path)
		return err_set(TDPSIM_EINVAL, "tdpsim_trace_open: bad argument");
	*out = NULL;
	if (strcmp(path, "-") == 0)
		return tdpsim_trace_open_fd(out, dup(0), "(stdin)");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(TDPSIM_EIO, "%s: cannot open: %s", path, strerror(errno));
	return tdpsim_trace_open_fd(out, fd, path);
}

int tdpsim_trace_next(tdpsim_trace *t, tdpsim_event *ev)
{
	if (!t || !ev)
		return err_set(TDPSIM_EINVAL, "tdpsim_trace_next: bad argument");
	if (t->failed)
		return err_set(t->failed, "%s: the trace already failed to decode", reader_where(t));
	if (t->done)
		return 0;
	return t->enc == TDPSIM_ENCODING_TEXT ? text_next(t, ev) : binary_next(t, ev);
}

const char *tdpsim_trace_where(const tdpsim_trace *t)
{
	/* The buffer is scratch space, not state: formatting it changes nothing observable. */
	return t ? reader_where((struct tdpsim_trace *)t) : "";
}

tdpsim_encoding tdpsim_trace_encoding(const tdpsim_trace *t)
{
	return t->enc;
}

int tdpsim_trace_compressed(const tdpsim_trace *t)
{
	return t->compressed;
}

unsigned int tdpsim_trace_version(const tdpsim_trace *t)
{
	return t->version;
}

uint64_t tdpsim_trace_bytes_read(const tdpsim_trace *t)
{
	if (!t->compressed)
		return t->base + t->pos;
	return zread_offset(&t->z); /* position in the compressed file */
}

uint64_t tdpsim_trace_size(const tdpsim_trace *t)
{
	return t->file_size;
}

void tdpsim_trace_free(tdpsim_trace *t)
{
	if (!t)
		return;
	zread_close(&t->z);
	free(t->data);
	free(t->name);
	free(t->setbuf);
	free(t->strbuf);
	free(t->bstr[0]);
	free(t->bstr[1]);
	free(t);
}

/* The length of the UTF-8 sequence at s (at most n bytes), or 0 if it is not one: no
 * overlong forms, no surrogates, nothing above U+10FFFF (RFC 3629). */
static size_t utf8_sequence(const unsigned char *s, size_t n)
{
	size_t len = s[0] < 0x80 ? 1 : s[0] >= 0xc2 && s[0] <= 0xdf ? 2 :
		     s[0] >= 0xe0 && s[0] <= 0xef ? 3 : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;

	if (len == 0 || len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
		return 0;
	return len;
}

const char *trace_string_problem(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		size_t len;

		if (u[i] < 0x20 || u[i] == 0x7f)
			return "a control character";
		if (!(len = utf8_sequence(u + i, n - i)))
			return "bytes that are not UTF-8";
		i += len;
	}
	return NULL;
}
